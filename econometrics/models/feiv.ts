// IV with fixed effects partialled out (ivreghdfe): first stages of each endogenous regressor on the
// exogenous regressors and excluded instruments, second stage on the fitted values; residuals use the
// actual endogenous regressors. Same vcov rules as feols; weak-identification and over-identification
// diagnostics as ivreg2; Anderson–Rubin test and confidence set, endogeneity test.
//
// Estimators (k-class, Davidson & MacKinnon 1993, Estimation and Inference in Econometrics, sec. 18.5; as
// Stata ivreg2's s_liml, Baum, Schaffer & Stillman 2007, Stata Journal 7(4), sec. 3), with X = [endogenous,
// exogenous], Z = [exogenous, excluded instruments], X̂ = P_Z X (first-stage fitted values, exogenous as is):
//   b(k) = [X'(I − k M_Z)X]⁻¹ X'(I − k M_Z)y = [(1−k)X'X + k X̂'X̂]⁻¹ [(1−k)X'y + k X̂'y]
//   2sls:     k = 1
//   liml:     k = λ, the smallest eigenvalue of (W'M_Z W)⁻¹(W'M_X2 W), W = [y, endogenous], X2 = exogenous
//             (λ = 1 when exactly identified)
//   fuller:a  k = λ − a/(N − L), L = every instrument of the model: exogenous regressors, excluded instruments
//             and the absorbed fixed-effect levels with the constant (ivreg2's cols(Z) with the effects as dummies)
// Standard errors as ivreg2 (with its `small` factors, i.e. this engine's rules): iid s²[X'(I − kM_Z)X]⁻¹ with
// s² = u'u/(N − K); robust/cluster/dk [X'(I − kM_Z)X]⁻¹ (Σ x̂_i u_i ...)(...)' [X'(I − kM_Z)X]⁻¹ — the sandwich with
// the first-stage fitted values X̂ in the meat — times the same small-sample factor as 2SLS.
import { InputError } from '../errors.ts';
import type { LoadedFrame } from '../frame.ts';
import { andersonRubin, type AndersonRubin } from '../diagnostics/anderson-rubin.ts';
import { endogeneityTest, type EndogeneityTest } from '../diagnostics/endogeneity.ts';
import { ivDiagnostics, type IvDiagnostics } from '../diagnostics/kleibergen-paap.ts';
import { stockYogo, type StockYogoCriticalValues } from '../diagnostics/stock-yogo.ts';
import { overidTest, type OveridTest } from '../diagnostics/overid.ts';
import { fPValue } from '../dist.ts';
import { modelDof } from '../dof.ts';
import { asFormula, formatFormula, type ParsedFormula } from '../formula.ts';
import { cholesky, cholInverse, cholSolve, crossprod, crossprodVec, dot, mat, quadFormInv, submatrix, symEigen, type Mat } from '../linalg.ts';
import { computeVcov, reportedVcov } from '../vcov.ts';
import {
  absorbColumns,
  appendConstant,
  coefficientTable,
  constantColumn,
  fitStatistics,
  leastSquares,
  residuals,
  screenCollinear,
  type Coefficient,
  type FitResult,
} from './common.ts';
import { prepareModel, type FitOptions } from './feols.ts';

/** The IV estimator: 2SLS, LIML, or Fuller's modified LIML with constant a (`fuller:1`). */
export type IvEstimatorOption = '2sls' | 'liml' | `fuller:${string}`;

export interface IvFitOptions extends FitOptions {
  /** 2sls (default) | liml | fuller:A */
  estimator?: IvEstimatorOption;
}

export interface IvEstimator {
  type: '2sls' | 'liml' | 'fuller';
  /** the k of the k-class estimator */
  k: number;
  /** LIML's smallest eigenvalue λ (null for 2SLS) */
  lambda: number | null;
  /** Fuller's constant (null unless fuller) */
  fuller_alpha: number | null;
}

