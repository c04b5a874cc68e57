// Variance–covariance estimators for least-squares type estimators on (fixed-effect) demeaned data.
//   iid:      s² (W'W)^{-1},                       s² = SSR/(N−K)
//   hc1:      N/(N−K) · (W'W)^{-1} Σ u_i² w_i w_i' (W'W)^{-1}                (Stata `robust`)
//   cluster:  G/(G−1)·(N−1)/(N−K) · (W'W)^{-1} Σ_g (W_g'u_g)(W_g'u_g)' (W'W)^{-1}  (Stata reghdfe / fixest)
//   cluster:a+b (multi-way, Cameron, Gelbach & Miller 2011, JBES 29(2)): the meat is Σ over the non-empty
//             subsets S of the cluster variables of (−1)^{|S|+1} Σ_g∈S (W_g'u_g)(W_g'u_g)', the groups of S
//             being the intersections of its variables; one small-sample factor G/(G−1)·(N−1)/(N−K) with
//             G the smallest number of clusters of one variable (reghdfe, ivreg2, fixest's default
//             "min"); if the reported matrix is not positive semi-definite its negative eigenvalues are
//             set to 0 (CGM sec. 2.3; sandwich::vcovCL(fix = TRUE)), see fixNegativeEigenvalues.
//   dk:L      Driscoll & Kraay (1998), as Stata ivreg2's `dkraay(L+1)` / Hoechle (2007) `xtscc`: the scores are
//             summed by period, h_t = Σ_{i∈t} w_i u_i, and the meat is the Newey–West (Bartlett) long-run
//             covariance of h_t: Σ_t h_t h_t' + Σ_{l=1..L} (1 − l/(L+1)) Σ_t (h_t h_{t−l}' + h_{t−l} h_t'), lags
//             counted in units of the period variable (a missing period breaks the pair, as ivreg2's L.
//             operator does); the small-sample factor is ivreg2's for a clustered vcov with T clusters,
//             T/(T−1)·(N−1)/(N−K), and t tests use t(T−1). (sandwich::vcovPL(cluster = ~unit, order.by = ~time,
//             lag = L, adjust = FALSE) is the same matrix without the factor.)
// K counts the regressors plus the absorbed fixed effects (constant included); with clustering, fixed
// effects nested in a cluster variable (for dk: in the period variable) are not counted (see dof.ts). t
// statistics use t(N−K), or t(G−1) when clustered (G the smallest number of clusters).
// Weights (analytic, fixest `weights` / Stata aweights): the estimators pass W and u already multiplied by
// √w (weighted least squares as OLS on √w-scaled data), so the formulas above hold with x_i u_i read as
// w_i x_i u_i; the constant's column is √w instead of 1 (see ConstantColumn). N stays the number of
// observations, so the result does not depend on the scale of the weights.
// W is the centred (demeaned) design; the constant is carried as an extra column of ones, which is
// orthogonal to W, so that the variance of the reghdfe-style _cons can be derived (see constantVariance).
import { InputError } from './errors.ts';
import type { DofRule } from './dof.ts';
import { interactCodes, type Grouping } from './frame.ts';
import { mat, symEigen, type Mat } from './linalg.ts';

/**
 * `variable` is the text after `cluster:` ("a+b"), `variables` its cluster variables (["a", "b"]). Driscoll–Kraay:
 * `lags` and the period variable (`time`, when written as dk:LAGS:TIME; else it comes from the model options).
 */
export type VcovSpec =
  | { type: 'iid' }
  | { type: 'hc1' }
  | { type: 'cluster'; variable: string; variables: string[] }
  | { type: 'dk'; lags: number; time?: string };
export type VcovOption = 'iid' | 'hc1' | `cluster:${string}` | `dk:${string}`;

/** Whether a string is a vcov option the estimators accept (the same check as parseVcov, as a type guard). */
export function isVcovOption(s: string): s is VcovOption {
  return s === 'iid' || s === 'hc1' || /^cluster:\S+$/.test(s) || /^dk:\d+(:\S+)?$/.test(s);
}

