// A run killed at any moment leaves the previous warehouse readable and unchanged; the next run recovers
// (stale lock, temporary folder, half-written cache, a committed swap); two runs cannot build the same folder.
// Kills are deterministic: the run dies at a named point (PIPELINE_FAULT, pipelines/runner/faults.ts), never
// after a delay, so every case runs the same way on a fast or a slow machine and each test stands alone.
// The killed runs build a different raw folder (the sample plus the 2024 edition) than the warehouse they would
// replace, so a partial swap would show in the file hashes and in the panel.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSample } from '../../../generator/generate.ts';
import { runPipeline } from '../../../pipelines/runner/run.ts';
import { FAULT_POINTS } from '../../../pipelines/runner/faults.ts';
import {
  copySampleRaw, newOutDir, panelHash, parquetPanelHash, runCli, startCli, SWAPPED_FILES, waitForOutput, warehouseFiles,
} from '../../helpers/rebuild.ts';

let rawA: string;
let rawB: string;
let out: string;
let before: Record<string, string | null>;
let panelA: { hash: string; rows: number };

beforeAll(async () => {
  rawA = copySampleRaw('atomic');
  rawB = copySampleRaw('atomic-next');
  writeSample({ out: rawB, nextEdition: true });
  out = newOutDir('atomic');
  await runPipeline({ rawDir: rawA, outDir: out, log: () => {} });
  before = warehouseFiles(out);
  panelA = await panelHash(out);
  expect(panelA.rows).toBe(3252);
});

/** A fresh build of rawB in its own folder, made once for the tests that compare with it (only ever read). */
let builtB: string | undefined;
async function freshB(): Promise<string> {
  if (!builtB) {
    const dir = newOutDir('atomic-fresh');
    await runPipeline({ rawDir: rawB, outDir: dir, log: () => {} });
    builtB = dir;
  }
  return builtB;
}

afterAll(() => {
  for (const d of [rawA, rawB, out, builtB]) if (d) rmSync(d, { recursive: true, force: true });
});

const temps = () => readdirSync(out).filter((f) => f.startsWith('.tmp-'));

/** The previous warehouse is there, byte for byte, and a reader gets the previous panel. */
async function unchanged(files = before, panel = panelA): Promise<void> {
  expect(existsSync(join(out, '.swap.json')), 'no committed swap is pending').toBe(false);
  expect(warehouseFiles(out)).toEqual(files);
  expect(await panelHash(out)).toEqual(panel);
  expect(await parquetPanelHash(out)).toEqual(panel);
}

/** A full build of rawB that dies at `point` (before the commit point): the warehouse is checked unchanged. */
async function killAt(point: string): Promise<void> {
  // whatever an earlier test left: the warehouse as it is now must survive
  const files = warehouseFiles(out);
  const panel = await panelHash(out);
  expect(panel).toEqual(panelA);
  const r = runCli(['--raw', rawB, '--out', out, '--full'], { PIPELINE_FAULT: point });
  expect(r.signal, `the run did not die at ${point}:\n${r.stdout}${r.stderr}`).toBe('SIGKILL');
  await unchanged(files, panel);
}

