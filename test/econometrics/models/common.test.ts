// The shared pieces of the OLS and IV estimators (models/common.ts) on tiny hand-computed data.
import { describe, expect, it } from 'vitest';
import { Absorber } from '../../../econometrics/demean.ts';
import type { Grouping, Sample } from '../../../econometrics/frame.ts';
import { matFromRows, toRows } from '../../../econometrics/linalg.ts';
import {
  CONS,
  absorbColumns,
  appendConstant,
  coefficientTable,
  constantColumn,
  fitStatistics,
  leastSquares,
  residuals,
  screenCollinear,
} from '../../../econometrics/models/common.ts';

function grouping(name: string, codes: number[]): Grouping {
  return { name, codes: Int32Array.from(codes), levels: Math.max(...codes) + 1 };
}

function sampleOf(columns: Record<string, number[]>, fixedEffects: Grouping[] = [], weights?: number[]): Sample {
  const nobs = Object.values(columns)[0].length;
  return {
    nobs,
    rows: Int32Array.from({ length: nobs }, (_, i) => i),
    dropped: { missing: 0, singletons: 0 },
    ...(weights ? { weights: Float64Array.from(weights) } : {}),
    columns: Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, Float64Array.from(v)])),
    fixedEffects,
    clusters: [],
  };
}

/** Two effects linked as a chain (a_i with b_i twice, a_i with b_{i+1} once): needs many sweeps. */
function chain(L: number) {
  const ac: number[] = [];
  const bc: number[] = [];
  for (let i = 0; i < L; i++) {
    ac.push(i, i);
    bc.push(i, i);
    if (i + 1 < L) { ac.push(i); bc.push(i + 1); }
  }
  return { a: grouping('a', ac), b: grouping('b', bc), n: ac.length };
}

// two groups of three; x1 within-deviations (−1, 0, 1 | −2, −1, 3), x3 (1, −1, 0 | −1, −1, 2), y (0, −1, 1 | −1, −1, 2)
const g = grouping('g', [0, 0, 0, 1, 1, 1]);
const data = {
  y: [1, 0, 2, 1, 1, 4],
  x1: [1, 2, 3, 4, 5, 9],
  x2: [2, 4, 6, 8, 10, 18], // 2·x1
  x3: [2, 0, 1, 0, 0, 3],
  z: [0.1, 0.1, 0.1, 0.7, 0.7, 0.7], // constant within groups: absorbed (leaves rounding noise only)
  c: [5, 5, 5, 5, 5, 5],
};

