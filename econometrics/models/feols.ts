// Fixed-effects OLS (reghdfe / fixest feols): fixed effects absorbed by accelerated alternating projections,
// collinear regressors dropped, iid / hc1 / clustered vcov with reghdfe's small-sample rules.
import { InputError } from '../errors.ts';
import type { LoadedFrame } from '../frame.ts';
import { modelDof } from '../dof.ts';
import { asFormula, formatFormula, type ParsedFormula } from '../formula.ts';
import { buildSample, type Sample } from '../frame.ts';
import { dot, type Mat } from '../linalg.ts';
import { expandFormula } from '../terms.ts';
import {
  computeVcov, parseVcov, reportedVcov, timeGrouping, vcovGroupVariables, withTime, type VcovOption, type VcovSpec,
} from '../vcov.ts';
import {
  absorbColumns,
  appendConstant,
  coefficientTable,
  constantColumn,
  fitStatistics,
  leastSquares,
  residuals,
  screenCollinear,
  type FitResult,
} from './common.ts';

export interface FitOptions {
  vcov?: VcovOption;
  /** demeaning tolerance (default 1e-13) */
  tol?: number;
  /**
   * analytic weights (fixest `weights`, Stata aweights): weighted least squares, fixed effects absorbed with
   * weighted means; rows of weight 0 are dropped, negative weights are an error (see vcov.ts for the vcov)
   */
  weights?: string;
  /** period variable of the Driscoll–Kraay vcov `dk:LAGS` (unless written `dk:LAGS:VAR`) */
  time?: string;
}

/** Everything fitFe computes, for callers that need more than the JSON contract (tests, stats/). */
export interface FeolsDetail {
  result: FitResult;
  formula: ParsedFormula;
  sample: Sample;
  /** coefficient names in the order of `V` (regressors, then _cons) */
  terms: string[];
  estimates: Float64Array;
  /** covariance of the estimates in `terms` order */
  V: Mat;
  /** degrees of freedom of the t tests */
  dfT: number;
  residuals: Float64Array;
  /** demeaning sweeps used (largest over columns) */
  iterations: number;
}

function numericVariables(f: ParsedFormula): string[] {
  return [f.depvar, ...f.exog, ...f.endog, ...f.instruments];
}

/** Time values of a period variable (numeric column, or text levels that are all numbers; else their rank). */
function periodValues(frame: LoadedFrame, name: string): Float64Array {
  const x = frame.numeric[name];
  if (x) return x;
  const f = frame.factors[name];
  if (!f) throw new InputError(`unknown variable '${name}'`);
  const numeric = f.levels.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  const value = f.levels.map((l, i) => (numeric ? Number(l) : i));
  return Float64Array.from(f.codes, (c) => (c < 0 ? NaN : value[c]));
}

/** The estimation sample of an (expanded) formula: listwise deletion over its variables, weights, vcov groups. */
export function sampleFor(frame: LoadedFrame, f: ParsedFormula, spec: VcovSpec, weights?: string): Sample {
  const sample = buildSample(frame, numericVariables(f), f.fixedEffects, vcovGroupVariables(spec), { weights });
  if (spec.type === 'dk') {
    // the period variable as a TimeGrouping: codes in time order, with the time of each code
    const all = periodValues(frame, spec.time!);
    const values = Float64Array.from(sample.rows, (r) => all[r]);
    sample.clusters = [timeGrouping(spec.time!, values)];
  }
  return sample;
}

/**
 * The formula expanded on the frame, the vcov with its period variable, and the estimation sample. Weights are
 * normalised to mean 1 on the sample (Stata's aweights), so that the SSR and RMSE do not depend on their
 * scale (estimates, standard errors and R² never do); `weights` keeps the variable and the raw Σ w.
 */
export function prepareModel(frame: LoadedFrame, formula: ParsedFormula, opts: FitOptions) {
  const spec = withTime(parseVcov(opts.vcov), opts.time);
  const expanded = expandFormula(frame, formula);
  const sample = sampleFor(expanded.frame, expanded.formula, spec, opts.weights);
  let weights: { weights?: { variable: string; sum: number } } = {};
  if (sample.weights && opts.weights) {
    const w = sample.weights;
    let sum = 0;
    for (let i = 0; i < w.length; i++) sum += w[i];
    const toMeanOne = w.length / sum;
    for (let i = 0; i < w.length; i++) w[i] *= toMeanOne;
    weights = { weights: { variable: opts.weights, sum } };
  }
  return { f: expanded.formula, spec, sample, weights };
}

export function estimateFe(frame: LoadedFrame, formula: string | ParsedFormula, opts: FitOptions = {}): FeolsDetail {
  const parsed = asFormula(formula);
  if (parsed.endog.length > 0) throw new InputError(`formula has an IV part: use the iv estimator (${formatFormula(parsed)})`);
  const { f, spec, sample, weights } = prepareModel(frame, parsed, opts);
  const n = sample.nobs;
  const ab = absorbColumns(sample, [f.depvar, ...f.exog], opts.tol);
  const yt = ab.tilde[f.depvar];
  const { kept, omitted, xtx, xty } = screenCollinear(f.exog, ab, yt);
  const W = kept.map((name) => ab.tilde[name]);
  const ls = leastSquares(W, yt, xtx, xty);
  const u = residuals(yt, W, ls.b);
  const ssr = dot(u, u);

  const { all: dofAll, vcov: dofVcov } = modelDof(sample.fixedEffects, sample.clusters);
  const kFull = kept.length + dofAll.total;
  const vc = computeVcov(W, ls.bread, u, spec, sample.clusters, kept.length + dofVcov.total, dofVcov.rule, constantColumn(sample));

  const withCons = appendConstant(kept, ls.b, vc.V, ab, f.depvar);
  const { terms, estimates } = withCons;
  const V = reportedVcov(withCons.V, vc.info);
  const result: FitResult = {
    nobs: n,
    dropped: sample.dropped,
    vcov: vc.info,
    coefficients: coefficientTable(terms, estimates, V, vc.dfT),
    ...fitStatistics(ssr, ab.centredSS[f.depvar], dot(yt, yt), n, kFull),
    ssr,
    fixed_effects: sample.fixedEffects.map((fe) => ({ name: fe.name, levels: fe.levels })),
    omitted,
    ...weights,
  };
  return { result, formula: f, sample, terms, estimates, V, dfT: vc.dfT, residuals: u, iterations: ab.iterations };
}

/**
 * Fixed-effects OLS. `formula` is fixest-style: "y ~ x1 + x2 | fe1 + fe2^fe3" (no `|` part: OLS with a
 * constant; terms log(x), x1:x2, x1*x2, i(f), i(f, x) as in formula.ts). Returns the JSON contract of
 * `cli fe --json`.
 *
 * The constant: with fixed effects, `_cons` is reported as Stata reghdfe does — the intercept of the
 * regression with the fixed effects normalised to mean zero, i.e. ȳ − x̄'b on the estimation sample —
 * with its standard error from the same vcov (the paper's tables print `_cons`). Without fixed effects it
 * is the ordinary OLS intercept.
 */
export function fitFe(frame: LoadedFrame, formula: string | ParsedFormula, opts: FitOptions = {}): FitResult {
  return estimateFe(frame, formula, opts).result;
}
