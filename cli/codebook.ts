#!/usr/bin/env tsx
// `npm run --silent codebook [-- --out FILE]`: every column of the panel with its definition (catalogue label,
// formula in words and SQL), unit, transform, its _level and _w copies, the raw indicators and source files that
// feed it, and N, mean, sd, min, max, as Markdown. Reads the warehouse through the read-only query session.
import { Command } from 'commander';
import { InputError } from '../econometrics/errors.ts';
import { codebookMarkdown, missingCodebookTables, readCodebook } from '../pipelines/estimate/codebook.ts';
import { connectionReader } from '../pipelines/estimate/warehouse-reader.ts';
import { exitOnKnownError, endQuietlyOnClosedPipe } from './exit.ts';
import { writeFileAtomically } from './export/output.ts';
import { strictCommand } from './option-parsers.ts';
import { openWarehouseReadOnly, warehouseError } from './warehouse-session.ts';

endQuietlyOnClosedPipe();

const program = strictCommand(new Command())
  .name('codebook')
  .description('The codebook of the panel as Markdown: every column with its definition, formula, unit, transform, ' +
    '_level and _w copies, raw indicators and source files, and N, mean, sd, min, max')
  .option('--warehouse <path>', 'the warehouse database', 'warehouse/warehouse.duckdb')
  .option('--out <file>', 'write the Markdown to this file instead of standard output')
  .action(async (opts: { warehouse: string; out?: string }) => {
    const session = await openWarehouseReadOnly(opts.warehouse);
    try {
      const wh = connectionReader(session.con, session.catalog);
      const missing = await missingCodebookTables(wh);
      if (missing.length) throw new InputError(`the warehouse ${opts.warehouse} has no ${missing.join(', ')} (an older build); rebuild it with \`npm run pipeline\``);
      const codebook = await readCodebook(wh).catch((e) => { throw warehouseError(opts.warehouse, e); });
      const text = codebookMarkdown(codebook);
      if (opts.out) {
        await writeFileAtomically(opts.out, text);
        process.stdout.write(`codebook: ${codebook.columns.length} columns → ${opts.out}\n`);
      } else {
        process.stdout.write(text);
      }
    } finally {
      session.close();
    }
  });

await program.parseAsync(process.argv).catch(exitOnKnownError);
