import { afterEach, describe, expect, it } from 'vitest';
import { clean } from '../../../pipelines/clean/index.ts';
import type { StageContext } from '../../../pipelines/runner/stage.ts';
import { baseValue, fixtureContext, harmonizedRows } from '../fixture.ts';

let ctx: StageContext | undefined;
afterEach(() => ctx?.db.close());

const valueOf = async (c: StageContext, city: string, year: number, indicator: string) =>
  (await c.db.rows<{ value: number | null; method: string }>(
    `SELECT value, method FROM clean_values WHERE city_code='${city}' AND year=${year} AND indicator='${indicator}'`,
  ))[0];

describe('clean', () => {
  it('keeps a complete panel whole', async () => {
    ctx = await fixtureContext(harmonizedRows());
    const report = await clean(ctx);
    expect(report.tables.clean_kept).toBe(3);
    expect(report.tables.quality_drops).toBe(0);
    expect(report.tables.quality_imputations).toBe(0);
  });

  it('converts units to the canonical unit', async () => {
    ctx = await fixtureContext(harmonizedRows((r) =>
      r.indicator === 'gdp' && r.year === 2012 ? { ...r, value: (r.value as number) / 1e4, unit: '亿元' } : r));
    await clean(ctx);
    expect((await valueOf(ctx, '370200', 2012, 'gdp')).value).toBeCloseTo(baseValue('gdp', 1, 2012), 6);
  });

  it('interpolates an interior gap linearly and flags it', async () => {
    ctx = await fixtureContext(harmonizedRows((r) =>
      r.indicator === 'students' && r.city_code === '620200' && r.year === 2012 ? { ...r, value: null, missing_marker: '—' } : r));
    const report = await clean(ctx);
    const v = await valueOf(ctx, '620200', 2012, 'students');
    expect(v.method).toBe('interpolated');
    expect(v.value).toBeCloseTo((baseValue('students', 2, 2011) + baseValue('students', 2, 2013)) / 2, 6);
    expect(report.tables.quality_imputations).toBe(1);
    expect(report.tables.clean_kept).toBe(3);
  });

  it('carries at most edgeCarry years at an edge, then drops the city with a reason', async () => {
    const gap = (years: number[]) => harmonizedRows((r) =>
      r.indicator === 'ai_firms' && r.city_code === '370200' && years.includes(r.year as number) ? null : r);
    ctx = await fixtureContext(gap([2011]));
    let report = await clean(ctx);
    expect((await valueOf(ctx, '370200', 2011, 'ai_firms')).method).toBe('carried');
    expect(report.tables.clean_kept).toBe(3);
    ctx.db.close();

    ctx = await fixtureContext(gap([2011, 2012]));
    report = await clean(ctx);
    expect(report.tables.clean_kept).toBe(2);
    const drops = await ctx.db.rows<{ city_code: string; reason: string }>('SELECT city_code, reason FROM quality_drops');
    // the reason names the raw gap (2012 was carried, 2011 could not be), not only what was left after filling
    expect(drops).toEqual([{ city_code: '370200', reason: 'ai_firms missing in 2011,2012' }]);
    ctx.db.close();

    ctx = await fixtureContext(gap([2011, 2012]), { edgeCarry: 2 });
    report = await clean(ctx);
    expect(report.tables.clean_kept).toBe(3);
  });

  it('a two-year gap between unequal neighbours: each year weighted by its distance (hand-computed)', async () => {
    // 2011 = 100, 2012 and 2013 missing, 2014 = 400: linear interpolation gives 200 and 300 (reversed weights
    // would give 300 and 200)
    const edited = harmonizedRows((r) => {
      if (r.indicator !== 'sci_exp' || r.city_code !== '370200') return r;
      if (r.year === 2012 || r.year === 2013) return null;
      return { ...r, value: r.year === 2011 ? 100 : 400 };
    });
    ctx = await fixtureContext(edited, { maxInterpolatedGap: 2 });
    await clean(ctx);
    expect(await valueOf(ctx, '370200', 2012, 'sci_exp')).toEqual({ value: 200, method: 'interpolated' });
    expect(await valueOf(ctx, '370200', 2013, 'sci_exp')).toEqual({ value: 300, method: 'interpolated' });
    const rows = await ctx.db.rows<{ year: number; value: number; from_year: number; to_year: number }>(
      "SELECT year, value, from_year, to_year FROM quality_imputations WHERE city_code = '370200' AND indicator = 'sci_exp' ORDER BY year");
    expect(rows).toEqual([{ year: 2012, value: 200, from_year: 2011, to_year: 2014 }, { year: 2013, value: 300, from_year: 2011, to_year: 2014 }]);
  });

  it('interpolates interior gaps up to maxInterpolatedGap years and leaves longer ones missing', async () => {
    const gap = harmonizedRows((r) =>
      r.indicator === 'edu_exp' && r.city_code === '370100' && (r.year === 2012 || r.year === 2013) ? null : r);
    ctx = await fixtureContext(gap, { maxInterpolatedGap: 2 });
    let report = await clean(ctx);
    expect((await valueOf(ctx, '370100', 2013, 'edu_exp')).method).toBe('interpolated');
    expect(report.tables.clean_kept).toBe(3);
    ctx.db.close();
    ctx = await fixtureContext(gap, { maxInterpolatedGap: 1 });
    report = await clean(ctx);
    expect(await valueOf(ctx, '370100', 2013, 'edu_exp')).toEqual({ value: null, method: 'missing' });
    expect(report.tables.clean_kept).toBe(2);
  });

  it('uses no value before a city\'s first year, and carries nothing into it', async () => {
    ctx = await fixtureContext(harmonizedRows());
    await ctx.db.run("UPDATE dim_city SET first_year = 2012 WHERE city_code = '620200'");
    const report = await clean(ctx);
    // a back-cast value for 2011 exists in the fixture: it is not used
    expect(await valueOf(ctx, '620200', 2011, 'express_volume')).toEqual({ value: null, method: 'not_a_city' });
    expect(report.tables.clean_kept).toBe(2);
    const [d] = await ctx.db.rows<{ reason: string }>("SELECT reason FROM quality_drops WHERE city_code = '620200'");
    expect(d.reason).toMatch(/missing in 2011/);
  });

  it('adds a merged predecessor into its successor, and only when both parts are present', async () => {
    const rows = harmonizedRows();
    const part = (year: number, value: number | null) => ({
      ...rows.find((r) => r.indicator === 'gdp' && r.city_code === '370100' && r.year === year)!,
      name_raw: '莱芜', code_raw: '371200', cell: `Z${year}`, value, mapping: 'merged',
    });
    // 莱芜 in every gdp year (a year without its row is a merge gap: test/pipelines/clean/merge-gaps.test.ts)
    ctx = await fixtureContext([...rows, part(2011, 1000), part(2012, null), part(2013, 1000), part(2014, 1000)]);
    await clean(ctx);
    expect((await valueOf(ctx, '370100', 2011, 'gdp')).value).toBeCloseTo(baseValue('gdp', 0, 2011) + 1000, 6);
    // 2012: half a city is not the city — missing, then interpolated from its neighbours
    expect((await valueOf(ctx, '370100', 2012, 'gdp')).method).toBe('interpolated');
  });

  it('stops on a duplicated city-year, naming the cells', async () => {
    const rows = harmonizedRows();
    const dup = { ...rows.find((r) => r.indicator === 'land_area' && r.city_code === '620200' && r.year === 2013)!, cell: 'Q99' };
    ctx = await fixtureContext([...rows, dup]);
    await expect(clean(ctx)).rejects.toThrow(/file fixture\.xlsx, sheet land_area, cell .*Q99.*620200 2013 appears 2 times/);
  });

  it('stops on a unit it cannot convert, naming file, sheet and cell', async () => {
    ctx = await fixtureContext(harmonizedRows((r) =>
      r.indicator === 'population' && r.year === 2014 && r.city_code === '370100' ? { ...r, unit: '千人', cell: 'B7' } : r));
    await expect(clean(ctx)).rejects.toThrow("file fixture.xlsx, sheet population, cell B7, variable population: a unit convertible to 万人, found '千人'");
  });

  it('stops on a negative count', async () => {
    ctx = await fixtureContext(harmonizedRows((r) =>
      r.indicator === 'patents_granted' && r.year === 2011 && r.city_code === '370100' ? { ...r, value: -5 } : r));
    await expect(clean(ctx)).rejects.toThrow(/patents_granted: a non-negative number, found -5/);
  });
});