/** Parse the estimator option; an InputError names what is allowed. */
export function parseEstimator(option: string | undefined): { type: IvEstimator['type']; alpha: number | null } {
  const s = (option ?? '2sls').trim().toLowerCase();
  if (s === '2sls') return { type: '2sls', alpha: null };
  if (s === 'liml') return { type: 'liml', alpha: null };
  const m = /^fuller:(.+)$/.exec(s);
  if (m) {
    const alpha = Number(m[1]);
    if (!(Number.isFinite(alpha) && alpha > 0)) throw new InputError(`--estimator '${option}': Fuller's constant must be a number > 0 (fuller:1 is the usual choice)`);
    return { type: 'fuller', alpha };
  }
  throw new InputError(`unknown estimator '${option}' (expected 2sls, liml or fuller:A, e.g. fuller:1)`);
}

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
  estimator: IvEstimator;
  first_stage: Record<string, FirstStage>;
  diagnostics: IvDiagnostics;
  /** Stock–Yogo (2005) critical values of the Cragg–Donald F for these K and L: 2SLS size and relative bias */
  stock_yogo: StockYogoCriticalValues;
  /**
   * Sargan (iid) or Hansen J (hc1, cluster, dk) test of the over-identifying restrictions; null when exactly
   * identified. A property of the instrument set: computed from the 2SLS residuals (Sargan) or the two-step
   * efficient GMM fit (J) whatever the estimator.
   */
  overid: OveridTest | null;
  /** Anderson–Rubin test of H0: every endogenous coefficient is zero, and (one endogenous) its 95% confidence set */
  anderson_rubin: AndersonRubin;
  /** control-function (robust Durbin–Wu–Hausman) test that the endogenous regressors are exogenous */
  endogeneity: EndogeneityTest;
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

export function estimateIv(frame: LoadedFrame, formula: string | ParsedFormula, opts: IvFitOptions = {}): FeivDetail {
  const parsed = asFormula(formula);
  if (parsed.endog.length === 0) throw new InputError(`formula has no IV part '| endog ~ instruments': ${formatFormula(parsed)}`);
  const estimatorOption = parseEstimator(opts.estimator);
  const { f, spec, sample, weights } = prepareModel(frame, parsed, opts);
  const constant = constantColumn(sample);
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
  const firstStageResiduals: Float64Array[] = [];
  const firstStage: Record<string, FirstStage> = {};
  for (const e of endog) {
    const y2 = ab.tilde[e];
    const ls = leastSquares(Q, y2);
    const v = residuals(y2, Q, ls.b);
    firstStageResiduals.push(v);
    const fit = new Float64Array(n);
    for (let i = 0; i < n; i++) fit[i] = y2[i] - v[i];
    fitted.push(fit);
    const vc = computeVcov(Q, ls.bread, v, spec, sample.clusters, Q.length + dofVcov.total, dofVcov.rule, constant);
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
  const Xex = exog.map((x) => ab.tilde[x]);
  let k = 1;
  let lambda: number | null = null;
  if (estimatorOption.type !== '2sls') {
    lambda = endog.length === instr.length ? 1 : limlLambda(yt, endog.map((e) => ab.tilde[e]), Q, Xex);
    k = estimatorOption.type === 'liml' ? lambda : lambda - estimatorOption.alpha! / (n - (Q.length + dofAll.total));
  }
  const ls2sls = leastSquares(What, yt);
  const ls = k === 1 ? ls2sls : kClass(R, What, yt, k);
  const u = residuals(yt, R, ls.b);
  const ssr = dot(u, u);
  const vc = computeVcov(What, ls.bread, u, spec, sample.clusters, terms.length + dofVcov.total, dofVcov.rule, constant);
  const withCons = appendConstant(terms, ls.b, vc.V, ab, f.depvar);
  const { terms: allTerms, estimates } = withCons;
  const V = reportedVcov(withCons.V, vc.info);

  const diagnostics = ivDiagnostics(
    endog.map((e) => regressOut(ab.tilde[e], Xex)),
    instr.map((z) => regressOut(ab.tilde[z], Xex)),
    spec,
    sample.clusters,
    Q.length + dofVcov.total,
    Q.length + dofAll.total,
  );

  // Sargan uses the 2SLS residuals (u itself when the estimator is 2SLS)
  const u2sls = k === 1 ? u : residuals(yt, R, ls2sls.b);
  const overid = overidTest(yt, R, Q, u2sls, instr.length - endog.length, spec, sample.clusters);

  const coefficients = coefficientTable(allTerms, estimates, V, vc.dfT);
  // the AR grid (when needed) is centred on the estimate of the first endogenous coefficient, scaled by its SE
  const anderson = andersonRubin({
    y: yt, endog: endog.map((e) => ab.tilde[e]), Q, nExog: exog.length, spec, clusters: sample.clusters,
    dofK: Q.length + dofVcov.total, dofRule: dofVcov.rule, constant,
    estimate: coefficients[endog[0]].estimate, se: coefficients[endog[0]].se,
  });
  const endogeneity = endogeneityTest(yt, R, firstStageResiduals, spec, sample.clusters, dofVcov.total, dofVcov.rule, constant);

  const kFull = terms.length + dofAll.total;
  const result: IvResult = {
    nobs: n,
    dropped: sample.dropped,
    vcov: vc.info,
    coefficients,
    ...fitStatistics(ssr, ab.centredSS[f.depvar], dot(yt, yt), n, kFull),
    ssr,
    fixed_effects: sample.fixedEffects.map((fe) => ({ name: fe.name, levels: fe.levels })),
    omitted,
    ...weights,
    estimator: { type: estimatorOption.type, k, lambda, fuller_alpha: estimatorOption.alpha },
    first_stage: firstStage,
    diagnostics,
    stock_yogo: stockYogo(endog.length, instr.length),
    overid,
    anderson_rubin: anderson,
    endogeneity,
  };
  return { result, terms: allTerms, estimates, V, dfT: vc.dfT, residuals: u };
}

/**
 * LIML's λ: the smallest root of |W'M_X2 W − λ W'M_Z W| = 0 with W = [y, endogenous], i.e. the smallest
 * eigenvalue of L⁻¹(W'M_X2 W)L⁻ᵀ with L L' = W'M_Z W (ivreg2 s_liml; Davidson & MacKinnon 1993, sec. 18.5).
 */
function limlLambda(y: Float64Array, endog: Float64Array[], Q: Float64Array[], Xex: Float64Array[]): number {
  const W = [y, ...endog];
  const onZ = W.map((w) => regressOut(w, Q));
  const onX2 = W.map((w) => regressOut(w, Xex));
  const Lz = cholesky(crossprod(onZ));
  const A = crossprod(onX2);
  const m = W.length;
  // C = L⁻¹ A L⁻ᵀ by forward substitution on the columns, then on the rows
  const solveLower = (b: Float64Array) => {
    const x = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = b[i];
      for (let j = 0; j < i; j++) s -= Lz.data[i * m + j] * x[j];
      x[i] = s / Lz.data[i * m + i];
    }
    return x;
  };
  const half = mat(m, m); // L⁻¹ A
  for (let c = 0; c < m; c++) {
    const col = solveLower(Float64Array.from({ length: m }, (_, r) => A.data[r * m + c]));
    for (let r = 0; r < m; r++) half.data[r * m + c] = col[r];
  }
  const C = mat(m, m); // (L⁻¹ (L⁻¹ A)')' = L⁻¹ A L⁻ᵀ
  for (let r = 0; r < m; r++) {
    const row = solveLower(half.data.slice(r * m, (r + 1) * m));
    for (let c = 0; c < m; c++) C.data[c * m + r] = row[c];
  }
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) {
      const v = 0.5 * (C.data[i * m + j] + C.data[j * m + i]);
      C.data[i * m + j] = v;
      C.data[j * m + i] = v;
    }
  const values = symEigen(C).values;
  return values[values.length - 1];
}

