// An export frame as a file: Stata (.dta 118), CSV, Excel (data and codebook sheets) and Arrow IPC.
// Parquet is written by DuckDB (parquet.ts).
import {
  Bool, DateDay, Field, Float32, Float64, Int16, Int32, Int64, Int8, Schema, Table, TimestampMillisecond, Utf8,
  type DataType, tableToIPC, type Vector, vectorFromArray,
} from 'apache-arrow';
import * as XLSX from 'xlsx';
import { type DtaDataset, type DtaType, type DtaValueLabelSet, type DtaVariable, isStr, MAX_STR_BYTES } from './dta.ts';
import { type ExportColumn, type ExportFrame, isoDate, isoDateTime } from './frame.ts';

// ---- Stata ----

const STATA_RESERVED = new Set(['_all', '_b', 'byte', '_coef', '_cons', 'double', 'float', 'if', 'in', 'int', 'long', '_n', '_N',
  '_pi', '_pred', '_rc', '_skip', 'str', 'strL', 'using', 'with']);
/** days from 1960-01-01 (Stata's %td origin) to 1970-01-01 */
const STATA_DAY_OFFSET = 3653;
const STATA_MS_OFFSET = STATA_DAY_OFFSET * 86_400_000;

/** A valid, unused Stata name for a column name. */
export function stataName(name: string, taken: Set<string>): string {
  let s = name.replace(/[^\p{L}\p{N}_]/gu, '_');
  if (!/^[\p{L}_]/u.test(s)) s = '_' + s;
  s = [...s].slice(0, 32).join('');
  if (STATA_RESERVED.has(s)) s = [...s].slice(0, 31).join('') + '_';
  let candidate = s;
  for (let k = 2; taken.has(candidate); k++) candidate = [...s].slice(0, 32 - String(k).length - 1).join('') + '_' + k;
  taken.add(candidate);
  return candidate;
}

/** The smallest Stata integer type that holds every value, or double. */
function integerType(values: Array<number | null>): DtaType {
  let lo = 0;
  let hi = 0;
  for (const v of values) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (lo >= -127 && hi <= 100) return 'byte';
  if (lo >= -32767 && hi <= 32740) return 'int';
  if (lo >= -2147483647 && hi <= 2147483620) return 'long';
  return 'double';
}

const NUMERIC_FORMAT: Record<string, string> = { byte: '%8.0g', int: '%8.0g', long: '%12.0g', float: '%9.0g', double: '%10.0g' };
const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

function stataVariable(col: ExportColumn, name: string, labelSets: DtaValueLabelSet[]): DtaVariable {
  const label = col.unit ? `${col.label} [${col.unit}]` : col.label;
  const base = { name, label, valueLabel: '' };
  const attachLabels = () => {
    if (!col.valueLabels) return '';
    if (!labelSets.some((s) => s.name === col.valueLabels!.name))
      labelSets.push({ name: col.valueLabels.name, entries: col.valueLabels.entries.map((e) => ({ value: e.code, label: e.label })) });
    return col.valueLabels.name;
  };
  if (col.kind === 'string' && col.valueLabels) {
    // a categorical text column: its codes, with the texts as value labels
    const codes = new Map(col.valueLabels.entries.map((e) => [e.value, e.code]));
    const values = col.values.map((v) => {
      if (v === null) return null;
      const code = codes.get(v as string);
      if (code === undefined) throw new Error(`'${String(v)}' of '${col.name}' has no code in the value labels '${col.valueLabels!.name}'`);
      return code;
    });
    const type = integerType(values);
    return { ...base, type, format: NUMERIC_FORMAT[type as string], valueLabel: attachLabels(), values };
  }
  if (col.kind === 'string' && col.numericCode && col.values.every((v) => v === null || /^\d{1,9}$/.test(v as string))) {
    const values = col.values.map((v) => (v === null ? null : Number(v)));
    const type = integerType(values);
    return { ...base, type, format: NUMERIC_FORMAT[type as string], values };
  }
  if (col.kind === 'string') {
    const values = col.values as Array<string | null>;
    const width = Math.max(1, ...values.map((v) => (v === null ? 0 : utf8Length(v))));
    if (width > MAX_STR_BYTES) return { ...base, type: 'strL', format: '%9s', values };
    return { ...base, type: { str: width }, format: `%-${width}s`, values };
  }
  if (col.kind === 'boolean') {
    return { ...base, type: 'byte', format: NUMERIC_FORMAT.byte, valueLabel: attachLabels(), values: col.values.map((v) => (v === null ? null : v ? 1 : 0)) };
  }
  if (col.kind === 'integer') {
    const values = col.values as Array<number | null>;
    const type = integerType(values);
    return { ...base, type, format: NUMERIC_FORMAT[type as string], valueLabel: attachLabels(), values };
  }
  if (col.kind === 'date') return { ...base, type: 'long', format: '%td', values: col.values.map((v) => (v === null ? null : (v as number) + STATA_DAY_OFFSET)) };
  if (col.kind === 'timestamp') return { ...base, type: 'double', format: '%tc', values: col.values.map((v) => (v === null ? null : (v as number) + STATA_MS_OFFSET)) };
  const type = col.kind === 'float' ? 'float' : 'double';
  return { ...base, type, format: NUMERIC_FORMAT[type], values: col.values as Array<number | null> };
}

