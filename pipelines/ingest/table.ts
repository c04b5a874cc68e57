/**
 * A rectangular view on one sheet of a workbook or on a CSV file, so that every layout adapter works on
 * either. Cells are looked up by 0-based row/column; `address` gives the A1 address used in provenance
 * (CSV: column letter + 1-based record number, which equals the line number unless a quoted field spans lines).
 */
import * as XLSX from 'xlsx';
import type { Cell } from './cells.ts';

export interface Table {
  file: string;          // relative to the raw dir
  sheet: string;         // '' for CSV
  rows: number;          // number of rows (last row index + 1)
  cols: number;
  get(r: number, c: number): Cell;
  /** merged range starting at (r, c), if any */
  mergeAt(r: number, c: number): { r1: number; c1: number; r2: number; c2: number } | undefined;
  /** number of non-empty cells */
  cells(): number;
}

export function address(r: number, c: number): string {
  return XLSX.utils.encode_cell({ r, c });
}

export function columnIndex(letters: string): number {
  return XLSX.utils.decode_col(letters);
}

export function sheetTable(file: string, sheet: string, ws: XLSX.WorkSheet): Table {
  const data = (ws['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
  let rows = 0;
  let cols = 0;
  if (ws['!ref']) {
    const range = XLSX.utils.decode_range(ws['!ref']);
    rows = range.e.r + 1;
    cols = range.e.c + 1;
  }
  const merges = new Map<number, { r1: number; c1: number; r2: number; c2: number }>();
  for (const m of (ws['!merges'] ?? []) as XLSX.Range[]) {
    merges.set(m.s.r * 16384 + m.s.c, { r1: m.s.r, c1: m.s.c, r2: m.e.r, c2: m.e.c });
  }
  return {
    file,
    sheet,
    rows,
    cols,
    get: (r, c) => data[r]?.[c],
    mergeAt: (r, c) => merges.get(r * 16384 + c),
    cells: () => {
      let n = 0;
      for (const row of data) if (row) for (const cell of row) if (cell && cell.v !== undefined && cell.v !== '') n++;
      return n;
    },
  };
}

export function csvTable(file: string, records: string[][]): Table {
  let cols = 0;
  for (const r of records) cols = Math.max(cols, r.length);
  return {
    file,
    sheet: '',
    rows: records.length,
    cols,
    get: (r, c) => {
      const v = records[r]?.[c];
      return v === undefined ? undefined : { t: 's', v };
    },
    mergeAt: () => undefined,
    cells: () => {
      let n = 0;
      for (const r of records) for (const v of r) if (v !== '') n++;
      return n;
    },
  };
}
