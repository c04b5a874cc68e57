// Data tests declared next to each stage (as dbt does): each compiles to a query returning the failing rows.
// Failures of severity 'error' stop the run; 'warn' is recorded. Failing rows go to the warehouse.
import type { StageDb } from './db.ts';
import { sqlIdent } from './db.ts';
import { DataError } from './errors.ts';

export type DataTest = { name: string; table: string; severity: 'error' | 'warn' } & (
  | { kind: 'unique'; columns: string[] }
  | { kind: 'not_null'; columns: string[] }
  | { kind: 'accepted_range'; column: string; min?: number; max?: number }
  | { kind: 'relationship'; column: string; to: Array<{ table: string; column: string }> }
  | { kind: 'balanced'; unit: string; time: string }
  | { kind: 'sql'; description: string; sql: string }
);

export interface DataTestResult {
  stage: string;
  name: string;
  table: string;
  severity: 'error' | 'warn';
  status: 'pass' | 'fail' | 'warn';
  failing_rows: number;
}

const MAX_STORED = 1000;

export function compile(t: DataTest): string {
  const T = t.table;
  switch (t.kind) {
    case 'unique': {
      const cols = t.columns.map(sqlIdent).join(', ');
      return `SELECT ${cols}, count(*) AS n FROM ${T} GROUP BY ${cols} HAVING count(*) > 1`;
    }
    case 'not_null':
      return `SELECT * FROM ${T} WHERE ${t.columns.map((c) => `${sqlIdent(c)} IS NULL`).join(' OR ')}`;
    case 'accepted_range': {
      const c = sqlIdent(t.column);
      const conds = [t.min !== undefined && `${c} < ${t.min}`, t.max !== undefined && `${c} > ${t.max}`].filter(Boolean);
      return `SELECT * FROM ${T} WHERE ${conds.join(' OR ')}`;
    }
    case 'relationship':
      return `SELECT * FROM ${T} WHERE ${t.to.map((r) => `${sqlIdent(t.column)} NOT IN (SELECT ${sqlIdent(r.column)} FROM ${r.table})`).join(' AND ')}`;
    case 'balanced': {
      const u = sqlIdent(t.unit);
      const tm = sqlIdent(t.time);
      return `WITH c AS (SELECT ${u}, count(DISTINCT ${tm}) AS periods FROM ${T} GROUP BY ${u}),
        all_t AS (SELECT count(DISTINCT ${tm}) AS periods FROM ${T})
        SELECT c.* FROM c, all_t WHERE c.periods <> all_t.periods`;
    }
    case 'sql':
      return t.sql;
  }
}

export interface DataTestRun {
  results: DataTestResult[];
  /** failing rows as JSON, at most MAX_STORED per test */
  failures: Array<{ stage: string; test: string; severity: string; row_json: string }>;
}

export async function runDataTests(db: StageDb, stage: string, tests: DataTest[]): Promise<DataTestRun> {
  const run: DataTestRun = { results: [], failures: [] };
  for (const t of tests) {
    const sql = compile(t);
    const n = Number(await db.scalar(`SELECT count(*) FROM (${sql})`));
    if (n > 0) {
      const rows = await db.rows<{ j: string }>(`SELECT to_json(f)::VARCHAR AS j FROM (${sql} LIMIT ${MAX_STORED}) f`);
      for (const r of rows) run.failures.push({ stage, test: t.name, severity: t.severity, row_json: r.j });
    }
    run.results.push({ stage, name: t.name, table: t.table, severity: t.severity,
      status: n === 0 ? 'pass' : t.severity === 'error' ? 'fail' : 'warn', failing_rows: n });
  }
  const failed = run.results.find((r) => r.status === 'fail');
  if (failed) {
    const example = run.failures.find((f) => f.test === failed.name)?.row_json ?? '';
    const error = new DataError({}, `data test '${failed.name}' on ${failed.table} failed for ${failed.failing_rows} row(s), e.g. ${example.slice(0, 200)}`);
    Object.assign(error, { dataTests: run });
    throw error;
  }
  return run;
}
