// The whole pipeline on the bundled sample: the acceptance figures of the issue.
import { tableFromIPC } from 'apache-arrow';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StageDb } from '../../../pipelines/core/db.ts';
import { runPipeline } from '../../../pipelines/runner/run.ts';
import { MODEL_VARIABLES } from '../../../schemas/catalogue.ts';
import { SAMPLE_RAW, sampleWarehouse } from '../../helpers/sample-warehouse.ts';

let outDir: string;
let db: StageDb;

beforeAll(async () => {
  ({ outDir } = await sampleWarehouse());
  db = await StageDb.open(join(outDir, 'warehouse.duckdb'), { readOnly: true });
});
afterAll(() => db?.close());

const q = async <T = Record<string, unknown>>(sql: string) => db.rows<T>(sql);

describe('pipeline on the bundled sample', () => {
  it('builds a balanced panel of 271 cities × 12 years', async () => {
    const [r] = await q<{ n: bigint; cities: bigint; nyears: bigint; y0: number; y1: number }>(
      'SELECT count(*) n, count(DISTINCT city_code) cities, count(DISTINCT year) nyears, min(year) y0, max(year) y1 FROM panel');
    expect([Number(r.n), Number(r.cities), Number(r.nyears), r.y0, r.y1]).toEqual([3252, 271, 12, 2011, 2022]);
    const unbalanced = await q('SELECT city_code FROM panel GROUP BY city_code HAVING count(*) <> 12');
    expect(unbalanced).toEqual([]);
  });

  it('has the paper\u2019s region counts', async () => {
    const rows = await q<{ region: string; cities: bigint; obs: bigint }>(
      'SELECT region, count(DISTINCT city_code) cities, count(*) obs FROM panel GROUP BY region ORDER BY region');
    expect(rows.map((r) => [r.region, Number(r.cities), Number(r.obs)])).toEqual([
      ['central', 100, 1200], ['east', 100, 1200], ['west', 71, 852],
    ]);
  });

  it('drops 毕节, 铜仁 and 克拉玛依 (with reasons) and keeps no dropped city', async () => {
    const drops = await q<{ city_name: string; reason: string }>('SELECT city_name, reason FROM quality_drops');
    const names = drops.map((d) => d.city_name);
    for (const n of ['毕节', '铜仁', '克拉玛依']) expect(names).toContain(n);
    for (const d of drops) expect(d.reason).toMatch(/missing in \d{4}/);
    const overlap = await q('SELECT city_code FROM panel WHERE city_code IN (SELECT city_code FROM quality_drops)');
    expect(overlap).toEqual([]);
    expect(Number(await db.scalar('SELECT count(*) FROM dim_city'))).toBe(297);
  });

  it('has no missing model variable and records every imputed cell', async () => {
    const nulls = await q(`SELECT * FROM panel WHERE ${MODEL_VARIABLES.map((v) => `"${v}" IS NULL OR NOT isfinite("${v}")`).join(' OR ')}`);
    expect(nulls).toEqual([]);
    const imputed = Number(await db.scalar("SELECT count(*) FROM quality_imputations WHERE method IN ('interpolated', 'carried')"));
    expect(imputed).toBeGreaterThan(0);
  });

  it('keeps provenance down to the cell', async () => {
    const [r] = await q<{ file: string; sheet: string; cell: string; file_sha256: string }>(
      "SELECT file, sheet, cell, file_sha256 FROM stg_values WHERE indicator = 'gdp' AND city_code = '320100' AND year = 2015 AND scope = '全市'");
    expect(r.file).toMatch(/yearbook\/.*2016\.xlsx$/);
    expect(r.cell).toMatch(/^[A-Z]+\d+$/);
    expect(r.file_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes panel.parquet and panel.arrow with the same rows', async () => {
    const parquet = Number(await db.scalar(`SELECT count(*) FROM read_parquet('${join(outDir, 'panel.parquet')}')`));
    const arrow = tableFromIPC(readFileSync(join(outDir, 'panel.arrow')));
    expect(parquet).toBe(3252);
    expect(arrow.numRows).toBe(3252);
    const diff = Number(await db.scalar(`SELECT count(*) FROM (SELECT city_code, year, AI FROM panel EXCEPT SELECT city_code, year, AI FROM read_parquet('${join(outDir, 'panel.parquet')}'))`));
    expect(diff).toBe(0);
  });

  it('matches the Table 1 moments of truth.json within 0.1 standard deviation', async () => {
    const truth = JSON.parse(readFileSync(join(SAMPLE_RAW, 'truth.json'), 'utf8'));
    for (const v of ['Inn', 'AI', 'Va', 'Ind', 'Eco', 'Huc', 'Edu', 'Fis', 'Gov']) {
      const expected = truth.expected_moments[v];
      const [m] = await q<{ mean: number; sd: number }>(`SELECT avg("${v}") mean, stddev_samp("${v}") sd FROM panel`);
      expect(Math.abs(m.mean - expected.mean), `${v} mean`).toBeLessThan(0.1 * expected.sd);
      expect(Math.abs(m.sd - expected.sd), `${v} sd`).toBeLessThan(0.1 * expected.sd);
    }
  });

  it('records the run, and a second run with nothing changed skips every stage', async () => {
    const results = JSON.parse(readFileSync(join(outDir, 'run_results.json'), 'utf8'));
    expect(results.status).toBe('success');
    // a private copy: the shared sample warehouse is only ever read by the test files
    const own = mkdtempSync(join(tmpdir(), 'run-again-'));
    cpSync(outDir, own, { recursive: true });
    const again = await runPipeline({ rawDir: SAMPLE_RAW, outDir: own, log: () => {} });
    expect(again.stages.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    const dry = await runPipeline({ rawDir: SAMPLE_RAW, outDir: own, dryRun: true, log: () => {} });
    expect(dry.stages.every((s) => s.status === 'would skip')).toBe(true);
    const check = await StageDb.open(join(own, 'warehouse.duckdb'), { readOnly: true });
    try {
      // the run that wrote the warehouse is in its runs table; a run with nothing to do does not write into it
      // (readers may have it open), it is in the runs log
      const runs = Number(await check.scalar("SELECT count(*) FROM runs WHERE status = 'success'"));
      expect(runs).toBeGreaterThanOrEqual(1);
      const logged = readFileSync(join(own, '.cache', 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(logged.at(-1).run_id).toBe(again.run_id);
    } finally {
      check.close();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