/** The k-class estimate: b = [(1−k)X'X + k X̂'X̂]⁻¹[(1−k)X'y + k X̂'y], with that matrix's inverse as bread. */
function kClass(X: Float64Array[], Xhat: Float64Array[], y: Float64Array, k: number): { b: Float64Array; bread: Mat } {
  const XX = crossprod(X);
  const HH = crossprod(Xhat);
  const A = mat(XX.rows, XX.cols);
  for (let i = 0; i < A.data.length; i++) A.data[i] = (1 - k) * XX.data[i] + k * HH.data[i];
  const Xy = crossprodVec(X, y);
  const Hy = crossprodVec(Xhat, y);
  const rhs = Float64Array.from(Xy, (v, i) => (1 - k) * v + k * Hy[i]);
  let L: Mat;
  try {
    L = cholesky(A);
  } catch {
    throw new InputError(`the k-class matrix X'(I − kM_Z)X is not positive definite (k = ${k}): the estimator is not defined for this model`);
  }
  return { b: cholSolve(L, rhs), bread: cholInverse(L) };
}

/**
 * IV with fixed effects: "y ~ exog | fe1 + fe2 | endog ~ instruments" (the fixed-effects part may be
 * left out: "y ~ exog | endog ~ instruments"); 2SLS by default, LIML or Fuller with `estimator`.
 * `_cons` is reported as in feols (ȳ − x̄'b, Stata style). Diagnostics: Kleibergen–Paap rk LM and rk Wald F
 * (ranktest/ivreg2 formulas, see diagnostics/kleibergen-paap.ts), Cragg–Donald F and the Stock–Yogo critical
 * values; Anderson–Rubin test and confidence set; control-function endogeneity test.
 */
export function fitIv(frame: LoadedFrame, formula: string | ParsedFormula, opts: IvFitOptions = {}): IvResult {
  return estimateIv(frame, formula, opts).result;
}
