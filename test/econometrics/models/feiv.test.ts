import { describe, expect, it } from 'vitest';
import { fitIv } from '../../../econometrics/models/feiv.ts';
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
