// Options shared by the `fe` and `iv` commands, and loading exactly the columns a formula needs.
import type { Command } from 'commander';
import { InputError, loadFrame, type LoadedFrame } from '../econometrics/io/load.ts';
import { parseFormula } from '../econometrics/formula.ts';
import { parseVcov } from '../econometrics/vcov.ts';

export interface ModelCliOptions {
  data?: string;
  warehouse?: string;
  table?: string;
  formula: string;
  vcov?: string;
  where?: string;
  json?: boolean;
}

export function addModelOptions(cmd: Command): Command {
  return cmd
    // usage errors (missing or unknown option) are input errors too: one line, exit code 2
    .showHelpAfterError(false)
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .option('--data <file>', 'data file (.csv, .parquet or .arrow), read through DuckDB')
    .option('--warehouse <path>', 'DuckDB warehouse file (with --table)')
    .option('--table <name>', 'table or view in the warehouse')
    .requiredOption('--formula <formula>', 'model formula')
    .option('--vcov <type>', 'iid | hc1 | cluster:VAR', 'iid')
    .option('--where <predicate>', 'DuckDB SQL predicate selecting rows')
    .option('--json', 'print one JSON object');
}

/** Parse the formula and vcov first (cheap errors before any reading), then load the needed columns. */
export async function loadForFormula(opts: ModelCliOptions): Promise<LoadedFrame> {
  const f = parseFormula(opts.formula);
  const spec = parseVcov(opts.vcov);
  const numeric = [f.depvar, ...f.exog, ...f.endog, ...f.instruments];
  const factors = [...new Set([...f.fixedEffects.flat(), ...(spec.type === 'cluster' ? spec.variables : [])])];
  if (opts.data && opts.warehouse) throw new InputError('give either --data or --warehouse/--table, not both');
  if (opts.data) return loadFrame({ data: opts.data, where: opts.where }, numeric, factors);
  if (opts.warehouse) {
    if (!opts.table) throw new InputError('--warehouse needs --table NAME');
    return loadFrame({ warehouse: opts.warehouse, table: opts.table, where: opts.where }, numeric, factors);
  }
  throw new InputError('no data: give --data FILE or --warehouse PATH --table NAME');
}
