import { afterEach, describe, expect, it } from 'vitest';
import { compile, runDataTests, type DataTest } from '../../pipelines/data-tests.ts';
import { StageDb } from '../../pipelines/db.ts';

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
