/**
 * Opening raw files safely: size limits, container checks before any parsing, clear one-line errors for files
 * that are not what their name says (a renamed PDF/HTML, a truncated download, a password-protected workbook),
 * and CSV decoding (UTF-8 with or without BOM, GBK).
 *
 * An xlsx container is verified before SheetJS sees it: the zip directory's declared sizes must stay within
 * limits.maxUncompressedBytes and no large entry may declare more than limits.maxCompressionRatio times its
 * compressed size (a decompression bomb is refused before inflating anything), then every entry is
 * inflated with Node's zlib capped at its declared size and checked against its CRC-32. A damaged deflate
 * stream can make the spreadsheet parser loop; it is refused here instead.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { createRequire } from 'node:module';
import type * as SheetJS from 'xlsx';

// SheetJS loads when the first workbook is read, not when the stage is imported (a run with nothing to read
// never pays for it); it is a CommonJS package, so it can be required synchronously here
const requireHere = createRequire(import.meta.url);
let sheetjs: typeof SheetJS | undefined;
const XLSX_LIB = (): typeof SheetJS => (sheetjs ??= requireHere('xlsx') as typeof SheetJS);
import { IngestError } from './errors.ts';

export interface IngestLimits {
  /** largest raw file accepted, bytes */
  maxFileBytes: number;
  /** largest total uncompressed size of an xlsx container (sum of the zip entries), bytes */
  maxUncompressedBytes: number;
  /** largest ratio of uncompressed to compressed size of one zip entry over 1 MiB (real sheets: 2–20) */
  maxCompressionRatio: number;
  /** most zip entries in an xlsx container */
  maxZipEntries: number;
  /** most rows holding data in one sheet or CSV file (a sheet's declared dimension is not counted) */
  maxRows: number;
  /** most columns in one sheet or CSV file */
  maxCols: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxFileBytes: 256 * 1024 * 1024,
  // what the spreadsheet parser is given to hold in memory: it needs several times the XML's size, so 256 MiB of
  // sheet XML is already more than a yearbook workbook has, and the ratio keeps a 1 MB file below 100 MB of XML
  maxUncompressedBytes: 256 * 1024 * 1024,
  maxCompressionRatio: 100,
  maxZipEntries: 10_000,
  maxRows: 1_000_000,
  maxCols: 16_384,
};

const ZIP_LOCAL = 0x04034b50;
const ZIP_EOCD = 0x06054b50;
const ZIP_CENTRAL = 0x02014b50;
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

