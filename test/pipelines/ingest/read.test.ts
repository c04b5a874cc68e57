/** Adapter behaviour on tiny fixtures built in code: every quirk of the three layouts. */
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { parseNumericText } from '../../../pipelines/ingest/cells.ts';
import { encodeGbk, run, xlsx } from './fixtures.ts';

const FS = '\u3000';


const ybSource = (extra: Record<string, unknown> = {}) => ({
  id: 'yb',
  layout: 'yearbook' as const,
  file: 'yb/年鉴{edition}.xlsx',
  years: { from: 2010, to: 2023 },
  sheet: '2-7 综合经济',
  indicators: [
    { indicator: 'gdp' as const, labels: ['地区生产总值'] },
    { indicator: 'population' as const, labels: ['年末户籍人口', '年末总人口'] },
  ],
  ...extra,
});

/** A yearbook sheet with most quirks. */
function yearbookRows(): unknown[][] {
  return [
    ['2-7  综合经济'],
    ['（2014年）'],
    ['城　市', `地区生产${FS}总值`, null, '年末总人口', null],
    [null, '全　市', '市辖区', '全市', '市辖区'],
    ['单位', '（万元）', '(万元)', '【万人】', ' 万人 '],
    ['全国合计', 999999, 888888, 9999, 999],
    [`北${FS}京`, 1000, 900, 12.5, 10],
    [`河${FS}北`, null, null, null, null],
    ['石家庄', '1,234.5', '—', '…', '-'],
    ['唐　山', '１２３', '－', '  ', ' 77 '],
    ['吉林省', 5000, 4000, 300, 200],
    ['长　春', 10, 11, 12, 13],
    [`吉${FS}林`, 20, 21, 22, 23],
    ['__proto__', 1, 2, 3, 4],
    ['constructor', { t: 'n', v: 5, f: 'B14+4' }, 6, 7, 8],
    [],
    ['注：市辖区不包括县。'],
    ['资料来源：各市统计局。', 1, 2, 3, 4],
    ['伪城市', 1, 2, 3, 4],
  ];
}

