import type { z } from 'zod';
import type { StageDb } from './db.ts';

/** Check every row of a stage's output table against its zod contract; the first bad row stops the run. */
export async function validateTable(db: StageDb, table: string, schema: z.ZodType, columns = '*'): Promise<void> {
  const rows = await db.rows(`SELECT ${columns} FROM ${table}`);
  for (let i = 0; i < rows.length; i++) {
    const result = schema.safeParse(rows[i]);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(
        `stage output ${table} breaks its contract at row ${i + 1} (${JSON.stringify(rows[i]).slice(0, 200)}): ` +
          `${issue.path.join('.')} ${issue.message}`,
      );
    }
  }
}
