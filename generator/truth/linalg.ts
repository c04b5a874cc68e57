/**
 * Small dense least squares for the truth model: fixed-effect demeaning (alternating projections,
 * exact in one sweep for a balanced two-way panel), OLS / just-identified IV coefficient rows.
 * A "row" is the weight vector w with  coefficient = w · y  over the full observation vector, so that
 * any estimate is a linear functional of the outcome (used to calibrate structural parameters exactly).
 */

export type Vec = Float64Array;

/** Solve A x = b (A square, row-major array of rows) by Gaussian elimination with partial pivoting. */
export function solve(A: number[][], b: number[]): number[] {
  const n = A.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r][col]) > Math.abs(M[piv][col])) piv = r;
    if (Math.abs(M[piv][col]) < 1e-300) throw new Error(`solve: singular matrix at column ${col}`);
    [M[col], M[piv]] = [M[piv], M[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = M[r][col] / M[col][col];
      if (f === 0) continue;
      for (let c = col; c <= n; c++) M[r][c] -= f * M[col][c];
    }
  }
  return M.map((row, i) => row[n] / row[i]);
}

/** Inverse of a square matrix. */
export function inverse(A: number[][]): number[][] {
  const n = A.length;
  const cols = Array.from({ length: n }, (_, j) => solve(A, Array.from({ length: n }, (_, i) => (i === j ? 1 : 0))));
  return Array.from({ length: n }, (_, i) => cols.map((c) => c[i]));
}

const ids = new WeakMap<object, number>();
let nextId = 0;
const idOf = (o: object) => { let v = ids.get(o); if (v === undefined) { v = nextId++; ids.set(o, v); } return v; };
const cache = new WeakMap<object, Map<string, Vec>>();

/**
 * Demean x within each grouping (one Int32Array of group ids per fixed effect) over the observations in
 * mask, by alternating projections until the largest change is below tol. Results are cached per
 * (array, mask, groups) object identity: callers must not mutate arrays after demeaning them.
 */
export function demean(x: ArrayLike<number>, groups: Int32Array[], mask: Uint8Array, tol = 1e-11, maxIter = 500): Vec {
  const key = `${idOf(mask)}|${groups.map(idOf).join(',')}|${tol}`;
  let byKey = cache.get(x as object);
  if (!byKey) { byKey = new Map(); cache.set(x as object, byKey); }
  const hit = byKey.get(key);
  if (hit) return hit;
  const out = demeanUncached(x, groups, mask, tol, maxIter);
  byKey.set(key, out);
  return out;
}

function demeanUncached(x: ArrayLike<number>, groups: Int32Array[], mask: Uint8Array, tol: number, maxIter: number): Vec {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mask[i] ? x[i] : 0;
  if (groups.length === 0) {
    let s = 0, k = 0;
    for (let i = 0; i < n; i++) if (mask[i]) { s += out[i]; k++; }
    for (let i = 0; i < n; i++) if (mask[i]) out[i] -= s / k;
    return out;
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let change = 0;
    for (const g of groups) {
      let ng = 0;
      for (let i = 0; i < n; i++) if (mask[i] && g[i] + 1 > ng) ng = g[i] + 1;
      const sum = new Float64Array(ng);
      const cnt = new Float64Array(ng);
      for (let i = 0; i < n; i++) if (mask[i]) { sum[g[i]] += out[i]; cnt[g[i]] += 1; }
      for (let i = 0; i < n; i++) {
        if (!mask[i]) continue;
        const m = sum[g[i]] / cnt[g[i]];
        out[i] -= m;
        if (Math.abs(m) > change) change = Math.abs(m);
      }
    }
    if (groups.length === 1 || change < tol) break;
  }
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, mask?: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (!mask || mask[i]) s += a[i] * b[i];
  return s;
}

export interface Fit {
  /** coefficient rows: coef[j] = rows[j] · y */
  rows: Vec[];
  /** demeaned regressors */
  xt: Vec[];
  mask: Uint8Array;
  groups: Int32Array[];
  nobs: number;
}

