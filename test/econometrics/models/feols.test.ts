import { describe, expect, it } from 'vitest';
import { fitFe, estimateFe } from '../../../econometrics/models/feols.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../econometrics/errors.ts';
import { frameFromColumns } from '../../../econometrics/frame.ts';
import { loadFrame } from '../../../econometrics/io/load.ts';
import { frameFor, reference, relErr } from '../reference-helpers.ts';


describe('feols matches R (lm with dummies + sandwich) on the reference data', () => {
  for (const c of reference.cases.filter((c) => c.model === 'fe')) {
    it(`${c.id}: ${c.formula} [${c.vcov}]`, async () => {
      const frame = await frameFor(c);
      const res = fitFe(frame, c.formula, { vcov: c.vcov as never });
      expect(res.nobs).toBe(c.nobs);
      expect(res.dropped.singletons).toBe(c.singletons);
      expect(res.vcov.dof_k).toBe(c.dof_k);
      if (c.clusters) expect(res.vcov.clusters).toBe(c.clusters);
      for (const [name, ref] of Object.entries(c.coefficients)) {
        expect(res.coefficients[name], name).toBeDefined();
        expect(relErr(res.coefficients[name].estimate, ref.estimate), `${name} estimate`).toBeLessThan(1e-8);
        expect(relErr(res.coefficients[name].se, ref.se), `${name} se`).toBeLessThan(1e-6);
      }
      expect(relErr(res.ssr, c.ssr)).toBeLessThan(1e-8);
      expect(relErr(res.r2, c.r2!)).toBeLessThan(1e-8);
      expect(relErr(res.r2_within, c.r2_within!)).toBeLessThan(1e-8);
    });
  }

  it('two-way within estimator equals plm(effect = "twoways")', async () => {
    const pc = reference.plm_check;
    const frame = await frameFor({ data: 'du2021', formula: pc.formula, vcov: 'iid' });
    const res = fitFe(frame, pc.formula);
    for (const [name, b] of Object.entries(pc.coefficients)) expect(relErr(res.coefficients[name].estimate, b)).toBeLessThan(1e-8);
  });
});

describe('feols on constructed data', () => {
  it('recovers exact coefficients of a noiseless two-way model and reports the reghdfe _cons', () => {
    const n = 60;
    const unit: number[] = [], time: number[] = [], x: number[] = [], y: number[] = [];
    for (let i = 0; i < n; i++) {
      const u = i % 12, t = Math.floor(i / 12);
      const xi = Math.sin(i * 1.7) + 0.1 * t;
      unit.push(u); time.push(t); x.push(xi);
      y.push(2 + 1.5 * xi + 0.3 * u - 0.2 * t * t);
    }
    const frame = frameFromColumns({ numeric: { y, x }, factors: { unit, time } });
    const d = estimateFe(frame, 'y ~ x | unit + time');
    expect(d.result.coefficients.x.estimate).toBeCloseTo(1.5, 10);
    const ybar = y.reduce((a, b) => a + b) / n, xbar = x.reduce((a, b) => a + b) / n;
    expect(d.result.coefficients._cons.estimate).toBeCloseTo(ybar - 1.5 * xbar, 9);
    expect(d.result.r2).toBeCloseTo(1, 12);
  });

  it('drops collinear regressors and reports them', () => {
    const n = 40;
    const unit = Array.from({ length: n }, (_, i) => i % 8);
    const x1 = Array.from({ length: n }, (_, i) => Math.cos(i));
    const x2 = x1.map((v) => 2 * v); // collinear with x1
    const size = unit.map((u) => u * 3.0); // constant within unit: absorbed by the unit FE
    const y = x1.map((v, i) => v + Math.sin(i * 3));
    const frame = frameFromColumns({ numeric: { y, x1, x2, size }, factors: { unit } });
    const res = fitFe(frame, 'y ~ x1 + x2 + size | unit');
    expect(res.omitted).toEqual(['x2', 'size']);
    expect(Object.keys(res.coefficients)).toEqual(['x1', '_cons']);
  });

  it('drops missing rows listwise and singletons iteratively, counting both', () => {
    // unit 9 appears once (singleton); row 0 has a missing y
    const unit = [0, 0, 0, 1, 1, 1, 2, 2, 2, 9];
    const time = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
    const x = [1, 2, 3, 2, 5, 1, 4, 4, 6, 3];
    const y = [null, 1, 4, 2, 7, 2, 3, 5, 8, 1];
    const frame = frameFromColumns({ numeric: { y, x }, factors: { unit, time } });
    const res = fitFe(frame, 'y ~ x | unit + time');
    expect(res.dropped).toEqual({ missing: 1, singletons: 1 });
    expect(res.nobs).toBe(8);
  });

  it("rejects 'inf' in a regressor read from a CSV (not silently missing), naming the column and the rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feols-inf-'));
    const csv = join(dir, 'd.csv');
    writeFileSync(csv, 'y,x,g\n1,2,a\n2,inf,a\n3,-inf,b\n4,5,b\n5,6,c\n6,1,c\n7,inf,c\n');
    const frame = await loadFrame({ data: csv }, ['y', 'x'], ['g']);
    expect(() => fitFe(frame, 'y ~ x | g')).toThrow(InputError);
    expect(() => fitFe(frame, 'y ~ x | g')).toThrow(/variable 'x' is infinite \(inf or -inf\) in 3 rows/);
  });

  it('with no fixed effects is OLS with an intercept', () => {
    const x = [1, 2, 3, 4, 5, 6];
    const y = [2.1, 3.9, 6.2, 7.8, 10.1, 12.2];
    const res = fitFe(frameFromColumns({ numeric: { x, y } }), 'y ~ x', { vcov: 'hc1' });
    // closed form
    const xb = 3.5, yb = y.reduce((a, b) => a + b) / 6;
    let sxy = 0, sxx = 0;
    x.forEach((v, i) => { sxy += (v - xb) * (y[i] - yb); sxx += (v - xb) ** 2; });
    expect(res.coefficients.x.estimate).toBeCloseTo(sxy / sxx, 12);
    expect(res.coefficients._cons.estimate).toBeCloseTo(yb - (sxy / sxx) * xb, 12);
    expect(res.fixed_effects).toEqual([]);
  });
});
