/** Bad input: every case stops the run with one IngestError line naming file, sheet, cell and what was expected. */
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, IngestError } from '../../../pipelines/ingest/read.ts';
import { checkXlsxContainer, invalidGbkAt } from '../../../pipelines/ingest/files.ts';
import type { RegistryInput } from '../../../schemas/sources.ts';
import { run, xlsx } from './fixtures.ts';

type Sources = RegistryInput['sources'];

const yb: Sources[number] = {
  id: 'yb',
  layout: 'yearbook',
  file: 'yb/年鉴{edition}.xlsx',
  years: { from: 2010, to: 2022 },
  sheet: '财政',
  indicators: [{ indicator: 'budget_revenue', labels: ['地方一般公共预算收入'] }],
};

const header = [['城市', '地区生产总值', '地方一般公共预算收入'], [null, '全市', '全市'], [null, '万元', '万元'], ['河北省']];
const ybFile = (rows: unknown[][], sheet = '财政', path = 'yb/年鉴2015.xlsx') => ({ path, data: xlsx({ [sheet]: rows }) });

async function failure(files: Parameters<typeof run>[0], sources: Sources, limits = {}): Promise<IngestError> {
  try {
    await run(files, sources, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError);
    const err = e as IngestError;
    expect(err.message).not.toMatch(/[\r\n]/);
    expect(err.message.startsWith(`ingest: file ${err.file}`)).toBe(true);
    return err;
  }
  throw new Error('expected ingest to fail');
}

const eps: Sources[number] = {
  id: 'eps', layout: 'eps', file: 'eps/x.xlsx', years: { from: 2011, to: 2022 }, sheet: 'S', indicator: 'patents_granted', labels: ['专利授权数'], level: 'city',
};
const epsRows = (years: unknown[], row: unknown[]) => [['指标名称：专利授权数'], ['单位：件'], ['地区代码', '地区名称', ...years], row];

const long: Sources[number] = {
  id: 'ai', layout: 'long', file: 'v/ai.csv', years: { from: 2011, to: 2022 },
  columns: { code: '城市代码', name: '城市名称', year: '年份' }, indicators: [{ indicator: 'ai_firms', column: '人工智能企业数', unit: '家' }],
};

describe('layout mismatches', () => {
  it('header not found', async () => {
    const e = await failure([ybFile([['某表'], ['城市', '别的指标'], ['北京', 1]])], [yb]);
    expect(e).toMatchObject({ file: 'yb/年鉴2015.xlsx', sheet: '财政' });
    expect(e.expected).toMatch(/expected a header row with '地方一般公共预算收入'/);
  });

  it('missing sheet', async () => {
    const e = await failure([ybFile(header, '其他')], [yb]);
    expect(e.message).toMatch(/expected a sheet '财政'.*'其他'/);
  });

  it('empty sheet', async () => {
    const e = await failure([{ path: 'yb/年鉴2015.xlsx', data: xlsx({ 财政: [] }) }], [yb]);
    expect(e.message).toMatch(/sheet 财政: expected a yearbook table, got an empty sheet/);
  });

  it('units row without a unit, or with a unit the clean stage cannot convert', async () => {
    const e1 = await failure([ybFile([header[0], header[1], [null, '万元', null], ['北京', 1, 2]])], [yb]);
    expect(e1).toMatchObject({ cell: 'C3' });
    expect(e1.expected).toMatch(/expected a unit/);
    const e2 = await failure([ybFile([header[0], header[1], [null, '万元', '千元'], ['北京', 1, 2]])], [yb]);
    expect(e2).toMatchObject({ cell: 'C3' });
    expect(e2.expected).toMatch(/convertible to 万元 .*'千元'/);
  });

  it('a scope column the registry requires is absent', async () => {
    const src = { ...yb, indicators: [{ indicator: 'budget_revenue' as const, labels: ['地方一般公共预算收入'], scopes: ['全市' as const, '市辖区' as const] }] };
    const e = await failure([ybFile([...header, ['石家庄', 1, 2]])], [src]);
    expect(e.expected).toMatch(/expected a 市辖区 column under '地方一般公共预算收入'/);
  });

  it('EPS sheet of another indicator', async () => {
    const e = await failure([{ path: 'eps/x.xlsx', data: xlsx({ S: [['指标名称：专利申请数'], ...epsRows([2011], ['110000', '北京市', 1]).slice(1)] }) }], [eps]);
    expect(e).toMatchObject({ sheet: 'S', cell: 'A1' });
    expect(e.expected).toMatch(/expected the indicator '专利授权数'.*got '专利申请数'/);
  });

  it('long panel without its columns', async () => {
    const e = await failure([{ path: 'v/ai.csv', data: '城市代码,城市名称,年份\n110000,北京,2015\n' }], [long]);
    expect(e.expected).toMatch(/expected the column\(s\) '人工智能企业数'/);
  });

  it('no file for a required source', async () => {
    const e = await failure([], [yb]);
    expect(e.expected).toMatch(/expected at least one file matching/);
  });
});

