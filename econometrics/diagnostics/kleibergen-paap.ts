// Weak- and under-identification statistics for IV, as Stata ivreg2/ivreghdfe report them.
//
// Kleibergen–Paap rk statistic (Kleibergen & Paap 2006; Stata `ranktest`), for the test that the
// L×K matrix of first-stage coefficients has rank K−1 (under-identification). Y (N×K endogenous) and
// Z (N×L excluded instruments) are first partialled on the exogenous regressors and the fixed effects.
//   Π̂ = (Z'Z)⁻¹Z'Y,  F = chol(Z'Z) (upper: F'F = Z'Z),  G = chol(Y'Y) (upper),  Θ = F Π̂ G⁻¹
//   full SVD Θ = U S V';  with U22 = U[K..L, K..L], U12 = U[1..K−1, K..L], v22 = V[K,K], v12 = V[1..K−1, K]
//   A = [U12; U22] U22⁻¹ (U22 U22')^{½},   B = (v22²)^{½} v22⁻¹ [v12; v22]'
//   λ = (B ⊗ A') vec Θ,   Ω = (B ⊗ A') V̂ (B ⊗ A')',   rk = λ' Ω⁻¹ λ  ~ χ²(L−K+1)
//   V̂ = M S M' with M = (G⁻¹)' ⊗ F(Z'Z)⁻¹ and S = Σ_g vec(Z_g'e_g) vec(Z_g'e_g)' (heteroskedastic: one
//   observation per g), e = Y for the LM statistic (scores under Π = 0), e = Y − ZΠ̂ for the Wald statistic;
//   no small-sample factor (ranktest).
// rk Wald F (ivreg2 "Kleibergen-Paap rk Wald F"): clustered rk_W/(N−1)·(N−K₁)·(G−1)/G / L, robust
// rk_W/N·(N−K₁)/L, with K₁ the number of first-stage parameters (exogenous + excluded instruments + absorbed
// fixed effects, counted as for the vcov). With K = 1 it equals the first-stage F test of the instruments.
// Cragg–Donald Wald F: ev/(1−ev)·(N−K₁)/L with ev the smallest squared canonical correlation between Y and Z
// (homoskedastic statistic: K₁ counts all fixed-effect levels). Without a robust vcov, the "KP" slots hold
// ivreg2's homoskedastic versions: Anderson canonical-correlation LM = N·ev and the Cragg–Donald F.
// Driscoll–Kraay: S is the Bartlett-weighted long-run covariance of the period sums of the scores (vcov.ts
// timeMeat), as ivreg2's kernel-robust clustering on time, and the Wald F is scaled as clustered with G = T.
import { chi2PValue } from '../dist.ts';
import type { Grouping } from '../frame.ts';
import {
  cholesky,
  crossprod,
  inverse,
  invSpd,
  kron,
  mat,
  matmul,
  quadFormInv,
  sqrtSym,
  submatrix,
  symEigen,
  transpose,
  type Mat,
} from '../linalg.ts';
import { clusterTerms, fixNegativeEigenvalues, timeMeat, type TimeGrouping, type VcovSpec } from '../vcov.ts';
import { stockYogo } from './stock-yogo.ts';

/** Stock & Yogo (2005) 10% maximal IV size critical value (Table 5.2), null where not tabulated (see stock-yogo.ts). */
export function stockYogo10(endogenous: number, instruments: number): number | null {
  return stockYogo(endogenous, instruments).iv_size?.['10'] ?? null;
}

interface ThetaParts {
  K: number;
  L: number;
  theta: Mat; // L×K
  F: Mat; // upper, F'F = Z'Z
  Ginv: Mat; // G⁻¹
  zzInv: Mat;
  pihat: Mat; // L×K
}

function thetaParts(Y: Float64Array[], Z: Float64Array[]): ThetaParts {
  const K = Y.length;
  const L = Z.length;
  const zz = crossprod(Z);
  const yy = crossprod(Y);
  const zy = crossprod(Z, Y);
  const zzInv = invSpd(zz);
  const pihat = matmul(zzInv, zy);
  const F = transpose(cholesky(zz));
  const G = transpose(cholesky(yy));
  const Ginv = inverse(G);
  return { K, L, theta: matmul(matmul(F, pihat), Ginv), F, Ginv, zzInv, pihat };
}

/** Squared canonical correlations between the columns of Y and Z (descending). */
export function squaredCanonicalCorrelations(Y: Float64Array[], Z: Float64Array[]): Float64Array {
  const { theta } = thetaParts(Y, Z);
  return symEigen(matmul(transpose(theta), theta)).values;
}

/**
 * Kleibergen–Paap rk statistic for H0: rank(Π) = K − 1. `groups` = the cluster variables' groupings (several:
 * multi-way, S combined as Cameron, Gelbach & Miller 2011, negative eigenvalues set to 0), or null for the
 * heteroskedasticity-robust version (every observation its own group).
 */