export function parseVcov(option: string | undefined): VcovSpec {
  const s = (option ?? 'iid').trim();
  if (s === 'iid') return { type: 'iid' };
  if (s === 'hc1') return { type: 'hc1' };
  if (s.startsWith('cluster:')) {
    const variable = s.slice('cluster:'.length).trim();
    if (variable === '') throw new InputError(`--vcov cluster needs a variable: cluster:VAR`);
    const variables = variable.split('+').map((v) => v.trim());
    if (variables.some((v) => v === '')) throw new InputError(`--vcov '${s}': empty cluster variable (expected cluster:VAR or cluster:VAR1+VAR2)`);
    if (new Set(variables).size !== variables.length) throw new InputError(`--vcov '${s}': a cluster variable is repeated`);
    return { type: 'cluster', variable: variables.join('+'), variables };
  }
  if (s.startsWith('dk:')) {
    const m = /^dk:(\d+)(?::(\S+))?$/.exec(s);
    if (!m) throw new InputError(`--vcov '${s}': expected dk:LAGS (a whole number of lags) or dk:LAGS:TIMEVAR`);
    return m[2] ? { type: 'dk', lags: Number(m[1]), time: m[2] } : { type: 'dk', lags: Number(m[1]) };
  }
  throw new InputError(`unknown vcov '${s}' (expected iid, hc1, cluster:VAR, cluster:VAR1+VAR2 or dk:LAGS)`);
}

/** The variables a vcov groups by: the cluster variables, or the period variable of Driscoll–Kraay. */
export function vcovGroupVariables(spec: VcovSpec): string[] {
  if (spec.type === 'cluster') return spec.variables;
  if (spec.type === 'dk') {
    if (!spec.time) throw new InputError('--vcov dk:LAGS needs the period variable: give --time VAR (or write dk:LAGS:VAR)');
    return [spec.time];
  }
  return [];
}

/** A vcov spec with the Driscoll–Kraay period variable filled in from the model options when not in the spec. */
export function withTime(spec: VcovSpec, time: string | undefined): VcovSpec {
  if (spec.type !== 'dk' || spec.time) return spec;
  return time ? { ...spec, time } : spec;
}

/**
 * The period variable on the estimation sample, for Driscoll–Kraay: codes 0..T−1 in increasing time order
 * and the time value of each code. Lags pair periods whose values differ by the lag when every value is a
 * whole number (a gap breaks the pair), else periods adjacent in order.
 */
export interface TimeGrouping extends Grouping {
  periods: Float64Array;
}

