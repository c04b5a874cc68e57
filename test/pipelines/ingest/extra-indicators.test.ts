// Issue 11 §2.8: a registry may declare indicators beyond the fixed list (FDI, loans, road area, emissions):
// name, unit from the unit table, kind, description. They are read like the fixed ones, go through clean to the
// panel as extra columns, and are never required by the drop rule.
import { afterEach, describe, expect, it } from 'vitest';
import { clean } from '../../../pipelines/clean/index.ts';
import { derive } from '../../../pipelines/derive/index.ts';
import type { StageContext } from '../../../pipelines/runner/stage.ts';
import { transform } from '../../../pipelines/transform/index.ts';
import type { IndicatorDefinition } from '../../../schemas/indicators.ts';
import { parseRegistry, type RegistryInput } from '../../../schemas/sources.ts';
import { CITIES, fixtureContext, harmonizedRows, YEARS, type Row } from '../fixture.ts';
import { ingest, IngestError } from '../../../pipelines/ingest/read.ts';
import { tempDir, writeFiles, xlsx } from './fixtures.ts';

const FDI = { name: 'fdi', label: '实际利用外资金额', unit: '万美元', kind: 'extensive' as const, description: 'FDI actually used' };
const vendor = (indicators: Array<{ indicator: string; column: string; unit: string }>) => ({
  id: 'vendor', layout: 'long' as const, file: 'vendor/fdi.xlsx', years: { from: 2000, to: 2024 },
  columns: { code: '城市代码', name: '城市名称', year: '年份' }, indicators,
});
const registry = (extra: unknown[], sources: unknown[] = [vendor([{ indicator: 'fdi', column: '实际利用外资', unit: 'header' }])]) =>
  ({ version: 1, extra_indicators: extra, sources }) as RegistryInput;