describe('absorbColumns', () => {
  it('without fixed effects centres each column once and reports means and centred sums of squares', () => {
    const ab = absorbColumns(sampleOf({ x: [1, 2, 6], y: [0, 0, 3] }), ['x', 'y', 'x']);
    expect(Object.keys(ab.tilde)).toEqual(['x', 'y']);
    expect(Array.from(ab.tilde.x)).toEqual([-2, -1, 3]);
    expect(Array.from(ab.tilde.y)).toEqual([-1, -1, 2]);
    expect(ab.means).toEqual({ x: 3, y: 1 });
    expect(ab.centredSS).toEqual({ x: 14, y: 6 });
    expect(ab.iterations).toBe(0);
    expect(ab.converged).toBe(true);
  });

  it('with one fixed effect demeans within groups in one sweep', () => {
    const ab = absorbColumns(sampleOf(data, [g]), ['x1', 'y']);
    expect(Array.from(ab.tilde.x1)).toEqual([-1, 0, 1, -2, -1, 3]);
    expect(Array.from(ab.tilde.y)).toEqual([0, -1, 1, -1, -1, 2]);
    expect(ab.means.x1).toBe(4);
    expect(ab.centredSS.x1).toBe(40); // 9 + 4 + 1 + 0 + 1 + 25
    expect(ab.iterations).toBe(1);
  });

  it('passes the largest |x| as the scale of the convergence test (unweighted and weighted)', () => {
    const { a, b, n } = chain(6);
    const x = Array.from({ length: n }, (_, i) => ((i * 7) % 5) + 1);
    x[n - 1] = 0; // the last value is not the largest
    const ab = absorbColumns(sampleOf({ x }, [a, b]), ['x']);
    expect(ab.converged).toBe(true);
    expect(ab.iterations).toBe(new Absorber([a, b], n).demean(Float64Array.from(x), { scale: 5 }).iterations);
    const w = Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const abw = absorbColumns(sampleOf({ x }, [a, b], w), ['x']);
    expect(abw.converged).toBe(true);
    expect(abw.iterations).toBeLessThan(1000);
    expect(abw.iterations).toBe(new Absorber([a, b], n, Float64Array.from(w)).demean(Float64Array.from(x), { scale: 5 }).iterations);
    // a doubled cell leaves (x − weighted cell mean)·√w: cell 0 holds (x, w) = (1, 1), (3, 2), mean 7/3
    expect(abw.tilde.x[0]).toBeCloseTo((1 - 7 / 3) * 1, 10);
    expect(abw.tilde.x[1]).toBeCloseTo((3 - 7 / 3) * Math.SQRT2, 10);
  });

  it('weighted without fixed effects: weighted mean, Σ w (x − x̄)², columns times √w', () => {
    const ab = absorbColumns(sampleOf({ x: [1, 2, 6], y: [2, 2, 2] }, [], [2, 1, 1]), ['x', 'y', 'x']);
    // x̄ = (2 + 2 + 6)/4 = 2.5; Σ w (x − x̄)² = 2·2.25 + 0.25 + 12.25 = 17
    expect(ab.means.x).toBe(2.5);
    expect(ab.centredSS.x).toBe(17);
    expect(ab.tilde.x[0]).toBeCloseTo(-1.5 * Math.SQRT2, 14);
    expect(ab.tilde.x[1]).toBe(-0.5);
    expect(ab.tilde.x[2]).toBe(3.5);
    expect(ab.means.y).toBe(2);
    expect(ab.centredSS.y).toBe(0);
    expect(ab.iterations).toBe(0);
  });

  it('centred sums of squares are sums of squared deviations (exact for values near 2^52)', () => {
    const B = 2 ** 52;
    // unweighted: mean B + 1, deviations −1, +1
    expect(absorbColumns(sampleOf({ x: [B, B + 2] }), ['x']).centredSS.x).toBe(2);
    // weighted (1, 1, 2): mean (4B + 4)/4 = B + 1, deviations −1, +1, 0
    const ab = absorbColumns(sampleOf({ x: [B, B + 2, B + 1] }, [], [1, 1, 2]), ['x']);
    expect(ab.means.x).toBe(B + 1);
    expect(ab.centredSS.x).toBe(2);
  });

  it('weighted with one fixed effect: weighted group means', () => {
    const ab = absorbColumns(sampleOf({ x: [1, 5, 2, 4] }, [grouping('g', [0, 0, 1, 1])], [1, 3, 4, 4]), ['x']);
    // group means (1 + 15)/4 = 4 and 3; overall (1 + 15 + 8 + 16)/12 = 10/3
    expect(ab.means.x).toBeCloseTo(10 / 3, 14);
    const ss = 1 * (1 - 10 / 3) ** 2 + 3 * (5 - 10 / 3) ** 2 + 4 * (2 - 10 / 3) ** 2 + 4 * (4 - 10 / 3) ** 2;
    expect(ab.centredSS.x).toBeCloseTo(ss, 12);
    expect(Array.from(ab.tilde.x)).toEqual([-3, Math.sqrt(3), -2, 2]);
    expect(ab.iterations).toBe(1);
    expect(ab.converged).toBe(true);
  });
});