describe('bad cells', () => {
  it('text in a numeric cell', async () => {
    const e = await failure([ybFile([...header, ['石家庄', 1, 'n/a']])], [yb]);
    expect(e).toMatchObject({ file: 'yb/年鉴2015.xlsx', sheet: '财政', cell: 'C5' });
    expect(e.message).toBe("ingest: file yb/年鉴2015.xlsx, sheet 财政, cell C5: expected a number or a missing marker (empty, —, …, -), got text that is neither a number nor a missing marker 'n/a'");
  });

  it('negative count', async () => {
    const e = await failure([{ path: 'eps/x.xlsx', data: xlsx({ S: epsRows([2011, 2012], ['110000', '北京市', 3, -2]) }) }], [eps]);
    expect(e).toMatchObject({ cell: 'D4' });
    expect(e.expected).toMatch(/non-negative .*got -2/);
  });

  it('formula without cached value; error cell', async () => {
    const e1 = await failure([ybFile([...header, ['石家庄', 1, { t: 'n', f: 'B5*2' }]])], [yb]);
    expect(e1).toMatchObject({ cell: 'C5' });
    expect(e1.expected).toMatch(/formula without cached value/);
    const e2 = await failure([ybFile([...header, ['石家庄', 1, { t: 'e', v: 0x2a }]])], [yb]);
    expect(e2.expected).toMatch(/error cell/);
  });

  it('a row with data but no name', async () => {
    const e = await failure([ybFile([...header, [null, 1, 2]])], [yb]);
    expect(e).toMatchObject({ cell: 'A5' });
  });

  it('duplicated city-year', async () => {
    const e = await failure([ybFile([...header, ['石家庄', 1, 2], ['唐山', 1, 2], ['石　家庄', 3, 4]])], [yb]);
    expect(e).toMatchObject({ cell: 'C7' });
    expect(e.expected).toMatch(/duplicate: 石家庄 2014 budget_revenue 全市 is already at 财政!C5/);
    const e2 = await failure([{ path: 'v/ai.csv', data: '城市代码,城市名称,年份,人工智能企业数\n110000,北京市,2015,1\n110000,北京市,2015,2\n' }], [long]);
    expect(e2).toMatchObject({ cell: 'D3' });
    expect(e2.expected).toMatch(/already at D2/);
  });

  it('year outside the declared range: in a header, in a row, in a file name', async () => {
    const e1 = await failure([{ path: 'eps/x.xlsx', data: xlsx({ S: epsRows([2011, '2031年'], ['110000', '北京市', 1, 2]) }) }], [eps]);
    expect(e1).toMatchObject({ cell: 'D3' });
    expect(e1.expected).toMatch(/2011–2022 .*got 2031/);
    const e2 = await failure([{ path: 'v/ai.csv', data: '城市代码,城市名称,年份,人工智能企业数\n110000,北京市,2009,1\n' }], [long]);
    expect(e2).toMatchObject({ cell: 'C2', sheet: '' });
    const e4 = await failure([{ path: 'v/ai_2015.csv', data: '城市代码,城市名称,年份,人工智能企业数\n110000,北京市,2015,1\n110000,北京市,2016,1\n' }], [{ ...long, file: 'v/ai_{year}.csv' }]);
    expect(e4).toMatchObject({ cell: 'C3' });
    expect(e4.expected).toMatch(/year 2015 given by the file name, got 2016/);
    const e3 = await failure([ybFile(header, '财政', 'yb/年鉴2031.xlsx')], [yb]);
    expect(e3.expected).toMatch(/edition 2031 \(data year 2030\)/);
  });

  it('bad region code and bad year', async () => {
    const e1 = await failure([{ path: 'v/ai.csv', data: '城市代码,城市名称,年份,人工智能企业数\n11000X,北京市,2015,1\n' }], [long]);
    expect(e1.expected).toMatch(/6-digit region code/);
    const e2 = await failure([{ path: 'v/ai.csv', data: '城市代码,城市名称,年份,人工智能企业数\n110000,北京市,十五年,1\n' }], [long]);
    expect(e2.expected).toMatch(/4-digit year/);
  });
});

