import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tPValue } from '../../econometrics/dist.ts';
import { parseFormula } from '../../econometrics/formula.ts';
import { frameFromColumns } from '../../econometrics/frame.ts';
import { fitIv } from '../../econometrics/models/feiv.ts';
import { fitFe } from '../../econometrics/models/feols.ts';
import { isVcovOption, parseVcov, timeGrouping, timeMeat } from '../../econometrics/vcov.ts';
import { frameFor, relErr, repoRoot } from './reference-helpers.ts';

// Driscoll–Kraay against R: Bartlett long-run covariance of the period sums of the scores, checked against
// sandwich::vcovPL, times T/(T−1)(N−1)/(N−K) (test/fixtures/r/driscoll-kraay.R → driscoll-kraay.json)
interface DkCase {
  id: string;
  data: string;
  formula: string;
  vcov: string;
  time: string;
  weights: string | null;
  where: string | null;
  nobs: number;
  dof_k: number;
  periods: number;
  coefficients: Record<string, { estimate: number; se: number }>;
}
const reference: { cases: DkCase[] } = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/r/driscoll-kraay.json'), 'utf8'));

describe('Driscoll–Kraay vcov matches R (sandwich::vcovPL with the small-sample factor)', () => {
  for (const c of reference.cases) {
    it(`${c.id}: ${c.formula} [${c.vcov}${c.weights ? `, weights ${c.weights}` : ''}]`, async () => {
      const frame = await frameFor(c, ['year', 'pop']);
      const opts = { vcov: c.vcov as never, time: c.time, weights: c.weights ?? undefined };
      const res = parseFormula(c.formula).endog.length ? fitIv(frame, c.formula, opts) : fitFe(frame, c.formula, opts);
      expect(res.nobs).toBe(c.nobs);
      expect(res.vcov.type).toBe('dk');
      expect(res.vcov.dof_k).toBe(c.dof_k);
      expect(res.vcov.clusters).toBe(c.periods);
      expect(res.vcov.driscoll_kraay).toEqual({ time: 'year', lags: Number(c.vcov.slice(3)), periods: c.periods });
      for (const [name, ref] of Object.entries(c.coefficients)) {
        expect(relErr(res.coefficients[name].estimate, ref.estimate), `${name} estimate`).toBeLessThan(1e-8);
        expect(relErr(res.coefficients[name].se, ref.se), `${name} se`).toBeLessThan(1e-6);
      }
      // t tests with T − 1 degrees of freedom
      for (const coef of Object.values(res.coefficients)) expect(coef.p).toBeCloseTo(tPValue(coef.t, c.periods - 1), 14);
    });
  }
});

describe('Driscoll–Kraay options and kernel', () => {
  it('parses dk:LAGS and dk:LAGS:VAR and needs a period variable', () => {
    expect(parseVcov('dk:2')).toEqual({ type: 'dk', lags: 2 });
    expect(parseVcov('dk:0:year')).toEqual({ type: 'dk', lags: 0, time: 'year' });
    expect(isVcovOption('dk:3')).toBe(true);
    expect(isVcovOption('dk:x')).toBe(false);
    expect(() => parseVcov('dk:1.5')).toThrow(/whole number of lags/);
    const frame = frameFromColumns({ numeric: { y: [1, 2, 3, 4, 2, 1], x: [0, 1, 0, 2, 1, 3], t: [1, 2, 3, 1, 2, 3] } });
    expect(() => fitFe(frame, 'y ~ x', { vcov: 'dk:1' })).toThrow(/needs the period variable/);
    expect(fitFe(frame, 'y ~ x', { vcov: 'dk:1', time: 't' }).vcov.clusters).toBe(3);
  });

  it('pairs lags by the value of the period: a missing period breaks the pair', () => {
    // periods 1, 2, 4: lag 1 pairs (2,1) only; lag 2 pairs (4,2) only
    const time = timeGrouping('t', Float64Array.from([4, 1, 2, 2]));
    expect(Array.from(time.periods)).toEqual([1, 2, 4]);
    const s = Float64Array.from([1, 10, 100, 1000]); // h_1 = 10, h_2 = 1100, h_4 = 1
    const meat = timeMeat([s], null, time, 2);
    const h1 = 10, h2 = 1100, h4 = 1;
    expect(meat.data[0]).toBeCloseTo(h1 * h1 + h2 * h2 + h4 * h4 + 2 * (1 - 1 / 3) * h2 * h1 + 2 * (1 - 2 / 3) * h4 * h2, 8);
  });
});
