// Variance–covariance estimators for least-squares type estimators on (fixed-effect) demeaned data.
//   iid:      s² (W'W)^{-1},                       s² = SSR/(N−K)
//   hc1:      N/(N−K) · (W'W)^{-1} Σ u_i² w_i w_i' (W'W)^{-1}                (Stata `robust`)
//   cluster:  G/(G−1)·(N−1)/(N−K) · (W'W)^{-1} Σ_g (W_g'u_g)(W_g'u_g)' (W'W)^{-1}  (Stata reghdfe / fixest)
// K counts the regressors plus the absorbed fixed effects (constant included); with clustering, fixed
// effects nested in the cluster variable are not counted (see dof.ts). t statistics use t(N−K), or t(G−1)
// when clustered.
// W is the centred (demeaned) design; the constant is carried as an extra column of ones, which is
// orthogonal to W, so that the variance of the reghdfe-style _cons can be derived (see constantVariance).
import { InputError } from './errors.ts';
import type { DofRule } from './dof.ts';
import type { Grouping } from './frame.ts';
import { mat, type Mat } from './linalg.ts';

export type VcovSpec = { type: 'iid' } | { type: 'hc1' } | { type: 'cluster'; variable: string };
export type VcovOption = 'iid' | 'hc1' | `cluster:${string}`;

/** Whether a string is a vcov option the estimators accept (the same check as parseVcov, as a type guard). */
export function isVcovOption(s: string): s is VcovOption {
  return s === 'iid' || s === 'hc1' || /^cluster:\S+$/.test(s);
}

export function parseVcov(option: string | undefined): VcovSpec {
  const s = (option ?? 'iid').trim();
  if (s === 'iid') return { type: 'iid' };
  if (s === 'hc1') return { type: 'hc1' };
  if (s.startsWith('cluster:')) {
    const variable = s.slice('cluster:'.length).trim();
    if (variable === '') throw new InputError(`--vcov cluster needs a variable: cluster:VAR`);
    return { type: 'cluster', variable };
  }
  throw new InputError(`unknown vcov '${s}' (expected iid, hc1 or cluster:VAR)`);
}

export interface VcovInfo {
  type: 'iid' | 'hc1' | 'cluster';
  cluster: string | null;
  clusters: number | null;
  /** K in the small-sample factor (regressors + counted fixed-effect levels, constant included) */
  dof_k: number;
  /** how the redundant fixed-effect levels in dof_k were counted (dof.ts): 'exact' or reghdfe's 'pairwise' */
  dof_rule: DofRule;
  /** multiplier applied to the uncorrected estimator (σ̂² = SSR/N for iid; plain sandwich otherwise) */
  adjustment: number;
}

export interface VcovResult {
  info: VcovInfo;
  /** (k+1)×(k+1): the k columns of W, then the constant of the centred parametrisation */
  V: Mat;
  /** degrees of freedom of the t distribution for tests */
  dfT: number;
}

/**
 * @param W centred design columns (k)
 * @param bread (W'W)^{-1}
 * @param u residuals
 * @param dofK K of the small-sample factor; `dofRule` says how its fixed-effect part was counted
 */
