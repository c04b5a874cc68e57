#!/usr/bin/env tsx
// `npm run export -- --format dta|csv|xlsx|parquet|arrow --out FILE [--vars a,b] [--where SQL] [--years 2011-2015]`:
// the panel (or part of it) with its codebook, for Stata, R, Python or Excel users. Reads the warehouse through
// the same read-only session as `query` (cli/warehouse-session.ts).
import { Command, Option } from 'commander';
import { extname } from 'node:path';
import { InputError } from '../econometrics/errors.ts';
import { writeDta } from './export/dta.ts';
import { frameToArrow, frameToCsv, frameToDta, frameToXlsx, valueLabelText } from './export/formats.ts';
import { writeAtomically, writeFileAtomically } from './export/output.ts';
import { writeParquet } from './export/parquet.ts';
import { readPanel, runSelection, type Selection } from './export/select.ts';
import { exitOnKnownError } from './exit.ts';
import { nameList, strictCommand, yearRange } from './option-parsers.ts';
import { openWarehouseReadOnly } from './warehouse-session.ts';

const FORMATS = ['dta', 'csv', 'xlsx', 'parquet', 'arrow'] as const;
type Format = (typeof FORMATS)[number];
const EXTENSIONS: Record<string, Format> = { '.dta': 'dta', '.csv': 'csv', '.xlsx': 'xlsx', '.parquet': 'parquet', '.arrow': 'arrow', '.feather': 'arrow', '.ipc': 'arrow' };

const program = strictCommand(new Command())
  .name('export')
  .description('Write the panel with its codebook (labels, units, value labels) as Stata .dta (118), CSV, Excel, Parquet or Arrow')
  .addOption(new Option('--format <format>', 'file format (default: from the --out extension)').choices(FORMATS))
  .requiredOption('--out <file>', 'output file (written whole or not at all)')
  .option('--vars <list>', 'comma-separated panel columns (city_code and year are always included); default: all', nameList)
  .option('--where <sql>', 'DuckDB SQL condition on panel rows, e.g. "region = \'east\'"')
  .option('--years <range>', 'years to keep: 2011-2015, 2015-, -2015 or 2015', yearRange)
  .option('--warehouse <path>', 'the warehouse database', 'warehouse/warehouse.duckdb')
  .option('--na <text>', 'CSV only: text written for a missing value (default: empty)')
  .option('--bom', 'CSV only: start with a UTF-8 byte order mark, so Excel reads Chinese text right')
  .action(async (opts: { format?: Format; out: string; vars?: string[]; where?: string; years?: Selection['years']; warehouse: string; na?: string; bom?: boolean }) => {
    const format = opts.format ?? EXTENSIONS[extname(opts.out).toLowerCase()];
    if (!format) throw new InputError(`option '--out' value '${opts.out}' has no known extension; give --format (${FORMATS.join(', ')})`);
    if (format !== 'csv' && (opts.na !== undefined || opts.bom)) throw new InputError(`option '${opts.na !== undefined ? '--na' : '--bom'}' applies only to --format csv (got --format ${format})`);
    const selection: Selection = { vars: opts.vars, where: opts.where, years: opts.years };

    const session = await openWarehouseReadOnly(opts.warehouse);
    try {
      const frame = await readPanel(session, selection);
      if (format === 'parquet') {
        const codebook = JSON.stringify(frame.columns.map((c) => ({ name: c.name, label: c.label, unit: c.unit, stata_value_labels: valueLabelText(c), source: c.source })));
        await writeAtomically(opts.out, (tmp) =>
          runSelection(session, selection, async (sql, params) => { await writeParquet(await session.con.stream(sql, params), tmp, { label: frame.label, notes: frame.notes.join('\n'), codebook }); }));
      } else {
        const bytes = format === 'dta' ? writeDta(frameToDta(frame))
          : format === 'csv' ? frameToCsv(frame, { na: opts.na ?? '', bom: Boolean(opts.bom) })
          : format === 'xlsx' ? frameToXlsx(frame)
          : frameToArrow(frame);
        await writeFileAtomically(opts.out, bytes);
      }
      process.stdout.write(`export: ${frame.nrows} rows, ${frame.columns.length} variables → ${opts.out} (${format === 'dta' ? 'Stata 118' : format})\n`);
    } finally {
      session.close();
    }
  });

await program.parseAsync(process.argv).catch(exitOnKnownError);