describe('yearbook adapter', () => {
  it('reads the two-level header, units row, province rows, padding, markers and text numbers', async () => {
    const merges = (wb: XLSX.WorkBook) => {
      wb.Sheets['2-7 综合经济']['!merges'] = [
        { s: { r: 2, c: 1 }, e: { r: 2, c: 2 } },
        { s: { r: 2, c: 3 }, e: { r: 2, c: 4 } },
        { s: { r: 2, c: 0 }, e: { r: 3, c: 0 } },
      ];
    };
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).length;
    const { values, files, stats } = await run(
      [{ path: 'yb/年鉴2015.xlsx', data: xlsx({ '2-7 综合经济': yearbookRows() }, merges) }],
      [ybSource()],
    );
    expect(Object.getOwnPropertyNames(Object.prototype).length).toBe(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const names = [...new Set(values.map((v) => v.name_raw))];
    expect(names).toEqual(['北京', '石家庄', '唐山', '长春', '吉林', '__proto__', 'constructor']);
    expect(values.every((v) => v.year === 2014 && v.layout === 'yearbook' && v.code_raw === null)).toBe(true);
    const at = (name: string, indicator: string, scope: string) => values.find((v) => v.name_raw === name && v.indicator === indicator && v.scope === scope)!;
    expect(at('北京', 'gdp', '全市')).toMatchObject({ value: 1000, unit: '万元', province_raw: '北京', cell: 'B7', sheet: '2-7 综合经济', file: 'yb/年鉴2015.xlsx' });
    expect(at('石家庄', 'gdp', '全市')).toMatchObject({ value: 1234.5, missing_marker: null, province_raw: '河北' });
    expect(at('石家庄', 'gdp', '市辖区')).toMatchObject({ value: null, missing_marker: '—' });
    expect(at('石家庄', 'population', '全市')).toMatchObject({ value: null, missing_marker: '…', unit: '万人' });
    expect(at('石家庄', 'population', '市辖区')).toMatchObject({ value: null, missing_marker: '-' });
    expect(at('唐山', 'gdp', '全市').value).toBe(123);
    expect(at('唐山', 'gdp', '市辖区')).toMatchObject({ value: null, missing_marker: '－' });
    expect(at('唐山', 'population', '全市')).toMatchObject({ value: null, missing_marker: '' });
    expect(at('唐山', 'population', '市辖区').value).toBe(77);
    expect(at('长春', 'gdp', '全市')).toMatchObject({ value: 10, province_raw: '吉林省' });
    expect(at('吉林', 'population', '市辖区')).toMatchObject({ value: 23, province_raw: '吉林省', cell: 'E13' });
    expect(at('constructor', 'gdp', '全市').value).toBe(5);
    expect(values).toHaveLength(7 * 4);
    expect(files[0]).toMatchObject({ path: 'yb/年鉴2015.xlsx', sheets: 1, values: 28 });
    expect(files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stats.values).toBe(28);
    expect(stats.cells).toBeGreaterThan(60);
  });

  it('reads a single-level header with units in the label brackets (unit "header"), empty cells as missing', async () => {
    const rows = [['城市', '地区生产总值（亿元）', '年末户籍人口(人)'], ['河北省'], ['石家庄', 1.5], ['邯　郸', null, 4000]];
    const { values } = await run([{ path: 'yb/年鉴2020.xlsx', data: xlsx({ '2-7 综合经济': rows }) }], [ybSource({ unit: 'header' })]);
    expect(values.map((v) => [v.name_raw, v.indicator, v.scope, v.value, v.unit, v.missing_marker, v.year])).toEqual([
      ['石家庄', 'gdp', null, 1.5, '亿元', null, 2019],
      ['石家庄', 'population', null, null, '人', '', 2019],
      ['邯郸', 'gdp', null, null, '亿元', '', 2019],
      ['邯郸', 'population', null, 4000, '人', null, 2019],
    ]);
    // a 全市-only table declares its scope in the registry
    const scoped = await run([{ path: 'yb/年鉴2020.xlsx', data: xlsx({ '2-7 综合经济': rows }) }], [ybSource({ unit: 'header', scope: '全市' })]);
    expect(new Set(scoped.values.map((v) => v.scope))).toEqual(new Set(['全市']));
  });

  it('keeps only the declared scopes and tolerates sheet names with other spacing', async () => {
    const rows = [['城市', '地区生产总值', null, '年末户籍人口', null], [null, '全市', '市辖区', '全市', '市辖区'], [null, '万元', '万元', '万人', '万人'], ['北京', 1, 2, 3, 4]];
    const src = ybSource({
      sheet: '2-7综合经济',
      indicators: [
        { indicator: 'gdp', labels: ['地区生产总值'], scopes: ['市辖区'] },
        { indicator: 'population', labels: ['年末户籍人口'] },
      ],
    });
    const { values } = await run([{ path: 'yb/年鉴2016.xlsx', data: xlsx({ '2-7 综合经济': rows }) }], [src]);
    expect(values.map((v) => `${v.indicator}:${v.scope}:${v.value}`)).toEqual(['gdp:市辖区:2', 'population:全市:3', 'population:市辖区:4']);
  });

  it('a header cell of spaces next to a label is empty: the label keeps its 全市 and 市辖区 columns', async () => {
    const rows = [['城市', '地区生产总值', '   ', '年末户籍人口', null], [null, '全市', '市辖区', '全市', '市辖区'], [null, '万元', '万元', '万人', '万人'], ['北京', 1, 2, 3, 4]];
    const { values } = await run([{ path: 'yb/年鉴2016.xlsx', data: xlsx({ '2-7 综合经济': rows }) }], [ybSource()]);
    expect(values.map((v) => `${v.indicator}:${v.scope}:${v.value}:${v.cell}`)).toEqual(['gdp:全市:1:B4', 'gdp:市辖区:2:C4', 'population:全市:3:D4', 'population:市辖区:4:E4']);
  });
});

