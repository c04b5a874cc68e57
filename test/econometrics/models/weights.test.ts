import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameFromColumns } from '../../../econometrics/frame.ts';
import { fitIv } from '../../../econometrics/models/feiv.ts';
import { fitFe } from '../../../econometrics/models/feols.ts';
import { frameFor, relErr, repoRoot } from '../reference-helpers.ts';

// Analytic weights against R: lm(weights =) / AER::ivreg(weights =) with the fixed effects as dummies, vcov by
// hand and checked against sandwich (test/fixtures/r/weights.R → weights.json)
interface WeightsCase {
  id: string;
  model: 'fe' | 'iv';
  data: string;
  formula: string;
  vcov: string;
  weights: string;
  nobs: number;
  zero_weight: number;
  dof_k: number;
  weight_sum: number;
  ssr: number;
  r2: number;
  coefficients: Record<string, { estimate: number; se: number }>;
}
const reference: { cases: WeightsCase[] } = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/r/weights.json'), 'utf8'));

describe('weighted fe and iv match R (lm/ivreg weights, sandwich)', () => {
  for (const c of reference.cases) {
    it(`${c.id}: ${c.formula} [${c.vcov}, weights ${c.weights}]`, async () => {
      const frame = await frameFor(c, ['pop', 'year']);
      // pop0: pop, but 0 for cities 10, 20, …, 100 in 2002–2004 (as the R script)
      const city = frame.numeric.cityno;
      const year = frame.numeric.year;
      frame.numeric.pop0 = Float64Array.from(frame.numeric.pop, (p, i) => (city[i] % 10 === 0 && year[i] < 2005 ? 0 : p));
      const opts = { vcov: c.vcov as never, weights: c.weights };
      const res = c.model === 'fe' ? fitFe(frame, c.formula, opts) : fitIv(frame, c.formula, opts);
      expect(res.nobs).toBe(c.nobs);
      expect(res.dropped.zero_weight).toBe(c.zero_weight);
      expect(res.vcov.dof_k).toBe(c.dof_k);
      expect(res.weights!.variable).toBe(c.weights);
      expect(relErr(res.weights!.sum, c.weight_sum)).toBeLessThan(1e-12);
      for (const [name, ref] of Object.entries(c.coefficients)) {
        expect(relErr(res.coefficients[name].estimate, ref.estimate), `${name} estimate`).toBeLessThan(1e-8);
        expect(relErr(res.coefficients[name].se, ref.se), `${name} se`).toBeLessThan(1e-6);
      }
      expect(relErr(res.ssr, c.ssr)).toBeLessThan(1e-8);
      expect(relErr(res.r2, c.r2)).toBeLessThan(1e-8);
    });
  }
});

describe('weights', () => {
  const n = 40;
  const unit = Array.from({ length: n }, (_, i) => i % 5);
  const x = Array.from({ length: n }, (_, i) => Math.sin(i * 1.3));
  const y = x.map((v, i) => 1 + 2 * v + unit[i] * 0.3 + Math.cos(i * 0.7));
  const w = Array.from({ length: n }, (_, i) => 1 + (i % 3));

  it('equal weights give the unweighted fit, and the scale of the weights changes nothing', () => {
    const frame = frameFromColumns({ numeric: { y, x, one: x.map(() => 1), w, w10: w.map((v) => 10 * v) }, factors: { unit } });
    for (const vcov of ['iid', 'hc1', 'cluster:unit'] as const) {
      const plain = fitFe(frame, 'y ~ x | unit', { vcov });
      const ones = fitFe(frame, 'y ~ x | unit', { vcov, weights: 'one' });
      expect(ones.coefficients.x.estimate).toBeCloseTo(plain.coefficients.x.estimate, 12);
      expect(ones.coefficients.x.se).toBeCloseTo(plain.coefficients.x.se, 12);
      expect(ones.coefficients._cons.se).toBeCloseTo(plain.coefficients._cons.se, 12);
      const a = fitFe(frame, 'y ~ x | unit', { vcov, weights: 'w' });
      const b = fitFe(frame, 'y ~ x | unit', { vcov, weights: 'w10' });
      expect(b.coefficients.x.se).toBeCloseTo(a.coefficients.x.se, 12);
      expect(b.ssr).toBeCloseTo(a.ssr, 10);
    }
  });

  it('an integer weight equals repeating the row (coefficients)', () => {
    const rows: number[] = [];
    w.forEach((k, i) => { for (let r = 0; r < k; r++) rows.push(i); });
    const repeated = frameFromColumns({ numeric: { y: rows.map((i) => y[i]), x: rows.map((i) => x[i]) }, factors: { unit: rows.map((i) => unit[i]) } });
    const weighted = frameFromColumns({ numeric: { y, x, w }, factors: { unit } });
    expect(fitFe(weighted, 'y ~ x | unit', { weights: 'w' }).coefficients.x.estimate)
      .toBeCloseTo(fitFe(repeated, 'y ~ x | unit').coefficients.x.estimate, 12);
  });

  it('rejects negative weights and drops missing ones', () => {
    const bad = frameFromColumns({ numeric: { y, x, w: w.map((v, i) => (i === 3 ? -1 : v)) } });
    expect(() => fitFe(bad, 'y ~ x', { weights: 'w' })).toThrow(/negative in 1 row/);
    const missing = frameFromColumns({ numeric: { y, x, w: w.map((v, i) => (i < 2 ? null : v)) } });
    const r = fitFe(missing, 'y ~ x', { weights: 'w' });
    expect(r.nobs).toBe(n - 2);
    expect(r.dropped).toEqual({ missing: 2, singletons: 0, zero_weight: 0 });
  });
});