/** The frame as a Stata data set: categorical text encoded with value labels, codes as numbers, the codebook as
 *  variable labels and characteristics (`char list` shows each variable's unit and source), the notes as
 *  Stata notes, sorted by the panel variables when the rows are. */
export function frameToDta(frame: ExportFrame): DtaDataset {
  const taken = new Set<string>();
  const labelSets: DtaValueLabelSet[] = [];
  const variables = frame.columns.map((col) => stataVariable(col, stataName(col.name, taken), labelSets));
  const characteristics: DtaDataset['characteristics'] = [];
  frame.columns.forEach((col, j) => {
    if (col.unit) characteristics.push({ variable: variables[j].name, name: 'unit', value: col.unit });
    if (col.source) characteristics.push({ variable: variables[j].name, name: 'source', value: col.source });
  });
  const encoded = frame.columns.filter((c, j) => c.kind === 'string' && variables[j].valueLabel);
  const numbers = frame.columns.filter((c, j) => c.kind === 'string' && !variables[j].valueLabel && !isStr(variables[j].type) && variables[j].type !== 'strL').map((c) => c.name);
  const notes = [
    ...frame.notes,
    ...(encoded.length ? [`In this file ${encoded.map((c) => c.name).join(', ')} ${encoded.length > 1 ? 'are' : 'is'} stored as integer codes with value labels (label list), e.g. ${keepExample(encoded[0])}.`] : []),
    ...(numbers.length ? [`In this file ${numbers.join(', ')} ${numbers.length > 1 ? 'are numbers' : 'is a number'} (text in the warehouse), so that xtset can use ${numbers.length > 1 ? 'them' : 'it'}.`] : []),
  ];
  if (notes.length) {
    characteristics.push({ variable: '_dta', name: 'note0', value: String(notes.length) });
    notes.forEach((note, i) => characteristics.push({ variable: '_dta', name: `note${i + 1}`, value: note }));
  }
  let sortedBy: string[] = [];
  if (frame.panel) {
    const unit = variables[frame.columns.findIndex((c) => c.name === frame.panel!.unit)];
    const time = variables[frame.columns.findIndex((c) => c.name === frame.panel!.time)];
    if (unit && time && isSorted(unit.values, time.values)) sortedBy = [unit.name, time.name];
  }
  return { label: frame.label, variables, sortedBy, valueLabels: labelSets, characteristics };
}

/** `keep if region == "east":region`: selecting on a labelled code by its label. */
function keepExample(col: ExportColumn): string {
  const first = col.valueLabels!.entries[0];
  return `keep if ${col.name} == "${first.label}":${col.valueLabels!.name}`;
}

function isSorted(a: DtaVariable['values'], b: DtaVariable['values']): boolean {
  for (let i = 1; i < a.length; i++) {
    const [a0, a1, b0, b1] = [a[i - 1], a[i], b[i - 1], b[i]];
    if (a0 === null || a1 === null || b0 === null || b1 === null) return false;
    if (a0 > a1 || (a0 === a1 && b0 > b1)) return false;
  }
  return true;
}

// ---- CSV ----

export interface CsvOptions {
  /** text written for a missing value ('' by default) */
  na: string;
  /** start with a UTF-8 byte order mark (for Excel) */
  bom: boolean;
}

/** A text field, quoted when it holds a separator, a quote or a line break, has outer spaces, or could be read as
 *  the missing-value marker. */
