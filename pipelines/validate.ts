import type { z } from 'zod';
import type { StageDb } from './db.ts';

/** Tables up to this size are checked row by row in full; larger ones on an evenly spaced sample of about this
 *  many rows (their invariants are also covered by the stage's SQL data tests, which see every row). */
export const FULL_VALIDATION_ROWS = 1000;

/** Check the rows of a stage's output table against its zod contract; the first bad row stops the run. */
export async function validateTable(db: StageDb, table: string, schema: z.ZodType, columns = '*', maxRows = FULL_VALIDATION_ROWS): Promise<void> {
  const n = await db.count(table);
  const step = Math.max(1, Math.ceil(n / maxRows));
  const sql = step === 1
    ? `SELECT ${columns} FROM ${table}`
    : `SELECT ${columns} FROM ${table} QUALIFY row_number() OVER () % ${step} = 1`;
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
    const result = schema.safeParse(rows[i]);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(
        `stage output ${table} breaks its contract (${JSON.stringify(rows[i], (_, v) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 200)}): ` +
          `${issue.path.join('.')} ${issue.message}`,
      );
    }
  }
}
