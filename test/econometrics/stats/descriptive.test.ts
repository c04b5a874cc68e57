import { describe, expect, it } from 'vitest';
import { describe as describeVars, summarize } from '../../../econometrics/stats/descriptive.ts';
import { frameFromColumns } from '../../../econometrics/frame.ts';

describe('descriptive statistics', () => {
  it('obs, mean, sd (n-1), min, max ignoring missing values', () => {
    const r = summarize('x', [1, 2, NaN, 4, 8]);
    expect(r).toEqual({ variable: 'x', obs: 4, mean: 3.75, sd: Math.sqrt(((1 - 3.75) ** 2 + (2 - 3.75) ** 2 + (4 - 3.75) ** 2 + (8 - 3.75) ** 2) / 3), min: 1, max: 8 });
  });
  it('is stable for large means', () => {
    const r = summarize('x', [1e9 + 1, 1e9 + 2, 1e9 + 3]);
    expect(r.sd).toBeCloseTo(1, 9);
  });
  it('describes frame columns and rejects text columns', () => {
    const f = frameFromColumns({ numeric: { a: [1, 2, 3] }, factors: { city: ['x', 'y', 'z'] } });
    expect(describeVars(f, ['a'])[0].mean).toBe(2);
    expect(() => describeVars(f, ['city'])).toThrow(/not numeric/);
  });
});
