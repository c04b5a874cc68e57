// Merging predecessors honestly (issue 11 §2.5): 莱芜 is added into 济南 for an indicator-year only where it has a
// row; where it has none (absent from the population/land source, present in the GDP source), 济南's value would
// cover part of its territory: it is left empty, imputed or the city dropped by the usual rules, and reported.
import { afterEach, describe, expect, it } from 'vitest';
import { clean } from '../../../pipelines/clean/index.ts';
import type { StageContext } from '../../../pipelines/runner/stage.ts';
import { baseValue, fixtureContext, harmonizedRows, YEARS, type Row } from '../fixture.ts';

let ctx: StageContext | undefined;
afterEach(() => ctx?.db.close());

const JINAN = '370100';
/** 莱芜's rows (mapping 'merged', 济南's code) for the given indicators and years, a tenth of 济南's value. */
function laiwu(indicators: string[], years: readonly number[] = YEARS): Row[] {
  return harmonizedRows().filter((r) => r.city_code === JINAN && indicators.includes(r.indicator as string) && years.includes(r.year as number))
    .map((r) => ({ ...r, name_raw: '莱芜', code_raw: '371200', cell: `L${r.cell as string}`, value: (r.value as number) / 10, mapping: 'merged' }));
}
const CITY_INDICATORS = [...new Set(harmonizedRows().filter((r) => r.city_code === JINAN).map((r) => r.indicator as string))];

const valueOf = async (c: StageContext, year: number, indicator: string) =>
  (await c.db.rows<{ value: number | null; method: string }>(
    'SELECT value, method FROM clean_values WHERE city_code = ? AND year = ? AND indicator = ?', [JINAN, year, indicator]))[0];
const gaps = (c: StageContext) => c.db.rows('SELECT * EXCLUDE (city_name) FROM quality_merge_gaps ORDER BY indicator');

describe('merged predecessors are summed only where present', () => {
  it('莱芜 in the GDP source but not in the population and land source: 济南 is not mixed, it is dropped, and reported', async () => {
    const withoutPopulationSource = CITY_INDICATORS.filter((i) => i !== 'population' && i !== 'land_area');
    ctx = await fixtureContext([...harmonizedRows(), ...laiwu(withoutPopulationSource)]);
    const report = await clean(ctx);
    // GDP: both parts there, summed
    expect((await valueOf(ctx, 2012, 'gdp')).value).toBeCloseTo(baseValue('gdp', 0, 2012) * 1.1, 6);
    // population and land area: 济南 alone would be part of the merged territory — left empty, never summed half
    expect(await valueOf(ctx, 2012, 'population')).toEqual({ value: null, method: 'missing' });
    expect(await valueOf(ctx, 2013, 'land_area')).toEqual({ value: null, method: 'missing' });
    expect(await gaps(ctx)).toEqual([
      { city_code: JINAN, indicator: 'land_area', predecessors: '莱芜 371200', missing: 'no row of the predecessor', years: '2011,2012,2013,2014', cells: 4, imputed: 0, still_missing: 4, city_dropped: true },
      { city_code: JINAN, indicator: 'population', predecessors: '莱芜 371200', missing: 'no row of the predecessor', years: '2011,2012,2013,2014', cells: 4, imputed: 0, still_missing: 4, city_dropped: true },
    ]);
    const [drop] = await ctx.db.rows<{ reason: string }>('SELECT reason FROM quality_drops WHERE city_code = ?', [JINAN]);
    expect(drop.reason).toMatch(/population missing in 2011,2012,2013,2014/);
    expect(report.tables.clean_kept).toBe(2);
    expect(report.detail).toContain('2 series of a merged city left empty where a part was missing (quality_merge_gaps)');
  });

  it('莱芜 missing one year of one indicator: that city-year is left empty and interpolated from the merged neighbours', async () => {
    const rows = [...harmonizedRows(), ...laiwu(CITY_INDICATORS).filter((r) => !(r.indicator === 'gdp' && r.year === 2013))];
    ctx = await fixtureContext(rows);
    const report = await clean(ctx);
    const sum = (y: number) => baseValue('gdp', 0, y) * 1.1;
    expect(await valueOf(ctx, 2013, 'gdp')).toEqual({ value: expect.closeTo((sum(2012) + sum(2014)) / 2, 6), method: 'interpolated' });
    expect((await valueOf(ctx, 2014, 'gdp')).value).toBeCloseTo(sum(2014), 6);
    expect(await gaps(ctx)).toEqual([
      { city_code: JINAN, indicator: 'gdp', predecessors: '莱芜 371200', missing: 'no row of the predecessor', years: '2013', cells: 1, imputed: 1, still_missing: 0, city_dropped: false },
    ]);
    expect(report.tables.clean_kept).toBe(3);
  });

  it('the successor without a row of its own is not its predecessor alone', async () => {
    const rows = [...harmonizedRows((r) => (r.city_code === JINAN && r.indicator === 'students' && r.year === 2012 ? null : r)), ...laiwu(CITY_INDICATORS)];
    ctx = await fixtureContext(rows);
    await clean(ctx);
    expect((await valueOf(ctx, 2012, 'students')).method).toBe('interpolated');
    expect(await gaps(ctx)).toMatchObject([{ indicator: 'students', missing: 'no row of the successor itself', years: '2012' }]);
  });

  it('no predecessor anywhere (or the drop policy): nothing to add, nothing marked', async () => {
    ctx = await fixtureContext(harmonizedRows());
    const report = await clean(ctx);
    expect(await gaps(ctx)).toEqual([]);
    expect(report.tables.clean_kept).toBe(3);
  });

  it('莱芜 in every indicator and year: summed everywhere, nothing marked', async () => {
    ctx = await fixtureContext([...harmonizedRows(), ...laiwu(CITY_INDICATORS)]);
    const report = await clean(ctx);
    expect(await gaps(ctx)).toEqual([]);
    expect((await valueOf(ctx, 2014, 'population')).value).toBeCloseTo(baseValue('population', 0, 2014) * 1.1, 6);
    expect(report.tables.clean_kept).toBe(3);
  });
});
