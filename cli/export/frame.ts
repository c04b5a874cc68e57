// The data an export writes: columns read from the warehouse, each with its label, unit and value labels
// (the codebook), independent of the file format.
import { type DuckDBResult, DuckDBTypeId, type DuckDBValue } from '@duckdb/node-api';
import { DuckDBDateValue, DuckDBDecimalValue, DuckDBTimestampValue } from '@duckdb/node-api';

export type ColumnKind = 'integer' | 'float' | 'double' | 'boolean' | 'string' | 'date' | 'timestamp';

export interface ValueLabel {
  /** the value in the data: the text of a string column, the number of a numeric one */
  value: string | number;
  /** the code a format with integer codes (Stata) stores */
  code: number;
  label: string;
}

export interface ExportColumn {
  name: string;
  kind: ColumnKind;
  /** the DuckDB type the warehouse stores (Arrow and Parquet keep it) */
  sourceType: string;
  /** integer: number; float/double: number (NaN for NaN); boolean; string; date: days since 1970-01-01;
   *  timestamp: milliseconds since 1970-01-01 00:00 (UTC clock, no zone); missing: null */
  values: Array<number | string | boolean | null>;
  label: string;
  unit: string;
  /** where the variable comes from (catalogue formula, raw indicator, dimension) */
  source: string;
  /** value labels: a categorical column, encoded as integers with these labels where the format has them */
  valueLabels?: { name: string; entries: ValueLabel[] };
  /** an all-digit code (city_code): Stata gets it as a number, since xtset needs a numeric panel variable */
  numericCode?: boolean;
}

export interface ExportFrame {
  columns: ExportColumn[];
  nrows: number;
  /** one line describing the data set (the dta dataset label) */
  label: string;
  /** longer notes: selection, synthetic data, panel structure */
  notes: string[];
  /** the panel's unit and time variables, when both are exported */
  panel?: { unit: string; time: string };
}

const KIND_BY_TYPE: Partial<Record<DuckDBTypeId, ColumnKind>> = {
  [DuckDBTypeId.BOOLEAN]: 'boolean',
  [DuckDBTypeId.TINYINT]: 'integer', [DuckDBTypeId.SMALLINT]: 'integer', [DuckDBTypeId.INTEGER]: 'integer', [DuckDBTypeId.BIGINT]: 'integer',
  [DuckDBTypeId.HUGEINT]: 'integer', [DuckDBTypeId.UTINYINT]: 'integer', [DuckDBTypeId.USMALLINT]: 'integer', [DuckDBTypeId.UINTEGER]: 'integer',
  [DuckDBTypeId.UBIGINT]: 'integer', [DuckDBTypeId.UHUGEINT]: 'integer',
  [DuckDBTypeId.FLOAT]: 'float', [DuckDBTypeId.DOUBLE]: 'double', [DuckDBTypeId.DECIMAL]: 'double',
  [DuckDBTypeId.VARCHAR]: 'string', [DuckDBTypeId.DATE]: 'date', [DuckDBTypeId.TIMESTAMP]: 'timestamp',
};

function jsValue(v: DuckDBValue, kind: ColumnKind, column: string): number | string | boolean | null {
  if (v === null) return null;
  switch (kind) {
    case 'boolean': return Boolean(v);
    case 'string': return String(v);
    case 'integer': {
      const n = Number(v);
      if (!Number.isSafeInteger(n)) throw new Error(`column '${column}': ${String(v)} is beyond 2^53 and cannot be exported exactly`);
      return n;
    }
    case 'float':
    case 'double': return v instanceof DuckDBDecimalValue ? v.toDouble() : Number(v);
    case 'date': return (v as DuckDBDateValue).days;
    case 'timestamp': return Number((v as DuckDBTimestampValue).micros / 1000n);
  }
}

/** Columns of a DuckDB result (only plain types: numbers, booleans, text, dates, timestamps). */
export async function columnsFromResult(result: DuckDBResult): Promise<ExportColumn[]> {
  const names = result.columnNames();
  const types = result.columnTypes();
  const columns: ExportColumn[] = names.map((name, j) => {
    const kind = KIND_BY_TYPE[types[j].typeId];
    if (!kind) throw new Error(`column '${name}' has type ${types[j].toString()}, which the export formats do not take; cast it in a view or leave it out`);
    return { name, kind, sourceType: types[j].toString(), values: [], label: '', unit: '', source: '' };
  });
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    for (const row of chunk.getRows()) row.forEach((v, j) => columns[j].values.push(jsValue(v, columns[j].kind, columns[j].name)));
  }
  return columns;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** ISO 8601 date of a day count since 1970-01-01. */
export function isoDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** ISO 8601 date and time (no zone, like the TIMESTAMP it came from) of milliseconds since 1970. */
export function isoDateTime(ms: number): string {
  const d = new Date(ms);
  const frac = d.getUTCMilliseconds();
  return `${d.toISOString().slice(0, 10)}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${frac ? '.' + String(frac).padStart(3, '0') : ''}`;
}