describe('screenCollinear', () => {
  const ab = absorbColumns(sampleOf(data, [g]), ['y', 'x1', 'z', 'x2', 'x3', 'c']);

  it('omits columns absorbed by the fixed effects, constants and later linear combinations, in order', () => {
    const s = screenCollinear(['x1', 'z', 'x2', 'x3', 'c'], ab, ab.tilde.y);
    expect(s.kept).toEqual(['x1', 'x3']);
    expect(s.omitted).toEqual(['z', 'x2', 'c']);
    // X'X and X'y of the kept within-deviations
    expect(toRows(s.xtx)).toEqual([[16, 8], [8, 8]]);
    expect(Array.from(s.xty)).toEqual([10, 7]);
  });

  it('screens the absorbed column in any position; without y, X\'y is zeros', () => {
    const s = screenCollinear(['x3', 'x1', 'z'], ab);
    expect(s.kept).toEqual(['x3', 'x1']);
    expect(s.omitted).toEqual(['z']);
    expect(toRows(s.xtx)).toEqual([[8, 8], [8, 16]]);
    expect(Array.from(s.xty)).toEqual([0, 0]);
    const first = screenCollinear(['z', 'x1'], ab);
    expect(first.kept).toEqual(['x1']);
    expect(first.omitted).toEqual(['z']);
  });

  it('relTol: within variation at most relTol × the centred sum of squares is collinear (boundary included)', () => {
    // x1: within 16, centred 40 → ratio 0.4
    expect(screenCollinear(['x3', 'x1'], ab, undefined, 0.39).kept).toEqual(['x3', 'x1']);
    expect(screenCollinear(['x3', 'x1'], ab, undefined, 0.4).omitted).toEqual(['x1']);
    expect(screenCollinear(['x3', 'x1'], ab, undefined, 0.5).kept).toEqual(['x3']);
  });
});

describe('leastSquares and residuals', () => {
  const x1 = Float64Array.from([-1, 0, 1, -2, -1, 3]);
  const x3 = Float64Array.from([1, -1, 0, -1, -1, 2]);
  const y = Float64Array.from([0, -1, 1, -1, -1, 2]);

  it('solves the normal equations and returns (W\'W)⁻¹', () => {
    // [[16, 8], [8, 8]] b = [10, 7]: det 64, b = [(8·10 − 8·7)/64, (16·7 − 8·10)/64]
    const ls = leastSquares([x1, x3], y);
    expect(ls.b[0]).toBeCloseTo(0.375, 14);
    expect(ls.b[1]).toBeCloseTo(0.5, 14);
    toRows(ls.bread).flat().forEach((v, i) => expect(v).toBeCloseTo([0.125, -0.125, -0.125, 0.25][i], 14));
    expect(toRows(ls.L)).toEqual([[4, 0], [2, 2]]);
    const given = leastSquares([x1, x3], y, matFromRows([[16, 8], [8, 8]]), Float64Array.from([10, 7]));
    expect(given.b[0]).toBeCloseTo(0.375, 14);
    expect(given.b[1]).toBeCloseTo(0.5, 14);
  });

  it('no regressors: empty results; a rank-deficient design is an error', () => {
    const none = leastSquares([], y);
    expect(none.b.length).toBe(0);
    expect([none.bread.rows, none.L.rows]).toEqual([0, 0]);
    expect(() => leastSquares([x1, Float64Array.from(x1, (v) => 2 * v)], y)).toThrow('design not of full rank after collinearity screening');
    expect(() => leastSquares([x1, new Float64Array(6)], y)).toThrow('design not of full rank after collinearity screening');
  });

  it('an ill-conditioned design is refined back to full accuracy', () => {
    // x2 = x1 + 1e−5·(−1, 0, 1, …): W'W has condition number ~ 5e9; y = x1 + 2·x2 exactly in the span
    const n = 40;
    const a = Float64Array.from({ length: n }, (_, i) => i / n);
    const b = Float64Array.from({ length: n }, (_, i) => i / n + 1e-5 * ((i % 3) - 1));
    const yy = Float64Array.from({ length: n }, (_, i) => a[i] + 2 * b[i]);
    const ls = leastSquares([a, b], yy);
    expect(Math.abs(ls.b[0] - 1)).toBeLessThan(1e-9);
    expect(Math.abs(ls.b[1] - 2)).toBeLessThan(1e-9);
  });

  it('residuals y − Σ b_j x_j, over several row blocks', () => {
    expect(Array.from(residuals(y, [x1, x3], [0.5, -1]))).toEqual([1.5, -2, 0.5, -1, -1.5, 2.5]);
    expect(Array.from(residuals(y, [], []))).toEqual(Array.from(y));
    const n = 9000;
    const big = Float64Array.from({ length: n }, (_, i) => i);
    const ones = new Float64Array(n).fill(1);
    const u = residuals(big, [ones, big], [3, 0.5]);
    expect(u[0]).toBe(-3);
    expect(u[5000]).toBe(2497);
    expect(u[8999]).toBe(4496.5);
  });
});

