// `cli threshold`: Hansen (1999) fixed-effect panel threshold model (see estimation/models/threshold.ts).
import { type Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../../econometrics/errors.ts';
import type { DataSource } from '../../econometrics/io/load.ts';
import type { ThresholdOptions } from '../../econometrics/models/threshold.ts';
import { DEFAULT_NA_OPTION, naCodes } from '../model-options.ts';

function int(name: string) {
  return (v: string) => {
    if (!/^-?\d+$/.test(v.trim())) throw new InvalidArgumentError(`${name} must be an integer`);
    return Number(v);
  };
}
function num(name: string) {
  return (v: string) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError(`${name} must be a number`);
    return x;
  };
}
function numList(name: string) {
  return (v: string) =>
    v.split(',').map((s) => {
      const x = Number(s);
      if (s.trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError(`${name} must be a comma-separated list of numbers`);
      return x;
    });
}

export function register(program: Command): void {
  program
    .command('threshold')
    .description('Hansen (1999) fixed-effect panel threshold model with bootstrap tests (hansen or xthreg conventions)')
    .option('--data <file>', 'data file (.csv/.tsv/.txt, .parquet, or Arrow IPC .arrow/.feather/.ipc) (default: none; or --warehouse)')
    .option('--warehouse <path>', 'DuckDB warehouse file, with --table (default: none; or --data)')
    .option('--table <name>', 'table or view in the warehouse (default: none)')
    .option('--where <sql>', 'DuckDB SQL row filter (default: all rows)')
    .option('--na <codes>', 'comma-separated cell texts read as missing in CSV input; "" for empty cells only', DEFAULT_NA_OPTION)
    .requiredOption('--formula <formula>', '"y ~ x1 + x2 | id", or "| id + year" to absorb the year effects too (required)')
    .requiredOption('--time <var>', 'period variable; units missing a period are dropped (the model needs a balanced panel) (required)')
    .requiredOption('--regime <var>', 'regime-dependent variable, comma list allowed (required)')
    .requiredOption('--threshold-var <var>', 'threshold variable Q (required)')
    .option('--thresholds <k>', 'number of thresholds (1-3) (default: 1)', int('--thresholds'))
    .option('--trim <list>', 'trimming per step, e.g. 0.01,0.01,0.05 (default: 0.01 for every step)', numList('--trim'))
    .addOption(new Option('--method <m>', 'hansen | xthreg').choices(['hansen', 'xthreg']).default('xthreg'))
    .option('--grid <spec>', 'quantile:N | all', 'quantile:400')
    .option('--bootstrap <B>', 'replications per test', int('--bootstrap'), 300)
    .option('--seed <n>', 'random seed', int('--seed'), 1)
    .option('--level <pct>', 'confidence level of the threshold intervals', num('--level'), 95)
    .option('--threads <n>', 'bootstrap worker threads (default: automatic)', int('--threads'))
    .option('--vcov <type>', 'iid | hc1 | cluster:VAR, as fe and iv (default: iid, conventional)')
    .addOption(new Option('--vce <type>', 'older name: conventional | robust | cluster (default: none; use --vcov)').choices(['conventional', 'robust', 'cluster']))
    .option('--cluster <var>', 'cluster variable for the coefficient table (default: none)')
    .option('--at <list>', 'evaluate at these thresholds instead of searching (default: none, search)', numList('--at'))
    .option('--json', 'print one JSON object (default: a readable table)')
    .action(async (opts) => {
      let source: DataSource;
      if (opts.data && (opts.warehouse || opts.table)) throw new InputError('give either --data or --warehouse/--table, not both');
      if (opts.data) source = { data: opts.data, where: opts.where, na: naCodes(opts.na) };
      else if (opts.warehouse && opts.table) source = { warehouse: opts.warehouse, table: opts.table, where: opts.where };
      else throw new InputError('give --data FILE or --warehouse PATH --table NAME');
      const options: ThresholdOptions = {
        formula: opts.formula,
        time: opts.time,
        regime: opts.regime,
        thresholdVar: opts.thresholdVar,
        thresholds: opts.thresholds,
        trim: opts.trim,
        method: opts.method,
        grid: opts.grid,
        bootstrap: opts.bootstrap,
        seed: opts.seed,
        level: opts.level,
        threads: opts.threads,
        vcov: opts.vcov,
        vce: opts.vce,
        cluster: opts.cluster,
        at: opts.at,
      };
      // the engine and DuckDB load only when the command runs: --help starts at once
      const [{ loadFrame }, { fitThreshold, thresholdColumns }, { formatThresholdTable }] = await Promise.all([
        import('../../econometrics/io/load.ts'), import('../../econometrics/models/threshold.ts'), import('../../econometrics/report/threshold.ts')]);
      const cols = thresholdColumns(options);
      const frame = await loadFrame(source, cols.numeric, cols.factors);
      const result = await fitThreshold(frame, options);
      process.stdout.write((opts.json ? JSON.stringify(result) : formatThresholdTable(result)) + '\n');
    });
}