/** Re-code a grouping of time values (value per row on the sample) as a TimeGrouping. */
export function timeGrouping(name: string, values: Float64Array): TimeGrouping {
  const sorted = Float64Array.from(values).sort();
  const periods: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) periods.push(sorted[i]);
  const index = new Map(periods.map((v, i) => [v, i]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = index.get(values[i])!;
  return { name, codes, levels: periods.length, periods: Float64Array.from(periods) };
}

/**
 * The column standing for the constant in the centred parametrisation: ones without weights (null here),
 * √w with analytic weights, with Σ w its squared norm.
 */
export interface ConstantColumn {
  values: Float64Array;
  sumSquares: number;
}

export interface VcovInfo {
  type: 'iid' | 'hc1' | 'cluster' | 'dk';
  cluster: string | null;
  /** number of clusters (multi-way: the smallest number over the cluster variables) */
  clusters: number | null;
  /** multi-way clustering only: clusters per variable, and whether negative eigenvalues were set to 0 */
  multiway?: { clusters: Record<string, number>; eigenvalue_fix: boolean };
  /** Driscoll–Kraay only: the period variable, the number of lags and of periods (also in `clusters`) */
  driscoll_kraay?: { time: string; lags: number; periods: number };
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
 * @param clusters the groupings of the cluster variables (one per variable; empty unless clustered)
 * @param clusters the groupings of the cluster variables (one per variable; empty unless clustered); for
 *   Driscoll–Kraay the one TimeGrouping of the period variable
 * @param dofK K of the small-sample factor; `dofRule` says how its fixed-effect part was counted
 * @param constant the constant's column when weighted (√w); ones otherwise
 */
export function computeVcov(
  W: Float64Array[],
  bread: Mat,
  u: Float64Array,
  spec: VcovSpec,
  clusters: Grouping[],
  dofK: number,
  dofRule: DofRule = 'exact',
  constant: ConstantColumn | null = null,
): VcovResult {
  const n = u.length;
  const k = W.length;
  const p = k + 1;
  if (n - dofK <= 0)
    throw new InputError(`not enough observations: N=${n} but the model has K=${dofK} parameters (with fixed effects)`);
  // augmented bread: blockdiag((W'W)^{-1}, 1/(c'c)) since W is orthogonal to the constant's column c
  const B = mat(p, p);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) B.data[i * p + j] = bread.data[i * k + j];
  B.data[k * p + k] = 1 / (constant ? constant.sumSquares : n);

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
  let clusterCount: number | null = null;
  let multiway: VcovInfo['multiway'];
  let adjustment: number;
  if (spec.type === 'hc1') {
    const u2 = new Float64Array(n);
    for (let i = 0; i < n; i++) u2[i] = u[i] * u[i];
    const cols = [...W, constant ? constant.values : null];
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
  } else if (spec.type === 'dk') {
    const time = clusters[0] as TimeGrouping | undefined;
    if (!time?.periods) throw new Error('Driscoll–Kraay needs the period grouping');
    const T = time.levels;
    if (T < 2) throw new InputError(`only one period in '${time.name}': Driscoll–Kraay standard errors need at least 2`);
    const ones = constant ? constant.values : new Float64Array(n).fill(1);
    const dk = timeMeat([...W, ones], u, time, spec.lags);
    meat.data.set(dk.data);
    clusterCount = T;
    adjustment = (T / (T - 1)) * ((n - 1) / (n - dofK));
  } else {
    if (clusters.length !== spec.variables.length) throw new Error('cluster groupings missing');
    clusters.forEach((c, d) => {
      if (c.levels < 2)
        throw new InputError(`only one cluster in '${spec.variables[d]}': clustered standard errors need at least 2`);
    });
    const G = Math.min(...clusters.map((c) => c.levels));
    clusterCount = G;
    for (const term of clusterTerms(clusters)) addClusterMeat(meat, W, u, term.groups, term.sign, constant?.values ?? null);
    adjustment = (G / (G - 1)) * ((n - 1) / (n - dofK));
    if (clusters.length > 1)
      multiway = { clusters: Object.fromEntries(clusters.map((c, d) => [spec.variables[d], c.levels])), eigenvalue_fix: false };
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
    clusters: clusterCount,
    ...(multiway ? { multiway } : {}),
    ...(spec.type === 'dk' ? { driscoll_kraay: { time: clusters[0].name, lags: spec.lags, periods: clusterCount! } } : {}),
    dof_k: dofK,
    dof_rule: dofRule,
    adjustment,
  };
  return { info, V, dfT: spec.type === 'cluster' || spec.type === 'dk' ? clusterCount! - 1 : n - dofK };
}

/**
 * Driscoll–Kraay meat of the scores s_i = cols_i · e_i (e null: the columns are the scores): period sums
 * h_t, then Σ_t h_t h_t' + Σ_{l=1..lags} (1 − l/(lags+1)) Σ_t (h_t h_{t−l}' + h_{t−l} h_t') (Newey & West 1987
 * weights; Driscoll & Kraay 1998; ivreg2's kernel-robust clustering on time, m_omega).
 */
export function timeMeat(cols: Float64Array[], e: Float64Array | null, time: TimeGrouping, lags: number): Mat {
  const p = cols.length;
  const T = time.levels;
  const n = time.codes.length;
  const h = new Float64Array(T * p);
  const codes = time.codes;
  for (let j = 0; j < p; j++) {
    const c = cols[j];
    if (e) for (let i = 0; i < n; i++) h[codes[i] * p + j] += c[i] * e[i];
    else for (let i = 0; i < n; i++) h[codes[i] * p + j] += c[i];
  }
  const meat = mat(p, p);
  const addProduct = (t: number, s: number, weight: number) => {
    for (let a = 0; a < p; a++) {
      const ha = weight * h[t * p + a];
      if (ha === 0) continue;
      for (let b = 0; b < p; b++) meat.data[a * p + b] += ha * h[s * p + b];
    }
  };
  for (let t = 0; t < T; t++) addProduct(t, t, 1);
  const integerPeriods = time.periods.every((v) => Number.isInteger(v));
  const codeOf = new Map(Array.from(time.periods, (v, t) => [v, t]));
  for (let l = 1; l <= lags; l++) {
    const weight = 1 - l / (lags + 1);
    for (let t = 0; t < T; t++) {
      const s = integerPeriods ? codeOf.get(time.periods[t] - l) : t - l >= 0 ? t - l : undefined;
      if (s === undefined) continue;
      addProduct(t, s, weight);
      addProduct(s, t, weight);
    }
  }
  return meat;
}

/**
 * The terms of Cameron, Gelbach & Miller's multi-way cluster meat: for every non-empty subset S of the
 * cluster variables, the grouping of their intersection with sign (−1)^{|S|+1}. One variable: itself, +1.
 */
export function clusterTerms(dimensions: Grouping[]): { sign: number; groups: Grouping }[] {
  const terms: { sign: number; groups: Grouping }[] = [];
  for (let subset = 1; subset < 1 << dimensions.length; subset++) {
    const members = dimensions.filter((_, d) => subset & (1 << d));
    const groups =
      members.length === 1
        ? members[0]
        : { name: members.map((m) => m.name).join('#'), ...interactCodes(members.map((m) => ({ codes: m.codes, levels: m.levels }))) };
    terms.push({ sign: members.length % 2 === 1 ? 1 : -1, groups });
  }
  return terms;
}

/** meat += sign · Σ_g s_g s_g' with s_g = (W_g'u_g, c_g'u_g) (the last entry for the constant column c, ones if null). */
function addClusterMeat(meat: Mat, W: Float64Array[], u: Float64Array, groups: Grouping, sign: number, constant: Float64Array | null): void {
  const n = u.length;
  const k = W.length;
  const p = k + 1;
  const G = groups.levels;
  const scores = new Float64Array(G * p);
  const codes = groups.codes;
  // row blocks: the codes and residuals of a block stay in cache while every column is scattered
  const BLOCK = 4096;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let j = 0; j < k; j++) {
      const w = W[j];
      for (let i = start; i < end; i++) scores[codes[i] * p + j] += w[i] * u[i];
    }
    if (constant) for (let i = start; i < end; i++) scores[codes[i] * p + k] += constant[i] * u[i];
    else for (let i = start; i < end; i++) scores[codes[i] * p + k] += u[i];
  }
  const upper = mat(p, p);
  for (let g = 0; g < G; g++) {
    const off = g * p;
    for (let a = 0; a < p; a++) {
      const sa = scores[off + a];
      if (sa === 0) continue;
      for (let b = a; b < p; b++) upper.data[a * p + b] += sa * scores[off + b];
    }
  }
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) {
      meat.data[a * p + b] += sign * upper.data[a * p + b];
      if (b !== a) meat.data[b * p + a] += sign * upper.data[a * p + b];
    }
}

/** The covariance as reported: with multi-way clustering, negative eigenvalues set to 0 (noted in `info`). */
export function reportedVcov(V: Mat, info: VcovInfo): Mat {
  if (!info.multiway) return V;
  const fix = fixNegativeEigenvalues(V);
  info.multiway.eigenvalue_fix = fix.fixed;
  return fix.V;
}

/**
 * A multi-way cluster covariance need not be positive semi-definite; Cameron, Gelbach & Miller (2011,
 * sec. 2.3) replace its negative eigenvalues by 0: V⁺ = U diag(max(λ, 0)) U' (as sandwich::vcovCL with
 * fix = TRUE). Returns the matrix unchanged (and fixed = false) when no eigenvalue is negative.
 */
export function fixNegativeEigenvalues(V: Mat): { V: Mat; fixed: boolean } {
  const { values, vectors } = symEigen(V);
  if (!values.some((v) => v < 0)) return { V, fixed: false };
  const p = V.rows;
  const out = mat(p, p);
  for (let e = 0; e < p; e++) {
    const lambda = Math.max(values[e], 0);
    if (lambda === 0) continue;
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) out.data[i * p + j] += lambda * vectors.data[i * p + e] * vectors.data[j * p + e];
  }
  return { V: out, fixed: true };
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
