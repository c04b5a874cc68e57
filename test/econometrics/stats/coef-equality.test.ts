import { describe, expect, it } from 'vitest';
import { equalCoefficientsTest } from '../../../econometrics/stats/coef-equality.ts';
import { fitFe } from '../../../econometrics/models/feols.ts';
import { frameFromColumns, takeRows } from '../../../econometrics/frame.ts';

describe('equal coefficients across two subsamples', () => {
  const units = 40, periods = 5;
  const unit: number[] = [], year: number[] = [], east: number[] = [], x: number[] = [], w: number[] = [], y: number[] = [];
  for (let u = 0; u < units; u++)
    for (let t = 0; t < periods; t++) {
      const e = u < 20 ? 1 : 0;
      const xi = Math.sin(u * 0.9 + t * 1.7), wi = Math.cos(u * 1.1 + t * 0.3);
      unit.push(u); year.push(t); east.push(e); x.push(xi); w.push(wi);
      y.push((e ? 0.9 : 0.4) * xi + 0.2 * wi + 0.1 * t * e + 0.3 * Math.sin(u * t * 0.77));
    }
  const frame = frameFromColumns({ numeric: { y, x, w, east }, factors: { unit, year } });

  it('pooled interaction form reproduces the separate regressions and tests the difference with t(G-1)', () => {
    const r = equalCoefficientsTest(frame, { y: 'y', x: 'x', controls: ['w'], fixedEffects: ['unit', 'year'], group: 'east', vcov: 'cluster:unit' });
    const rows0 = east.flatMap((e, i) => (e === 0 ? [i] : []));
    const rows1 = east.flatMap((e, i) => (e === 1 ? [i] : []));
    const b0 = fitFe(takeRows(frame, rows0), 'y ~ x + w | unit + year').coefficients.x.estimate;
    const b1 = fitFe(takeRows(frame, rows1), 'y ~ x + w | unit + year').coefficients.x.estimate;
    expect(r.beta_group0).toBeCloseTo(b0, 10);
    expect(r.beta_group1).toBeCloseTo(b1, 10);
    expect(r.difference).toBeCloseTo(b1 - b0, 10);
    expect(r.df).toBe(39);
    expect(r.p).toBeLessThan(0.05);
    expect(r.groups).toEqual(['0', '1']);
  });

  it('rejects a group variable without exactly two values', () => {
    expect(() => equalCoefficientsTest(frame, { y: 'y', x: 'x', group: 'year' })).toThrow(/exactly 2 values/);
  });
});
