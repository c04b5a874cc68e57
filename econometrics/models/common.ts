// Pieces shared by the OLS and IV estimators: absorbing fixed effects, collinearity screening,
// least squares on demeaned columns, coefficient tables.
import { Absorber, center } from '../demean.ts';
import type { Sample } from '../frame.ts';
import { choleskyWithCollinearity, cholInverse, cholSolve, crossprod, crossprodVec, mat, submatrix, type Mat } from '../linalg.ts';
import { tCritical, tPValue } from '../dist.ts';
import { withConstant, type ConstantColumn, type VcovInfo } from '../vcov.ts';

export interface Coefficient {
  estimate: number;
  se: number;
  t: number;
  p: number;
  ci_low: number;
  ci_high: number;
}

/** The JSON contract of `cli fe --json` (and the return value of fitFe). */
export interface FitResult {
  nobs: number;
  /** zero_weight only with weights */
  dropped: { missing: number; singletons: number; zero_weight?: number };
  vcov: VcovInfo;
  coefficients: Record<string, Coefficient>;
  r2: number;
  r2_within: number;
  r2_adj: number;
  rmse: number;
  ssr: number;
  fixed_effects: { name: string; levels: number }[];
  /** regressors dropped because of collinearity (Stata: "omitted because of collinearity") */
  omitted: string[];
  /** analytic weights: the variable and its raw Σ w on the sample (absent when unweighted); the model uses them
   *  normalised to mean 1 (Stata aweights), so ssr and rmse are Σ w u² and √(Σ w u²/(N − K)) with those */
  weights?: { variable: string; sum: number };
}

/** Name of the reported constant (Stata's `_cons`). */
export const CONS = '_cons';

export interface Absorbed {
  /** demeaned (or, without fixed effects, centred) columns; with weights, weighted-demeaned and times √w */
  tilde: Record<string, Float64Array>;
  /** means on the sample (weighted means with weights) */
  means: Record<string, number>;
  /** Σ w (x − x̄)² on the sample (w = 1 unweighted), the scale used to judge collinearity with the fixed effects */
  centredSS: Record<string, number>;
  iterations: number;
  converged: boolean;
}

/**
 * Absorb the fixed effects (or centre) the named columns. With analytic weights w the projection is weighted
 * and the result is multiplied by √w: weighted least squares becomes ordinary least squares on these
 * columns, and every later step (collinearity, vcov, IV diagnostics) runs unchanged on them.
 */
export function absorbColumns(sample: Sample, names: string[], tol?: number): Absorbed {
  if (sample.weights) return absorbWeighted(sample, sample.weights, names, tol);
  const absorber = sample.fixedEffects.length > 0 ? new Absorber(sample.fixedEffects, sample.nobs) : null;
  const tilde: Record<string, Float64Array> = {};
  const means: Record<string, number> = {};
  const centredSS: Record<string, number> = {};
  let iterations = 0;
  let converged = true;
  for (const name of names) {
    if (tilde[name]) continue;
    const x = sample.columns[name];
    let s = 0;
    let scale = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      s += v;
      const a = v < 0 ? -v : v;
      if (a > scale) scale = a;
    }
    const m = s / x.length;
    let ss = 0;
    for (let i = 0; i < x.length; i++) ss += (x[i] - m) * (x[i] - m);
    means[name] = m;
    centredSS[name] = ss;
    if (absorber) {
      const res = absorber.demean(x, { tol, scale });
      tilde[name] = res.values;
      iterations = Math.max(iterations, res.iterations);
      converged &&= res.converged;
    } else {
      tilde[name] = center(x);
    }
  }
  return { tilde, means, centredSS, iterations, converged };
}

function absorbWeighted(sample: Sample, w: Float64Array, names: string[], tol?: number): Absorbed {
  const absorber = sample.fixedEffects.length > 0 ? new Absorber(sample.fixedEffects, sample.nobs, w) : null;
  const n = sample.nobs;
  const sqrtW = Float64Array.from(w, Math.sqrt);
  let sumW = 0;
  for (let i = 0; i < n; i++) sumW += w[i];
  const tilde: Record<string, Float64Array> = {};
  const means: Record<string, number> = {};
  const centredSS: Record<string, number> = {};
  let iterations = 0;
  let converged = true;
  for (const name of names) {
    if (tilde[name]) continue;
    const x = sample.columns[name];
    let s = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      s += w[i] * x[i];
      const a = Math.abs(x[i]);
      if (a > scale) scale = a;
    }
    const m = s / sumW;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += w[i] * (x[i] - m) * (x[i] - m);
    means[name] = m;
    centredSS[name] = ss;
    let r: Float64Array;
    if (absorber) {
      const res = absorber.demean(x, { tol, scale });
      r = res.values;
      iterations = Math.max(iterations, res.iterations);
      converged &&= res.converged;
    } else {
      r = center(x, w);
    }
    for (let i = 0; i < n; i++) r[i] *= sqrtW[i];
    tilde[name] = r;
  }
  return { tilde, means, centredSS, iterations, converged };
}

/** The constant's column for the vcov: √w with Σ w when the sample is weighted, null (ones) otherwise. */
export function constantColumn(sample: Sample): ConstantColumn | null {
  const w = sample.weights;
  if (!w) return null;
  let sumW = 0;
  for (let i = 0; i < w.length; i++) sumW += w[i];
  return { values: Float64Array.from(w, Math.sqrt), sumSquares: sumW };
}

