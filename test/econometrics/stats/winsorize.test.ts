import { describe, expect, it } from 'vitest';
import { quantileSorted, quantileType7, winsorize } from '../../../econometrics/stats/winsorize.ts';

describe('winsorize', () => {
  const x = Array.from({ length: 200 }, (_, i) => i + 1); // 1..200
  it('Stata _pctile rule: n·p integer → average of neighbours, else the next order statistic', () => {
    // n·p = 2 → (x(2) + x(3))/2
    expect(quantileSorted(x, 0.01)).toBe(2.5);
    // n·p = 198 → (x(198) + x(199))/2
    expect(quantileSorted(x, 0.99)).toBe(198.5);
    // n·p = 0.5 → x(1)
    expect(quantileSorted([5, 6, 7, 8, 9], 0.1)).toBe(5);
  });
  it('type 7 matches R quantile() default', () => {
    expect(quantileType7(x, 0.01)).toBeCloseTo(2.99, 12);
  });
  it('clips at the 1st/99th percentiles and keeps missing values', () => {
    const withNa = [...x, NaN];
    const r = winsorize(withNa);
    expect(r.low).toBe(2.5);
    expect(r.high).toBe(198.5);
    expect(r.values[0]).toBe(2.5);
    expect(r.values[199]).toBe(198.5);
    expect(r.values[100]).toBe(101);
    expect(Number.isNaN(r.values[200])).toBe(true);
  });
});
