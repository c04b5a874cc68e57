// DuckDB loads when a database is opened, not when a stage module is imported (a run with nothing to do never opens one)
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { sqlIdent } from '../../econometrics/io/sql.ts';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SQL_DIR } from './paths.ts';

/** One in-memory DuckDB shared by the stages of a run: stages hand tables to each other through it. */
export class StageDb {
  private constructor(private instance: DuckDBInstance, readonly con: DuckDBConnection, private owner = true) {}

  /** Another connection to the same database, for work that runs alongside this one's (closing it leaves the
   *  database open). */
  async sideConnection(): Promise<StageDb> {
    return new StageDb(this.instance, await this.instance.connect(), false);
  }

  /** `readOnly`: DuckDB's read-only access mode (other readers are not locked out, nothing can be written). */
  static async open(path = ':memory:', options: { readOnly?: boolean } = {}): Promise<StageDb> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(path, { threads: '2', ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}) });
    return new StageDb(instance, await instance.connect());
  }

  async run(sql: string, params?: DuckDBValue[]): Promise<void> {
    await this.con.run(sql, params);
  }

  /** Run a file from sql/ with `${name}` placeholders replaced by the given (already quoted/validated) values. */
  async runFile(name: string, params: Record<string, string | number> = {}): Promise<void> {
    await this.con.run(sqlFile(name, params));
  }

  /** Rows of a query; `params` are bound to its `?` / `$1` placeholders. */
  async rows<T = Record<string, unknown>>(sql: string, params?: DuckDBValue[]): Promise<T[]> {
    const reader = await this.con.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as T[];
  }

  async scalar(sql: string): Promise<unknown> {
    const reader = await this.con.runAndReadAll(sql);
    return reader.getRowsJS()[0]?.[0];
  }

  async count(table: string): Promise<number> {
    return Number(await this.scalar(`SELECT count(*) FROM ${sqlIdent(table)}`));
  }

  /** Append plain objects into an existing table, column by column in the table's order. */
  async append(table: string, columns: ColumnSpec[], rows: Iterable<Record<string, unknown>>): Promise<number> {
    const appender = await this.con.createAppender(table);
    let n = 0;
    for (const row of rows) {
      for (const col of columns) {
        const v = row[col.name];
        if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) appender.appendNull();
        else if (col.type === 'DOUBLE') appender.appendDouble(Number(v));
        else if (col.type === 'INTEGER') appender.appendInteger(Number(v));
        else if (col.type === 'BOOLEAN') appender.appendBoolean(Boolean(v));
        else appender.appendVarchar(String(v));
      }
      appender.endRow();
      n++;
    }
    appender.closeSync();
    return n;
  }

  async createAndAppend(table: string, columns: ColumnSpec[], rows: Iterable<Record<string, unknown>>): Promise<number> {
    await this.run(`CREATE OR REPLACE TABLE ${sqlIdent(table)} (${columns.map((c) => `${sqlIdent(c.name)} ${c.type}`).join(', ')})`);
    return this.append(table, columns, rows);
  }

  close(): void {
    this.con.closeSync();
    if (this.owner) this.instance.closeSync();
  }
}

export interface ColumnSpec {
  name: string;
  type: 'VARCHAR' | 'DOUBLE' | 'INTEGER' | 'BOOLEAN';
}

export function sqlFile(name: string, params: Record<string, string | number> = {}): string {
  const text = readFileSync(join(SQL_DIR, name), 'utf8');
  return text.replace(/\$\{(\w+)\}/g, (_, key: string) => {
    if (!(key in params)) throw new Error(`sql/${name}: no value for \${${key}}`);
    return String(params[key]);
  });
}

export { sqlIdent, sqlString } from '../../econometrics/io/sql.ts';
