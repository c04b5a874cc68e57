// IV-2SLS with fixed effects partialled out (ivreghdfe): first stages of each endogenous regressor on the
// exogenous regressors and excluded instruments, second stage on the fitted values; residuals use the
// actual endogenous regressors. Same vcov rules as feols; weak-identification and over-identification
// diagnostics as ivreg2.
import { InputError } from '../errors.ts';
import type { LoadedFrame } from '../frame.ts';
import { ivDiagnostics, type IvDiagnostics } from '../diagnostics/kleibergen-paap.ts';
import { overidTest, type OveridTest } from '../diagnostics/overid.ts';
import { fPValue } from '../dist.ts';
import { modelDof } from '../dof.ts';
import { asFormula, formatFormula, type ParsedFormula } from '../formula.ts';
import { dot, quadFormInv, submatrix, type Mat } from '../linalg.ts';
import { computeVcov, parseVcov, reportedVcov } from '../vcov.ts';
import {
  absorbColumns,
  appendConstant,
  coefficientTable,
  fitStatistics,
  leastSquares,
  residuals,
  screenCollinear,
  type Coefficient,
  type FitResult,
} from './common.ts';
import { sampleFor, type FitOptions } from './feols.ts';

export interface FirstStage {
  /** coefficients on the exogenous regressors and the excluded instruments */
  coefficients: Record<string, Coefficient>;
  /** F test of the excluded instruments (same vcov type and small-sample rules as the model) */
  F: number;
  F_p: number;
  /** partial R² of the excluded instruments */
  partial_r2: number;
}

/** The JSON contract of `cli iv --json` (and the return value of fitIv). */
export interface IvResult extends FitResult {
  first_stage: Record<string, FirstStage>;
  diagnostics: IvDiagnostics;
  /** Sargan (iid) or Hansen J (hc1, cluster) test of the over-identifying restrictions; null when exactly identified */
  overid: OveridTest | null;
}

export interface FeivDetail {
  result: IvResult;
  terms: string[];
  estimates: Float64Array;
  V: Mat;
  dfT: number;
  residuals: Float64Array;
}

function regressOut(y: Float64Array, X: Float64Array[]): Float64Array {
  if (X.length === 0) return y.slice();
  return residuals(y, X, leastSquares(X, y).b);
}

export function estimateIv(frame: LoadedFrame, formula: string | ParsedFormula, opts: FitOptions = {}): FeivDetail {
  const f = asFormula(formula);
  if (f.endog.length === 0) throw new InputError(`formula has no IV part '| endog ~ instruments': ${formatFormula(f)}`);
  const spec = parseVcov(opts.vcov);
  const sample = sampleFor(frame, f, spec);
  const n = sample.nobs;
  const ab = absorbColumns(sample, [f.depvar, ...f.exog, ...f.endog, ...f.instruments], opts.tol);

  const exogScreen = screenCollinear(f.exog, ab);
  const exog = exogScreen.kept;
  const endogScreen = screenCollinear([...exog, ...f.endog], ab);
  const endog = f.endog.filter((e) => endogScreen.kept.includes(e));
  const instScreen = screenCollinear([...exog, ...f.instruments], ab);
  const instr = f.instruments.filter((z) => instScreen.kept.includes(z));
  const omitted = [...exogScreen.omitted, ...f.endog.filter((e) => !endog.includes(e)), ...f.instruments.filter((z) => !instr.includes(z))];
  if (endog.length === 0) throw new InputError('every endogenous regressor is collinear with the exogenous ones or the fixed effects');
  if (instr.length < endog.length)
    throw new InputError(`model is underidentified: ${endog.length} endogenous regressor(s) but ${instr.length} usable excluded instrument(s)`);

  const { all: dofAll, vcov: dofVcov } = modelDof(sample.fixedEffects, sample.clusters);

  // first stages
  const Q = [...exog, ...instr].map((name) => ab.tilde[name]);
  const qNames = [...exog, ...instr];
  const fitted: Float64Array[] = [];
  const firstStage: Record<string, FirstStage> = {};
  for (const e of endog) {
    const y2 = ab.tilde[e];
    const ls = leastSquares(Q, y2);
    const v = residuals(y2, Q, ls.b);
    const fit = new Float64Array(n);
    for (let i = 0; i < n; i++) fit[i] = y2[i] - v[i];
    fitted.push(fit);
    const vc = computeVcov(Q, ls.bread, v, spec, sample.clusters, Q.length + dofVcov.total, dofVcov.rule);
    vc.V = reportedVcov(vc.V, vc.info);
    const idx = instr.map((_, j) => exog.length + j);
    const F = quadFormInv(submatrix(vc.V, idx, idx), idx.map((i) => ls.b[i])) / instr.length;
    const ssrFull = dot(v, v);
    const r = regressOut(y2, exog.map((x) => ab.tilde[x]));
    firstStage[e] = {
      coefficients: coefficientTable(qNames, ls.b, vc.V, vc.dfT),
      F,
      F_p: fPValue(F, instr.length, vc.dfT),
      partial_r2: 1 - ssrFull / dot(r, r),
    };
  }

  // second stage
  const terms = [...endog, ...exog];
  const R = terms.map((name) => ab.tilde[name]);
  const What = [...fitted, ...exog.map((name) => ab.tilde[name])];
  const yt = ab.tilde[f.depvar];
  const ls = leastSquares(What, yt);
  const u = residuals(yt, R, ls.b);
  const ssr = dot(u, u);
  const vc = computeVcov(What, ls.bread, u, spec, sample.clusters, terms.length + dofVcov.total, dofVcov.rule);
  const withCons = appendConstant(terms, ls.b, vc.V, ab, f.depvar);
  const { terms: allTerms, estimates } = withCons;
  const V = reportedVcov(withCons.V, vc.info);

  const Xex = exog.map((x) => ab.tilde[x]);
  const diagnostics = ivDiagnostics(
    endog.map((e) => regressOut(ab.tilde[e], Xex)),
    instr.map((z) => regressOut(ab.tilde[z], Xex)),
    spec,
    sample.clusters,
    Q.length + dofVcov.total,
    Q.length + dofAll.total,
  );

  const overid = overidTest(yt, R, Q, u, instr.length - endog.length, spec, sample.clusters);

  const kFull = terms.length + dofAll.total;
  const result: IvResult = {
    nobs: n,
    dropped: sample.dropped,
    vcov: vc.info,
    coefficients: coefficientTable(allTerms, estimates, V, vc.dfT),
    ...fitStatistics(ssr, ab.centredSS[f.depvar], dot(yt, yt), n, kFull),
    ssr,
    fixed_effects: sample.fixedEffects.map((fe) => ({ name: fe.name, levels: fe.levels })),
    omitted,
    first_stage: firstStage,
    diagnostics,
    overid,
  };
  return { result, terms: allTerms, estimates, V, dfT: vc.dfT, residuals: u };
}

/**
 * IV-2SLS with fixed effects: "y ~ exog | fe1 + fe2 | endog ~ instruments" (the fixed-effects part may be
 * left out: "y ~ exog | endog ~ instruments"). `_cons` is reported as in feols (ȳ − x̄'b, Stata style).
 * Diagnostics: Kleibergen–Paap rk LM and rk Wald F (ranktest/ivreg2 formulas, see
 * diagnostics/kleibergen-paap.ts), Cragg–Donald F and the Stock–Yogo 10% maximal IV size critical value.
 */
export function fitIv(frame: LoadedFrame, formula: string | ParsedFormula, opts: FitOptions = {}): IvResult {
  return estimateIv(frame, formula, opts).result;
}