describe('coefficient tables, the constant and fit statistics', () => {
  it('coefficientTable: se = √V_jj, t, p and the t interval (R: pt, qt)', () => {
    const V = matFromRows([[0.25, 0.1], [0.1, 4]]);
    const tab = coefficientTable(['a', 'b'], [1, -1], V, 10);
    expect(Object.keys(tab)).toEqual(['a', 'b']);
    expect(tab.a.estimate).toBe(1);
    expect(tab.a.se).toBe(0.5);
    expect(tab.a.t).toBe(2);
    expect(tab.a.p).toBeCloseTo(0.073388034770740393, 10);
    expect(tab.a.ci_low).toBeCloseTo(1 - 2.228138851986273927 * 0.5, 10);
    expect(tab.a.ci_high).toBeCloseTo(1 + 2.228138851986273927 * 0.5, 10);
    expect(tab.b.se).toBe(2);
    expect(tab.b.t).toBe(-0.5);
    // R: 2 * pt(-0.5, 10)
    expect(tab.b.p).toBeCloseTo(0.62789360574297293, 10);
    // a (rounding-)negative variance is read as 0
    const neg = coefficientTable(['a'], [1], matFromRows([[-1e-20]]), 3);
    expect(neg.a.se).toBe(0);
    expect(neg.a.t).toBe(Infinity);
    expect(neg.a.p).toBe(0);
  });

  it("appendConstant: _cons = ȳ − x̄'b and its variance through (−x̄', 1)", () => {
    const ab = { tilde: {}, means: { y: 10, x: 2, w: -1 }, centredSS: {}, iterations: 0, converged: true };
    // V of (b_x, b_w, c0)
    const V = matFromRows([[1, 0.5, 0.1], [0.5, 2, 0.2], [0.1, 0.2, 3]]);
    const out = appendConstant(['x', 'w'], [3, 4], V, ab, 'y');
    expect(out.terms).toEqual(['x', 'w', CONS]);
    expect(CONS).toBe('_cons');
    // 10 − (2·3 + (−1)·4) = 8
    expect(Array.from(out.estimates)).toEqual([3, 4, 8]);
    // cov(b, _cons) = V_b,c0 − V_bb x̄; var(_cons) = V_c0c0 − 2 x̄'V_b,c0 + x̄'V_bb x̄
    const m = [2, -1];
    const cx = 0.1 - (1 * m[0] + 0.5 * m[1]);
    const cw = 0.2 - (0.5 * m[0] + 2 * m[1]);
    const vc = 3 - 2 * (0.1 * m[0] + 0.2 * m[1]) + (m[0] * m[0] * 1 + 2 * m[0] * m[1] * 0.5 + m[1] * m[1] * 2);
    const want = [[1, 0.5, cx], [0.5, 2, cw], [cx, cw, vc]];
    toRows(out.V).forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 12)));
  });

  it('fitStatistics: R², within R², adjusted R², RMSE', () => {
    const s = fitStatistics(20, 100, 50, 30, 5);
    expect(s.r2).toBe(0.8);
    expect(s.r2_within).toBe(0.6);
    expect(s.r2_adj).toBeCloseTo(1 - (0.2 * 29) / 25, 14);
    expect(s.rmse).toBeCloseTo(Math.sqrt(20 / 25), 14);
  });

  it('constantColumn: null unweighted, √w and Σ w weighted', () => {
    expect(constantColumn(sampleOf({ x: [1, 2] }))).toBeNull();
    const c = constantColumn(sampleOf({ x: [1, 2, 3] }, [], [4, 1, 9]));
    expect(c).not.toBeNull();
    expect(Array.from(c!.values)).toEqual([2, 1, 3]);
    expect(c!.sumSquares).toBe(14);
  });
});
