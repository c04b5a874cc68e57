#!/usr/bin/env tsx
// `npm run --silent explain -- CITY YEAR VAR`: how one panel value was made (formula, raw cells, unit conversion,
// merged predecessors, imputation, log, winsorizing, final value).
// `npm run --silent explain -- table2 col6 AI`: the model behind one table cell (depvar, regressors, fixed effects,
// vcov, sample filter), N and the SQL that selects its rows, and the coefficient from results/tables.json.
// Reads the warehouse through the read-only query session.
import { Command } from 'commander';
import { connectionReader } from '../pipelines/estimate/warehouse-reader.ts';
import { exitOnKnownError, endQuietlyOnClosedPipe } from './exit.ts';
import { explainModel, isTableArgument, resolveModelQuestion } from './explain/model.ts';
import { explainValue, resolveQuestion } from './explain/value.ts';
import { strictCommand } from './option-parsers.ts';
import { isBrokenFileError, openWarehouseReadOnly, warehouseError } from './warehouse-session.ts';

endQuietlyOnClosedPipe();

const program = strictCommand(new Command())
  .name('explain')
  .description('How a number was made. CITY YEAR VAR: one panel value, from the raw cells to the panel ' +
    '(CITY a name such as 济南 or a code such as 370100; VAR a panel column such as Huc, Huc_level, Huc_w or students). ' +
    'TABLE COLUMN TERM: one table cell (table2 or table2_baseline; a column id such as c6 or a position such as col6; a term such as AI)')
  .argument('<city-or-table>', 'a city (name or 6-digit code), or a table (table2, table3_robustness …)')
  .argument('<year-or-column>', 'a year, or a column of the table (its id, or colN)')
  .argument('<variable-or-term>', 'a panel column, or a coefficient term')
  .option('--warehouse <path>', 'the warehouse database', 'warehouse/warehouse.duckdb')
  .option('--results <dir>', 'the results folder with tables.json (for a table cell)', 'results')
  .action(async (first: string, second: string, third: string, opts: { warehouse: string; results: string }) => {
    // a model question is checked before the warehouse is opened: a wrong table or column needs no database
    const model = isTableArgument(first) ? resolveModelQuestion(first, second, third, opts.results) : undefined;
    const session = await openWarehouseReadOnly(opts.warehouse);
    try {
      const wh = connectionReader(session.con, session.catalog);
      const lines = model
        ? await explainModel(wh, model, opts.warehouse)
        : await explainValue(wh, await resolveQuestion(wh, first, second, third));
      process.stdout.write(lines.join('\n') + '\n');
    } catch (e) {
      throw isBrokenFileError(e) ? warehouseError(opts.warehouse, e) : e;
    } finally {
      session.close();
    }
  });

await program.parseAsync(process.argv).catch(exitOnKnownError);