describe('unsafe or broken files', () => {
  const good = () => xlsx({ 财政: [...header, ['石家庄', 1, 2]] });

  it('file larger than limits.maxFileBytes', async () => {
    const e = await failure([{ path: 'yb/年鉴2015.xlsx', data: good() }], [yb], { maxFileBytes: 1000 });
    expect(e.expected).toMatch(/limits.maxFileBytes/);
  });

  it('decompression bomb: declared uncompressed size checked before parsing', async () => {
    const e1 = await failure([{ path: 'yb/年鉴2015.xlsx', data: good() }], [yb], { maxUncompressedBytes: 2000 });
    expect(e1.expected).toMatch(/limits.maxUncompressedBytes.*decompression bomb/);
    // patch one central-directory entry to declare 3 GB
    const buf = Buffer.from(good());
    const cd = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    buf.writeUInt32LE(3_000_000_000, cd + 24);
    const e2 = await failure([{ path: 'yb/年鉴2015.xlsx', data: buf }], [yb]);
    expect(e2.expected).toMatch(/decompression bomb/);
  });

  it('decompression bomb with a lying directory: inflating is capped at the declared size', async () => {
    const buf = Buffer.from(good());
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    let cd = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    while (cd >= 0 && !buf.subarray(cd + 46, cd + 46 + name.length).equals(name)) cd = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), cd + 4);
    expect(cd).toBeGreaterThan(0);
    buf.writeUInt32LE(10, cd + 24);
    const e = await failure([{ path: 'yb/年鉴2015.xlsx', data: buf }], [yb]);
    expect(e.expected).toBe("expected an intact xlsx workbook, zip entry 'xl/worksheets/sheet1.xml' is corrupt (inflates to more than its declared size)");
  });

  it('damaged deflate data or CRC', async () => {
    const buf = Buffer.from(good());
    const local = buf.indexOf(Buffer.from('xl/worksheets/sheet1.xml'));
    buf[local + 40] ^= 0xff;
    const e = await failure([{ path: 'yb/年鉴2015.xlsx', data: buf }], [yb]);
    expect(e.expected).toMatch(/zip entry 'xl\/worksheets\/sheet1.xml' is corrupt/);
  });

  it('too many rows', async () => {
    const e = await failure([{ path: 'yb/年鉴2015.xlsx', data: good() }], [yb], { maxRows: 3 });
    expect(e).toMatchObject({ sheet: '财政' });
    expect(e.expected).toMatch(/limits.maxRows/);
  });

  it('truncated xlsx', async () => {
    const buf = good();
    const e = await failure([{ path: 'yb/年鉴2015.xlsx', data: buf.subarray(0, Math.floor(buf.length / 2)) }], [yb]);
    expect(e.expected).toMatch(/truncated or corrupt/);
  });

  it('non-spreadsheets renamed .xlsx', async () => {
    const e1 = await failure([{ path: 'yb/年鉴2015.xlsx', data: '%PDF-1.4\n...' }], [yb]);
    expect(e1.expected).toBe('expected an xlsx workbook (a zip container), got a PDF file');
    const e2 = await failure([{ path: 'yb/年鉴2015.xlsx', data: '<html><body><table><tr><td>1</td></tr></table></body></html>' }], [yb]);
    expect(e2.expected).toMatch(/got an HTML page/);
    const e3 = await failure([{ path: 'yb/年鉴2015.xlsx', data: '' }], [yb]);
    expect(e3.expected).toMatch(/got an empty file/);
  });

  it('encrypted workbook', async () => {
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, '/EncryptionInfo', Buffer.alloc(200, 1));
    XLSX.CFB.utils.cfb_add(cfb, '/EncryptedPackage', Buffer.alloc(5000, 2));
    const data = Buffer.from(XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer);
    const e = await failure([{ path: 'yb/年鉴2015.xlsx', data }], [yb]);
    expect(e.expected).toMatch(/password-protected \(encrypted\) workbook/);
  });

  it('CSV that is neither UTF-8 nor GBK, binary, or an xlsx renamed .csv', async () => {
    const e1 = await failure([{ path: 'v/ai.csv', data: Buffer.from([0x41, 0xff, 0xff, 0x42, 0x0a]) }], [long]);
    expect(e1.expected).toMatch(/UTF-8 or GBK/);
    const e2 = await failure([{ path: 'v/ai.csv', data: Buffer.from([0x41, 0x00, 0x42]) }], [long]);
    expect(e2.expected).toMatch(/binary content/);
    const e3 = await failure([{ path: 'v/ai.csv', data: good() }], [long]);
    expect(e3.expected).toMatch(/zip container/);
    const e4 = await failure([{ path: 'v/ai.csv', data: Buffer.from([0xef, 0xbb, 0xbf, 0xd6, 0xd0]) }], [long]);
    expect(e4.expected).toMatch(/UTF-8 BOM/);
  });

  it('unterminated quote in a CSV', async () => {
    const e = await failure([{ path: 'v/ai.csv', data: '城市代码,城市名称,年份,人工智能企业数\n110000,"北京市,2015,1\n' }], [long]);
    expect(e.expected).toMatch(/closing quote/);
  });

  it('sheet and cell content cannot pollute prototypes', async () => {
    const src = { ...yb, indicators: [{ indicator: 'budget_revenue' as const, labels: ['__proto__'] }] };
    const rows = [['城市', '__proto__'], [null, '全市'], [null, '万元'], ['constructor', 1], ['__proto__', 2], ['toString', 3]];
    const { values } = await run([ybFile(rows)], [src]);
    expect(values.map((v) => [v.name_raw, v.value])).toEqual([['constructor', 1], ['__proto__', 2], ['toString', 3]]);
    // a sheet called __proto__ is never looked up through the prototype chain: it is reported as unreadable
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), '__proto__');
    const data = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
    const e = await failure([{ path: 'yb/年鉴2015.xlsx', data }], [{ ...src, sheet: '__proto__' }]);
    expect(e.expected).toMatch(/expected a worksheet|expected a sheet/);
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(typeof ({} as { toString: unknown }).toString).toBe('function');
  });
});

