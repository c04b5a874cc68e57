// Options shared by the `fe` and `iv` commands, and loading exactly the columns a formula needs.
import type { Command } from 'commander';
import { DEFAULT_NA, InputError, loadFrame, type LoadedFrame } from '../econometrics/io/load.ts';
import { formulaColumns, parseFormula } from '../econometrics/formula.ts';
import { parseVcov, vcovGroupVariables, withTime, type VcovOption } from '../econometrics/vcov.ts';

export interface ModelCliOptions {
  data?: string;
  warehouse?: string;
  table?: string;
  formula: string;
  vcov: string;
  where?: string;
  weights?: string;
  time?: string;
  na: string;
  json?: boolean;
}

/** The --na text of the default codes: NA,.,,- (the empty code between the commas). */
export const DEFAULT_NA_OPTION = DEFAULT_NA.join(',');

/** The --na option as a list of codes ('' is a code: the empty cell). */
export function naCodes(option: string): string[] {
  return option.split(',');
}

export function addModelOptions(cmd: Command): Command {
  return cmd
    // usage errors (missing or unknown option) are input errors too: one line, exit code 2
    .showHelpAfterError(false)
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .option('--data <file>', 'data file (.csv/.tsv/.txt, .parquet, or Arrow IPC .arrow/.feather/.ipc) (default: none; or --warehouse)')
    .option('--warehouse <path>', 'DuckDB warehouse file, with --table (default: none; or --data)')
    .option('--table <name>', 'table or view in the warehouse (default: none)')
    .requiredOption('--formula <formula>', 'model formula, terms x, log(x), x1:x2, x1*x2, i(f), i(f, x), i(f, ref=v) (required)')
    .option('--vcov <type>', 'iid | hc1 | cluster:VAR | cluster:VAR1+VAR2 | dk:LAGS (Driscoll-Kraay, with --time)', 'iid')
    .option('--time <var>', 'period variable of --vcov dk:LAGS (default: none)')
    .option('--weights <var>', 'analytic weights (fixest weights / Stata aweights): weighted least squares (default: none, unweighted)')
    .option('--where <predicate>', 'DuckDB SQL predicate selecting rows (default: all rows)')
    .option('--na <codes>', 'comma-separated cell texts read as missing in CSV input; "" for empty cells only', DEFAULT_NA_OPTION)
    .option('--json', 'print one JSON object (default: a readable table)');
}

/** The vcov option with the Driscoll–Kraay period variable from --time (as the estimators expect it). */
export function vcovOption(opts: ModelCliOptions): VcovOption {
  const spec = withTime(parseVcov(opts.vcov), opts.time);
  return (spec.type === 'dk' && spec.time ? `dk:${spec.lags}:${spec.time}` : opts.vcov) as VcovOption;
}

/** Parse the formula and vcov first (cheap errors before any reading), then load the needed columns. */
export async function loadForFormula(opts: ModelCliOptions): Promise<LoadedFrame> {
  const f = parseFormula(opts.formula);
  const spec = withTime(parseVcov(opts.vcov), opts.time);
  const columns = formulaColumns(f);
  const numeric = [...columns.numeric, ...(opts.weights ? [opts.weights] : [])];
  // cluster ids and the Driscoll–Kraay period are factors (a period's levels that are numbers keep their value)
  const factors = [...new Set([...columns.factors, ...vcovGroupVariables(spec)])];
  if (opts.data && opts.warehouse) throw new InputError('give either --data or --warehouse/--table, not both');
  if (opts.data) return loadFrame({ data: opts.data, where: opts.where, na: naCodes(opts.na) }, numeric, factors);
  if (opts.warehouse) {
    if (!opts.table) throw new InputError('--warehouse needs --table NAME');
    return loadFrame({ warehouse: opts.warehouse, table: opts.table, where: opts.where }, numeric, factors);
  }
  throw new InputError('no data: give --data FILE or --warehouse PATH --table NAME');
}