function describeStart(buf: Buffer): string {
  const head = buf.subarray(0, 8);
  if (head.length === 0) return 'an empty file';
  if (head.subarray(0, 4).toString('latin1') === '%PDF') return 'a PDF file';
  const text = buf.subarray(0, 64).toString('utf8').trimStart().toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'an HTML page';
  if (text.startsWith('<?xml')) return 'an XML file';
  if (/^[\x09\x0a\x0d\x20-\x7e]+$/.test(head.toString('latin1'))) return 'a text file';
  return `bytes ${[...head].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

/** Check an xlsx container before parsing: signature, zip directory, entry sizes. */
export function checkXlsxContainer(buf: Buffer, file: string, limits: IngestLimits): 'zip' | 'cfb' {
  if (buf.length >= 8 && buf.subarray(0, 8).equals(CFB_MAGIC)) {
    // OLE compound file: a legacy .xls, or an encrypted (password-protected) OOXML workbook.
    const latin = buf.toString('latin1');
    const utf16 = buf.toString('utf16le');
    if (latin.includes('EncryptionInfo') || utf16.includes('EncryptionInfo') || utf16.includes('EncryptedPackage')) {
      throw new IngestError({ file }, 'expected an xlsx workbook, got a password-protected (encrypted) workbook: save it again without password');
    }
    return 'cfb';
  }
  if (buf.length < 4 || buf.readUInt32LE(0) !== ZIP_LOCAL) {
    throw new IngestError({ file }, `expected an xlsx workbook (a zip container), got ${describeStart(buf)}`);
  }
  // End of central directory: 22 bytes + comment of at most 65535 bytes at the end of the file.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === ZIP_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new IngestError({ file }, 'expected a complete xlsx workbook, got a truncated or corrupt zip (no end-of-central-directory record)');
  const entries = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (entries > limits.maxZipEntries) {
    throw new IngestError({ file }, `expected at most ${limits.maxZipEntries} zip entries (limits.maxZipEntries), got ${entries}`);
  }
  if (cdOffset + cdSize > eocd) throw new IngestError({ file }, 'expected a complete xlsx workbook, got a truncated or corrupt zip (central directory out of range)');
  let p = cdOffset;
  let total = 0;
  const entryList: ZipEntry[] = [];
  for (let i = 0; i < entries; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== ZIP_CENTRAL) {
      throw new IngestError({ file }, 'expected a complete xlsx workbook, got a corrupt zip central directory');
    }
    const flags = buf.readUInt16LE(p + 8);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (flags & 1) throw new IngestError({ file }, 'expected an xlsx workbook, got an encrypted zip entry: save it again without password');
    if (size === 0xffffffff || compressed === 0xffffffff) {
      throw new IngestError({ file }, `expected an xlsx workbook below limits.maxUncompressedBytes, got a zip64 entry '${name}'`);
    }
    if (localOffset + compressed > buf.length) {
      throw new IngestError({ file }, `expected a complete xlsx workbook, got a truncated zip (entry '${name}' runs past the end of the file)`);
    }
    total += size;
    if (total > limits.maxUncompressedBytes) {
      throw new IngestError({ file }, `expected at most ${limits.maxUncompressedBytes} uncompressed bytes (limits.maxUncompressedBytes), the zip entries declare more (decompression bomb?)`);
    }
    if (size > RATIO_CHECKED_ABOVE && size > compressed * limits.maxCompressionRatio) {
      throw new IngestError({ file }, `expected zip entries that inflate to at most ${limits.maxCompressionRatio} times their compressed size (limits.maxCompressionRatio), entry '${oneLineName(name)}' declares ${size} bytes from ${compressed} (decompression bomb?)`);
    }
    entryList.push({ name, method: buf.readUInt16LE(p + 10), crc: buf.readUInt32LE(p + 16), compressed, size, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  for (const e of entryList) verifyEntry(buf, file, e);
  return 'zip';
}

/** Small entries (styles, shared strings of a few cells) may compress very well and cannot inflate far. */
const RATIO_CHECKED_ABOVE = 1024 * 1024;

const oneLineName = (name: string) => (name.length > 100 ? `${name.slice(0, 100)}…` : name);

interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  localOffset: number;
}

/** Inflate one entry (capped at its declared size) and compare length and CRC-32 with the directory. */
function verifyEntry(buf: Buffer, file: string, e: ZipEntry): void {
  const corrupt = (why: string) => new IngestError({ file }, `expected an intact xlsx workbook, zip entry '${e.name}' is corrupt (${why})`);
  if (e.localOffset + 30 > buf.length || buf.readUInt32LE(e.localOffset) !== ZIP_LOCAL) throw corrupt('no local header');
  const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
  if (start + e.compressed > buf.length) throw corrupt('data runs past the end of the file');
  const data = buf.subarray(start, start + e.compressed);
  let out: Buffer;
  if (e.method === 0) out = data;
  else if (e.method === 8) {
    if (e.size === 0) out = Buffer.alloc(0);
    else {
      try {
        out = inflateRawSync(data, { maxOutputLength: e.size });
      } catch (err) {
        const code = (err as { code?: string }).code;
        throw corrupt(code === 'ERR_BUFFER_TOO_LARGE' ? 'inflates to more than its declared size' : 'bad deflate data');
      }
    }
  } else throw corrupt(`compression method ${e.method} is not supported`);
  if (out.length !== e.size) throw corrupt(`inflates to ${out.length} bytes, declared ${e.size}`);
  if (crc32(out) >>> 0 !== e.crc >>> 0) throw corrupt('CRC-32 mismatch');
}

export function readWorkbook(buf: Buffer, file: string, limits: IngestLimits): SheetJS.WorkBook {
  checkXlsxContainer(buf, file, limits);
  let wb: SheetJS.WorkBook;
  try {
    wb = XLSX_LIB().read(buf, {
      type: 'buffer',
      dense: true,
      cellFormula: true,
      cellHTML: false,
      cellNF: false,
      cellStyles: false,
      cellText: false,
      cellDates: false,
      bookVBA: false,
      WTF: false,
    });
  } catch (e) {
    throw new IngestError({ file }, `expected a readable xlsx workbook, the parser failed: ${(e as Error).message}`);
  }
  if (!wb.SheetNames || wb.SheetNames.length === 0) throw new IngestError({ file }, 'expected a workbook with at least one sheet, got none');
  return wb;
}

/** Sheet by its exact name without touching inherited properties (a sheet called __proto__ is just a name). */
export function getSheet(wb: SheetJS.WorkBook, name: string): SheetJS.WorkSheet | undefined {
  if (!wb.SheetNames.includes(name)) return undefined;
  return Object.prototype.hasOwnProperty.call(wb.Sheets, name) ? wb.Sheets[name] : undefined;
}

/** Decode a CSV file: UTF-8 (BOM optional) or GBK; refuse binary and zip containers. */
export function decodeCsv(buf: Buffer, file: string, encoding: 'auto' | 'utf-8' | 'gbk'): string {
  if (buf.length >= 4 && buf.readUInt32LE(0) === ZIP_LOCAL) throw new IngestError({ file }, 'expected a CSV text file, got a zip container (an xlsx renamed .csv?)');
  if (buf.length >= 8 && buf.subarray(0, 8).equals(CFB_MAGIC)) throw new IngestError({ file }, 'expected a CSV text file, got a binary Office file');
  if (buf.subarray(0, 4096).includes(0)) throw new IngestError({ file }, 'expected a CSV text file, got binary content (NUL bytes; UTF-16 is not supported, save as UTF-8)');
  const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const body = bom ? buf.subarray(3) : buf;
  const utf8 = (): string | null => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return null;
    }
  };
  const gbk = (): string | null => {
    // the platform decoder skips some invalid bytes silently (0xFF) even when fatal: check the structure first
    if (invalidGbkAt(body) >= 0) return null;
    try {
      return new TextDecoder('gbk', { fatal: true }).decode(body);
    } catch {
      return null;
    }
  };
  if (encoding === 'utf-8' || bom) {
    const t = utf8();
    if (t === null) throw new IngestError({ file }, `expected UTF-8 text${bom ? ' (the file starts with a UTF-8 BOM)' : ''}, got invalid UTF-8 bytes (set encoding "gbk" in the registry if it is GBK)`);
    return t;
  }
  if (encoding === 'gbk') {
    const t = gbk();
    if (t === null) throw new IngestError({ file, cell: `byte ${invalidGbkAt(body) + (bom ? 3 : 0)}` }, 'expected GBK text, got bytes that are not valid GBK');
    return t;
  }
  const t = utf8() ?? gbk();
  if (t === null) throw new IngestError({ file }, 'expected CSV text in UTF-8 or GBK, got bytes valid in neither');
  return t;
}

/** Offset of the first byte sequence that is not GBK/GB18030, or -1. */
export function invalidGbkAt(b: Uint8Array): number {
  const trail2 = (x: number) => (x >= 0x40 && x <= 0x7e) || (x >= 0x80 && x <= 0xfe);
  const digit = (x: number) => x >= 0x30 && x <= 0x39;
  const lead = (x: number) => x >= 0x81 && x <= 0xfe;
  for (let i = 0; i < b.length; ) {
    const x = b[i];
    if (x < 0x80 || x === 0x80) {
      i++;
    } else if (lead(x) && i + 1 < b.length && trail2(b[i + 1])) {
      i += 2;
    } else if (lead(x) && i + 3 < b.length && digit(b[i + 1]) && lead(b[i + 2]) && digit(b[i + 3])) {
      i += 4;
    } else return i;
  }
  return -1;
}

/** The records of a CSV file and the line each one starts on (a quoted field may span lines). */
export interface CsvRecords {
  rows: string[][];
  lines: number[];
}

/** RFC 4180 CSV (comma, double-quote escaping, CRLF or LF). */
/** Every record without data shares one empty array (a million lines of commas cost no memory). */
const BLANK_RECORD: string[] = [];

export function parseCsv(text: string, file: string, limits: IngestLimits): CsvRecords {
  const rows: string[][] = [];
  let dataRows = 0;
  const lines: number[] = [];
  let row: string[] = [];
  let rowStartLine = 1;
  let field = '';
  let quoted = false;
  let line = 1;
  let fieldStartLine = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field !== '') throw new IngestError({ file, cell: `line ${line}` }, 'expected a quote only at the start of a field');
      quoted = true;
      fieldStartLine = line;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      // the limit counts records holding data: a sheet saved as CSV keeps its used range as lines of commas
      if (row.some((v) => v !== '')) {
        rows.push(row);
        if (++dataRows > limits.maxRows) throw new IngestError({ file }, `expected at most ${limits.maxRows} rows holding data (limits.maxRows)`);
      } else rows.push(BLANK_RECORD);
      lines.push(rowStartLine);
      row = [];
      line++;
      rowStartLine = line;
    } else field += ch;
  }
  if (quoted) throw new IngestError({ file, cell: `line ${fieldStartLine}` }, 'expected a closing quote, the quoted field runs to the end of the file (truncated CSV?)');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
    lines.push(rowStartLine);
  }
  return { rows, lines };
}
