// Issue 11 §2.3: where a vendor's long panel ends. Real exports carry a shop's watermark or advert after the
// data (in the name column, a side column or the year column), stray watermark cells beside the data, and a
// declared dimension of a million rows; none of it is data, and none of it may stop the build.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IngestError } from '../../../pipelines/ingest/read.ts';
import { runPipeline } from '../../../pipelines/runner/run.ts';
import { run, tempDir, withDimension, writeFiles, xlsx } from './fixtures.ts';

const WATERMARK = '更多数据，关注淘宝店【城市数据铺】';
const URL_AD = 'https://shop.example.com/city-data';

const source = (extra: Record<string, unknown> = {}) => ({
  id: 'vendor-ai', layout: 'long' as const, file: 'vendor/ai.xlsx', years: { from: 2011, to: 2022 },
  columns: { code: '城市代码', name: '城市名称', year: '年份' },
  indicators: [{ indicator: 'ai_firms' as const, column: '人工智能企业数', unit: '家' }],
  ...extra,
});

// columns A–D are declared, E is not (a side column)
const HEADER = ['城市代码', '城市名称', '年份', '人工智能企业数'];
const DATA = [
  ['110000', '北京市', 2015, 10, WATERMARK],  // a watermark cell beside a data row
  ['110000', '北京市', 2016, 12],
  [null, null, null, null, URL_AD],          // inside the data: text only in the undeclared column
  ['130100', '石家庄市', 2015, 3],
  ['130100', '石家庄市', 2016, '—'],
];
const TRAILER = [
  [],
  [],
  [null, WATERMARK],                          // in the name column
  [null, null, null, null, URL_AD],           // in a side column
  [null, null, '数据来源：城市数据铺'],       // in the year column
];
const panel = (rows: unknown[][]) => xlsx({ Sheet1: [HEADER, ...rows] });

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function failure(rows: unknown[][]): Promise<IngestError> {
  try {
    await run([{ path: 'vendor/ai.xlsx', data: panel(rows) }], [source()]);
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError);
    return e as IngestError;
  }
  throw new Error('expected an IngestError');
}

describe('the end of a long panel', () => {
  it('ends at the last row with a unit and a year: trailer rows and stray watermark cells are ignored and counted', async () => {
    const book = withDimension(panel([...DATA, ...TRAILER]), 'A1:J1048576');
    // the declared dimension is a million rows: the limits apply to the rows holding data
    const { values, files } = await run([{ path: 'vendor/ai.xlsx', data: book }], [source()], { maxRows: 20, maxCols: 5 });
    expect(values.map((v) => [v.code_raw, v.name_raw, v.year, v.value, v.missing_marker, v.cell])).toEqual([
      ['110000', '北京市', 2015, 10, null, 'D2'],
      ['110000', '北京市', 2016, 12, null, 'D3'],
      ['130100', '石家庄市', 2015, 3, null, 'D5'],
      ['130100', '石家庄市', 2016, null, '—', 'D6'],
    ]);
    // the URL-only row inside the data and the three non-blank trailer rows
    expect(files[0].ignored_rows).toBe(4);
  });

  it('still refuses a sheet whose data exceed the row limit', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ['110000', '北京市', 2011 + (i % 12), i]);
    await expect(run([{ path: 'vendor/ai.xlsx', data: panel(rows) }], [source()], { maxRows: 20 })).rejects.toThrow(/at most 20 rows \(limits\.maxRows\), its data reach row 31/);
  });

  it('reads a CSV saved from such a sheet: thousands of lines of empty fields count for no row limit', async () => {
    // Excel writes every line as wide as the used range: the header too has the side column's empty field
    const csv = [`${HEADER.join(',')},`, '110000,北京市,2015,10,', '130100,石家庄市,2015,3,', ',,,,', `,${WATERMARK},,,`, `,,,,${URL_AD}`,
      ...Array.from({ length: 3000 }, () => ',,,,')].join('\r\n');
    const { values, files } = await run([{ path: 'vendor/ai.csv', data: `\uFEFF${csv}` }], [source({ file: 'vendor/ai.csv' })], { maxRows: 50 });
    expect(values.map((v) => [v.name_raw, v.year, v.value])).toEqual([['北京市', 2015, 10], ['石家庄市', 2015, 3]]);
    expect(files[0].ignored_rows).toBe(2);
    // the limit still holds for lines with data
    const long = [`${HEADER.join(',')},`, ...Array.from({ length: 60 }, (_, i) => `110000,北京市,${2011 + (i % 12)},${i},`)].join('\n');
    await expect(run([{ path: 'vendor/ai.csv', data: long }], [source({ file: 'vendor/ai.csv' })], { maxRows: 50 })).rejects.toThrow(/at most 50 rows holding data/);
  });

  it('inside the data, a unit without a year (or a year without a unit) is an error naming the cell', async () => {
    const noYear = await failure([DATA[0], ['110000', '北京市', null, 11], DATA[1], ...TRAILER]);
    expect(noYear).toMatchObject({ file: 'vendor/ai.xlsx', sheet: 'Sheet1', cell: 'C3' });
    expect(noYear.expected).toMatch(/4-digit year/);
    const noUnit = await failure([DATA[0], [null, null, 2016, 11], DATA[1], ...TRAILER]);
    expect(noUnit).toMatchObject({ cell: 'B3' });
    expect(noUnit.expected).toMatch(/region name/);
    // a watermark in the name column inside the data is a unit without a year
    const stray = await failure([DATA[0], [null, WATERMARK], DATA[1]]);
    expect(stray).toMatchObject({ cell: 'C3' });
  });

  it('a row with a number under an indicator after the last good row is data with a bad year, not a trailer', async () => {
    const badYear = await failure([DATA[0], DATA[1], ['110000', '北京市', '2017年度', 13], ...TRAILER]);
    expect(badYear).toMatchObject({ cell: 'C4' });
    expect(badYear.expected).toMatch(/4-digit year, got '2017年度'/);
    const noName = await failure([DATA[0], [null, null, '', 13]]);
    expect(noName).toMatchObject({ cell: 'B3' });
    expect(noName.expected).toMatch(/region name in a row with data \(D3\)/);
  });

  it('the ingest stage reports the ignored rows in its line', async () => {
    const raw = tempDir('long-end-raw-');
    const out = tempDir('long-end-out-');
    dirs.push(raw, out);
    writeFiles(raw, [{ path: 'vendor/ai.xlsx', data: withDimension(panel([...DATA, ...TRAILER]), 'A1:J1048576') }]);
    writeFileSync(join(raw, 'sources.json'), JSON.stringify({ version: 1, sources: [source()] }));
    const record = await runPipeline({ rawDir: raw, outDir: out, stage: 'ingest', log: () => {}, progress: false });
    const ingest = record.stages.find((s) => s.stage === 'ingest')!;
    expect(ingest.report!.detail).toBe('1 files, 1 read, 0 unchanged; 4 rows of text outside the data ignored (watermarks, notes: stg_files.ignored_rows)');
    expect(ingest.report!.rows).toBe(4);
  });
});