describe('a run killed at any moment', () => {
  it('two runs on one folder: the second exits 3 with one line and changes nothing; the lock of the killed one is recovered', async () => {
    // whatever an earlier test left (the same panel, files rewritten): the warehouse as it is now must survive
    const files = warehouseFiles(out);
    const panel = await panelHash(out);
    expect(panel).toEqual(panelA);
    const first = startCli(['--raw', rawB, '--out', out, '--full']);
    expect(await waitForOutput(first, /^ingest /m)).toBe(true);
    first.child.kill('SIGSTOP'); // alive and holding the lock, for as long as the second run takes to start
    const results = readFileSync(join(out, 'run_results.json'));
    try {
      const second = runCli(['--raw', rawA, '--out', out]);
      expect(second.status).toBe(3);
      expect(second.stderr).toMatch(new RegExp(
        `^error: another pipeline run \\(pid ${first.child.pid}, started [0-9T:.Z-]+\\) is building .+; wait for it to finish \\(lock file .+\\.lock\\)\\n$`));
      expect(second.stdout).toBe('');
      expect(readFileSync(join(out, 'run_results.json'))).toEqual(results);
    } finally {
      first.child.kill('SIGKILL');
    }
    expect(await first.exited).toBeNull();
    await unchanged(files, panel);
    // the killed run's lock is stale: a dry run does not take the lock, a real run takes it over
    expect(JSON.parse(readFileSync(join(out, '.lock'), 'utf8')).pid).toBe(first.child.pid);
    const dry = await runPipeline({ rawDir: rawA, outDir: out, dryRun: true, log: () => {} });
    expect(dry.status).toBe('dry-run');
  });

  it.each(FAULT_POINTS.filter((p) => !p.startsWith('swap:')))('killed at %s: the previous warehouse is unchanged', async (point) => {
    await killAt(point);
    if (point === 'warehouse:temp-written') expect(temps().length).toBeGreaterThan(0); // the new files were in the temporary folder
  });

  it('the next run recovers: stale lock taken over, temporary folders removed, the same panel as a fresh build', async () => {
    await killAt('warehouse:temp-written');
    const lock = JSON.parse(readFileSync(join(out, '.lock'), 'utf8'));
    const run = await runPipeline({ rawDir: rawB, outDir: out, log: () => {} });
    expect(run.status).toBe('success');
    expect(run.recovered).toContain(`stale lock of pid ${lock.pid} (started ${lock.started})`);
    expect(temps()).toEqual([]);
    expect(existsSync(join(out, '.lock'))).toBe(false);
    const panelB = await panelHash(await freshB());
    expect(panelB.rows).toBe(272 * 13); // the sample with the 2024 edition: see README, "A new yearbook edition"
    expect(await panelHash(out)).toEqual(panelB);
    // and back to the first raw folder, incrementally, from whatever the killed runs left in the cache
    await runPipeline({ rawDir: rawA, outDir: out, log: () => {} });
    expect(await panelHash(out)).toEqual(panelA);
    expect(await parquetPanelHash(out)).toEqual(panelA);
  });

  it('killed after the commit point (journal written, files half renamed): the next run rolls the swap forward', async () => {
    // the state a run killed inside finishSwap leaves: the journal names the new files, panel.parquet is
    // already renamed, panel.arrow and warehouse.duckdb are still in the temporary folder
    const next = await freshB();
    const newFiles = warehouseFiles(next);
    const tmp = join(out, '.tmp-999999999-1');
    mkdirSync(tmp);
    for (const f of SWAPPED_FILES) cpSync(join(next, f), join(tmp, f));
    writeFileSync(join(out, '.swap.json'), JSON.stringify({ tmp, files: SWAPPED_FILES.slice(1).concat(SWAPPED_FILES[0]) }));
    copyFileSync(join(tmp, 'panel.parquet'), join(out, 'panel.parquet'));
    rmSync(join(tmp, 'panel.parquet'));
    // what a reader sees meanwhile: the previous database (complete), the new panel.parquet
    expect(await panelHash(out)).toEqual(panelA);
    // a dry run changes nothing, the next real run completes the swap first
    await runPipeline({ rawDir: rawA, outDir: out, dryRun: true, log: () => {} });
    expect(existsSync(join(out, '.swap.json'))).toBe(true);
    // (a run of the first stage only: it does not write the warehouse, so the files are the recovered ones)
    const run = await runPipeline({ rawDir: rawA, outDir: out, stage: 'ingest', log: () => {} });
    expect(run.recovered).toContain('completed the warehouse swap of a run killed after its commit point');
    expect(existsSync(join(out, '.swap.json'))).toBe(false);
    expect(existsSync(tmp)).toBe(false);
    expect(warehouseFiles(out)).toEqual(newFiles);
    expect(await panelHash(out)).toEqual(await panelHash(next));
    // leave the first panel for the other tests, whatever their order
    await runPipeline({ rawDir: rawA, outDir: out, log: () => {} });
  });

  it.each(['swap:journal-written', 'swap:half-renamed'])('killed at %s (after the commit point): the next run rolls the swap forward', async (point) => {
    const own = newOutDir('atomic-swap');
    try {
      await runPipeline({ rawDir: rawA, outDir: own, log: () => {} });
      const r = runCli(['--raw', rawB, '--out', own, '--full'], { PIPELINE_FAULT: point });
      expect(r.signal).toBe('SIGKILL');
      expect(existsSync(join(own, '.swap.json'))).toBe(true);
      const run = await runPipeline({ rawDir: rawB, outDir: own, log: () => {} });
      expect(run.recovered).toContain('completed the warehouse swap of a run killed after its commit point');
      expect(existsSync(join(own, '.swap.json'))).toBe(false);
      expect(readdirSync(own).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
      const panelB = await panelHash(own);
      expect(panelB.rows).toBe(272 * 13);
      expect(await parquetPanelHash(own)).toEqual(panelB);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