const registryError = (r: RegistryInput) => {
  try {
    parseRegistry(r);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the registry to be refused');
};

describe('extra indicators in the registry', () => {
  it('are checked: a name of their own (not a fixed indicator, not a panel column in any case), a unit of the unit table', () => {
    expect(parseRegistry(registry([FDI])).extra_indicators).toEqual([FDI]);
    expect(registryError(registry([{ ...FDI, name: 'gdp' }]))).toMatch(/extra_indicators\.0\.name: 'gdp' is a fixed indicator already/);
    expect(registryError(registry([{ ...FDI, name: 'inn' }]))).toMatch(/'inn' is taken by a panel column/);
    expect(registryError(registry([{ ...FDI, name: 'eco_level' }]))).toMatch(/'eco_level' is taken by a panel column/);
    expect(registryError(registry([{ ...FDI, name: 'year' }]))).toMatch(/'year' is taken by a panel column/);
    expect(registryError(registry([{ ...FDI, name: 'FDI' }]))).toMatch(/extra_indicators\.0\.name: an indicator name/);
    expect(registryError(registry([{ ...FDI, unit: '美金' }]))).toMatch(/extra_indicators\.0\.unit: expected a unit of the unit table \(.*万美元.*\), got '美金'/);
    expect(registryError(registry([FDI, FDI]))).toMatch(/extra_indicators\.1\.name: extra indicator 'fdi' is declared twice/);
    // a source feeding an indicator nobody declared
    expect(registryError(registry([]))).toMatch(/sources\.0\.indicators\.0\.indicator: unknown indicator 'fdi'/);
  });

  it('are read from a long panel, the unit from the header; an unknown unit names the header cell', async () => {
    const book = (unit: string) => xlsx({ Sheet1: [['城市代码', '城市名称', '年份', `实际利用外资（${unit}）`], ['110000', '北京市', 2015, 130.2], ['130100', '石家庄市', 2015, 12.5]] });
    const dir = tempDir();
    writeFiles(dir, [{ path: 'vendor/fdi.xlsx', data: book('百万美元') }]);
    const { values } = await ingest({ rawDir: dir, registry: registry([FDI]) });
    expect(values.map((v) => [v.indicator, v.name_raw, v.value, v.unit])).toEqual([['fdi', '北京市', 130.2, '百万美元'], ['fdi', '石家庄市', 12.5, '百万美元']]);
    writeFiles(dir, [{ path: 'vendor/fdi.xlsx', data: book('亿元') }]);
    const e = await ingest({ rawDir: dir, registry: registry([FDI]) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IngestError);
    expect(e).toMatchObject({ cell: 'D1' });
    expect((e as IngestError).expected).toMatch(/unit convertible to 万美元 for 实际利用外资金额 \(美元, 万美元, 百万美元, 亿美元\), got '亿元'/);
  });
});

describe('extra indicators through clean, derive and transform', () => {
  let ctx: StageContext | undefined;
  afterEach(() => ctx?.db.close());
  const defs: Record<string, IndicatorDefinition> = {
    fdi: { label: '实际利用外资金额', unit: '万美元', level: 'city', kind: 'extensive', description: null, user: true },
    loan_rate: { label: '贷款利率', unit: '%', level: 'city', kind: 'intensive', description: null, user: true },
  };
  /** FDI in 百万美元 for 济南 and 青岛 only (嘉峪关 has none); a loan rate for every city. */
  const extraRows = (): Row[] => YEARS.flatMap((year) => CITIES.flatMap((c, i): Row[] => {
    const base = { source_id: 'vendor', layout: 'long', file: 'vendor/fdi.xlsx', sheet: 'Sheet1', file_sha256: '1'.repeat(64), scope: null, year,
      name_raw: c.city_name, code_raw: c.city_code, province_raw: null, missing_marker: null, city_code: c.city_code, mapping: 'code' };
    const rows: Row[] = [{ ...base, indicator: 'loan_rate', cell: `E${year}${i}`, value: 4 + i / 10, unit: '%' }];
    if (i < 2) rows.push({ ...base, indicator: 'fdi', cell: `D${year}${i}`, value: 12.34 + i, unit: '百万美元' });
    return rows;
  }));

  it('become panel columns in their canonical unit, and a city without them is kept', async () => {
    ctx = await fixtureContext([...harmonizedRows(), ...extraRows()], {}, undefined, defs);
    const report = await clean(ctx);
    expect(report.tables.clean_kept).toBe(3);
    await derive(ctx);
    await transform(ctx);
    const panel = await ctx.db.rows<{ city_code: string; year: number; fdi: number | null; loan_rate: number }>(
      'SELECT city_code, year, fdi, loan_rate FROM panel WHERE year = 2012 ORDER BY city_code');
    // 12.34 百万美元 = 1234 万美元 (× 100); 嘉峪关 has no FDI at all: an empty column, the city stays
    expect(panel.map((r) => [r.city_code, r.fdi, r.loan_rate])).toEqual([['370100', 12.34 * 100, 4], ['370200', 13.34 * 100, 4.1], ['620200', null, 4.2]]);
    expect(panel[0].fdi).toBeCloseTo(1234, 9);
    const columns = (await ctx.db.rows<{ column_name: string }>('SELECT column_name FROM (DESCRIBE panel)')).map((r) => r.column_name);
    // after the fixed indicators, in the registry's order
    expect(columns.slice(columns.indexOf('ai_firms'), columns.indexOf('ai_firms') + 3)).toEqual(['ai_firms', 'fdi', 'loan_rate']);
  });

  it('an intensive one is never added up over a merged predecessor: left empty and reported', async () => {
    const laiwu = extraRows().filter((r) => r.city_code === '370100')
      .map((r) => ({ ...r, name_raw: '莱芜', code_raw: '371200', cell: `L${r.cell as string}`, mapping: 'merged' }));
    ctx = await fixtureContext([...harmonizedRows(), ...extraRows(), ...laiwu], {}, undefined, defs);
    await clean(ctx);
    const value = async (indicator: string) => (await ctx!.db.rows<{ value: number | null }>(
      "SELECT value FROM clean_values WHERE city_code = '370100' AND year = 2012 AND indicator = ?", [indicator]))[0].value;
    expect(await value('fdi')).toBeCloseTo((12.34 + 12.34) * 100, 9);
    expect(await value('loan_rate')).toBeNull();
    expect(await ctx.db.rows("SELECT indicator, missing FROM quality_merge_gaps WHERE indicator = 'loan_rate'"))
      .toEqual([{ indicator: 'loan_rate', missing: 'an intensive indicator (a rate or ratio) is not added up' }]);
  });
});
