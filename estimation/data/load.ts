import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';

/** A user-facing problem with the input (bad file, unknown column, ...): CLIs print it on one line and exit 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export type DataSource =
  | { data: string; where?: string }
  | { warehouse: string; table: string; where?: string };

export interface LoadedFrame {
  nrows: number;
  /** numeric columns as float64; SQL NULL becomes NaN */
  numeric: Record<string, Float64Array>;
  /** factor columns (fixed effects, cluster ids): dense codes 0..levels-1, -1 for NULL */
  factors: Record<string, { codes: Int32Array; levels: string[] }>;
}

function quoteIdent(name: string): string {
  return '"' + name.replaceAll('"', '""') + '"';
}
function quoteString(s: string): string {
  return "'" + s.replaceAll("'", "''") + "'";
}

/** The FROM clause for a data file read through DuckDB. */
export function relationFor(path: string): string {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new InputError(`data file not found: ${path}`);
  const ext = extname(abs).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return `read_csv(${quoteString(abs)}, header = true)`;
  if (ext === '.parquet') return `read_parquet(${quoteString(abs)})`;
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc') return `read_arrow_file(${quoteString(abs)})`;
  throw new InputError(`unsupported data file type '${ext}' (expected .csv, .parquet or .arrow): ${path}`);
}

const NUMERIC_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT,
  DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL, DuckDBTypeId.BOOLEAN,
]);

/**
 * Read the requested columns through DuckDB. `numeric` columns must be numeric (else InputError naming the
 * column and its type); `factors` may be of any type and are factorized in first-appearance order of sorted values.
 * Rows are returned in the source order; `where` is a DuckDB SQL predicate.
 */
export async function loadFrame(
  source: DataSource,
  numeric: string[],
  factors: string[] = [],
): Promise<LoadedFrame> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    let from: string;
    if ('data' in source) {
      from = relationFor(source.data);
    } else {
      const wh = resolve(source.warehouse);
      if (!existsSync(wh)) throw new InputError(`warehouse not found: ${source.warehouse}`);
      await con.run(`ATTACH ${quoteString(wh)} AS wh (READ_ONLY)`);
      const t = await con.runAndReadAll(
        `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = 'wh' AND table_name = ${quoteString(source.table)}`,
      );
      const v = await con.runAndReadAll(
        `SELECT count(*) AS n FROM duckdb_views() WHERE database_name = 'wh' AND view_name = ${quoteString(source.table)}`,
      );
      if (Number(t.getRowObjects()[0].n) + Number(v.getRowObjects()[0].n) === 0)
        throw new InputError(`table '${source.table}' not found in warehouse ${source.warehouse}`);
      from = `wh.${quoteIdent(source.table)}`;
    }
    const describe = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
    const types = new Map<string, string>();
    for (const row of describe.getRowObjects()) types.set(String(row.column_name), String(row.column_type));
    const wanted = [...new Set([...numeric, ...factors])];
    for (const col of wanted) {
      if (!types.has(col)) {
        const known = [...types.keys()].slice(0, 30).join(', ');
        throw new InputError(`unknown variable '${col}' (columns: ${known})`);
      }
    }
    const where = source.where ? ` WHERE ${source.where}` : '';
    let reader;
    try {
      reader = await con.runAndReadAll(
        `SELECT ${wanted.map(quoteIdent).join(', ')} FROM ${from}${where}`,
      );
    } catch (e) {
      throw new InputError(`query failed: ${(e as Error).message.split('\n')[0]}`);
    }
    const nrows = reader.currentRowCount;
    const out: LoadedFrame = { nrows, numeric: {}, factors: {} };
    const colIndex = new Map(wanted.map((c, i) => [c, i]));
    // DuckDB returns no column vectors for an empty result: treat it as empty columns
    const allColumns = nrows > 0 ? reader.getColumns() : wanted.map(() => []);
    for (const col of numeric) {
      const typeId = reader.columnType(colIndex.get(col)!).typeId;
      if (!NUMERIC_TYPES.has(typeId))
        throw new InputError(`variable '${col}' is not numeric (type ${types.get(col)})`);
      const values = allColumns[colIndex.get(col)!];
      const arr = new Float64Array(nrows);
      for (let i = 0; i < nrows; i++) {
        const v = values[i];
        arr[i] = v === null || v === undefined ? NaN : Number(v);
      }
      out.numeric[col] = arr;
    }
    for (const col of factors) {
      const values = allColumns[colIndex.get(col)!];
      const keys = values.map((v) => (v === null || v === undefined ? null : String(v)));
      const levels = [...new Set(keys.filter((k): k is string => k !== null))].sort();
      const index = new Map(levels.map((l, i) => [l, i]));
      const codes = new Int32Array(nrows);
      for (let i = 0; i < nrows; i++) codes[i] = keys[i] === null ? -1 : index.get(keys[i]!)!;
      out.factors[col] = { codes, levels };
    }
    return out;
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
