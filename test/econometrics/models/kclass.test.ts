import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitIv, parseEstimator } from '../../../econometrics/models/feiv.ts';
import { frameFor, relErr, repoRoot } from '../reference-helpers.ts';

// LIML and Fuller against the k-class formulas computed by hand in R (test/fixtures/r/kclass.R → kclass.json)
interface KclassCase {
  id: string;
  data: string;
  formula: string;
  vcov: string;
  estimator: string;
  nobs: number;
  dof_k: number;
  lambda: number;
  k: number;
  ssr: number;
  coefficients: Record<string, { estimate: number; se: number }>;
}
const reference: { cases: KclassCase[] } = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/r/kclass.json'), 'utf8'));

describe('LIML and Fuller match the k-class formulas (R by hand)', () => {
  for (const c of reference.cases) {
    it(`${c.id}: ${c.formula} [${c.estimator}, ${c.vcov}]`, async () => {
      const res = fitIv(await frameFor(c), c.formula, { vcov: c.vcov as never, estimator: c.estimator as never });
      expect(res.nobs).toBe(c.nobs);
      expect(res.vcov.dof_k).toBe(c.dof_k);
      expect(res.estimator.type).toBe(parseEstimator(c.estimator).type);
      expect(relErr(res.estimator.lambda!, c.lambda)).toBeLessThan(1e-10);
      expect(relErr(res.estimator.k, c.k)).toBeLessThan(1e-10);
      for (const [name, ref] of Object.entries(c.coefficients)) {
        expect(relErr(res.coefficients[name].estimate, ref.estimate), `${name} estimate`).toBeLessThan(1e-8);
        expect(relErr(res.coefficients[name].se, ref.se), `${name} se`).toBeLessThan(1e-6);
      }
      expect(relErr(res.ssr, c.ssr)).toBeLessThan(1e-8);
    });
  }

  it('2SLS is the default and k = 1; bad estimator names are input errors', async () => {
    const c = reference.cases[0];
    const res = fitIv(await frameFor(c), c.formula);
    expect(res.estimator).toEqual({ type: '2sls', k: 1, lambda: null, fuller_alpha: null });
    expect(() => parseEstimator('gmm')).toThrow(/unknown estimator 'gmm'/);
    expect(() => parseEstimator('fuller:0')).toThrow(/must be a number > 0/);
    expect(parseEstimator('FULLER:1')).toEqual({ type: 'fuller', alpha: 1 });
  });
});
