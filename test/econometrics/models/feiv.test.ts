import { describe, expect, it } from 'vitest';
import { fitIv, parseEstimator } from '../../../econometrics/models/feiv.ts';
import { frameFromColumns } from '../../../econometrics/frame.ts';
import { frameFor, reference, relErr, repoRoot } from '../reference-helpers.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Sargan / Hansen J computed by hand in R on the demeaned data (test/fixtures/r/overid.R → .json)
const overidRef: {
  cases: { id: string; data: string; formula: string; vcov: string; nobs: number; test: string; stat: number; df: number; p: number; b_2sls: Record<string, number> }[];
} = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/r/overid.json'), 'utf8'));

describe('over-identification tests match R (Sargan for iid, two-step GMM Hansen J for hc1 and cluster)', () => {
  for (const c of overidRef.cases) {
    it(`${c.id}: ${c.formula} [${c.vcov}] → ${c.test}`, async () => {
      const frame = await frameFor(c);
      const res = fitIv(frame, c.formula, { vcov: c.vcov as never });
      expect(res.nobs).toBe(c.nobs);
      for (const [name, b] of Object.entries(c.b_2sls)) expect(relErr(res.coefficients[name].estimate, b)).toBeLessThan(1e-8);
      expect(res.overid).not.toBeNull();
      expect(res.overid!.test).toBe(c.test);
      expect(res.overid!.df).toBe(c.df);
      expect(relErr(res.overid!.stat, c.stat), `stat ${res.overid!.stat} vs ${c.stat}`).toBeLessThan(1e-6);
      expect(relErr(res.overid!.p, c.p)).toBeLessThan(1e-6);
    });
  }

  it('is null when the model is exactly identified', async () => {
    const c = reference.cases.find((x) => x.id === 'du_iv_justid_cluster')!;
    const res = fitIv(await frameFor(c), c.formula, { vcov: c.vcov as never });
    expect(res.overid).toBeNull();
  });
});


describe('feiv matches R (AER::ivreg with dummies + explicit sandwich) on du2021', () => {
  for (const c of reference.cases.filter((c) => c.model === 'iv')) {
    it(`${c.id}: ${c.formula} [${c.vcov}]`, async () => {
      const frame = await frameFor(c);
      const res = fitIv(frame, c.formula, { vcov: c.vcov as never });
      expect(res.nobs).toBe(c.nobs);
      expect(res.vcov.dof_k).toBe(c.dof_k);
      for (const [name, ref] of Object.entries(c.coefficients)) {
        expect(relErr(res.coefficients[name].estimate, ref.estimate), `${name} estimate`).toBeLessThan(1e-8);
        expect(relErr(res.coefficients[name].se, ref.se), `${name} se`).toBeLessThan(1e-6);
      }
      expect(relErr(res.ssr, c.ssr)).toBeLessThan(1e-8);
      for (const [endog, fs] of Object.entries(c.first_stage!)) {
        expect(relErr(res.first_stage[endog].F, fs.F)).toBeLessThan(1e-6);
        expect(relErr(res.first_stage[endog].partial_r2, fs.partial_r2)).toBeLessThan(1e-8);
        for (const [name, ref] of Object.entries(fs.coefficients)) {
          expect(relErr(res.first_stage[endog].coefficients[name].estimate, ref.estimate)).toBeLessThan(1e-8);
          expect(relErr(res.first_stage[endog].coefficients[name].se, ref.se)).toBeLessThan(1e-6);
        }
      }
      const d = c.diagnostics!;
      for (const key of ['kp_rk_lm', 'kp_rk_lm_p', 'kp_rk_wald_f', 'cragg_donald_f'] as const)
        expect(relErr(res.diagnostics[key], d[key]), key).toBeLessThan(1e-6);
      const K1 = Object.keys(c.first_stage!).length;
      const L1 = c.formula.split('~')[2].split('+').length;
      expect(res.diagnostics.stock_yogo_10pct).toBe(K1 === 1 && L1 === 1 ? 16.38 : K1 === 1 && L1 === 2 ? 19.93 : K1 === 2 && L1 === 3 ? 13.43 : null);
    });
  }
});

describe('feiv on constructed data', () => {
  it('rejects an underidentified model and a formula without IV part', () => {
    const n = 30;
    const z = Array.from({ length: n }, (_, i) => Math.sin(i));
    const e1 = z.map((v, i) => v + Math.cos(i));
    const e2 = z.map((v, i) => v * Math.cos(3 * i));
    const y = e1.map((v, i) => v + e2[i]);
    const frame = frameFromColumns({ numeric: { y, z, e1, e2 } });
    expect(() => fitIv(frame, 'y ~ 1 | e1 + e2 ~ z')).toThrow(/underidentified/);
    expect(() => fitIv(frame, 'y ~ e1')).toThrow(/no IV part/);
  });

  it('just-identified IV equals the Wald/ILS ratio cov(z,y)/cov(z,x)', () => {
    const n = 50;
    const z = Array.from({ length: n }, (_, i) => Math.sin(i * 0.7));
    const x = z.map((v, i) => 0.8 * v + 0.5 * Math.cos(i * 1.3));
    const y = x.map((v, i) => 2 * v + Math.cos(i * 1.3));
    const res = fitIv(frameFromColumns({ numeric: { y, x, z } }), 'y ~ 1 | x ~ z');
    const m = (a: number[]) => a.reduce((s, v) => s + v) / a.length;
    const cov = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - m(a)) * (b[i] - m(b)), 0);
    expect(res.coefficients.x.estimate).toBeCloseTo(cov(z, y) / cov(z, x), 10);
  });
});

