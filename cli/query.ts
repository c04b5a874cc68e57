#!/usr/bin/env tsx
// `npm run --silent query -- "SELECT …"`: SQL on the warehouse in a read-only session (cli/warehouse-session.ts:
// the file cannot be changed, no other file opened, no setting changed), printed as a table like DuckDB's CLI,
// CSV, TSV, JSON lines or Markdown, or written to Parquet. `--list` shows the tables and the session's views.
import { listValue } from '@duckdb/node-api';
import { Command, Option } from 'commander';
import { createWriteStream } from 'node:fs';
import { InputError } from '../econometrics/errors.ts';
import { exitOnKnownError, endQuietlyOnClosedPipe } from './exit.ts';
import { writeAtomically } from './export/output.ts';
import { writeParquet } from './export/parquet.ts';
import { integer, strictCommand } from './option-parsers.ts';
import { printResult, TEXT_FORMATS, type TextFormat } from './result-format.ts';
import { isBrokenFileError, LIST_SQL, openWarehouseReadOnly, SESSION_VIEWS, warehouseError } from './warehouse-session.ts';

endQuietlyOnClosedPipe();

const FORMATS = [...TEXT_FORMATS, 'parquet'] as const;

interface QueryOptions {
  warehouse: string;
  format: (typeof FORMATS)[number];
  out?: string;
  maxRows: number;
  maxWidth: number;
  list?: boolean;
}

const program = strictCommand(new Command())
  .name('query')
  .description('Run SQL on the warehouse (read-only). Tables: panel, dim_city, quality_drops, stg_values, meta_catalogue, runs, …; ' +
    `session views: ${SESSION_VIEWS.map((v) => v.name).join(', ')} (--list describes them all)`)
  .argument('[sql]', 'DuckDB SQL; several statements may be given, the last one is printed')
  .option('--warehouse <path>', 'the warehouse database', 'warehouse/warehouse.duckdb')
  .addOption(new Option('--format <format>', 'output format (parquet needs --out)').choices(FORMATS).default('table'))
  .option('--out <file>', 'write to this file instead of standard output')
  .option('--max-rows <n>', 'rows shown by table and markdown (0: all)', integer({ min: 0 }), 40)
  .option('--max-width <n>', 'table cells wider than this are cut with … (0: no cap)', integer({ min: 0 }), 40)
  .option('--list', 'list the tables and the session views with what they hold')
  .action(async (sql: string | undefined, opts: QueryOptions, cmd: Command) => {
    if (opts.list && sql) throw new InputError('give either --list or a SQL query, not both');
    if (!opts.list && !sql) throw new InputError('missing required argument \'sql\' (or --list)');
    if (opts.format === 'parquet' && !opts.out) throw new InputError('option \'--format parquet\' needs --out FILE');

    const session = await openWarehouseReadOnly(opts.warehouse, { views: true });
    // DuckDB's errors (while running or while fetching rows) are the user's SQL: one line
    const userFacing = (e: unknown) => {
      if (isBrokenFileError(e)) return warehouseError(opts.warehouse, e);
      if (e instanceof Error && /^[A-Z][A-Za-z ]+ Error:/.test(e.message)) return new InputError(withSessionHint(e.message.split('\n')[0]));
      return e;
    };
    try {
      const result = await (opts.list
        ? session.con.stream(LIST_SQL, [listValue(SESSION_VIEWS.map((v) => v.name))])
        : session.con.stream(sql!)
      ).catch((e) => { throw userFacing(e); });
      // --list shows whole descriptions unless a width is asked for
      const limits = { maxRows: opts.maxRows, maxWidth: opts.list && cmd.getOptionValueSource('maxWidth') === 'default' ? 0 : opts.maxWidth };
      try {
        if (opts.format === 'parquet') {
          let rows = 0;
          await writeAtomically(opts.out!, async (tmp) => { rows = await writeParquet(result, tmp); });
          process.stdout.write(`query: ${rows} rows → ${opts.out}\n`);
        } else if (opts.out) {
          await writeAtomically(opts.out, async (tmp) => {
            const file = createWriteStream(tmp);
            try {
              await printResult(result, opts.format as TextFormat, limits, (text) => file.write(text));
            } finally {
              await new Promise<void>((ok, fail) => file.end((err?: Error | null) => (err ? fail(err) : ok())));
            }
          });
        } else {
          await printResult(result, opts.format as TextFormat, limits, (text) => process.stdout.write(text));
        }
      } catch (e) {
        throw userFacing(e);
      }
    } finally {
      session.close();
    }
  });

/** DuckDB's refusal, and why the session refuses it. */
function withSessionHint(message: string): string {
  if (/LocalFileSystem has been disabled|file system operations are disabled|Can not enable file logging/.test(message))
    return `${message} (the query session reads only the warehouse: no other file, no extension; \`npm run export\` writes files)`;
  if (/configuration has been locked/.test(message)) return `${message} (the query session's settings are fixed)`;
  if (/read-only mode/.test(message)) return `${message} (the query session is read-only)`;
  return message;
}

await program.parseAsync(process.argv).catch(exitOnKnownError);
