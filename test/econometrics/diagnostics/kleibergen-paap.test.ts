import { describe, expect, it } from 'vitest';
import { kpRankTest, squaredCanonicalCorrelations, stockYogo10 } from '../../../econometrics/diagnostics/kleibergen-paap.ts';
import { crossprod, crossprodVec, invSpd, matvec, quadFormInv, mat } from '../../../econometrics/linalg.ts';
import { frameFor, reference, relErr } from '../reference-helpers.ts';
import { fitIv } from '../../../econometrics/models/feiv.ts';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
}
const centre = (x: Float64Array) => { const m = x.reduce((a, b) => a + b) / x.length; return x.map((v) => v - m); };

function data(n: number, L: number, K: number, seed: number) {
  const r = lcg(seed);
  const Z = Array.from({ length: L }, () => centre(Float64Array.from({ length: n }, r)));
  const Y = Array.from({ length: K }, (_, k) =>
    centre(Float64Array.from({ length: n }, (_, i) => Z.reduce((s, z, l) => s + z[i] * (0.3 + 0.2 * l * (k + 1)), 0) + r() * (1 + (i % 3)))));
  const groups = { name: 'g', levels: 20, codes: Int32Array.from({ length: n }, (_, i) => i % 20) };
  return { Z, Y, groups };
}

describe('Kleibergen-Paap rk statistic', () => {
  it('with one endogenous regressor, rk Wald is the cluster-robust Wald test of the instruments and rk LM the robust score test', () => {
    const { Z, Y, groups } = data(200, 3, 1, 11);
    const L = Z.length;
    const zzInv = invSpd(crossprod(Z));
    const pi = matvec(zzInv, crossprodVec(Z, Y[0]));
    const e = Y[0].map((v, i) => v - Z.reduce((s, z, l) => s + z[i] * pi[l], 0));
    const clusterSums = (res: Float64Array) => {
      const S = mat(L, L);
      const sc = new Float64Array(groups.levels * L);
      for (let i = 0; i < res.length; i++) for (let l = 0; l < L; l++) sc[groups.codes[i] * L + l] += Z[l][i] * res[i];
      for (let g = 0; g < groups.levels; g++) for (let a = 0; a < L; a++) for (let b = 0; b < L; b++) S.data[a * L + b] += sc[g * L + a] * sc[g * L + b];
      return S;
    };
    // Wald: π' [ (Z'Z)^-1 S (Z'Z)^-1 ]^-1 π
    const S = clusterSums(e);
    const Vpi = mat(L, L);
    for (let a = 0; a < L; a++) for (let b = 0; b < L; b++) {
      let s = 0;
      for (let c = 0; c < L; c++) for (let d = 0; d < L; d++) s += zzInv.data[a * L + c] * S.data[c * L + d] * zzInv.data[d * L + b];
      Vpi.data[a * L + b] = s;
    }
    const wald = quadFormInv(Vpi, pi);
    expect(relErr(kpRankTest(Y, Z, [groups], 'wald').stat, wald)).toBeLessThan(1e-10);
    // LM: (Z'y)' S0^-1 (Z'y) with scores under π = 0
    const lm = quadFormInv(clusterSums(Y[0]), crossprodVec(Z, Y[0]));
    expect(relErr(kpRankTest(Y, Z, [groups], 'lm').stat, lm)).toBeLessThan(1e-10);
  });

  it('is invariant to rescaling and recombining the endogenous columns', () => {
    const { Z, Y, groups } = data(300, 4, 2, 5);
    const a = kpRankTest(Y, Z, [groups], 'wald').stat;
    const Y2 = [Y[0].map((v, i) => 3 * v + Y[1][i]), Y[1].map((v) => -0.5 * v)];
    expect(relErr(kpRankTest(Y2, Z, [groups], 'wald').stat, a)).toBeLessThan(1e-8);
    expect(kpRankTest(Y, Z, [groups], 'wald').df).toBe(3);
  });

  it('squared canonical correlations are the eigenvalues of (Y\'Y)^-1 Y\'P_Z Y (one endogenous: the R² of Y on Z)', () => {
    const { Z, Y } = data(150, 2, 1, 9);
    const b = matvec(invSpd(crossprod(Z)), crossprodVec(Z, Y[0]));
    const fit = Y[0].map((_, i) => Z.reduce((s, z, l) => s + z[i] * b[l], 0));
    const r2 = fit.reduce((s, v) => s + v * v, 0) / Y[0].reduce((s, v) => s + v * v, 0);
    expect(squaredCanonicalCorrelations(Y, Z)[0]).toBeCloseTo(r2, 12);
  });

  it('Stock-Yogo 10% maximal IV size values for the usual small cases', () => {
    expect(stockYogo10(1, 1)).toBe(16.38);
    expect(stockYogo10(1, 2)).toBe(19.93);
    expect(stockYogo10(1, 3)).toBe(22.3);
    expect(stockYogo10(2, 2)).toBe(7.03);
    expect(stockYogo10(2, 1)).toBeNull();
    expect(stockYogo10(3, 5)).toBeNull();
  });

  it('on the du2021 IV cases the engine equals R\'s K = 1 formulas written without ranktest (cluster-robust Wald and score tests)', async () => {
    const cases = reference.cases.filter((c) => c.diagnostics?.check_wald_k1 !== undefined);
    expect(cases.map((c) => c.id)).toEqual(['du_iv1_cluster', 'du_iv_justid_cluster']);
    for (const c of cases) {
      const res = fitIv(await frameFor(c), c.formula, { vcov: c.vcov as never });
      const d = res.diagnostics!;
      expect(relErr(d.kp_rk_lm, c.diagnostics!.check_lm_k1)).toBeLessThan(1e-6);
      // ivreg2's F form of the rk Wald statistic: W/(N − 1)·(N − K₁)·(G − 1)/G / L, K₁ the first stage's
      // regressors (the second stage's, less the endogenous one, plus the L excluded instruments).
      const L = c.formula.split('~')[2].split('+').length;
      const K1 = c.dof_k - 1 + L;
      const N = c.nobs;
      const G = res.vcov.clusters!;
      expect(G).toBe(105);
      expect(relErr(d.kp_rk_wald_f, (c.diagnostics!.check_wald_k1 / (N - 1)) * (N - K1) * ((G - 1) / G) / L)).toBeLessThan(1e-6);
    }
  });
});
