// Bounded work on hostile input: a sheet whose XML inflates far beyond the file is refused before inflating;
// a huge cell text is shown as its start and its size; files no source reads are named, not read.
import { createDeflateRaw, crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, IngestError, ingest } from '../../../pipelines/ingest/read.ts';
import { readWorkbook } from '../../../pipelines/ingest/files.ts';
import type { RegistryInput } from '../../../schemas/sources.ts';
import { run, tempDir, writeFiles, xlsx } from './fixtures.ts';

const yb: RegistryInput['sources'][number] = {
  id: 'yb', layout: 'yearbook', file: 'yb/年鉴{edition}.xlsx', years: { from: 2010, to: 2022 }, sheet: '财政',
  indicators: [{ indicator: 'budget_revenue', labels: ['地方一般公共预算收入'] }],
};
const long: RegistryInput['sources'][number] = {
  id: 'ai', layout: 'long', file: 'v/ai.csv', years: { from: 2011, to: 2022 },
  columns: { code: '城市代码', name: '城市名称', year: '年份' }, indicators: [{ indicator: 'ai_firms', column: '人工智能企业数', unit: '家' }],
};
const header = [['城市', '地方一般公共预算收入'], [null, '全市'], [null, '万元']];

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XLSX_PARTS: Record<string, string> = {
  '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
  '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="财政" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
};

interface Entry { name: string; deflated: Buffer; crc: number; size: number }

/** Deflate `repeat` copies of `row` between `head` and `tail`, in chunks (the whole text is never in memory). */
async function deflated(name: string, head: string, row: string, repeat: number, tail: string): Promise<Entry> {
  const out: Buffer[] = [];
  const z = createDeflateRaw({ level: 9 });
  z.on('data', (d: Buffer) => out.push(d));
  const done = new Promise((res) => z.on('end', res));
  let crc = 0;
  let size = 0;
  const write = async (b: Buffer) => {
    crc = crc32(b, crc);
    size += b.length;
    if (!z.write(b)) await new Promise((res) => z.once('drain', res));
  };
  await write(Buffer.from(head));
  const perChunk = Math.max(1, Math.floor((1 << 20) / Math.max(1, row.length)));
  const chunk = Buffer.from(row.repeat(perChunk));
  let left = row === '' ? 0 : repeat;
  for (; left >= perChunk; left -= perChunk) await write(chunk);
  if (left > 0) await write(Buffer.from(row.repeat(left)));
  await write(Buffer.from(tail));
  z.end();
  await done;
  return { name, deflated: Buffer.concat(out), crc: crc >>> 0, size };
}

/** A zip container of deflated entries. */
function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.deflated.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc, 16);
    central.writeUInt32LE(e.deflated.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.deflated);
    centrals.push(central, name);
    offset += 30 + name.length + e.deflated.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** An xlsx whose one sheet has `rows` identical rows (highly compressible XML). */
async function repetitiveWorkbook(rows: number): Promise<Buffer> {
  const parts = await Promise.all(Object.entries(XLSX_PARTS).map(([name, text]) => deflated(name, text, '', 0, '')));
  const sheet = await deflated('xl/worksheets/sheet1.xml', `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>`,
    '<row><c t="n"><v>1</v></c></row>', rows, '</sheetData></worksheet>');
  return zip([...parts, sheet]);
}

describe('a sheet that inflates far beyond its file', () => {
  it('the crafted workbook is a real one: a small version is read', async () => {
    const wb = readWorkbook(await repetitiveWorkbook(1000), 'small.xlsx', DEFAULT_LIMITS);
    expect(wb.SheetNames).toEqual(['财政']);
  });

  it('a file of a few hundred kB whose sheet XML is 200 MB is refused with one line, before inflating', async () => {
    const rows = 200 * 1024 * 1024 / 32;
    const bomb = await repetitiveWorkbook(rows);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    // within the total limit: the ratio is what refuses it
    expect(32 * rows).toBeLessThan(DEFAULT_LIMITS.maxUncompressedBytes);
    const dir = tempDir();
    writeFiles(dir, [{ path: 'yb/年鉴2015.xlsx', data: bomb }]);
    global.gc?.();
    const before = process.memoryUsage();
    let error: unknown;
    try {
      await ingest({ rawDir: dir, registry: { version: 1, sources: [yb] } });
    } catch (e) {
      error = e;
    }
    const after = process.memoryUsage();
    expect(error).toBeInstanceOf(IngestError);
    const message = (error as Error).message;
    expect(message).toMatch(/^ingest: file yb\/年鉴2015\.xlsx: expected zip entries that inflate to at most 100 times their compressed size \(limits\.maxCompressionRatio\), entry 'xl\/worksheets\/sheet1\.xml' declares 209715\d{3} bytes from \d+ \(decompression bomb\?\)$/);
    // the 200 MB were never made: neither inflated nor handed to the spreadsheet parser
    expect(after.rss - before.rss).toBeLessThan(100 * 1024 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(50 * 1024 * 1024);
  });
});

describe('huge cell texts in messages', () => {
  it('a 10 MB text in a numeric cell: its first 80 characters and its size', async () => {
    // a CSV (a workbook cell holds at most 32,767 characters)
    const huge = `n/a${'x'.repeat(10_000_000)}`;
    let error: IngestError | undefined;
    try {
      await run([{ path: 'v/ai.csv', data: `城市代码,城市名称,年份,人工智能企业数\n130100,石家庄,2015,${huge}\n` }], [long]);
    } catch (e) {
      error = e as IngestError;
    }
    expect(error).toBeInstanceOf(IngestError);
    expect(error!.message).toBe(`ingest: file v/ai.csv, cell D2: expected a number or a missing marker (empty, —, …, -), got text that is neither a number nor a missing marker 'n/a${'x'.repeat(77)}…' (10,000,003 characters)`);
  });
});

describe('files no source reads', () => {
  it('are listed (documentation files and the registry aside) and not read', async () => {
    const dir = tempDir();
    writeFiles(dir, [
      { path: 'yb/年鉴2015.xlsx', data: xlsx({ 财政: [...header, ['石家庄', 1]] }) },
      { path: 'yb/年鉴2015 (copy).xlsx', data: 'not even a workbook' },
      { path: 'notes/todo.txt', data: 'x' },
      { path: 'README.md', data: '#' },
      { path: 'sources.json', data: JSON.stringify({ version: 1, sources: [yb] }) },
    ]);
    const r = await ingest({ rawDir: dir });
    expect(r.values).toHaveLength(1);
    expect(r.unclaimed).toEqual(['notes/todo.txt', 'yb/年鉴2015 (copy).xlsx']);
  });
});
