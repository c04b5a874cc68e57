// Issue 11 §2.4, §2.6, §2.9 in the clean stage: rows outside the panel's years are counted, not used; several
// sources for one indicator under a declared precedence, with the discrepancy report; concept tags.
import { afterEach, describe, expect, it } from 'vitest';
import { clean, cleanStage } from '../../../pipelines/clean/index.ts';
import { runDataTests } from '../../../pipelines/core/data-tests.ts';
import type { StageContext } from '../../../pipelines/runner/stage.ts';
import { baseValue, CITIES, fixtureContext, harmonizedRows, type Row } from '../fixture.ts';

let ctx: StageContext | undefined;
afterEach(() => ctx?.db.close());

/** Rows of one indicator for every fixture city in the given years, from a source of its own. */
function vendorRows(indicator: string, years: number[], source = 'vendor', value = (city: number, year: number) => baseValue(indicator as 'gdp', city, year)): Row[] {
  return years.flatMap((year) => CITIES.map((c, i) => ({
    source_id: source, layout: 'long', file: `${source}.csv`, sheet: '', cell: `D${year}${i}`, file_sha256: '1'.repeat(64),
    indicator, scope: null, year, name_raw: c.city_name, code_raw: c.city_code, province_raw: null,
    value: value(i, year), unit: '万元', missing_marker: null, city_code: c.city_code, mapping: 'code',
  })));
}

describe('rows outside the panel years', () => {
  it('are counted per source and indicator, with their years as runs, and not used', async () => {
    // a vendor GDP panel 2005–2015 next to the fixture's 2011–2014: 2015 is a trailing year the others lack
    const years = [2005, 2006, 2007, 2009, 2010, 2015];
    ctx = await fixtureContext([...harmonizedRows(), ...vendorRows('gdp', years)]);
    const report = await clean(ctx);
    expect(await ctx.db.rows('SELECT * FROM quality_years_outside')).toEqual([
      { source: 'vendor', indicator: 'gdp', first_year: 2005, last_year: 2015, years: '2005–2007, 2009–2010, 2015', rows: 18 },
    ]);
    expect(report.detail).toContain('years 2011–2014; 2015 left out (no data yet for ');
    expect(report.detail).toContain('; 18 rows outside the panel\'s years not used (quality_years_outside)');
    expect(Number(await ctx.db.scalar('SELECT min(year) FROM clean_values'))).toBe(2011);
  });

  it('follow firstYear and lastYear', async () => {
    ctx = await fixtureContext(harmonizedRows(), { firstYear: 2012, lastYear: 2013 });
    await clean(ctx);
    const rows = await ctx.db.rows<{ source: string; years: string; rows: number }>('SELECT source, years, rows FROM quality_years_outside');
    // every indicator of the fixture: 3 cities (or 2 provinces) × 2 years outside
    expect(new Set(rows.map((r) => `${r.source} ${r.years}`))).toEqual(new Set(['fixture 2011, 2014']));
    expect(rows.reduce((s, r) => s + r.rows, 0)).toBe(harmonizedRows().filter((r) => r.year === 2011 || r.year === 2014).length);
  });
});

