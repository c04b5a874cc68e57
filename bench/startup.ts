// `npm run bench:startup`: how long a command takes as a process, start-up included — what a user waits for.
//   cli fe --help            the engine's CLI doing nothing but print its help
//   pipeline, no change      a whole `npm run pipeline` process on a warehouse that is up to date
// Each is run 7 times after a warm-up (compiled JavaScript from dist/, as the npm scripts run it; and the
// TypeScript sources through tsx, as every command ran before the build step); the median wall time is printed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../pipelines/core/paths.ts';

const RUNS = 7;
const out = mkdtempSync(join(tmpdir(), 'bench-startup-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

function bench(label: string, args: string[]): void {
  time(args);
  const ts = Array.from({ length: RUNS }, () => time(args));
  console.log(`${label.padEnd(44)} median ${median(ts).toFixed(3)} s  (min ${Math.min(...ts).toFixed(3)}, max ${Math.max(...ts).toFixed(3)})`);
}

console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
console.log(`date: ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const dist = (f: string) => join(PROJECT_ROOT, 'dist', f);
const tsx = (f: string) => ['--import', 'tsx', join(PROJECT_ROOT, f)];
try {
  bench('cli fe --help (dist, goal ≤ 0.3 s)', [dist('cli/engine.js'), 'fe', '--help']);
  bench('cli fe --help (sources through tsx)', [...tsx('cli/engine.ts'), 'fe', '--help']);
  time([dist('cli/pipeline.js'), '--out', out]); // the build the no-change runs find
  bench('pipeline, no change (dist, goal ≤ 0.5 s)', [dist('cli/pipeline.js'), '--out', out]);
  bench('pipeline, no change (sources through tsx)', [...tsx('cli/pipeline.ts'), '--out', out]);
} finally {
  rmSync(out, { recursive: true, force: true });
}
