import type { z } from 'zod';
import type { StageDb } from './db.ts';

/** Tables up to this size are checked row by row in full; larger ones on an evenly spaced sample of this
 *  many rows (their invariants are also covered by the stage's SQL data tests, which see every row). */
export const FULL_VALIDATION_ROWS = 5000;

/** Check the rows of a stage's output table against its zod contract; the first bad row stops the run. */
export async function validateTable(db: StageDb, table: string, schema: z.ZodType, columns = '*'): Promise<void> {
  const n = await db.count(table);
  const step = Math.max(1, Math.ceil(n / FULL_VALIDATION_ROWS));
  const sql = step === 1
    ? `SELECT ${columns} FROM ${table}`
    : `SELECT ${columns} FROM (SELECT *, row_number() OVER () AS rn__ FROM ${table}) WHERE rn__ % ${step} = 1`;
  const rows = await db.rows(sql);
  for (let i = 0; i < rows.length; i++) {
    const result = schema.safeParse(rows[i]);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(
        `stage output ${table} breaks its contract (${JSON.stringify(rows[i]).slice(0, 200)}): ` +
          `${issue.path.join('.')} ${issue.message}`,
      );
    }
  }
}
