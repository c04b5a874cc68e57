import { describe, expect, it } from 'vitest';
import { chi2PValue, fPValue, normalPValue, tCritical, tPValue } from '../../econometrics/dist.ts';

describe('distributions', () => {
  it('t, chi2, F and normal tail probabilities at textbook values', () => {
    expect(tCritical(10)).toBeCloseTo(2.228139, 6);
    expect(tPValue(2.228139, 10)).toBeCloseTo(0.05, 6);
    expect(tPValue(-1.959964, 1e9)).toBeCloseTo(0.05, 6);
    expect(chi2PValue(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(fPValue(4.964603, 1, 10)).toBeCloseTo(0.05, 6);
    expect(normalPValue(2.575829)).toBeCloseTo(0.01, 6);
    // small p-values keep relative precision (lower tail used)
    expect(tPValue(40, 100)).toBeGreaterThan(0);
  });
});
