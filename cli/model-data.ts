// Loading exactly the columns a model's formula needs, and the vcov option as the estimators take it: imported by
// the fe and iv commands when they run (not for --help).
import { InputError, loadFrame, type LoadedFrame } from '../econometrics/io/load.ts';
import { formulaColumns, parseFormula } from '../econometrics/formula.ts';
import { parseVcov, vcovGroupVariables, withTime, type VcovOption } from '../econometrics/vcov.ts';
import { naCodes, type ModelCliOptions } from './model-options.ts';

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