describe('container and encoding checks, directly', () => {
  // an OLE compound file: the CFB magic, then a stream name somewhere in its directory
  const cfb = (name: Buffer) => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(8), name, Buffer.alloc(8)]);

  it('an OLE file with any one stream name of an encrypted workbook is refused naming the file; without one it is a legacy file', () => {
    const markers = [Buffer.from('EncryptionInfo', 'latin1'), Buffer.from('EncryptionInfo', 'utf16le'), Buffer.from('EncryptedPackage', 'utf16le')];
    for (const marker of markers) {
      let error: unknown;
      try { checkXlsxContainer(cfb(marker), 'yb/年鉴2015.xlsx', DEFAULT_LIMITS); } catch (e) { error = e; }
      expect(error).toBeInstanceOf(IngestError);
      expect((error as IngestError).message).toBe('ingest: file yb/年鉴2015.xlsx: expected an xlsx workbook, got a password-protected (encrypted) workbook: save it again without password');
    }
    expect(checkXlsxContainer(cfb(Buffer.from('Workbook', 'utf16le')), 'yb/年鉴2015.xls', DEFAULT_LIMITS)).toBe('cfb');
  });

  it('GBK structure: a lead byte 81–FE takes a trail 40–7E or 80–FE, or digit, lead, digit (GB18030 four bytes)', () => {
    const at = (...bytes: number[]) => invalidGbkAt(Uint8Array.from(bytes));
    expect(at(0x41, 0x81, 0x40)).toBe(-1);
    expect(at(0x41, 0x81, 0x7e)).toBe(-1);
    expect(at(0x41, 0x81, 0x80)).toBe(-1);
    expect(at(0x41, 0x81, 0xfe)).toBe(-1);
    expect(at(0x41, 0x81, 0x30, 0x81, 0x30, 0x42)).toBe(-1);
    expect(at(0x41, 0x81, 0x7f)).toBe(1);
    expect(at(0x41, 0x81, 0xff)).toBe(1);
    expect(at(0x41, 0x81, 0x20)).toBe(1);
    expect(at(0x41, 0x42, 0x81)).toBe(2);
  });
});

