// Loading a frame from a file (CSV, Parquet, Arrow IPC) or a warehouse table through DuckDB: the engine's only I/O.
// Arrow IPC files are read with apache-arrow and handed to DuckDB as a table (DuckDB's own Arrow reader is an
// extension that cannot be installed here), so --where and the type checks work the same for every format.
import {
  BIGINT, BOOLEAN, DOUBLE, VARCHAR, type DuckDBConnection, DuckDBDataChunk, DuckDBInstance, type DuckDBType, DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api';
import { DataType, tableFromIPC, type Table } from 'apache-arrow';
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { sqlIdent, sqlString } from './sql.ts';
import type { LoadedFrame } from '../frame.ts';

export { InputError, type LoadedFrame };

/** `na`: the texts a CSV cell may hold to mean "missing" (default DEFAULT_NA); ignored for other formats. */
export type DataSource =
  | { data: string; where?: string; na?: string[] }
  | { warehouse: string; table: string; where?: string };

/** Missing-value codes of CSV input unless told otherwise: R's NA, Stata's `.`, an empty cell and `-`. */
import { DEFAULT_NA } from './na.ts';

export { DEFAULT_NA };

const ARROW_EXTENSIONS = new Set(['.arrow', '.feather', '.ipc']);

/** The FROM clause for a CSV or Parquet file read through DuckDB (Arrow files go through loadArrowTable). */
export function relationFor(path: string, na: readonly string[] = DEFAULT_NA): string {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new InputError(`data file not found: ${path}`);
  const ext = extname(abs).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') {
    // nullstr: every listed text, exactly as the whole cell, is read as NULL (and does not make a column text)
    const nullstr = na.length ? `, nullstr = [${na.map(sqlString).join(', ')}]` : '';
    return `read_csv(${sqlString(abs)}, header = true${nullstr})`;
  }
  if (ext === '.parquet') return `read_parquet(${sqlString(abs)})`;
  throw new InputError(`unsupported data file type '${ext}' (expected .csv, .tsv, .txt, .parquet, .arrow, .feather or .ipc): ${path}`);
}

/** The DuckDB column type an Arrow column is stored as, and how one of its values is converted. */
function arrowColumnType(type: DataType): { duck: DuckDBType; convert: (v: unknown) => DuckDBValue } {
  if (DataType.isFloat(type)) return { duck: DOUBLE, convert: (v) => Number(v) };
  if (DataType.isInt(type)) return { duck: BIGINT, convert: (v) => BigInt(v as number | bigint) };
  if (DataType.isBool(type)) return { duck: BOOLEAN, convert: (v) => Boolean(v) };
  if (DataType.isDate(type) || DataType.isTimestamp(type))
    return { duck: VARCHAR, convert: (v) => (v instanceof Date ? v : new Date(Number(v))).toISOString() };
  return { duck: VARCHAR, convert: (v) => String(v) };
}

