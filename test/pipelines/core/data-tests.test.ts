import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compile, runDataTests, type DataTest } from '../../../pipelines/core/data-tests.ts';
import { StageDb } from '../../../pipelines/core/db.ts';
import { runPipeline } from '../../../pipelines/runner/run.ts';
import { STAGES } from '../../../pipelines/stages.ts';
import { copySampleRaw, newOutDir, warehouseFiles } from '../../helpers/rebuild.ts';
import { sampleWarehouse } from '../../helpers/sample-warehouse.ts';

let db: StageDb | undefined;
afterEach(() => db?.close());

async function panel(): Promise<StageDb> {
  db = await StageDb.open();
  await db.run(`CREATE TABLE p AS SELECT * FROM (VALUES
    ('a', 2011, 1.0), ('a', 2012, 2.0), ('b', 2011, 3.0), ('b', 2012, NULL), ('c', 2011, 5.0)) t(city, year, x)`);
  await db.run(`CREATE TABLE cities AS SELECT * FROM (VALUES ('a'), ('b')) t(city)`);
  return db;
}

describe('data tests', () => {
  it('find the failing rows of each kind', async () => {
    const d = await panel();
    const tests: DataTest[] = [
      { name: 'u', table: 'p', severity: 'warn', kind: 'unique', columns: ['city'] },
      { name: 'nn', table: 'p', severity: 'warn', kind: 'not_null', columns: ['x'] },
      { name: 'r', table: 'p', severity: 'warn', kind: 'accepted_range', column: 'x', min: 1.5, max: 4 },
      { name: 'rel', table: 'p', severity: 'warn', kind: 'relationship', column: 'city', to: [{ table: 'cities', column: 'city' }] },
      { name: 'bal', table: 'p', severity: 'warn', kind: 'balanced', unit: 'city', time: 'year' },
    ];
    const run = await runDataTests(d, 'stage', tests);
    expect(Object.fromEntries(run.results.map((r) => [r.name, r.failing_rows]))).toEqual({ u: 2, nn: 1, r: 2, rel: 1, bal: 1 });
    expect(run.results.every((r) => r.status === 'warn')).toBe(true);
    expect(run.failures.filter((f) => f.test === 'rel').map((f) => JSON.parse(f.row_json).city)).toEqual(['c']);
  });

  it('stop the run on an error-severity failure, naming the test', async () => {
    const d = await panel();
    await expect(runDataTests(d, 'stage', [{ name: 'panel_balanced', table: 'p', severity: 'error', kind: 'balanced', unit: 'city', time: 'year' }]))
      .rejects.toThrow("data test 'panel_balanced' on p failed for 1 row(s)");
  });

  it('pass on clean data', async () => {
    const d = await panel();
    const run = await runDataTests(d, 's', [{ name: 'u', table: 'p', severity: 'error', kind: 'unique', columns: ['city', 'year'] }]);
    expect(run.results[0].status).toBe('pass');
    expect(compile({ name: 'x', table: 't', severity: 'warn', kind: 'accepted_range', column: 'v', min: 0 })).toBe('SELECT * FROM t WHERE "v" < 0');
  });
});

/** A --full run on a copy of the sample whose previous warehouse is in place, with one more data test declared on
 *  `stage`; the test is taken away again and the folders removed afterwards. */
async function runWithExtraTest(stage: string, test: DataTest, check: (r: {
  run: Promise<unknown>; out: string; before: Record<string, string | null>; lines: string[];
}) => Promise<void>): Promise<void> {
  const { outDir: sample } = await sampleWarehouse();
  const raw = copySampleRaw('dt-run');
  const out = newOutDir('dt-run');
  cpSync(sample, out, { recursive: true });
  const before = warehouseFiles(out);
  const tests = STAGES.find((s) => s.name === stage)!.tests;
  tests.push(test);
  try {
    const lines: string[] = [];
    const run = runPipeline({ rawDir: raw, outDir: out, full: true, log: (l) => lines.push(l) });
    await run.catch(() => {}); // the check awaits the outcome itself
    await check({ run, out, before, lines });
  } finally {
    tests.pop();
    for (const d of [raw, out]) rmSync(d, { recursive: true, force: true });
  }
}

describe('data tests in a run', () => {
  it('an error-severity failure stops the run under its stage (its tests run alongside the next stage) and leaves the warehouse as it was', async () => {
    // the tests of a stage run alongside the next stage: give clean one that always fails
    await runWithExtraTest('clean', { name: 'always_fails', table: 'clean_values', severity: 'error', kind: 'sql', description: 'test', sql: 'SELECT * FROM clean_values WHERE rowid < 3' }, async ({ run, out, before }) => {
      await expect(run).rejects.toThrow("data test 'always_fails' on clean_values failed for 3 row(s)");
      const record = JSON.parse(readFileSync(join(out, 'run_results.json'), 'utf8'));
      expect(record.status).toBe('failed');
      expect(record.error).toMatch(/always_fails/);
      const cleanRecord = record.stages.find((s: { stage: string }) => s.stage === 'clean');
      expect(cleanRecord.status).toBe('failed');
      expect(cleanRecord.data_tests.find((t: { name: string }) => t.name === 'always_fails').status).toBe('fail');
      expect(record.stages.map((s: { stage: string }) => s.stage)).not.toContain('warehouse');
      // --full trusts no cache: every file was read again although the folder held their parts
      expect(record.stages[0].report.detail).toMatch(/^16 files, 16 read, 0 unchanged/);
      expect(warehouseFiles(out)).toEqual(before);
    });
  });

  it('a failure after the warehouse file was started (a transform test) leaves no trace of it', async () => {
    await runWithExtraTest('transform', { name: 'late_failure', table: 'panel', severity: 'error', kind: 'sql', description: 'test', sql: 'SELECT * FROM panel WHERE year = 2015' }, async ({ run, out, before, lines }) => {
      await expect(run).rejects.toThrow("data test 'late_failure' on panel failed for 271 row(s)");
      expect(warehouseFiles(out)).toEqual(before);
      expect(readdirSync(out).filter((f) => f.startsWith('.tmp'))).toEqual([]);
      expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['ingest', 'harmonize', 'clean', 'derive']);
    });
  });
});
