// Options shared by the `fe` and `iv` commands, and loading exactly the columns a formula needs.
import type { Command } from 'commander';
// Options only: what a command needs to print --help without loading the engine or DuckDB (model-data.ts
// loads the data, imported when a command runs).
import { DEFAULT_NA } from '../econometrics/io/na.ts';

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
