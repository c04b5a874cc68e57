// Runs the bootstrap replications on worker threads.
//
// Workers do not inherit a TypeScript loader, and on Node 20 `--import tsx` in a worker's execArgv is not
// honoured. Registering tsx inside each worker works but costs ~0.3–1 s per worker (it compiles every
// module again), more than the whole bootstrap of a typical panel. So the worker module is bundled once
// per process with esbuild into plain JavaScript and started with `eval`; if bundling is unavailable the
// worker registers tsx itself. Both work under tsx, vitest and plain node.

import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type BootstrapSpec, runReplications } from './bootstrap.ts';

const requireHere = createRequire(import.meta.url);
// compiled (dist/): the worker is plain JavaScript beside this module and starts as it is
const compiled = import.meta.url.endsWith('.js');
const workerModule = new URL(compiled ? './bootstrap-worker.js' : './bootstrap-worker.ts', import.meta.url);

let bundledSource: string | null | undefined;

/** The worker as one CommonJS script (null when esbuild cannot be used). */
function bundledWorker(): string | null {
  if (bundledSource !== undefined) return bundledSource;
  try {
    const esbuild = requireHere('esbuild') as typeof import('esbuild');
    const out = esbuild.buildSync({
      entryPoints: [fileURLToPath(workerModule)],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    bundledSource = out.outputFiles[0].text;
  } catch {
    bundledSource = null;
  }
  return bundledSource;
}

function tsxWorkerScript(): string {
  // the package's "import" entry sits beside its "require" entry
  const tsxApi = pathToFileURL(requireHere.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(workerModule.href)}); });`;
}

export type WorkerLoader = 'bundle' | 'tsx';

function spawnWorker(spec: BootstrapSpec, ranges: Array<[number, number]>, loader: WorkerLoader): Promise<Float64Array[]> {
  const script = compiled ? null : (loader === 'bundle' ? bundledWorker() : null) ?? tsxWorkerScript();
  return new Promise((resolve, reject) => {
    const worker = script === null
      ? new Worker(workerModule, { workerData: { spec, ranges } })
      : new Worker(script, { eval: true, workerData: { spec, ranges } });
    worker.once('message', (result: Float64Array[]) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`bootstrap worker exited with code ${code}`));
    });
  });
}

/**
 * Default thread count. A worker costs ~0.1 s to start plus JIT warm-up in its own isolate (and the bundle
 * ~0.15 s once per process), while one replication-row costs ~40 ns here; so below ~2.5e7 replication-rows
 * (about a second of work: e.g. 3×300 replications on Hansen's 7,910 rows) one thread is as fast.
 */
export function defaultThreads(spec: BootstrapSpec): number {
  const reps = spec.tests.reduce((s, t) => s + t.reps * t.k, 0);
  const work = reps * spec.panel.units * spec.panel.periods;
  if (work < 2.5e7) return 1;
  return Math.max(1, Math.min(availableParallelism(), 8));
}

/** All replications of all tests, split into contiguous blocks over `threads` workers (1 = in this thread). */
export async function runBootstrap(spec: BootstrapSpec, threads: number, loader: WorkerLoader = 'bundle'): Promise<Float64Array[]> {
  if (threads <= 1) return runReplications(spec, spec.tests.map((t) => [0, t.reps] as [number, number]));
  const chunks: Array<Array<[number, number]>> = [];
  for (let w = 0; w < threads; w++) {
    chunks.push(
      spec.tests.map((t) => {
        const per = Math.ceil(t.reps / threads);
        return [Math.min(t.reps, w * per), Math.min(t.reps, (w + 1) * per)] as [number, number];
      }),
    );
  }
  const parts = await Promise.all(chunks.map((ranges) => spawnWorker(spec, ranges, loader)));
  return spec.tests.map((t, i) => {
    const all = new Float64Array(t.reps);
    for (let w = 0; w < threads; w++) all.set(parts[w][i], chunks[w][i][0]);
    return all;
  });
}
