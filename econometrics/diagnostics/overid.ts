// Over-identification tests of IV-2SLS, as ivreg2 prints them (Baum, Schaffer & Stillman 2003, Stata
// Journal 3(1), sec. 4; with fixed effects partialled out as ivreghdfe does), on the demeaned data with
// Z = [exogenous regressors, excluded instruments], X = [endogenous, exogenous] and u the 2SLS residuals:
//   iid:           Sargan (1958)  N · u'Z (Z'Z)⁻¹ Z'u / u'u
//   hc1, cluster:  Hansen (1982) J of the two-step efficient GMM estimator weighted by S⁻¹, where
//                  S = Σ_i (z_i u_i)(z_i u_i)' (hc1) or Σ_g (Z_g'u_g)(Z_g'u_g)' (cluster; multi-way: the
//                  Cameron–Gelbach–Miller combination of vcov.ts):
//                  b = (X'Z S⁻¹ Z'X)⁻¹ X'Z S⁻¹ Z'y,  e = y − X b,  J = e'Z S⁻¹ Z'e
//   dk:            the same with S the Driscoll–Kraay long-run covariance of the period sums (vcov.ts timeMeat)
// No small-sample factor enters S (J is a large-sample statistic). Both are χ²(L − K), L excluded
// instruments and K endogenous regressors; only reported when L > K.
import { chi2PValue } from '../dist.ts';
import type { Grouping } from '../frame.ts';
import { cholSolve, cholesky, crossprod, crossprodVec, dot, mat, quadFormInv, symmetrize, type Mat } from '../linalg.ts';
import { clusterTerms, fixNegativeEigenvalues, timeMeat, type TimeGrouping, type VcovSpec } from '../vcov.ts';

export interface OveridTest {
  /** 'sargan' (iid) or 'hansen_j' (robust or clustered), as ivreg2 labels them */
  test: 'sargan' | 'hansen_j';
  stat: number;
  /** excluded instruments − endogenous regressors */
  df: number;
  p: number;
}

/**
 * @param y demeaned dependent variable
 * @param X demeaned regressors (endogenous, then exogenous)
 * @param Z demeaned instruments (exogenous regressors, then excluded instruments)
 * @param u 2SLS residuals
 * @param df number of over-identifying restrictions (excluded instruments − endogenous regressors)
 */
export function overidTest(
  y: Float64Array,
  X: Float64Array[],
  Z: Float64Array[],
  u: Float64Array,
  df: number,
  spec: VcovSpec,
  clusters: Grouping[],
): OveridTest | null {
  if (df <= 0) return null;
  if (spec.type === 'iid') {
    const Zu = crossprodVec(Z, u);
    const stat = (u.length * quadFormInv(crossprod(Z), Zu)) / dot(u, u);
    return { test: 'sargan', stat, df, p: chi2PValue(stat, df) };
  }
  const S = spec.type === 'dk'
    ? timeMeat(Z, u, clusters[0] as TimeGrouping, spec.lags)
    : scoreCrossproduct(Z, u, spec.type === 'cluster' ? clusters : []);
  const LS = cholesky(S);
  // two-step efficient GMM: (X'Z S⁻¹ Z'X) b = X'Z S⁻¹ Z'y
  const ZX = crossprod(Z, X); // L × K
  const L = Z.length;
  const K = X.length;
  const SinvZX = Array.from({ length: K }, (_, k) => cholSolve(LS, Array.from({ length: L }, (_, l) => ZX.data[l * K + k])));
  const SinvZy = cholSolve(LS, crossprodVec(Z, y));
  const A = mat(K, K);
  const rhs = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    for (let l = 0; l < L; l++) rhs[k] += ZX.data[l * K + k] * SinvZy[l];
    for (let m = 0; m < K; m++) for (let l = 0; l < L; l++) A.data[k * K + m] += ZX.data[l * K + k] * SinvZX[m][l];
  }
  const b = cholSolve(cholesky(symmetrize(A)), rhs);
  const e = Float64Array.from(y);
  X.forEach((x, k) => {
    for (let i = 0; i < e.length; i++) e[i] -= b[k] * x[i];
  });
  const stat = quadFormInv(S, crossprodVec(Z, e));
  return { test: 'hansen_j', stat, df, p: chi2PValue(stat, df) };
}

/**
 * Σ_i (z_i u_i)(z_i u_i)', or Σ_g s_g s_g' with s_g = Z_g'u_g when clustered; with several cluster variables
 * the Cameron–Gelbach–Miller combination, negative eigenvalues set to 0.
 */
function scoreCrossproduct(Z: Float64Array[], u: Float64Array, clusters: Grouping[]): Mat {
  const n = u.length;
  const L = Z.length;
  if (clusters.length === 0) return crossprod(Z.map((z) => z.map((v, i) => v * u[i])));
  const S = mat(L, L);
  for (const term of clusterTerms(clusters)) {
    const scores = Z.map((z) => {
      const s = new Float64Array(term.groups.levels);
      for (let i = 0; i < n; i++) s[term.groups.codes[i]] += z[i] * u[i];
      return s;
    });
    const part = crossprod(scores);
    for (let i = 0; i < S.data.length; i++) S.data[i] += term.sign * part.data[i];
  }
  return clusters.length > 1 ? fixNegativeEigenvalues(S).V : S;
}
