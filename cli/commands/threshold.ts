// `cli threshold`: Hansen (1999) fixed-effect panel threshold model (see estimation/models/threshold.ts).
import { type Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../../econometrics/errors.ts';
import type { DataSource } from '../../econometrics/io/load.ts';
import type { ThresholdOptions, ThresholdResult } from '../../econometrics/models/threshold.ts';
import type { formatPValue as FormatPValue } from '../../econometrics/report/etable.ts';
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

/** set when the command runs (the report module loads with the engine) */
let pValue: typeof FormatPValue = (p) => String(p);
const fmt = (x: number | null | undefined, digits = 4) => (x === null || x === undefined || !Number.isFinite(x) ? '.' : x.toFixed(digits));
const sig = (x: number, digits = 6) => (Number.isFinite(x) ? x.toPrecision(digits) : '.');

export function formatThresholdSummary(r: ThresholdResult): string {
  const lines: string[] = [];
  lines.push(`Fixed-effect panel threshold model (${r.method})`);
  lines.push(`units ${r.units}, periods ${r.periods}, observations ${r.nobs}, regression rows ${r.rows_used}, grid points ${r.grid_size}`);
  lines.push(`SSR without threshold: ${sig(r.ssr0, 8)}`);
  lines.push('');
  lines.push('model    thresholds (confidence interval)                               SSR          F      p    crit10   crit5   crit1');
  for (const s of r.steps) {
    const th = s.thresholds.map((t, i) => `${fmt(t)} [${fmt(s.ci[i][0])}, ${fmt(s.ci[i][1])}]`).join('; ');
    const name = ['single', 'double', 'triple'][s.k - 1];
    lines.push(
      `${name.padEnd(8)} ${th.padEnd(62)} ${sig(s.ssr, 8).padStart(11)} ${fmt(s.F, 2).padStart(8)} ${fmt(s.p, 3).padStart(6)} ` +
        `${fmt(s.crit?.['10'], 2).padStart(8)} ${fmt(s.crit?.['5'], 2).padStart(7)} ${fmt(s.crit?.['1'], 2).padStart(7)}`,
    );
  }
  lines.push('');
  lines.push(`coefficients (${r.se_type})`);
  lines.push(`${'term'.padEnd(16)} ${'estimate'.padStart(12)} ${'std.err'.padStart(12)} ${'t'.padStart(8)} ${'p'.padStart(7)}`);
  for (const [name, c] of Object.entries(r.coefficients)) {
    lines.push(`${name.padEnd(16)} ${sig(c.estimate, 7).padStart(12)} ${sig(c.se, 6).padStart(12)} ${fmt(c.t, 2).padStart(8)} ${pValue(c.p).padStart(7)}`);
  }
  const g = r.regression;
  lines.push(`df ${g.df_resid}, sigma_e ${sig(g.sigma_e, 7)}, within R2 ${fmt(g.r2_within)}, F(${g.F_df[0]}, ${g.F_df[1]}) = ${fmt(g.F, 2)}`);
  return lines.join('\n');
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
    .requiredOption('--formula <formula>', '"y ~ x1 + x2 | id" (required)')
    .requiredOption('--time <var>', 'period variable (required)')
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
    .option('--json', 'print one JSON object (default: a readable summary)')
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
      const [{ loadFrame }, { fitThreshold, thresholdColumns }, { formatPValue }] = await Promise.all([
        import('../../econometrics/io/load.ts'), import('../../econometrics/models/threshold.ts'), import('../../econometrics/report/etable.ts')]);
      pValue = formatPValue;
      const cols = thresholdColumns(options);
      const frame = await loadFrame(source, cols.numeric, cols.factors);
      const result = await fitThreshold(frame, options);
      process.stdout.write((opts.json ? JSON.stringify(result) : formatThresholdSummary(result)) + '\n');
    });
}