describe('structure checks', () => {
  const csvHead = '城市代码,城市名称,年份,人工智能企业数\n';

  it('a CSV record with more or fewer fields than the header names its line', async () => {
    const e1 = await failure([{ path: 'v/ai.csv', data: `${csvHead}110000,北京市,2015,1\n130100,石家庄市,2015,1,101\n` }], [long]);
    expect(e1.message).toBe('ingest: file v/ai.csv, cell line 3: expected 4 fields as in the header (line 1), got 5: an unquoted comma inside a field, e.g. a number written 1,101?');
    const e2 = await failure([{ path: 'v/ai.csv', data: `${csvHead}110000,北京市,2015\n` }], [long]);
    expect(e2).toMatchObject({ cell: 'line 2' });
    expect(e2.expected).toMatch(/expected 4 fields .*got 3: a short or truncated line/);
    // the line, not the record: a quoted field spanning two lines comes before
    const e3 = await failure([{ path: 'v/ai.csv', data: `${csvHead}110000,"北京\n市",2015,1\n130100,石家庄市,2015\n` }], [long]);
    expect(e3).toMatchObject({ cell: 'line 4' });
    // blank lines and a footer line of another width end or sit outside the data
    const ok = await run([{ path: 'v/ai.csv', data: `${csvHead}110000,北京市,2015,1\n\n数据来源：某数据库\n` }], [long]);
    expect(ok.values).toHaveLength(1);
  });

  it('an EPS year header moved against the years of the yearbook editions (shifted by one)', async () => {
    const editions = [ybFile([...header, ['石家庄', 1, 2]], '财政', 'yb/年鉴2012.xlsx'), ybFile([...header, ['石家庄', 1, 2]], '财政', 'yb/年鉴2013.xlsx')];
    const epsFile = (years: number[]) => ({ path: 'eps/x.xlsx', data: xlsx({ S: epsRows(years, ['110000', '北京市', ...years.map(() => 1)]) }) });
    const e = await failure([...editions, epsFile([2012, 2013])], [yb, eps]);
    expect(e.message).toBe('ingest: file eps/x.xlsx, sheet S, cell C3: expected the year columns to line up with the data years of the dated files, 2011 (yb/年鉴2012.xlsx) to 2012 (yb/年鉴2013.xlsx); the header runs 2012–2013: shifted by +1 year?');
    // fewer years than the editions, or a year ahead of the latest edition: accepted
    for (const years of [[2012], [2011, 2012, 2013]]) {
      const { values } = await run([...editions, epsFile(years)], [yb, eps]);
      expect(values.filter((v) => v.layout === 'eps').map((v) => v.year)).toEqual(years);
    }
  });

  it('a yearbook title naming another year or edition than the file name', async () => {
    const e1 = await failure([ybFile([['财政（2015年）'], ...header, ['石家庄', 1, 2]])], [yb]);
    expect(e1.message).toBe("ingest: file yb/年鉴2015.xlsx, sheet 财政, cell A1: expected the data year 2014 of edition 2015 (the file name) in the title, the title says 2015 ('财政（2015年）'), the data year of edition 2016: editions swapped or the file misnamed?");
    const e2 = await failure([ybFile([['中国城市统计年鉴２０１６'], ...header, ['石家庄', 1, 2]])], [yb]);
    expect(e2.expected).toMatch(/^expected the edition 2015 of the file name in the title, the title says edition 2016/);
    // the right year or edition, or a title with several years, is accepted
    for (const title of ['财政（2014年）', '中国城市统计年鉴2015', '2010–2014年']) {
      const { values } = await run([ybFile([[title], ...header, ['石家庄', 1, 2]])], [yb]);
      expect(values.map((v) => v.value)).toEqual([2]);
    }
  });

  it('two visible sheets matching the registered name; a hidden stale copy; only a hidden match', async () => {
    const two = xlsx({ 财政: [...header, ['石家庄', 1, 2]], '财　政': [...header, ['石家庄', 1, 3]] });
    const e1 = await failure([{ path: 'yb/年鉴2015.xlsx', data: two }], [yb]);
    expect(e1.expected).toBe("expected one sheet '财政' (source 'yb'), found 2 whose names differ only in spaces or brackets: '财政', '财　政'; remove or rename all but one");
    const hiddenStale = xlsx({ 财政: [...header, ['石家庄', 1, 2]], '财　政': [...header, ['石家庄', 1, 3]] }, (wb) => XLSX.utils.book_set_sheet_visibility(wb, '财政', 1));
    const { values } = await run([{ path: 'yb/年鉴2015.xlsx', data: hiddenStale }], [yb]);
    expect(values.map((v) => [v.sheet, v.value])).toEqual([['财　政', 3]]);
    const onlyHidden = xlsx({ 其他: [['x']], 财政: [...header, ['石家庄', 1, 2]] }, (wb) => XLSX.utils.book_set_sheet_visibility(wb, '财政', 2));
    const e2 = await failure([{ path: 'yb/年鉴2015.xlsx', data: onlyHidden }], [yb]);
    expect(e2).toMatchObject({ sheet: '财政' });
    expect(e2.expected).toMatch(/expected a visible sheet '财政' \(source 'yb'\), the only match is hidden/);
  });

  it('merged cells among the data rows name the range; merged titles and headers are fine', async () => {
    const merged = (ranges: string[], rows: unknown[][]) => xlsx({ 财政: rows }, (wb) => {
      wb.Sheets.财政['!merges'] = ranges.map((r) => XLSX.utils.decode_range(r));
    });
    const rows = [['财政'], ...header, ['石家庄', 1, 2], ['唐山', 3, null], ['注：…']];
    const e1 = await failure([{ path: 'yb/年鉴2015.xlsx', data: merged(['C6:C7'], rows) }], [yb]);
    expect(e1.message).toBe('ingest: file yb/年鉴2015.xlsx, sheet 财政, cell C6:C7: expected one value per cell in the data block, got merged cells (a merged cell is read as one value and empty cells): unmerge them and fill every cell');
    const e2 = await failure([{ path: 'yb/年鉴2015.xlsx', data: merged(['A6:A7'], [['财政'], ...header, ['石家庄', 1, 2], [null, 3, 4]]) }], [yb]);
    expect(e2).toMatchObject({ cell: 'A6:A7' });
    const e3 = await failure([{ path: 'eps/x.xlsx', data: xlsx({ S: [...epsRows([2011, 2012], ['110000', '北京市', 1, 2]), ['130100', '石家庄市', 3, 4]] }, (wb) => {
      wb.Sheets.S['!merges'] = [XLSX.utils.decode_range('C4:D4')];
    }) }], [eps]);
    expect(e3).toMatchObject({ sheet: 'S', cell: 'C4:D4' });
    const { values } = await run([{ path: 'yb/年鉴2015.xlsx', data: merged(['A1:C1', 'A2:A3', 'A8:C8'], rows) }], [yb]);
    expect(values.map((v) => v.value)).toEqual([2, null]);
  });
});

describe('registry errors', () => {
  it('an unknown indicator or a duplicate id is refused with the field path', async () => {
    await expect(run([], [{ ...yb, indicators: [{ indicator: 'gdpp' as never, labels: ['x'] }] }])).rejects.toThrow(/sources\.0\.indicators\.0\.indicator/);
    await expect(run([], [yb, yb])).rejects.toThrow(/duplicate source id 'yb'/);
    await expect(run([], [yb, yb])).rejects.toBeInstanceOf(IngestError);
  });
});