describe('whole-year gaps and unit slips', () => {
  const without = (indicator: string, year: number) => harmonizedRows((r) => (r.indicator === indicator && r.year === year ? null : r));

  it('an indicator missing for a whole interior year stops the run: never interpolated', async () => {
    ctx = await fixtureContext(without('students', 2013));
    await expect(clean(ctx)).rejects.toThrow('year 2013, variable students: reported for 0 of 3 units (0%), below minYearCoverage 50%: a whole year is never interpolated');
  });

  it('a trailing year some indicator lacks is left out of the panel, with a line', async () => {
    ctx = await fixtureContext(without('ai_firms', 2014));
    const report = await clean(ctx);
    expect(report.detail).toContain('years 2011–2013; 2014 left out (no data yet for ai_firms)');
    expect(Number(await ctx.db.scalar('SELECT max(year) FROM clean_values'))).toBe(2013);
    expect(await ctx.db.scalar("SELECT count(*) FROM quality_imputations WHERE indicator = 'ai_firms'")).toBe(0n);
  });

  it('the quality report gives the imputed share per indicator and year', async () => {
    ctx = await fixtureContext(harmonizedRows((r) =>
      r.indicator === 'students' && r.city_code === '620200' && r.year === 2012 ? { ...r, value: null, missing_marker: '—' } : r));
    await clean(ctx);
    const rows = await ctx.db.rows<{ units: number; observed: number; imputed: number; imputed_share: number }>(
      "SELECT units, observed, imputed, imputed_share FROM quality_coverage WHERE indicator = 'students' AND year = 2012");
    expect(rows).toEqual([{ units: 3, observed: 2, imputed: 1, imputed_share: 1 / 3 }]);
  });

  it('a value 10^4 off its own series is flagged with its cell; an error under unitSlips: error', async () => {
    const slipped = () => harmonizedRows((r) => (r.indicator === 'gdp' && r.city_code === '370200' && r.year === 2013 ? { ...r, value: (r.value as number) * 1e4 } : r));
    ctx = await fixtureContext(slipped());
    await clean(ctx);
    const slips = await ctx.db.rows<{ city_code: string; year: number; indicator: string; power_of_ten: number; cell: string }>(
      'SELECT city_code, year, indicator, power_of_ten, cell FROM quality_unit_slips');
    expect(slips).toHaveLength(1);
    expect(slips[0]).toMatchObject({ city_code: '370200', year: 2013, indicator: 'gdp', power_of_ten: 4 });
    ctx.db.close();
    ctx = await fixtureContext(slipped(), { unitSlips: 'error' });
    await expect(clean(ctx)).rejects.toThrow(/fixture\.xlsx.*variable gdp.*10\^4 off, a unit slip/);
  });
});
