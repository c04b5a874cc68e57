// `npm run bench:pipeline`: the bundled sample from raw spreadsheets to the warehouse.
//   full       — every stage, from an empty warehouse folder (best of 3)
//   no change  — the same raw files again (every stage skipped by fingerprint)
//   new file   — the next yearbook edition (2024, data year 2023) dropped into a copy of raw/ (best of 3)
// Times are measured inside the process (tsx start-up excluded) and printed with the load average.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { writeSample } from '../generator/generate.ts';
import { PROJECT_ROOT } from '../pipelines/core/paths.ts';
import { runPipeline, type RunRecord } from '../pipelines/runner/run.ts';

const RAW = join(PROJECT_ROOT, 'raw');
const quiet = () => {};

async function timed(f: () => Promise<RunRecord>): Promise<{ seconds: number; run: RunRecord }> {
  const t0 = performance.now();
  const run = await f();
  return { seconds: (performance.now() - t0) / 1000, run };
}

const perStage = (run: RunRecord) => run.stages.map((s) => `${s.stage} ${s.status === 'ran' ? s.seconds.toFixed(2) + ' s' : s.status}`).join(', ');

console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
console.log(`date: ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const fulls: Array<{ seconds: number; run: RunRecord }> = [];
let out = '';
for (let i = 0; i < 3; i++) {
  out = mkdtempSync(join(tmpdir(), 'bench-wh-'));
  fulls.push(await timed(() => runPipeline({ rawDir: RAW, outDir: out, log: quiet })));
  if (i < 2) rmSync(out, { recursive: true, force: true });
}
const best = fulls.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
console.log(`full build: best ${best.seconds.toFixed(2)} s of ${fulls.map((f) => f.seconds.toFixed(2)).join(', ')} (${perStage(best.run)})`);

const same = await timed(() => runPipeline({ rawDir: RAW, outDir: out, log: quiet }));
console.log(`no-change rebuild: ${same.seconds.toFixed(3)} s (${perStage(same.run)})`);

// one new file: a copy of raw/ built once, then the 2024 edition of the yearbook added (best of 3, each from its
// own copy, as the full build)
const next = mkdtempSync(join(tmpdir(), 'bench-next-'));
writeSample({ out: next, nextEdition: true });
const newFile = readdirSync(join(next, 'yearbook')).find((f) => f.includes('2024'))!;
const adds: Array<{ seconds: number; run: RunRecord }> = [];
for (let i = 0; i < 3; i++) {
  const raw2 = mkdtempSync(join(tmpdir(), 'bench-raw-'));
  cpSync(RAW, raw2, { recursive: true });
  const out2 = mkdtempSync(join(tmpdir(), 'bench-wh2-'));
  await runPipeline({ rawDir: raw2, outDir: out2, log: quiet });
  cpSync(join(next, 'yearbook', newFile), join(raw2, 'yearbook', newFile));
  adds.push(await timed(() => runPipeline({ rawDir: raw2, outDir: out2, log: quiet })));
  for (const d of [raw2, out2]) rmSync(d, { recursive: true, force: true });
}
const added = adds.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
console.log(`one new file (${newFile}): best ${added.seconds.toFixed(2)} s of ${adds.map((a) => a.seconds.toFixed(2)).join(', ')} = ${((100 * added.seconds) / best.seconds).toFixed(0)}% of a full build (${perStage(added.run)})`);

for (const d of [out, next]) rmSync(d, { recursive: true, force: true });