/** OLS of y on the regressors after absorbing the fixed effects in `groups`, on the observations in mask. */
export function olsRows(regressors: ArrayLike<number>[], groups: Int32Array[], mask: Uint8Array): Fit {
  const xt = regressors.map((x) => demean(x, groups, mask));
  const k = xt.length;
  const XtX = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => dot(xt[a], xt[b], mask)));
  const inv = inverse(XtX);
  const n = mask.length;
  const rows = Array.from({ length: k }, (_, j) => {
    const r = new Float64Array(n);
    for (let a = 0; a < k; a++) {
      const w = inv[j][a];
      if (w === 0) continue;
      const xa = xt[a];
      for (let i = 0; i < n; i++) if (mask[i]) r[i] += w * xa[i];
    }
    return r;
  });
  let nobs = 0;
  for (let i = 0; i < n; i++) if (mask[i]) nobs++;
  return { rows, xt, mask, groups, nobs };
}

/** Just-identified IV: endogenous regressors X, instruments Z (same count), fixed effects absorbed. */
export function ivRows(X: ArrayLike<number>[], Z: ArrayLike<number>[], groups: Int32Array[], mask: Uint8Array): Fit {
  const xt = X.map((x) => demean(x, groups, mask));
  const zt = Z.map((z) => demean(z, groups, mask));
  const k = xt.length;
  const ZtX = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => dot(zt[a], xt[b], mask)));
  const inv = inverse(ZtX);
  const n = mask.length;
  const rows = Array.from({ length: k }, (_, j) => {
    const r = new Float64Array(n);
    for (let a = 0; a < k; a++) {
      const w = inv[j][a];
      const za = zt[a];
      for (let i = 0; i < n; i++) if (mask[i]) r[i] += w * za[i];
    }
    return r;
  });
  let nobs = 0;
  for (let i = 0; i < n; i++) if (mask[i]) nobs++;
  return { rows, xt, mask, groups, nobs };
}

export interface Estimate {
  coef: number[];
  se: number[];          // cluster-robust (by the first group, normally city), small-sample factor as Stata
  r2_within: number;
  r2_lsdv: number;       // R² of the full dummy-variable regression
  nobs: number;
}

/** Coefficients, city-clustered SEs and R² of a fit for outcome y. `cluster` = group ids for clustering. */
export function estimate(fit: Fit, y: ArrayLike<number>, cluster: Int32Array): Estimate {
  const { rows, xt, mask, groups, nobs } = fit;
  const coef = rows.map((r) => dot(r, y, mask));
  const yt = demean(y, groups, mask);
  const n = mask.length;
  const resid = new Float64Array(n);
  let ssr = 0, sstW = 0, mean = 0;
  for (let i = 0; i < n; i++) if (mask[i]) mean += y[i];
  mean /= nobs;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    let f = 0;
    for (let j = 0; j < xt.length; j++) f += coef[j] * xt[j][i];
    resid[i] = yt[i] - f;
    ssr += resid[i] ** 2;
    sstW += yt[i] ** 2;
    sst += (y[i] - mean) ** 2;
  }
  // cluster-robust variance: V = sum_g (R e)_g (R e)_g' with R the coefficient rows
  const k = rows.length;
  let G = 0;
  for (let i = 0; i < n; i++) if (mask[i] && cluster[i] + 1 > G) G = cluster[i] + 1;
  const scores = Array.from({ length: G }, () => new Float64Array(k));
  const seen = new Uint8Array(G);
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    seen[cluster[i]] = 1;
    for (let j = 0; j < k; j++) scores[cluster[i]][j] += rows[j][i] * resid[i];
  }
  let nG = 0;
  for (let g = 0; g < G; g++) nG += seen[g];
  const factor = (nG / (nG - 1)) * ((nobs - 1) / (nobs - k));
  const se = Array.from({ length: k }, (_, j) => {
    let v = 0;
    for (let g = 0; g < G; g++) v += scores[g][j] ** 2;
    return Math.sqrt(v * factor);
  });
  return { coef, se, r2_within: 1 - ssr / sstW, r2_lsdv: 1 - ssr / sst, nobs };
}