export function kpRankTest(
  Y: Float64Array[],
  Z: Float64Array[],
  groups: Grouping[] | null,
  kind: 'lm' | 'wald',
  driscollKraay: { time: TimeGrouping; lags: number } | null = null,
): { stat: number; df: number } {
  const { K, L, theta, F, Ginv, zzInv, pihat } = thetaParts(Y, Z);
  const n = Y[0].length;
  // full SVD through the two symmetric eigenproblems; the statistic depends only on the singular subspaces
  const U = symEigen(matmul(theta, transpose(theta))).vectors; // L×L
  const V = symEigen(matmul(transpose(theta), theta)).vectors; // K×K
  const tail = Array.from({ length: L - K + 1 }, (_, i) => K - 1 + i);
  const all = Array.from({ length: L }, (_, i) => i);
  const u22 = submatrix(U, tail, tail);
  const A = matmul(matmul(submatrix(U, all, tail), inverse(u22)), sqrtSym(matmul(u22, transpose(u22))));
  const v22 = V.data[(K - 1) * K + (K - 1)];
  const B = mat(1, K);
  for (let j = 0; j < K; j++) B.data[j] = Math.sign(v22) * V.data[j * K + (K - 1)];
  const kr = kron(B, transpose(A)); // (L−K+1) × KL

  const vecTheta = new Float64Array(K * L);
  for (let j = 0; j < K; j++) for (let i = 0; i < L; i++) vecTheta[j * L + i] = theta.data[i * K + j];
  const lambda = new Float64Array(kr.rows);
  for (let r = 0; r < kr.rows; r++) {
    let s = 0;
    for (let c = 0; c < kr.cols; c++) s += kr.data[r * kr.cols + c] * vecTheta[c];
    lambda[r] = s;
  }

  // scores vec(Z_g' e_g): index j*L + l (endogenous outer, instrument inner)
  const e: Float64Array[] = Y.map((y, j) => {
    if (kind === 'lm') return y;
    const r = Float64Array.from(y);
    for (let l = 0; l < L; l++) {
      const p = pihat.data[l * K + j];
      const z = Z[l];
      for (let i = 0; i < n; i++) r[i] -= p * z[i];
    }
    return r;
  });
  const KL = K * L;
  let S = mat(KL, KL);
  const addOuter = (s: Float64Array, sign = 1) => {
    for (let a = 0; a < KL; a++) {
      const sa = sign * s[a];
      if (sa === 0) continue;
      for (let b = 0; b < KL; b++) S.data[a * KL + b] += sa * s[b];
    }
  };
  if (driscollKraay) {
    const scores: Float64Array[] = [];
    for (let j = 0; j < K; j++) for (let l = 0; l < L; l++) scores.push(Float64Array.from(Z[l], (z, i) => z * e[j][i]));
    S = timeMeat(scores, null, driscollKraay.time, driscollKraay.lags);
  } else if (groups) {
    for (const term of clusterTerms(groups)) {
      const G = term.groups.levels;
      const codes = term.groups.codes;
      const sc = new Float64Array(G * KL);
      for (let j = 0; j < K; j++)
        for (let l = 0; l < L; l++) {
          const ej = e[j];
          const zl = Z[l];
          const col = j * L + l;
          for (let i = 0; i < n; i++) sc[codes[i] * KL + col] += zl[i] * ej[i];
        }
      for (let g = 0; g < G; g++) addOuter(sc.subarray(g * KL, (g + 1) * KL), term.sign);
    }
    if (groups.length > 1) S = fixNegativeEigenvalues(S).V;
  } else {
    const s = new Float64Array(KL);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < K; j++) for (let l = 0; l < L; l++) s[j * L + l] = Z[l][i] * e[j][i];
      addOuter(s);
    }
  }
  const M = kron(transpose(Ginv), matmul(F, zzInv));
  const Vhat = matmul(matmul(M, S), transpose(M));
  const omega = matmul(matmul(kr, Vhat), transpose(kr));
  return { stat: quadFormInv(omega, lambda), df: L - K + 1 };
}

export interface IvDiagnostics {
  kp_rk_lm: number;
  kp_rk_lm_p: number;
  kp_rk_wald_f: number;
  cragg_donald_f: number;
  stock_yogo_10pct: number | null;
}

/**
 * @param Y endogenous regressors partialled on exogenous regressors and fixed effects
 * @param Z excluded instruments, partialled likewise
 * @param firstStageK first-stage parameter count as used by the vcov (nested fixed effects left out when clustering)
 * @param firstStageKFull first-stage parameter count with all fixed-effect levels (for Cragg–Donald)
 */
export function ivDiagnostics(
  Y: Float64Array[],
  Z: Float64Array[],
  spec: VcovSpec,
  clusters: Grouping[],
  firstStageK: number,
  firstStageKFull: number,
): IvDiagnostics {
  const n = Y[0].length;
  const K = Y.length;
  const L = Z.length;
  const ev = squaredCanonicalCorrelations(Y, Z);
  const evMin = ev[ev.length - 1];
  const cragg = (evMin / (1 - evMin)) * ((n - firstStageKFull) / L);
  const sy = stockYogo10(K, L);
  if (spec.type === 'iid') {
    const anderson = n * evMin;
    return {
      kp_rk_lm: anderson,
      kp_rk_lm_p: chi2PValue(anderson, L - K + 1),
      kp_rk_wald_f: cragg,
      cragg_donald_f: cragg,
      stock_yogo_10pct: sy,
    };
  }
  const groups = spec.type === 'cluster' ? clusters : null;
  const dk = spec.type === 'dk' ? { time: clusters[0] as TimeGrouping, lags: spec.lags } : null;
  const lm = kpRankTest(Y, Z, groups, 'lm', dk);
  const wald = kpRankTest(Y, Z, groups, 'wald', dk);
  // multi-way: the smallest number of clusters; Driscoll–Kraay: the number of periods
  const G = groups ? Math.min(...groups.map((g) => g.levels)) : dk ? dk.time.levels : 0;
  const waldF = groups || dk
    ? (wald.stat / (n - 1)) * (n - firstStageK) * ((G - 1) / G) / L
    : ((wald.stat / n) * (n - firstStageK)) / L;
  return {
    kp_rk_lm: lm.stat,
    kp_rk_lm_p: chi2PValue(lm.stat, lm.df),
    kp_rk_wald_f: waldF,
    cragg_donald_f: cragg,
    stock_yogo_10pct: sy,
  };
}
