// Printing a DuckDB result: a box table like DuckDB's CLI (names and types in the header, numbers right-aligned,
// wide cells cut with …, a row cap), Markdown, CSV, TSV or JSON lines. CSV, TSV and JSON stream chunk by chunk;
// the table and Markdown keep only the rows they show. Timestamps are ISO 8601 in every format.
import { type DuckDBResult, type DuckDBType, DuckDBTypeId, type DuckDBValue } from '@duckdb/node-api';
import {
  DuckDBArrayValue, DuckDBDecimalValue, DuckDBListValue, DuckDBMapValue, DuckDBStructValue,
} from '@duckdb/node-api';

export const TEXT_FORMATS = ['table', 'csv', 'tsv', 'json', 'markdown'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

export interface TableLimits {
  /** rows shown by table and markdown (0: all) */
  maxRows: number;
  /** display width of a table cell before it is cut with … (0: no cap) */
  maxWidth: number;
}

interface Column {
  name: string;
  typeId: DuckDBTypeId;
  /** the type as DuckDB's CLI prints it: int32, double, varchar, … */
  display: string;
  numeric: boolean;
}

const SHORT_TYPE_NAMES: Partial<Record<DuckDBTypeId, string>> = {
  [DuckDBTypeId.TINYINT]: 'int8', [DuckDBTypeId.SMALLINT]: 'int16', [DuckDBTypeId.INTEGER]: 'int32', [DuckDBTypeId.BIGINT]: 'int64',
  [DuckDBTypeId.HUGEINT]: 'int128', [DuckDBTypeId.UTINYINT]: 'uint8', [DuckDBTypeId.USMALLINT]: 'uint16', [DuckDBTypeId.UINTEGER]: 'uint32',
  [DuckDBTypeId.UBIGINT]: 'uint64', [DuckDBTypeId.UHUGEINT]: 'uint128',
};
const NUMERIC_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL,
]);
const TIMESTAMP_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TIMESTAMP, DuckDBTypeId.TIMESTAMP_S, DuckDBTypeId.TIMESTAMP_MS, DuckDBTypeId.TIMESTAMP_NS, DuckDBTypeId.TIMESTAMP_TZ,
]);

function columnsOf(result: DuckDBResult): Column[] {
  const names = result.columnNames();
  return result.columnTypes().map((type: DuckDBType, i) => ({
    name: names[i],
    typeId: type.typeId,
    display: SHORT_TYPE_NAMES[type.typeId] ?? type.toString().toLowerCase(),
    numeric: NUMERIC_TYPES.has(type.typeId),
  }));
}

/** DuckDB prints `2024-01-02 03:04:05.123456+00`; ISO 8601 is `2024-01-02T03:04:05.123456+00:00`. */
export function isoTimestamp(text: string): string {
  return text.replace(/^(-?\d{4,}-\d\d-\d\d) /, '$1T').replace(/([+-]\d\d)$/, '$1:00');
}

/** A value as text (null stays null). */
export function cellText(value: DuckDBValue, typeId: DuckDBTypeId): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  const text = value.toString();
  return TIMESTAMP_TYPES.has(typeId) ? isoTimestamp(text) : text;
}

/** A value for JSON: numbers stay numbers (64-bit integers beyond 2^53 become strings), lists and structs nest. */
export function cellJson(value: DuckDBValue, typeId: DuckDBTypeId): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map((v) => cellJson(v, DuckDBTypeId.ANY));
  if (value instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, cellJson(v, DuckDBTypeId.ANY)]));
  if (value instanceof DuckDBMapValue) return value.entries.map((e) => ({ key: cellJson(e.key, DuckDBTypeId.ANY), value: cellJson(e.value, DuckDBTypeId.ANY) }));
  return cellText(value, typeId);
}

/** Columns a terminal gives a character: 2 for CJK and other wide characters, 0 for combining marks. */
function charWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd)
  ) return 2;
  return 1;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Cut a text to a display width, ending with … when cut. */