describe('yearbook adapter: mixed header', () => {
  it('a label without scope split next to split labels takes the registry scope', async () => {
    const rows = [['城市', '地区生产总值', null, '年末户籍人口'], [null, '全市', '市辖区', null], [null, '万元', '万元', '万人'], ['北京', 1, 2, 3]];
    const merges = (wb: XLSX.WorkBook) => {
      wb.Sheets['2-7 综合经济']['!merges'] = [{ s: { r: 0, c: 1 }, e: { r: 0, c: 2 } }, { s: { r: 0, c: 3 }, e: { r: 1, c: 3 } }];
    };
    const { values } = await run([{ path: 'yb/年鉴2016.xlsx', data: xlsx({ '2-7 综合经济': rows }, merges) }], [ybSource({ scope: '全市' })]);
    expect(values.map((v) => `${v.indicator}:${v.scope}:${v.value}:${v.unit}`)).toEqual(['gdp:全市:1:万元', 'gdp:市辖区:2:万元', 'population:全市:3:万人']);
    const noScope = await run([{ path: 'yb/年鉴2016.xlsx', data: xlsx({ '2-7 综合经济': rows }, merges) }], [ybSource()]);
    expect(noScope.values.find((v) => v.indicator === 'population')!.scope).toBeNull();
  });
});

describe('EPS adapter', () => {
  const epsSource = (extra: Record<string, unknown> = {}) => ({
    id: 'eps',
    layout: 'eps' as const,
    file: 'eps/专利.xlsx',
    years: { from: 2011, to: 2022 },
    sheet: '专利授权数',
    indicator: 'patents_granted' as const,
    labels: ['专利授权数'],
    level: 'city' as const,
    ...extra,
  });

  it('reads the header block (one or two cells), codes as numbers or text, skips 全国 and province rows, stops at the footnote', async () => {
    const rows = [
      ['指标名称：专利授权数'],
      ['单位', '件'],
      ['频度：年'],
      ['数据来源：国家知识产权局'],
      [],
      ['地区代码', '地区名称', '2011年', 2012],
      ['100000', '全国', 10, 20],
      [110000, '北京市', 5, '1,000'],
      ['130000', '河北省', 3, 4],
      ['130100', '石家庄市', '', '—'],
      ['522400', '毕节地区', 1, null],
      ['220000', '吉林', 7, 7],
      ['220200', '吉林', 8, 9],
      [],
      ['数据来源：EPS DATA'],
      ['999999', '后面的行', 1, 1],
    ];
    const { values } = await run([{ path: 'eps/专利.xlsx', data: xlsx({ 其他: [['x']], 专利授权数: rows }) }], [epsSource()]);
    expect(values.map((v) => [v.code_raw, v.name_raw, v.year, v.value, v.missing_marker, v.unit, v.cell, v.province_raw])).toEqual([
      ['110000', '北京市', 2011, 5, null, '件', 'C8', '北京市'],
      ['110000', '北京市', 2012, 1000, null, '件', 'D8', '北京市'],
      ['130100', '石家庄市', 2011, null, '', '件', 'C10', null],
      ['130100', '石家庄市', 2012, null, '—', '件', 'D10', null],
      ['522400', '毕节地区', 2011, 1, null, '件', 'C11', null],
      ['522400', '毕节地区', 2012, null, '', '件', 'D11', null],
      ['220200', '吉林', 2011, 8, null, '件', 'C13', null],
      ['220200', '吉林', 2012, 9, null, '件', 'D13', null],
    ]);
    expect(values.every((v) => v.layout === 'eps' && v.scope === null && v.sheet === '专利授权数')).toBe(true);
  });

  it('reads a provincial sheet', async () => {
    const rows = [['指标名称：电子商务交易额'], ['单位：亿元'], ['地区代码', '地区名称', 2021], ['100000', '全国', 100], ['110000', '北京市', 10.5], ['150000', '内蒙古自治区', '２.５']];
    const { values } = await run(
      [{ path: 'eps/电商.xlsx', data: xlsx({ 电子商务交易额: rows }) }],
      [epsSource({ file: 'eps/电商.xlsx', sheet: '电子商务交易额', indicator: 'ecommerce_volume', labels: ['电子商务交易额'], level: 'province' })],
    );
    expect(values.map((v) => [v.code_raw, v.name_raw, v.province_raw, v.value, v.unit])).toEqual([
      ['110000', '北京市', '北京市', 10.5, '亿元'],
      ['150000', '内蒙古自治区', '内蒙古自治区', 2.5, '亿元'],
    ]);
  });
});

