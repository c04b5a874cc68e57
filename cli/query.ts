#!/usr/bin/env tsx
// `npm run --silent query -- "SELECT …"`: run SQL on the warehouse (read-only) and print the rows as a table,
// or as CSV / JSON lines. No DuckDB install needed.
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { InputError } from '../econometrics/io/load.ts';
import { StageDb, sqlString } from '../pipelines/shared/db.ts';
import { exitOnKnownError } from './exit.ts';

const program = new Command()
  .name('query')
  .description('Run SQL on the warehouse (read-only); tables: panel, dim_city, quality_drops, stg_values, runs, …')
  .argument('<sql>', 'a DuckDB SQL query')
  .option('--warehouse <path>', 'the warehouse database', 'warehouse/warehouse.duckdb')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
  .action(async (sql: string, opts) => {
    if (!existsSync(opts.warehouse)) throw new InputError(`warehouse not found: ${opts.warehouse} (run \`npm run pipeline\` first)`);
    const db = await StageDb.open(':memory:');
    try {
      await db.run(`ATTACH ${sqlString(opts.warehouse)} AS wh (READ_ONLY); USE wh`);
      let rows: Record<string, unknown>[];
      try {
        rows = await db.rows(sql);
      } catch (e) {
        throw new InputError((e as Error).message.split('\n')[0]);
      }
      const show = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'bigint' ? v.toString() : String(v));
      if (opts.format === 'json') for (const r of rows) process.stdout.write(JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? Number(v) : v)) + '\n');
      else if (opts.format === 'csv') {
        const cols = rows.length ? Object.keys(rows[0]) : [];
        const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
        process.stdout.write([cols.join(','), ...rows.map((r) => cols.map((c) => q(show(r[c]))).join(','))].join('\n') + '\n');
      } else {
        if (rows.length === 0) return void process.stdout.write('(no rows)\n');
        console.table(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))));
      }
    } finally {
      db.close();
    }
  });

await program.parseAsync(process.argv).catch(exitOnKnownError);