export function truncate(s: string, maxWidth: number): string {
  if (maxWidth <= 0 || displayWidth(s) <= maxWidth) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > maxWidth - 1) break;
    out += ch;
    w += cw;
  }
  return out + '…';
}

const pad = (s: string, width: number, align: 'left' | 'right' | 'center') => {
  const gap = width - displayWidth(s);
  if (gap <= 0) return s;
  if (align === 'right') return ' '.repeat(gap) + s;
  if (align === 'left') return s + ' '.repeat(gap);
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + s + ' '.repeat(gap - left);
};

const rowCountText = (total: number, shown: number) =>
  shown < total ? `${total} rows, ${shown} shown` : `${total} ${total === 1 ? 'row' : 'rows'}`;

/** A box table like DuckDB's CLI. */
export function renderBox(columns: Column[], rows: Array<Array<string | null>>, total: number, maxWidth: number): string {
  const visible = (s: string) => truncate(s.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t'), maxWidth);
  const names = columns.map((c) => visible(c.name));
  const types = columns.map((c) => visible(c.display));
  const cells = rows.map((r) => r.map((v) => (v === null ? 'NULL' : visible(v))));
  const widths = columns.map((_, j) => Math.max(displayWidth(names[j]), displayWidth(types[j]), ...cells.map((r) => displayWidth(r[j]))));
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const line = (texts: string[], align: (j: number) => 'left' | 'right' | 'center') =>
    '│' + texts.map((t, j) => ` ${pad(t, widths[j], align(j))} `).join('│') + '│';
  const out = [rule('┌', '┬', '┐'), line(names, () => 'center'), line(types, () => 'center'), rule('├', '┼', '┤')];
  for (const r of cells) out.push(line(r, (j) => (columns[j].numeric ? 'right' : 'left')));
  out.push(rule('└', '┴', '┘'), rowCountText(total, rows.length));
  return out.join('\n') + '\n';
}

export function renderMarkdown(columns: Column[], rows: Array<Array<string | null>>, total: number): string {
  const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
  const out = [
    '| ' + columns.map((c) => cell(c.name)).join(' | ') + ' |',
    '|' + columns.map((c) => (c.numeric ? ' ---: ' : ' :--- ')).join('|') + '|',
    ...rows.map((r) => '| ' + r.map((v) => (v === null ? '' : cell(v))).join(' | ') + ' |'),
  ];
  if (rows.length < total) out.push('', `_${rowCountText(total, rows.length)}_`);
  return out.join('\n') + '\n';
}

const csvField = (s: string | null) => (s === null ? '' : /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const tsvField = (s: string | null) =>
  s === null ? '' : s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/** Print a result in a text format through `write` (which may throw to stop early). */
export async function printResult(result: DuckDBResult, format: TextFormat, limits: TableLimits, write: (text: string) => void): Promise<void> {
  const columns = columnsOf(result);
  if (format === 'csv' || format === 'tsv') {
    const field = format === 'csv' ? csvField : tsvField;
    const sep = format === 'csv' ? ',' : '\t';
    write(columns.map((c) => field(c.name)).join(sep) + '\n');
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      write(chunk.getRows().map((r) => r.map((v, j) => field(cellText(v, columns[j].typeId))).join(sep) + '\n').join(''));
    }
    return;
  }
  if (format === 'json') {
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      write(chunk.getRows().map((r) => JSON.stringify(Object.fromEntries(r.map((v, j) => [columns[j].name, cellJson(v, columns[j].typeId)]))) + '\n').join(''));
    }
    return;
  }
  // table and markdown: the rows shown, and a count of the others
  const shown: Array<Array<string | null>> = [];
  let total = 0;
  const cap = limits.maxRows > 0 ? limits.maxRows : Infinity;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    if (shown.length < cap) {
      for (const r of chunk.getRows().slice(0, cap - shown.length)) shown.push(r.map((v, j) => cellText(v, columns[j].typeId)));
    }
    total += chunk.rowCount;
  }
  write(format === 'markdown' ? renderMarkdown(columns, shown, total) : renderBox(columns, shown, total, limits.maxWidth));
}