describe('long-panel adapter', () => {
  const longSource = (extra: Record<string, unknown> = {}) => ({
    id: 'ai',
    layout: 'long' as const,
    file: 'vendor/ai.csv',
    years: { from: 2011, to: 2022 },
    columns: { code: '城市代码', name: '城市名称', province: '省份', year: '年份' },
    indicators: [{ indicator: 'ai_firms' as const, column: '人工智能企业数', unit: '家' }],
    ...extra,
  });
  const csv = [
    '城市代码,城市名称,省份,年份,人工智能企业数,其他列',
    '522400,毕节市,贵州省,2015,"1,234",x',
    '540200,日喀则市,西藏自治区,2013,4,',
    '110000,北京市,北京市,2014年,,',
    '',
    '数据来源：XX数据库 仅供学术研究使用,,,,,',
    '',
  ].join('\r\n');
  const expected = [
    ['522400', '毕节市', '贵州省', 2015, 1234, null, 'E2'],
    ['540200', '日喀则市', '西藏自治区', 2013, 4, null, 'E3'],
    ['110000', '北京市', '北京市', 2014, null, '', 'E4'],
  ];
  const rowsOf = (values: Awaited<ReturnType<typeof run>>['values']) => values.map((v) => [v.code_raw, v.name_raw, v.province_raw, v.year, v.value, v.missing_marker, v.cell]);

  it('reads UTF-8 CSV with BOM, quoted thousands, stale and back-cast codes kept, watermark skipped', async () => {
    const { values } = await run([{ path: 'vendor/ai.csv', data: `\uFEFF${csv}` }], [longSource()]);
    expect(rowsOf(values)).toEqual(expected);
    expect(values.every((v) => v.sheet === '' && v.layout === 'long' && v.unit === '家')).toBe(true);
  });

  it('detects and decodes GBK', async () => {
    const { values } = await run([{ path: 'vendor/ai.csv', data: encodeGbk(csv) }], [longSource()]);
    expect(rowsOf(values)).toEqual(expected);
  });

  it('reads an xlsx long panel with numbers stored as text and a title row above the header', async () => {
    const rows = [['人工智能企业数据（样本）'], ['年份', '城市名称', '人工智能企业数'], ['2016', '苏州市', '２３'], [2017, '苏州市', 30], ['数据来源：XX数据库 仅供学术研究使用']];
    const { values } = await run(
      [{ path: 'vendor/ai.xlsx', data: xlsx({ Sheet1: rows }) }],
      [longSource({ file: 'vendor/ai.xlsx', columns: { name: '城市名称', year: '年份' } })],
    );
    expect(values.map((v) => [v.name_raw, v.year, v.value, v.code_raw, v.cell, v.sheet])).toEqual([
      ['苏州市', 2016, 23, null, 'C3', 'Sheet1'],
      ['苏州市', 2017, 30, null, 'C4', 'Sheet1'],
    ]);
  });
});

describe('long-panel adapter: CSMAR-style description rows', () => {
  it('skips the rows the registry says sit between header and data', async () => {
    const csv = ['城市代码,城市名称,年份,人工智能企业数', 'CityCode,CityName,Year,AIFirms', '没有单位,没有单位,没有单位,家', '110000,北京市,2020,5'].join('\n');
    const src = {
      id: 'csmar', layout: 'long' as const, file: 'v/c.csv', years: { from: 2011, to: 2022 }, skip_after_header: 2,
      columns: { code: '城市代码', name: '城市名称', year: '年份' }, indicators: [{ indicator: 'ai_firms' as const, column: '人工智能企业数', unit: '家' }],
    };
    const { values } = await run([{ path: 'v/c.csv', data: csv }], [src]);
    expect(values.map((v) => [v.code_raw, v.year, v.value, v.cell])).toEqual([['110000', 2020, 5, 'D4']]);
  });
});

describe('number parsing', () => {
  it('accepts documented forms and rejects the rest', () => {
    const ok: Array<[string, number]> = [['1,234.5', 1234.5], ['１２３', 123], ['１，２３４', 1234], [' 12 ', 12], ['0.5', 0.5], ['.5', 0.5], ['1e3', 1000], ['-3', -3], ['12,345,678', 12345678]];
    for (const [s, v] of ok) expect(parseNumericText(s), s).toEqual({ kind: 'number', value: v });
    for (const s of ['1,23', 'abc', '12a', '1.2.3', '--1', 'NaN', 'Infinity', '1,2345']) expect(parseNumericText(s).kind, s).toBe('bad');
    for (const s of ['', ' ', '—', '…', '-', '－', '——', '...']) expect(parseNumericText(s).kind, s).toBe('missing');
  });
});
