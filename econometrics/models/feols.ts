// Fixed-effects OLS (reghdfe / fixest feols): fixed effects absorbed by accelerated alternating projections,
// collinear regressors dropped, iid / hc1 / clustered vcov with reghdfe's small-sample rules.
import { InputError } from '../errors.ts';
import type { LoadedFrame } from '../frame.ts';
import { modelDof } from '../dof.ts';
import { asFormula, formatFormula, type ParsedFormula } from '../formula.ts';
import { buildSample, type Sample } from '../frame.ts';
import { dot, type Mat } from '../linalg.ts';
import { computeVcov, parseVcov, reportedVcov, type VcovOption, type VcovSpec } from '../vcov.ts';
import {
  absorbColumns,
  appendConstant,
  coefficientTable,
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

export function sampleFor(frame: LoadedFrame, f: ParsedFormula, spec: VcovSpec): Sample {
  return buildSample(frame, numericVariables(f), f.fixedEffects, spec.type === 'cluster' ? spec.variables : []);
}

export function estimateFe(frame: LoadedFrame, formula: string | ParsedFormula, opts: FitOptions = {}): FeolsDetail {
  const f = asFormula(formula);
  if (f.endog.length > 0) throw new InputError(`formula has an IV part: use the iv estimator (${formatFormula(f)})`);
  const spec = parseVcov(opts.vcov);
  const sample = sampleFor(frame, f, spec);
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
  const vc = computeVcov(W, ls.bread, u, spec, sample.clusters, kept.length + dofVcov.total, dofVcov.rule);

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
  };
  return { result, formula: f, sample, terms, estimates, V, dfT: vc.dfT, residuals: u, iterations: ab.iterations };
}

/**
 * Fixed-effects OLS. `formula` is fixest-style: "y ~ x1 + x2 | fe1 + fe2^fe3" (no `|` part: OLS with a
 * constant). Returns the JSON contract of `cli fe --json`.
 *
 * The constant: with fixed effects, `_cons` is reported as Stata reghdfe does — the intercept of the
 * regression with the fixed effects normalised to mean zero, i.e. ȳ − x̄'b on the estimation sample —
 * with its standard error from the same vcov (the paper's tables print `_cons`). Without fixed effects it
 * is the ordinary OLS intercept.
 */
export function fitFe(frame: LoadedFrame, formula: string | ParsedFormula, opts: FitOptions = {}): FitResult {
  return estimateFe(frame, formula, opts).result;
}
