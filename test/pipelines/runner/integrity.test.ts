// Inputs that used to put wrong data into the panel with exit code 0, now through the whole pipeline: a population
// of 0, a yearbook edition deleted between runs, the last edition deleted. Each run starts from a built warehouse of
// the bundled sample (a private copy) and the previous warehouse must survive a refusal byte for byte.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../../pipelines/runner/run.ts';
import { copySampleRaw, editWorkbook, newOutDir, panelHash, queryWarehouse, rowOf, runCli, warehouseFiles } from '../../helpers/rebuild.ts';

const YB = (edition: number) => join('yearbook', `中国城市统计年鉴${edition}.xlsx`);
let raw: string;
let out: string;
let before: Record<string, string | null>;

beforeAll(async () => {
  raw = copySampleRaw('integrity');
  out = newOutDir('integrity');
  await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
  before = warehouseFiles(out);
});
afterAll(() => {
  for (const d of [raw, out]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('nothing wrong gets in silently (whole pipeline)', () => {
  it('a yearbook edition deleted between runs: a whole year is never interpolated, the run stops and says why', () => {
    const kept = copySampleRaw('integrity-gap');
    try {
      rmSync(join(kept, YB(2017))); // data year 2016
      const r = runCli(['--raw', kept, '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error: year 2016, variable \w+: reported for 0 of \d+ units \(0%\), below minYearCoverage 50%: a whole year is never interpolated/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(warehouseFiles(out)).toEqual(before);
    } finally {
      rmSync(kept, { recursive: true, force: true });
    }
  });

  it('the last edition deleted: the panel ends a year earlier, with a line naming the indicators that lack it', async () => {
    const shorter = copySampleRaw('integrity-last');
    const own = newOutDir('integrity-last');
    try {
      rmSync(join(shorter, YB(2023))); // data year 2022
      const r = runCli(['--raw', shorter, '--out', own]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/years 2011–2021; 2022 left out \(no data yet for [^)]+\)/);
      const [p] = await queryWarehouse<{ cities: bigint; years: bigint; last: number }>(own,
        'SELECT count(DISTINCT city_code) AS cities, count(DISTINCT year) AS years, max(year) AS last FROM w.panel');
      expect(Number(p.years)).toBe(11);
      expect(p.last).toBe(2021);
      // no city lost for the missing year (before: 268 cities, the year filled for most of them): every city of the
      // 12-year panel is in the 11-year one (which can keep one more: a city whose gap was in 2022 only)
      const full = await queryWarehouse<{ city_code: string }>(out, 'SELECT DISTINCT city_code FROM w.panel');
      const shorterCities = new Set((await queryWarehouse<{ city_code: string }>(own, 'SELECT DISTINCT city_code FROM w.panel')).map((c) => c.city_code));
      expect(full.filter((c) => !shorterCities.has(c.city_code))).toEqual([]);
      expect(Number(p.cities)).toBeGreaterThanOrEqual(271);
      expect(Number((await queryWarehouse<{ n: bigint }>(own, "SELECT count(*) AS n FROM w.quality_imputations WHERE year = 2022"))[0].n)).toBe(0);
    } finally {
      rmSync(shorter, { recursive: true, force: true });
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('a population of 0 for one city-year: the run stops naming the city, year, variable, formula and the raw cell', async () => {
    const edited = copySampleRaw('integrity-zero');
    try {
      editWorkbook(join(edited, YB(2016)), (wb) => {
        const ws = wb.Sheets['2-1 人口与土地'];
        ws[`B${rowOf(ws, '石家庄')}`] = { t: 'n', v: 0 };
      });
      const r = runCli(['--raw', edited, '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error: city 石家庄 \(130100\), year 2015, variable \w+: \w+ = [^:]*population[^:]* is not finite \(inf\): .*population = 0 \(yearbook\/中国城市统计年鉴2016\.xlsx, 2-1 人口与土地!B\d+\)/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(warehouseFiles(out)).toEqual(before);
      expect((await panelHash(out)).rows).toBe(3252);
    } finally {
      rmSync(edited, { recursive: true, force: true });
    }
  });
});