describe('feiv: collinear variables, estimator option and k-class on constructed data', () => {
  const n = 30;
  const z = Array.from({ length: n }, (_, i) => Math.sin(i));
  const x = Array.from({ length: n }, (_, i) => Math.cos(i * 1.7));
  const e = x.map((v) => 2 * v);
  const w = x.map((v) => -3 * v);
  const d = z.map((v, i) => v + 0.5 * Math.cos(2.3 * i));
  const y = x.map((v, i) => v + d[i] + Math.cos(3 * i));
  const frame = frameFromColumns({ numeric: { y, z, x, e, w, d } });

  it('every endogenous regressor collinear with the exogenous ones is an input error', () => {
    expect(() => fitIv(frame, 'y ~ x | e ~ z')).toThrow('every endogenous regressor is collinear with the exogenous ones or the fixed effects');
  });

  it('exact messages: no IV part, underidentified', () => {
    expect(() => fitIv(frame, 'y ~ x')).toThrow("formula has no IV part '| endog ~ instruments': y ~ x");
    expect(() => fitIv(frame, 'y ~ 1 | d + x ~ z')).toThrow('model is underidentified: 2 endogenous regressor(s) but 1 usable excluded instrument(s)');
    // an instrument collinear with the exogenous regressors does not count
    expect(() => fitIv(frame, 'y ~ x | d ~ w')).toThrow('model is underidentified: 1 endogenous regressor(s) but 0 usable excluded instrument(s)');
  });

  it('collinear endogenous regressors and instruments are listed as omitted', () => {
    const r = fitIv(frame, 'y ~ 1 | x + e ~ z');
    expect(r.omitted).toEqual(['e']);
    expect(Object.keys(r.coefficients)).toEqual(['x', '_cons']);
    const r2 = fitIv(frame, 'y ~ x | d ~ z + w');
    expect(r2.omitted).toEqual(['w']);
    expect(r2.overid).toBeNull();
  });

  it('parseEstimator: default, case and surrounding spaces, bad Fuller constants', () => {
    expect(parseEstimator(undefined)).toEqual({ type: '2sls', alpha: null });
    expect(parseEstimator(' LIML ')).toEqual({ type: 'liml', alpha: null });
    expect(parseEstimator(' 2SLS')).toEqual({ type: '2sls', alpha: null });
    expect(parseEstimator(' fuller:4 ')).toEqual({ type: 'fuller', alpha: 4 });
    expect(parseEstimator('fuller:0.5')).toEqual({ type: 'fuller', alpha: 0.5 });
    expect(() => parseEstimator('fuller:0')).toThrow("--estimator 'fuller:0': Fuller's constant must be a number > 0 (fuller:1 is the usual choice)");
    expect(() => parseEstimator('fuller:-1')).toThrow(/must be a number > 0/);
    expect(() => parseEstimator('fuller:abc')).toThrow(/must be a number > 0/);
    expect(() => parseEstimator('fuller:')).toThrow("unknown estimator 'fuller:' (expected 2sls, liml or fuller:A, e.g. fuller:1)");
    expect(() => parseEstimator('')).toThrow(/unknown estimator ''/);
  });

  it('just identified: LIML is 2SLS (λ = 1); Fuller is the k-class estimate with k = 1 − a/(N − L)', () => {
    const m = (a: number[]) => a.reduce((s, v) => s + v) / a.length;
    const c = (a: number[]) => a.map((v) => v - m(a));
    const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
    const [yc, dc, zc] = [c(y), c(d), c(z)];
    const iv = dot(zc, yc) / dot(zc, dc);
    const liml = fitIv(frame, 'y ~ 1 | d ~ z', { estimator: 'liml' });
    expect(liml.estimator).toEqual({ type: 'liml', k: 1, lambda: 1, fuller_alpha: null });
    expect(liml.coefficients.d.estimate).toBeCloseTo(iv, 10);
    // L = 2: the instrument and the constant
    const k = 1 - 1 / (n - 2);
    const fuller = fitIv(frame, 'y ~ 1 | d ~ z', { estimator: 'fuller:1' });
    expect(fuller.estimator.type).toBe('fuller');
    expect(fuller.estimator.lambda).toBe(1);
    expect(fuller.estimator.fuller_alpha).toBe(1);
    expect(fuller.estimator.k).toBeCloseTo(k, 14);
    // b(k) = [(1−k) d'd + k d̂'d̂]⁻¹ [(1−k) d'y + k d̂'y], d̂ = z·(z'd/z'z), all centred
    const dh = zc.map((v) => (v * dot(zc, dc)) / dot(zc, zc));
    const bk = ((1 - k) * dot(dc, yc) + k * dot(dh, yc)) / ((1 - k) * dot(dc, dc) + k * dot(dh, dh));
    expect(fuller.coefficients.d.estimate).toBeCloseTo(bk, 10);
    expect(fuller.coefficients.d.estimate).not.toBeCloseTo(iv, 6);
  });
});