describe('several sources for one indicator', () => {
  const YEARS_BOTH = [2011, 2012, 2013, 2014];
  // the vendor's GDP is another vintage: 2% above the fixture's, 10% above for 青岛 2013
  const revised = (city: number, year: number) => baseValue('gdp', city, year) * (city === 1 && year === 2013 ? 1.1 : 1.02);
  const precedence = async (c: StageContext, list: Record<string, number | null>) => {
    for (const [source, p] of Object.entries(list)) await c.db.run('UPDATE stg_sources SET precedence = ? WHERE source_id = ?', [p, source]);
  };
  const gdp = async (c: StageContext, city: string, year: number) =>
    (await c.db.rows<{ value: number; method: string }>("SELECT value, method FROM clean_values WHERE city_code = ? AND year = ? AND indicator = 'gdp'", [city, year]))[0];

  it('without a declared precedence (or with the same one) two sources are an error naming both', async () => {
    ctx = await fixtureContext([...harmonizedRows(), ...vendorRows('gdp', YEARS_BOTH, 'vendor', revised)]);
    await expect(clean(ctx)).rejects.toThrow(/variable gdp: one source per city, year and indicator, or a different "precedence" in the registry for each source reporting it; 370100 2011 is reported by fixture, vendor \(precedence none\)/);
    ctx.db.close();
    ctx = await fixtureContext([...harmonizedRows(), ...vendorRows('gdp', YEARS_BOTH, 'vendor', revised)]);
    await precedence(ctx, { fixture: 1, vendor: 1 });
    await expect(clean(ctx)).rejects.toThrow(/is reported by fixture, vendor \(precedence 1\)/);
  });

  it('takes the highest precedence’s value, the next source’s where it has none, and reports every difference', async () => {
    // the fixture (a yearbook, say) first; it lacks 嘉峪关 2012: the vendor's value fills it, observed
    const rows = harmonizedRows((r) => (r.indicator === 'gdp' && r.city_code === '620200' && r.year === 2012 ? { ...r, value: null, missing_marker: '—' } : r));
    ctx = await fixtureContext([...rows, ...vendorRows('gdp', YEARS_BOTH, 'vendor', revised)]);
    await precedence(ctx, { fixture: 2, vendor: 1 });
    const report = await clean(ctx);
    expect(await gdp(ctx, '370100', 2012)).toEqual({ value: baseValue('gdp', 0, 2012), method: 'observed' });
    expect(await gdp(ctx, '620200', 2012)).toEqual({ value: revised(2, 2012), method: 'observed' });
    const discrepancies = await ctx.db.rows<{ city_code: string; year: number; used_source: string; used_value: number; other_source: string; other_value: number; relative_difference: number }>(
      'SELECT city_code, year, used_source, used_value, other_source, other_value, relative_difference FROM quality_discrepancies ORDER BY city_code, year');
    // 3 cities × 4 years, less the one only the vendor has
    expect(discrepancies).toHaveLength(11);
    expect(discrepancies.find((d) => d.city_code === '370200' && d.year === 2013)).toMatchObject({
      used_source: 'fixture', used_value: baseValue('gdp', 1, 2013), other_source: 'vendor', other_value: baseValue('gdp', 1, 2013) * 1.1 });
    for (const d of discrepancies) expect(d.relative_difference).toBeCloseTo(d.city_code === '370200' && d.year === 2013 ? 0.1 : 0.02, 12);
    expect(report.detail).toContain('; 11 values of a second source next to the one used, 1 more than 5% apart (quality_discrepancies)');
    // the data test warns about the one above 5%
    const { results } = await runDataTests(ctx.db, 'clean', cleanStage.tests.filter((t) => t.name === 'clean_source_discrepancies'));
    expect(results[0]).toMatchObject({ status: 'warn', failing_rows: 1, severity: 'warn' });
  });

  it('the other way round: the vendor first; a source missing a merged predecessor leaves the city-year to the next', async () => {
    // 莱芜 is in the fixture's GDP (added into 济南) but not in the vendor's: the vendor's 济南 is half the territory
    const laiwu = harmonizedRows().filter((r) => r.indicator === 'gdp' && r.city_code === '370100')
      .map((r) => ({ ...r, name_raw: '莱芜', code_raw: '371200', cell: `L${r.cell as string}`, value: 1000, mapping: 'merged' }));
    ctx = await fixtureContext([...harmonizedRows(), ...laiwu, ...vendorRows('gdp', YEARS_BOTH, 'vendor', revised)]);
    await precedence(ctx, { fixture: 1, vendor: 5 });
    await clean(ctx);
    expect((await gdp(ctx, '370200', 2013)).value).toBe(revised(1, 2013));
    expect((await gdp(ctx, '370100', 2013)).value).toBe(baseValue('gdp', 0, 2013) + 1000);
    // (莱芜 only has GDP rows in this fixture: the other indicators of 济南 are merge gaps, GDP is not)
    expect(await ctx.db.scalar("SELECT count(*) FROM quality_merge_gaps WHERE indicator = 'gdp'")).toBe(0n);
  });

  it('two rows of one source for one city-year stay an error, precedence or not', async () => {
    const rows = harmonizedRows();
    const twice = { ...rows.find((r) => r.indicator === 'gdp' && r.city_code === '620200' && r.year === 2013)!, cell: 'Q99', code_raw: '620201' };
    ctx = await fixtureContext([...rows, twice]);
    await precedence(ctx, { fixture: 3 });
    await expect(clean(ctx)).rejects.toThrow(/cell .*Q99.*620200 2013 appears 2 times/);
  });
});