export function computeVcov(
  W: Float64Array[],
  bread: Mat,
  u: Float64Array,
  spec: VcovSpec,
  cluster: Grouping | null,
  dofK: number,
  dofRule: DofRule = 'exact',
): VcovResult {
  const n = u.length;
  const k = W.length;
  const p = k + 1;
  if (n - dofK <= 0)
    throw new InputError(`not enough observations: N=${n} but the model has K=${dofK} parameters (with fixed effects)`);
  // augmented bread: blockdiag((W'W)^{-1}, 1/N) since W is orthogonal to the constant
  const B = mat(p, p);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) B.data[i * p + j] = bread.data[i * k + j];
  B.data[k * p + k] = 1 / n;

  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += u[i] * u[i];

  if (spec.type === 'iid') {
    const adjustment = n / (n - dofK);
    const s2 = (ssr / n) * adjustment;
    const V = mat(p, p);
    for (let i = 0; i < p * p; i++) V.data[i] = B.data[i] * s2;
    return { info: { type: 'iid', cluster: null, clusters: null, dof_k: dofK, dof_rule: dofRule, adjustment }, V, dfT: n - dofK };
  }

  const meat = mat(p, p);
  let clusters: number | null = null;
  let adjustment: number;
  if (spec.type === 'hc1') {
    const u2 = new Float64Array(n);
    for (let i = 0; i < n; i++) u2[i] = u[i] * u[i];
    const cols = [...W, null];
    for (let a = 0; a < p; a++)
      for (let b = a; b < p; b++) {
        const wa = cols[a];
        const wb = cols[b];
        let s = 0;
        if (wa && wb) for (let i = 0; i < n; i++) s += u2[i] * wa[i] * wb[i];
        else if (wa) for (let i = 0; i < n; i++) s += u2[i] * wa[i];
        else if (wb) for (let i = 0; i < n; i++) s += u2[i] * wb[i];
        else for (let i = 0; i < n; i++) s += u2[i];
        meat.data[a * p + b] = s;
        meat.data[b * p + a] = s;
      }
    adjustment = n / (n - dofK);
  } else {
    if (!cluster) throw new Error('cluster grouping missing');
    const G = cluster.levels;
    if (G < 2) throw new InputError(`only one cluster in '${spec.variable}': clustered standard errors need at least 2`);
    clusters = G;
    const scores = new Float64Array(G * p);
    const codes = cluster.codes;
    // row blocks: the codes and residuals of a block stay in cache while every column is scattered
    const BLOCK = 4096;
    for (let start = 0; start < n; start += BLOCK) {
      const end = Math.min(n, start + BLOCK);
      for (let j = 0; j < k; j++) {
        const w = W[j];
        for (let i = start; i < end; i++) scores[codes[i] * p + j] += w[i] * u[i];
      }
      for (let i = start; i < end; i++) scores[codes[i] * p + k] += u[i];
    }
    for (let g = 0; g < G; g++) {
      const off = g * p;
      for (let a = 0; a < p; a++) {
        const sa = scores[off + a];
        if (sa === 0) continue;
        for (let b = a; b < p; b++) meat.data[a * p + b] += sa * scores[off + b];
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) meat.data[a * p + b] = meat.data[b * p + a];
    adjustment = (G / (G - 1)) * ((n - 1) / (n - dofK));
  }
  // V = B M B · adjustment
  const BM = mat(p, p);
  for (let i = 0; i < p; i++)
    for (let l = 0; l < p; l++) {
      const bil = B.data[i * p + l];
      if (bil === 0) continue;
      for (let j = 0; j < p; j++) BM.data[i * p + j] += bil * meat.data[l * p + j];
    }
  const V = mat(p, p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let l = 0; l < p; l++) s += BM.data[i * p + l] * B.data[l * p + j];
      V.data[i * p + j] = s * adjustment;
    }
  const info: VcovInfo = {
    type: spec.type,
    cluster: spec.type === 'cluster' ? spec.variable : null,
    clusters,
    dof_k: dofK,
    dof_rule: dofRule,
    adjustment,
  };
  return { info, V, dfT: spec.type === 'cluster' ? clusters! - 1 : n - dofK };
}

/**
 * Re-express the centred parametrisation (b, c0) — y = (X − x̄)b + c0 + u — in terms of the reported
 * constant _cons = c0 − x̄'b = ȳ − x̄'b (reghdfe's "mean-based" intercept). Returns the (k+1)×(k+1)
 * covariance of (b, _cons).
 */
export function withConstant(V: Mat, means: ArrayLike<number>): Mat {
  const p = V.rows;
  const k = p - 1;
  // T maps (b, c0) to (b, _cons): last row = (−x̄', 1)
  const T = mat(p, p);
  for (let i = 0; i < k; i++) T.data[i * p + i] = 1;
  for (let j = 0; j < k; j++) T.data[k * p + j] = -means[j];
  T.data[k * p + k] = 1;
  const TV = mat(p, p);
  for (let i = 0; i < p; i++)
    for (let l = 0; l < p; l++) {
      const t = T.data[i * p + l];
      if (t === 0) continue;
      for (let j = 0; j < p; j++) TV.data[i * p + j] += t * V.data[l * p + j];
    }
  const out = mat(p, p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let l = 0; l < p; l++) s += TV.data[i * p + l] * T.data[j * p + l];
      out.data[i * p + j] = s;
    }
  return out;
}