/** Read an Arrow IPC file (file or stream format) into the DuckDB table `name`. */
async function loadArrowTable(con: DuckDBConnection, path: string, name: string): Promise<void> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new InputError(`data file not found: ${path}`);
  let table: Table;
  try {
    table = tableFromIPC(readFileSync(abs));
  } catch (e) {
    throw new InputError(`cannot read ${path} as an Arrow IPC file: ${(e as Error).message.split('\n')[0]}`);
  }
  const fields = table.schema.fields;
  if (fields.length === 0) throw new InputError(`Arrow file ${path} has no columns`);
  const columns = fields.map((f, j) => ({ name: f.name, vector: table.getChildAt(j)!, ...arrowColumnType(f.type) }));
  await con.run(`CREATE TEMP TABLE ${sqlIdent(name)} (${columns.map((c) => `${sqlIdent(c.name)} ${c.duck.toString()}`).join(', ')})`);
  const appender = await con.createAppender(name);
  const CHUNK = 2048; // DuckDB's vector size
  for (let start = 0; start < table.numRows; start += CHUNK) {
    const rows = Math.min(CHUNK, table.numRows - start);
    const chunk = DuckDBDataChunk.create(columns.map((c) => c.duck), rows);
    columns.forEach((c, j) => {
      const values: DuckDBValue[] = new Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = c.vector.get(start + i);
        values[i] = v === null || v === undefined ? null : c.convert(v);
      }
      chunk.setColumnValues(j, values);
    });
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
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
    if ('data' in source && ARROW_EXTENSIONS.has(extname(source.data).toLowerCase())) {
      await loadArrowTable(con, source.data, 'arrow_data');
      from = 'arrow_data';
    } else if ('data' in source) {
      from = relationFor(source.data, source.na);
    } else {
      const wh = resolve(source.warehouse);
      if (!existsSync(wh)) throw new InputError(`warehouse not found: ${source.warehouse}`);
      await con.run(`ATTACH ${sqlString(wh)} AS wh (READ_ONLY)`);
      const t = await con.runAndReadAll(
        `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = 'wh' AND table_name = ?`, [source.table],
      );
      const v = await con.runAndReadAll(
        `SELECT count(*) AS n FROM duckdb_views() WHERE database_name = 'wh' AND view_name = ?`, [source.table],
      );
      if (Number(t.getRowObjects()[0].n) + Number(v.getRowObjects()[0].n) === 0)
        throw new InputError(`table '${source.table}' not found in warehouse ${source.warehouse}`);
      from = `wh.${sqlIdent(source.table)}`;
    }
    let describe;
    try {
      describe = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
    } catch (e) {
      throw new InputError(`cannot read ${'data' in source ? source.data : source.table}: ${(e as Error).message.split('\n')[0]}`);
    }
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
    let result;
    try {
      result = await con.run(`SELECT ${wanted.map(sqlIdent).join(', ')} FROM ${from}${where}`);
    } catch (e) {
      throw new InputError(`query failed: ${(e as Error).message.split('\n')[0]}`);
    }
    const colIndex = new Map(wanted.map((c, i) => [c, i]));
    // a column may be requested twice (e.g. a fixed effect that is also the cluster id): read it once
    numeric = [...new Set(numeric)];
    factors = [...new Set(factors)];
    for (const col of numeric) {
      const typeId = result.columnTypeId(colIndex.get(col)!);
      if (!NUMERIC_TYPES.has(typeId))
        throw new InputError(`variable '${col}' is not numeric (type ${types.get(col)})`);
    }
    // Read chunk by chunk, vector by vector (much faster than materialising every value as a JS array).
    // Values are converted exactly as before: Number(v) for numeric columns, String(v) for factor keys.
    const numericParts = new Map<string, Float64Array[]>(numeric.map((c) => [c, []]));
    // factor values are first coded by raw value (cheap), then levels are the sorted strings of the distinct values
    const rawIndex = new Map<string, Map<unknown, number>>(factors.map((c) => [c, new Map()]));
    const rawCodes = new Map<string, Int32Array[]>(factors.map((c) => [c, []]));
    let nrows = 0;
    for (let k = 0; k < result.chunkCount; k++) {
      const chunk = result.getChunk(k);
      const rowCount = chunk.rowCount;
      if (rowCount === 0) continue;
      nrows += rowCount;
      for (const col of numeric) {
        const vector = chunk.getColumnVector(colIndex.get(col)!);
        const part = new Float64Array(rowCount);
        for (let i = 0; i < rowCount; i++) {
          const v = vector.getItem(i);
          part[i] = v === null || v === undefined ? NaN : Number(v);
        }
        numericParts.get(col)!.push(part);
      }
      for (const col of factors) {
        const vector = chunk.getColumnVector(colIndex.get(col)!);
        const index = rawIndex.get(col)!;
        const part = new Int32Array(rowCount);
        for (let i = 0; i < rowCount; i++) {
          const v = vector.getItem(i);
          if (v === null || v === undefined) { part[i] = -1; continue; }
          const key = typeof v === 'object' ? String(v) : v; // objects (dates, decimals...) by their text
          let code = index.get(key);
          if (code === undefined) { code = index.size; index.set(key, code); }
          part[i] = code;
        }
        rawCodes.get(col)!.push(part);
      }
    }
    const out: LoadedFrame = { nrows, numeric: {}, factors: {} };
    for (const col of numeric) {
      const arr = new Float64Array(nrows);
      let offset = 0;
      for (const part of numericParts.get(col)!) { arr.set(part, offset); offset += part.length; }
      out.numeric[col] = arr;
    }
    for (const col of factors) {
      const distinct = [...rawIndex.get(col)!.keys()].map((k) => String(k));
      const levels = [...new Set(distinct)].sort();
      const levelIndex = new Map(levels.map((l, i) => [l, i]));
      const final = Int32Array.from(distinct, (d) => levelIndex.get(d)!);
      const codes = new Int32Array(nrows);
      let offset = 0;
      for (const part of rawCodes.get(col)!) {
        for (let i = 0; i < part.length; i++) codes[offset + i] = part[i] < 0 ? -1 : final[part[i]];
        offset += part.length;
      }
      out.factors[col] = { codes, levels };
    }
    return out;
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