/**
 * Keep the columns that are not collinear, in order: a column with (almost) no variation left after
 * absorbing the fixed effects is collinear with them; otherwise a pivoted Cholesky of the cross-product
 * drops columns that are linear combinations of earlier ones. One blocked cross-product of the candidates
 * (and of `y`, when given) serves both the screening and the regression: X'X and X'y of the kept columns
 * are returned.
 */
export function screenCollinear(
  names: string[],
  ab: Absorbed,
  y?: Float64Array,
  relTol = 1e-11,
): { kept: string[]; omitted: string[]; xtx: Mat; xty: Float64Array } {
  const cols = names.map((n) => ab.tilde[n]);
  const all = crossprod(y ? [...cols, y] : cols);
  const p = all.cols;
  const candidates: number[] = [];
  const omitted = new Set<string>();
  names.forEach((name, j) => {
    const ss = all.data[j * p + j];
    if (!(ab.centredSS[name] > 0) || ss <= relTol * ab.centredSS[name]) omitted.add(name);
    else candidates.push(j);
  });
  const xtxCand = submatrix(all, candidates, candidates);
  const { kept, dropped } = choleskyWithCollinearity(xtxCand, 1e-10);
  for (const j of dropped) omitted.add(names[candidates[j]]);
  const keptIdx = kept.map((j) => candidates[j]);
  const xty = new Float64Array(keptIdx.length);
  if (y) keptIdx.forEach((j, k) => (xty[k] = all.data[j * p + names.length]));
  return {
    kept: keptIdx.map((j) => names[j]),
    omitted: names.filter((n) => omitted.has(n)),
    xtx: submatrix(all, keptIdx, keptIdx),
    xty,
  };
}

export interface LeastSquares {
  b: Float64Array;
  /** (W'W)^{-1} */
  bread: Mat;
  L: Mat;
}

/**
 * Least squares of y on columns W via Cholesky of W'W (pass `xtx` if already computed). When the
 * Cholesky factor signals an ill-conditioned W'W (condition number above 1e6), one step of iterative
 * refinement recovers the accuracy lost by forming the normal equations.
 */
export function leastSquares(W: Float64Array[], y: Float64Array, xtx?: Mat, xty?: Float64Array): LeastSquares {
  const k = W.length;
  if (k === 0) return { b: new Float64Array(0), bread: mat(0, 0), L: mat(0, 0) };
  const { kept, L } = choleskyWithCollinearity(xtx ?? crossprod(W), 0);
  if (kept.length !== k) throw new Error('design not of full rank after collinearity screening');
  const b = cholSolve(L, xty ?? crossprodVec(W, y));
  let dmax = 0;
  let dmin = Infinity;
  for (let j = 0; j < k; j++) {
    const d = L.data[j * k + j];
    if (d > dmax) dmax = d;
    if (d < dmin) dmin = d;
  }
  if ((dmax / dmin) ** 2 > 1e6) {
    // refinement: b += (W'W)^{-1} W'(y − W b)
    const r = residuals(y, W, b);
    const delta = cholSolve(L, crossprodVec(W, r));
    for (let j = 0; j < k; j++) b[j] += delta[j];
  }
  return { b, bread: cholInverse(L), L };
}

/** y − Σ b_j X_j, in row blocks so that the block of the result stays in cache across columns */
export function residuals(y: Float64Array, X: Float64Array[], b: ArrayLike<number>): Float64Array {
  const n = y.length;
  const u = y.slice();
  const BLOCK = 4096;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let j = 0; j < X.length; j++) {
      const x = X[j];
      const bj = b[j];
      for (let i = start; i < end; i++) u[i] -= bj * x[i];
    }
  }
  return u;
}

export function coefficientTable(names: string[], b: ArrayLike<number>, V: Mat, dfT: number): Record<string, Coefficient> {
  const crit = tCritical(dfT);
  const out: Record<string, Coefficient> = {};
  names.forEach((name, j) => {
    const estimate = b[j];
    const se = Math.sqrt(Math.max(V.data[j * V.cols + j], 0));
    const t = estimate / se;
    out[name] = { estimate, se, t, p: tPValue(t, dfT), ci_low: estimate - crit * se, ci_high: estimate + crit * se };
  });
  return out;
}

/**
 * Append reghdfe's `_cons` (ȳ − x̄'b: the fixed effects normalised to mean zero) to the estimates, with the
 * vcov extended to it. Shared by the OLS and IV models.
 */
export function appendConstant(
  names: string[], b: ArrayLike<number>, V: Mat, ab: Absorbed, depvar: string,
): { terms: string[]; estimates: Float64Array; V: Mat } {
  const means = names.map((name) => ab.means[name]);
  let cons = ab.means[depvar];
  names.forEach((_, j) => (cons -= b[j] * means[j]));
  return { terms: [...names, CONS], estimates: Float64Array.from([...Array.from(b), cons]), V: withConstant(V, means) };
}

/** R² of the full model, within R², adjusted R² and RMSE (K counts every absorbed level). */
export function fitStatistics(ssr: number, tss: number, tssWithin: number, n: number, kFull: number) {
  const r2 = 1 - ssr / tss;
  return {
    r2,
    r2_within: 1 - ssr / tssWithin,
    r2_adj: 1 - ((1 - r2) * (n - 1)) / (n - kFull),
    rmse: Math.sqrt(ssr / (n - kFull)),
  };
}
