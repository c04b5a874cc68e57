// The warehouse of the bundled sample, built once per machine state and shared by the test files that need
// it: the build is incremental, so a second caller (or a later test run with unchanged raw files and code)
// finds every stage unchanged. Concurrent callers wait for the lock holder.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runPipeline, type RunRecord } from '../../pipelines/runner/run.ts';

export const SAMPLE_RAW = resolve(import.meta.dirname, '..', '..', 'raw');
export const SAMPLE_OUT = join(tmpdir(), 'ai-innovation-sample-warehouse');

export async function sampleWarehouse(): Promise<{ outDir: string; run: RunRecord }> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      const run = await runPipeline({ rawDir: SAMPLE_RAW, outDir: SAMPLE_OUT, log: () => {} });
      return { outDir: SAMPLE_OUT, run };
    } catch (e) {
      if ((e as Error).name !== 'LockError' || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
