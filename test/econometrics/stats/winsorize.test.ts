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

describe('quantile definitions and options', () => {
  const x = Array.from({ length: 200 }, (_, i) => i + 1);

  it("quantileSorted with 'type7' is R's default (1 + 199·p)", () => {
    expect(quantileSorted(x, 0.01, 'type7')).toBeCloseTo(2.99, 12);
    expect(quantileSorted(x, 0.5, 'type7')).toBe(100.5);
    expect(quantileSorted([1, 2, 3, 4], 0.5, 'type7')).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.5, 'stata')).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5, 'type7')).toBe(3);
    expect(quantileSorted([10, 20, 30, 40, 50], 0.3, 'type7')).toBe(22);
    expect(quantileSorted([10, 20, 30, 40, 50], 0.3)).toBe(20);
  });

  it('Stata rule: integer n·p averages neighbours, also with floating-point noise; the ends are clamped', () => {
    // 100 · 0.07 = 7.000000000000001: treated as the integer 7 → (x(7) + x(8))/2, not x(8)
    expect(100 * 0.07).not.toBe(7);
    expect(quantileSorted(Array.from({ length: 100 }, (_, i) => i + 1), 0.07)).toBe(7.5);
    // n·p = 2.5 → x(3)
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantileSorted([4, 8], 0)).toBe(4);
    expect(quantileSorted([4, 8], 1)).toBe(8);
    expect(quantileSorted([4, 8, 9], 1e-12)).toBe(4);
    expect(Number.isNaN(quantileSorted([], 0.5))).toBe(true);
    expect(Number.isNaN(quantileType7([], 0.5))).toBe(true);
    expect(quantileType7([7], 0.3)).toBe(7);
    expect(quantileType7([1, 3], 1)).toBe(3);
  });

  it('winsorize with other cut points and type 7; infinite values are left out and come back missing', () => {
    const v = [5, 1, 4, 2, 3, Infinity, -Infinity, NaN];
    // finite values 1..5, p = 0.2: n·p = 1 → (x(1) + x(2))/2 = 1.5; p = 0.8: n·p = 4 → 4.5
    const r = winsorize(v, { lower: 0.2, upper: 0.8 });
    expect(r.low).toBe(1.5);
    expect(r.high).toBe(4.5);
    expect(Array.from(r.values)).toEqual([4.5, 1.5, 4, 2, 3, NaN, NaN, NaN]);
    // type 7: 1 + 4·0.2 = 1.8 and 1 + 4·0.8 = 4.2
    const t = winsorize(v, { lower: 0.2, upper: 0.8, definition: 'type7' });
    expect(t.low).toBeCloseTo(1.8, 12);
    expect(t.high).toBeCloseTo(4.2, 12);
    expect(t.values[1]).toBeCloseTo(1.8, 12);
    expect(t.values[2]).toBe(4);
    // sorting is numeric, not textual
    expect(winsorize([10, 9, 100, 1], { lower: 0.25, upper: 0.75 })).toEqual({ values: Float64Array.from([10, 9, 55, 5]), low: 5, high: 55 });
  });
});
