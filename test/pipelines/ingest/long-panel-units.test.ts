// Issue 11 §2.10: long panels print their units in the header (`gdp（亿元人民币）`, `(平方公里)`, `(万元)`); with
// unit "header" the registry takes them from there, other spellings map through the unit table, and an unknown
// unit stops the run naming the header cell.
import { describe, expect, it } from 'vitest';
import { IngestError } from '../../../pipelines/ingest/read.ts';
import { run, xlsx } from './fixtures.ts';

const source = (indicators: Array<Record<string, string>>, extra: Record<string, unknown> = {}) => ({
  id: 'vendor', layout: 'long' as const, file: 'vendor/city.xlsx', years: { from: 1990, to: 2024 },
  columns: { code: '城市代码', name: '城市名称', year: '年份' },
  indicators: indicators as Array<{ indicator: 'gdp'; column: string; unit: string }>,
  ...extra,
});
const book = (headers: string[], rows: unknown[][] = [['110000', '北京市', 2015, 2.5, 16410, 1200.5]]) =>
  ({ path: 'vendor/city.xlsx', data: xlsx({ Sheet1: [['城市代码', '城市名称', '年份', ...headers], ...rows] }) });

async function failure(files: Parameters<typeof run>[0], sources: Parameters<typeof run>[1]): Promise<IngestError> {
  try {
    await run(files, sources);
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError);
    return e as IngestError;
  }
  throw new Error('expected an IngestError');
}

describe('units printed in a long panel’s header', () => {
  const HEADERS = ['地区生产总值（亿元人民币）', '行政区域土地面积(平方公里)', '教育支出 (万元)'];
  const FROM_HEADER = [
    { indicator: 'gdp', column: '地区生产总值', unit: 'header' },
    { indicator: 'land_area', column: '行政区域土地面积', unit: 'header' },
    { indicator: 'edu_exp', column: '教育支出', unit: 'header' },
  ];

  it('reads each column’s unit from its bracket, in the unit table’s spelling (亿元人民币 → 亿元)', async () => {
    const { values } = await run([book(HEADERS)], [source(FROM_HEADER)]);
    expect(values.map((v) => [v.indicator, v.value, v.unit, v.cell])).toEqual([
      ['gdp', 2.5, '亿元', 'D2'], ['land_area', 16410, '平方公里', 'E2'], ['edu_exp', 1200.5, '万元', 'F2'],
    ]);
  });

  it('finds a column declared with its bracket, and reads a CSMAR CSV with every field quoted and a BOM', async () => {
    const declared = FROM_HEADER.map((ind, i) => ({ ...ind, column: HEADERS[i] }));
    const { values } = await run([book(HEADERS)], [source(declared)]);
    expect(values.map((v) => v.unit)).toEqual(['亿元', '平方公里', '万元']);
    const csv = `\uFEFF"城市代码","城市名称","年份","地区生产总值（亿元人民币）"\r\n"110000","Beijing (city)","2015","2.5"\r\n`;
    const fromCsv = await run([{ path: 'vendor/city.csv', data: csv }], [source([FROM_HEADER[0]], { file: 'vendor/city.csv' })]);
    expect(fromCsv.values.map((v) => [v.name_raw, v.code_raw, v.value, v.unit])).toEqual([['Beijing(city)', '110000', 2.5, '亿元']]);
  });

  it('an unknown unit, or none, under unit "header" is an error naming the header cell', async () => {
    const unknown = await failure([book(['地区生产总值（亿美金）', '行政区域土地面积(平方公里)', '教育支出 (万元)'])], [source(FROM_HEADER)]);
    expect(unknown).toMatchObject({ file: 'vendor/city.xlsx', sheet: 'Sheet1', cell: 'D1' });
    expect(unknown.expected).toMatch(/unit convertible to 万元 .*got '亿美金'/);
    const none = await failure([book(['地区生产总值', '行政区域土地面积(平方公里)', '教育支出 (万元)'])], [source(FROM_HEADER)]);
    expect(none).toMatchObject({ cell: 'D1' });
    expect(none.expected).toMatch(/unit in brackets after the column name/);
  });

  it('a literal unit must agree with a unit the header prints; a bracket that is no unit is left alone', async () => {
    const literal = [{ indicator: 'gdp', column: '地区生产总值', unit: '万元' }];
    const clash = await failure([book(['地区生产总值(亿元)'], [['110000', '北京市', 2015, 2.5]])], [source(literal)]);
    expect(clash).toMatchObject({ cell: 'D1' });
    expect(clash.expected).toMatch(/unit 万元 the registry gives column '地区生产总值', the header says '亿元'/);
    const alias = await run([book(['地区生产总值（亿元人民币）'], [['110000', '北京市', 2015, 2.5]])], [source([{ ...literal[0], unit: '亿元' }])]);
    expect(alias.values[0].unit).toBe('亿元');
    const concept = await run([book(['年末人口(常住)'], [['110000', '北京市', 2015, 2189.3]])], [source([{ indicator: 'population', column: '年末人口', unit: '万人' }])]);
    expect(concept.values.map((v) => [v.indicator, v.value, v.unit])).toEqual([['population', 2189.3, '万人']]);
  });

  it('two columns matching one declared name are refused', async () => {
    const e = await failure([book(['地区生产总值(亿元)', '地区生产总值(万元)'], [['110000', '北京市', 2015, 2.5, 25000]])], [source([FROM_HEADER[0]])]);
    expect(e).toMatchObject({ cell: 'E1' });
    expect(e.expected).toMatch(/column '地区生产总值' once, it is also D1/);
  });
});
