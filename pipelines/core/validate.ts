import { z } from 'zod';
import type { StageDb } from './db.ts';
import { sqlIdent } from './db.ts';

/** Tables up to this size are checked row by row in full; larger ones on an evenly spaced sample of about this
 *  many rows (their invariants are also covered by the stage's SQL data tests, which see every row). */
export const FULL_VALIDATION_ROWS = 1000;

/** DuckDB column types whose values reach JavaScript as a number, string, boolean or null. */
const SCALAR_TYPES = /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|UTINYINT|USMALLINT|UINTEGER|FLOAT|DOUBLE|VARCHAR)$/;

const declaredOnly = new WeakMap<z.ZodType, z.ZodType>();

/**
 * Check the rows of a stage's output table against its zod contract; the first bad row stops the run.
 * A contract of declared fields plus a catch-all for the other columns (a wide table of model variables) is
 * checked in two parts: the other columns by their DuckDB type (a DOUBLE column holds numbers or nulls, row after
 * row), the declared fields row by row.
 */
export async function validateTable(db: StageDb, table: string, schema: z.ZodType, columns = '*', maxRows = FULL_VALIDATION_ROWS): Promise<void> {
  let rowSchema = schema;
  let select = columns;
  const catchall = schema instanceof z.ZodObject ? (schema.def.catchall as z.ZodType | undefined) : undefined;
  if (schema instanceof z.ZodObject && catchall && !(catchall instanceof z.ZodNever) && columns === '*' && catchall.safeParse(null).success) {
    const declared = Object.keys(schema.shape);
    const described = await db.rows<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${table}`);
    for (const c of described) {
      if (declared.includes(c.column_name)) continue;
      const sample = !SCALAR_TYPES.test(c.column_type) ? undefined : c.column_type === 'VARCHAR' ? '' : c.column_type === 'BOOLEAN' ? false : 0;
      if (sample === undefined || !catchall.safeParse(sample).success) {
        throw new Error(`stage output ${table} breaks its contract: column ${c.column_name} is ${c.column_type}, which its values cannot be`);
      }
    }
    let only = declaredOnly.get(schema);
    if (!only) declaredOnly.set(schema, (only = z.object(schema.shape)));
    rowSchema = only;
    select = declared.map(sqlIdent).join(', ');
  }
  const n = Number(await db.scalar(`SELECT count(*) FROM ${table}`)); // a table name or a relation (read_parquet(…))
  const step = Math.max(1, Math.ceil(n / maxRows));
  const sql = step === 1
    ? `SELECT ${select} FROM ${table}`
    : `SELECT ${select} FROM ${table} QUALIFY row_number() OVER () % ${step} = 1`;
  // read column-wise (about twice as fast as row objects from DuckDB), then build the rows zod checks
  const reader = await db.con.runAndReadAll(sql);
  const names = reader.columnNames();
  const values = reader.getColumnsJS();
  const rows: Record<string, unknown>[] = new Array(reader.currentRowCount);
  for (let i = 0; i < rows.length; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c]] = values[c][i];
    rows[i] = row;
  }
  for (let i = 0; i < rows.length; i++) {
    const result = rowSchema.safeParse(rows[i]);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(
        `stage output ${table} breaks its contract (${JSON.stringify(rows[i], (_, v) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 200)}): ` +
          `${issue.path.join('.')} ${issue.message}`,
      );
    }
  }
}
