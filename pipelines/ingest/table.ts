/**
 * A rectangular view on one sheet of a workbook or on a CSV file, so that every layout adapter works on
 * either. Cells are looked up by 0-based row/column; `address` gives the A1 address used in provenance
 * (CSV: column letter + 1-based record number, which equals the line number unless a quoted field spans lines).
 */
import type * as XLSX from 'xlsx';
import type { Cell } from './cells.ts';
import type { CsvRecords } from './files.ts';

/** A merged range, 0-based and inclusive. */
export interface Merge {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

export interface Table {
  file: string;          // relative to the raw dir
  sheet: string;         // '' for CSV
  rows: number;          // number of rows (last row index + 1)
  cols: number;
  get(r: number, c: number): Cell;
  /** merged range starting at (r, c), if any */
  mergeAt(r: number, c: number): Merge | undefined;
  /** every merged range of the sheet (none in a CSV) */
  merges: readonly Merge[];
  /** number of non-empty cells */
  cells(): number;
  /** CSV only: the number of fields of record r and the line it starts on */
  csv?: { fields(r: number): number; line(r: number): number };
}

// A1 addresses written here rather than with SheetJS's utils, so that naming a cell does not load SheetJS

/** Column letters of a 0-based column: 0 → A, 25 → Z, 26 → AA. */
function columnLetters(c: number): string {
  let s = '';
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export function address(r: number, c: number): string {
  return `${columnLetters(c)}${r + 1}`;
}

/** A1 range of a merge: "B12:B13". */
export function rangeAddress(m: Merge): string {
  return m.r1 === m.r2 && m.c1 === m.c2 ? address(m.r1, m.c1) : `${address(m.r1, m.c1)}:${address(m.r2, m.c2)}`;
}

/** 0-based column of column letters (A → 0, AA → 26). */
export function columnIndex(letters: string): number {
  let c = 0;
  for (const ch of letters.toUpperCase()) c = c * 26 + (ch.charCodeAt(0) - 64);
  return c - 1;
}

/** A cell that holds something: a value, or a formula (whose missing cached value is an error for the reader). */
function holdsData(cell: XLSX.CellObject | undefined): boolean {
  return cell !== undefined && cell !== null && ((cell.v !== undefined && cell.v !== null && cell.v !== '') || cell.f !== undefined);
}

/** The size of a sheet is that of the cells holding data: the declared dimension (`!ref`) is not trusted, an
 *  export often declares A1:J1048576 for a few thousand rows (the size limits would refuse it, and every reader
 *  would walk a million empty rows). */
export function sheetTable(file: string, sheet: string, ws: XLSX.WorkSheet): Table {
  const data = (ws['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
  let rows = 0;
  let cols = 0;
  for (let r = 0; r < data.length; r++) {
    const row = data[r];
    if (!row) continue;
    for (let c = row.length - 1; c >= 0; c--) {
      if (!holdsData(row[c])) continue;
      rows = r + 1;
      if (c + 1 > cols) cols = c + 1;
      break;
    }
  }
  const merges: Merge[] = ((ws['!merges'] ?? []) as XLSX.Range[]).map((m) => ({ r1: m.s.r, c1: m.s.c, r2: m.e.r, c2: m.e.c }));
  const byStart = new Map<number, Merge>(merges.map((m) => [m.r1 * 16384 + m.c1, m]));
  return {
    file,
    sheet,
    rows,
    cols,
    get: (r, c) => data[r]?.[c],
    mergeAt: (r, c) => byStart.get(r * 16384 + c),
    merges,
    cells: () => {
      let n = 0;
      for (const row of data) if (row) for (const cell of row) if (cell && cell.v !== undefined && cell.v !== '') n++;
      return n;
    },
  };
}

/** Like a sheet, a CSV file is as long as its last record holding data (a sheet saved as CSV keeps its trailing
 *  rows of empty fields). */
export function csvTable(file: string, { rows: records, lines }: CsvRecords): Table {
  let rows = 0;
  let cols = 0;
  for (let r = 0; r < records.length; r++) {
    if (records[r].some((v) => v !== '')) {
      rows = r + 1;
      cols = Math.max(cols, records[r].length);
    }
  }
  return {
    file,
    sheet: '',
    rows,
    cols,
    get: (r, c) => {
      const v = records[r]?.[c];
      return v === undefined ? undefined : { t: 's', v };
    },
    mergeAt: () => undefined,
    merges: [],
    cells: () => {
      let n = 0;
      for (const r of records) for (const v of r) if (v !== '') n++;
      return n;
    },
    csv: { fields: (r) => records[r]?.length ?? 0, line: (r) => lines[r] ?? r + 1 },
  };
}