function csvText(s: string, na: string | null): string {
  return /[",\r\n]/.test(s) || s === na || s.trim() !== s ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvValue(v: ExportColumn['values'][number], col: ExportColumn, na: string): string {
  if (v === null || (typeof v === 'number' && Number.isNaN(v))) return na;
  if (typeof v === 'number') {
    if (col.kind === 'date') return isoDate(v);
    if (col.kind === 'timestamp') return isoDateTime(v);
    return Number.isFinite(v) ? String(v) : v > 0 ? 'Inf' : '-Inf';
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return csvText(v, na);
}

export function frameToCsv(frame: ExportFrame, options: CsvOptions): string {
  const lines = [frame.columns.map((c) => csvText(c.name, null)).join(',')];
  for (let i = 0; i < frame.nrows; i++) lines.push(frame.columns.map((c) => csvValue(c.values[i], c, options.na)).join(','));
  return (options.bom ? '\ufeff' : '') + lines.join('\n') + '\n';
}

// ---- Excel ----

const EXCEL_MAX_ROWS = 1_048_576;
const EXCEL_MAX_COLUMNS = 16_384;
const EXCEL_DAY_OFFSET = 25_569; // serial of 1970-01-01

export function valueLabelText(col: ExportColumn): string {
  return col.valueLabels ? col.valueLabels.entries.map((e) => `${e.code} = ${e.label}`).join('; ') : '';
}

/** A workbook with the data (one row per observation, typed cells) and the codebook. */
export function frameToXlsx(frame: ExportFrame): Buffer {
  if (frame.nrows + 1 > EXCEL_MAX_ROWS) throw new Error(`${frame.nrows} rows do not fit an Excel sheet (${EXCEL_MAX_ROWS - 1} at most); use csv or parquet`);
  if (frame.columns.length > EXCEL_MAX_COLUMNS) throw new Error(`${frame.columns.length} columns do not fit an Excel sheet`);
  const cell = (v: ExportColumn['values'][number], col: ExportColumn): XLSX.CellObject | null => {
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) return null;
    if (typeof v === 'boolean') return { t: 'b', v };
    if (typeof v === 'string') return { t: 's', v };
    // dates as serial numbers with a date format: no time zone can shift them
    if (col.kind === 'date') return { t: 'n', v: v + EXCEL_DAY_OFFSET, z: 'yyyy-mm-dd' };
    if (col.kind === 'timestamp') return { t: 'n', v: v / 86_400_000 + EXCEL_DAY_OFFSET, z: 'yyyy-mm-dd hh:mm:ss' };
    return Number.isFinite(v) ? { t: 'n', v } : { t: 's', v: v > 0 ? 'Inf' : '-Inf' };
  };
  const rows: Array<Array<XLSX.CellObject | string | null>> = [frame.columns.map((c) => c.name)];
  for (let i = 0; i < frame.nrows; i++) rows.push(frame.columns.map((c) => cell(c.values[i], c)));
  const data = XLSX.utils.aoa_to_sheet(rows);
  data['!freeze'] = { xSplit: 0, ySplit: 1 };

  const codebook = XLSX.utils.aoa_to_sheet([
    ['variable', 'label', 'unit', 'type', 'value labels (codes of the .dta export)', 'source'],
    ...frame.columns.map((c) => [c.name, c.label, c.unit, c.sourceType, valueLabelText(c), c.source]),
    [],
    ['data set', frame.label],
    ...frame.notes.map((n) => ['note', n]),
  ]);
  codebook['!cols'] = [{ wch: 22 }, { wch: 60 }, { wch: 14 }, { wch: 10 }, { wch: 30 }, { wch: 60 }];

  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, data, 'data');
  XLSX.utils.book_append_sheet(book, codebook, 'codebook');
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

// ---- Arrow IPC ----

function arrowType(col: ExportColumn): DataType {
  switch (col.kind) {
    case 'boolean': return new Bool();
    case 'string': return new Utf8();
    case 'float': return new Float32();
    case 'double': return new Float64();
    case 'date': return new DateDay();
    case 'timestamp': return new TimestampMillisecond();
    case 'integer':
      return col.sourceType === 'TINYINT' ? new Int8() : col.sourceType === 'SMALLINT' ? new Int16()
        : col.sourceType === 'INTEGER' ? new Int32() : new Int64();
  }
}

/** An Arrow IPC file; each field carries its label, unit, source and value labels as metadata, the schema the
 *  data set label and notes. */
export function frameToArrow(frame: ExportFrame): Uint8Array {
  const fields: Field[] = [];
  const vectors: Record<string, Vector> = {};
  for (const col of frame.columns) {
    const type = arrowType(col);
    let values: unknown[] = col.values;
    if (type instanceof Int64) values = col.values.map((v) => (v === null ? null : BigInt(v as number)));
    if (col.kind === 'date') values = col.values.map((v) => (v === null ? null : new Date((v as number) * 86_400_000)));
    if (col.kind === 'timestamp') values = col.values.map((v) => (v === null ? null : new Date(v as number)));
    vectors[col.name] = vectorFromArray(values as never[], type as never) as Vector;
    const metadata = new Map([['label', col.label], ['unit', col.unit], ['source', col.source]].filter(([, v]) => v) as Array<[string, string]>);
    const labels = valueLabelText(col);
    if (labels) metadata.set('stata_value_labels', labels);
    fields.push(new Field(col.name, type, true, metadata));
  }
  const schema = new Schema(fields, new Map([['label', frame.label], ['notes', frame.notes.join('\n')]]));
  return tableToIPC(new Table(schema, vectors as never), 'file');
}
