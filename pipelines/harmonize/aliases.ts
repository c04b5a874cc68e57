/**
 * The user's own unit aliases: `aliases.csv` in the raw folder, one line per printed unit the project does not
 * place the way the user wants (or at all). Columns (header required, any order; only printed and city_code needed):
 *
 *   printed     the unit as the file prints it: a name (spaces ignored) or a region code (matched as a code)
 *   first_year  optional: the first data year the line applies to
 *   last_year   optional: the last data year the line applies to
 *   city_code   a canonical city of reference/cities.csv, or the word `outside` (skip the unit's rows, reported)
 *   note        optional: why (kept in meta_user_aliases)
 *
 * A line applies to city-level series; it wins over the project's crosswalk and reference/units.csv (the first
 * matching line, in file order). Every line and the rows it matched are recorded in the warehouse's
 * meta_user_aliases; rows mapped by a line carry mapping 'user'.
 */
import { loadCities } from '../../reference/index.ts';
import { DataError, quoteText } from '../core/errors.ts';
import { listRawFiles, readRawFile, USER_ALIASES_FILE } from '../core/raw-files.ts';
import { sha256 } from '../runner/fingerprint.ts';
import { cleanName, normalizeCode } from './resolve.ts';

export interface UserAlias {
  /** line of aliases.csv (1-based, the header is line 1) */
  line: number;
  printed: string;
  /** the printed text is a region code (matched against the code column) */
  is_code: boolean;
  first_year: number | null;
  last_year: number | null;
  /** a canonical city code, or null for `outside` */
  city_code: string | null;
  note: string;
}

const COLUMNS = ['printed', 'first_year', 'last_year', 'city_code', 'note'] as const;
/** aliases.csv is a short hand-made list; a larger file is a mistake (an export saved under that name) */
const MAX_BYTES = 1 << 20;

/** The bytes of aliases.csv as text: UTF-8 (with or without BOM), or GBK as Excel saves a CSV on Chinese Windows. */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

/** RFC 4180 fields (quotes, doubled quotes, commas and line breaks inside quotes), with the line each record starts on. */
function csvRecords(text: string): Array<{ line: number; fields: string[] }> {
  const out: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    fields.push(field);
    if (fields.some((f) => f.trim() !== '')) out.push({ line: start, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
      else { if (ch === '\n') line++; field += ch; }
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { fields.push(field); field = ''; } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}

const columnLetter = (i: number) => String.fromCharCode(65 + i);

/** Parses aliases.csv; every problem is a DataError naming the cell (column letter and line, as for any CSV). */
export function parseUserAliases(bytes: Buffer, file = USER_ALIASES_FILE): UserAlias[] {
  const records = csvRecords(decode(bytes));
  if (records.length === 0) return [];
  const header = records[0].fields.map((h) => h.trim().toLowerCase());
  const where = (col: number, line: number) => ({ file, cell: `${columnLetter(col)}${line}` });
  header.forEach((h, i) => {
    if (!(COLUMNS as readonly string[]).includes(h)) {
      throw new DataError(where(i, records[0].line), `a column of ${COLUMNS.join(', ')}, found ${quoteText(h)}`);
    }
  });
  for (const required of ['printed', 'city_code']) {
    if (!header.includes(required)) throw new DataError({ file, cell: `A${records[0].line}` }, `a header with the columns printed and city_code (and optionally first_year, last_year, note), found ${quoteText(header.join(','))}`);
  }
  const col = (name: (typeof COLUMNS)[number]) => header.indexOf(name);
  const cities = new Set(loadCities().map((c) => c.city_code));

  const aliases: UserAlias[] = [];
  for (const { line, fields } of records.slice(1)) {
    const value = (name: (typeof COLUMNS)[number]) => (col(name) >= 0 ? (fields[col(name)] ?? '').trim() : '');
    const year = (name: 'first_year' | 'last_year') => {
      const v = value(name);
      if (v === '') return null;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1949 || n > 2100) throw new DataError(where(col(name), line), `a data year (1949–2100) or nothing, found ${quoteText(v)}`);
      return n;
    };
    const printedText = cleanName(value('printed'));
    if (printedText === '') throw new DataError(where(col('printed'), line), 'the unit as printed (a name or a region code), found nothing');
    const is_code = /^\d+(\.0+)?$/.test(printedText);
    const printed = is_code ? normalizeCode(printedText) : printedText;
    if (printed === null) throw new DataError(where(col('printed'), line), `a region code of 2, 4, 6 or 12 digits, found ${quoteText(printedText)}`);
    const target = value('city_code');
    let city_code: string | null = null;
    if (target.toLowerCase() !== 'outside') {
      city_code = normalizeCode(target);
      if (city_code === null || !cities.has(city_code)) {
        throw new DataError(where(col('city_code'), line), `a city_code of reference/cities.csv (one of the ${cities.size} canonical cities) or the word outside, found ${quoteText(target)}`);
      }
    }
    const first_year = year('first_year');
    const last_year = year('last_year');
    if (first_year !== null && last_year !== null && first_year > last_year) {
      throw new DataError(where(col('last_year'), line), `a last_year not before first_year ${first_year}, found ${last_year}`);
    }
    const clash = aliases.find((a) => a.printed === printed && a.is_code === is_code
      && (a.first_year ?? -Infinity) <= (last_year ?? Infinity) && (first_year ?? -Infinity) <= (a.last_year ?? Infinity));
    if (clash) {
      throw new DataError(where(col('printed'), line), `one line per printed unit and year: ${quoteText(printed)} is also on line ${clash.line} for overlapping years`);
    }
    aliases.push({ line, printed, is_code, first_year, last_year, city_code, note: value('note') });
  }
  return aliases;
}

/** aliases.csv of the raw folder, read through the one raw-file lister; none: no entries. */
export function readUserAliases(rawDir: string): { aliases: UserAlias[]; sha256: string | null } {
  const file = listRawFiles(rawDir).find((f) => f.path === USER_ALIASES_FILE);
  if (!file) return { aliases: [], sha256: null };
  const bytes = readRawFile(file, MAX_BYTES);
  return { aliases: parseUserAliases(bytes), sha256: sha256(bytes) };
}

/** The first line of `aliases` that applies to a printed unit in a data year, if any. */
export function findUserAlias(aliases: readonly UserAlias[], name: string, code: string | null, year: number): UserAlias | undefined {
  if (aliases.length === 0) return undefined;
  const printedName = cleanName(name);
  const printedCode = normalizeCode(code);
  return aliases.find((a) => (a.is_code ? a.printed === printedCode : a.printed === printedName)
    && (a.first_year === null || a.first_year <= year) && (a.last_year === null || year <= a.last_year));
}
