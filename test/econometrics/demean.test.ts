import { describe, expect, it } from 'vitest';
import { Absorber, center, mean, weightedMean } from '../../econometrics/demean.ts';
import { choleskyWithCollinearity, cholSolve, crossprod, crossprodVec } from '../../econometrics/linalg.ts';
import type { Grouping } from '../../econometrics/frame.ts';

// deterministic pseudo-random numbers for test data
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** exact residual of x on the dummies of all groupings (dense least squares with collinearity dropping) */
function exactResidual(x: Float64Array, groups: Grouping[]): Float64Array {
  const n = x.length;
  const cols: Float64Array[] = [];
  for (const g of groups)
    for (let l = 0; l < g.levels; l++) {
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) d[i] = g.codes[i] === l ? 1 : 0;
      cols.push(d);
    }
  const { kept, L } = choleskyWithCollinearity(crossprod(cols), 1e-12);
  const K = kept.map((j) => cols[j]);
  const b = cholSolve(L, crossprodVec(K, x));
  const r = Float64Array.from(x);
  K.forEach((c, j) => { for (let i = 0; i < n; i++) r[i] -= b[j] * c[i]; });
  return r;
}

describe('Absorber (accelerated alternating projections)', () => {
  it('matches the exact projection on an unbalanced three-way design', () => {
    const rnd = lcg(7);
    const n = 400;
    const mk = (name: string, levels: number): Grouping => ({ name, levels, codes: Int32Array.from({ length: n }, () => Math.floor(rnd() * levels)) });
    const groups = [mk('a', 25), mk('b', 12), mk('c', 7)];
    // make sure every level occurs
    groups.forEach((g) => { for (let l = 0; l < g.levels; l++) g.codes[l] = l; });
    const x = Float64Array.from({ length: n }, () => rnd() * 10 + 100);
    const ab = new Absorber(groups, n);
    const got = ab.demean(x, { tol: 1e-14 });
    expect(got.converged).toBe(true);
    const want = exactResidual(x, groups);
    let err = 0, scale = 0;
    for (let i = 0; i < n; i++) { err = Math.max(err, Math.abs(got.values[i] - want[i])); scale = Math.max(scale, Math.abs(want[i])); }
    expect(err / scale).toBeLessThan(1e-10);
  });

  it('stops after one sweep on a balanced two-way panel (convergence checked from the sums of the fused pass)', () => {
    const units = 30, periods = 8, n = units * periods;
    const rnd = lcg(3);
    const unit: Grouping = { name: 'u', levels: units, codes: Int32Array.from({ length: n }, (_, i) => Math.floor(i / periods)) };
    const time: Grouping = { name: 't', levels: periods, codes: Int32Array.from({ length: n }, (_, i) => i % periods) };
    const x = Float64Array.from({ length: n }, () => rnd());
    const res = new Absorber([unit, time], n).demean(x);
    expect(res.iterations).toBe(1);
    expect(res.converged).toBe(true);
    const want = exactResidual(x, [unit, time]);
    for (let i = 0; i < n; i++) expect(res.values[i]).toBeCloseTo(want[i], 12);
  });

  it('absorbs a single fixed effect exactly in one sweep', () => {
    const g: Grouping = { name: 'g', levels: 3, codes: Int32Array.from([0, 0, 1, 1, 1, 2]) };
    const res = new Absorber([g], 6).demean(Float64Array.from([1, 3, 2, 4, 6, 5]));
    expect(Array.from(res.values)).toEqual([-1, 1, -2, 0, 2, 0]);
    expect(res.iterations).toBe(1);
    expect(res.converged).toBe(true);
  });
});

/** Plain alternating projections (no extrapolation): sweeps until the largest mean removed is ≤ tol·max|x|. */
function plainSweeps(x: Float64Array, groups: Grouping[], tol: number): number {
  const r = Float64Array.from(x);
  const n = r.length;
  let scale = 0;
  for (const v of x) scale = Math.max(scale, Math.abs(v));
  for (let it = 1; it < 100000; it++) {
    let largest = 0;
    for (const g of groups) {
      const s = new Float64Array(g.levels);
      const c = new Float64Array(g.levels);
      for (let i = 0; i < n; i++) { s[g.codes[i]] += r[i]; c[g.codes[i]]++; }
      for (let l = 0; l < g.levels; l++) { s[l] /= c[l]; largest = Math.max(largest, Math.abs(s[l])); }
      for (let i = 0; i < n; i++) r[i] -= s[g.codes[i]];
    }
    if (largest <= tol * scale) return it;
  }
  return -1;
}

/** Two effects linked as a chain (a_i with b_i twice, a_i with b_{i+1} once): slow for plain projections. */
function chainDesign(L: number) {
  const ac: number[] = [];
  const bc: number[] = [];
  for (let i = 0; i < L; i++) {
    ac.push(i, i);
    bc.push(i, i);
    if (i + 1 < L) { ac.push(i); bc.push(i + 1); }
  }
  const n = ac.length;
  const a: Grouping = { name: 'a', levels: L, codes: Int32Array.from(ac) };
  const b: Grouping = { name: 'b', levels: L, codes: Int32Array.from(bc) };
  // x cycles through 1, 3, 5, 2, 4
  const x = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 5) + 1);
  return { a, b, n, x };
}

describe('Absorber: edge cases, reports and options', () => {
  it('without fixed effects returns an untouched copy after 0 sweeps', () => {
    const x = Float64Array.from([1, 2, 4]);
    const ab = new Absorber([], 3);
    expect(ab.dimensions).toBe(0);
    const res = ab.demean(x);
    expect(res).toEqual({ values: Float64Array.from([1, 2, 4]), iterations: 0, converged: true });
    expect(res.values).not.toBe(x);
    res.values[0] = 99;
    expect(x[0]).toBe(1);
    const all = ab.demeanAll([x, Float64Array.from([5, 6, 7])]);
    expect(all.report).toEqual({ iterations: [0, 0], converged: true });
    expect(Array.from(all.values[1])).toEqual([5, 6, 7]);
  });

  it('reports the number of sweeps per column and convergence in demeanAll', () => {
    const g: Grouping = { name: 'g', levels: 2, codes: Int32Array.from([0, 0, 1, 1]) };
    const ab = new Absorber([g], 4);
    expect(ab.dimensions).toBe(1);
    const { values, report } = ab.demeanAll([Float64Array.from([1, 3, 2, 6]), Float64Array.from([0, 0, 5, 5])]);
    expect(report).toEqual({ iterations: [1, 1], converged: true });
    expect(Array.from(values[0])).toEqual([-1, 1, -2, 2]);
    expect(Array.from(values[1])).toEqual([0, 0, 0, 0]);
    expect(ab.demeanAll([]).report).toEqual({ iterations: [], converged: true });
  });

  it('three effects that converge at the second sweep: the 2×2 two-way residual, converged', () => {
    // effect a twice (a duplicate effect) and c; a: obs {0,3} | {1,2}, c: obs {0,2} | {1,3}
    const a: Grouping = { name: 'a', levels: 2, codes: Int32Array.from([0, 1, 1, 0]) };
    const a2: Grouping = { name: 'a2', levels: 2, codes: Int32Array.from([0, 1, 1, 0]) };
    const c: Grouping = { name: 'c', levels: 2, codes: Int32Array.from([0, 1, 0, 1]) };
    const res = new Absorber([a, a2, c], 4).demean(Float64Array.from([2, 4, 4, 3]));
    // x − row mean − column mean + grand mean (grand mean 3.25; a means 2.5, 4; c means 3, 3.5)
    expect(Array.from(res.values)).toEqual([-0.25, -0.25, 0.25, 0.25]);
    expect(res.iterations).toBe(2);
    expect(res.converged).toBe(true);
  });

  it('the Irons–Tuck extrapolation needs far fewer sweeps than plain alternating projections', () => {
    const { a, b, n, x } = chainDesign(6);
    const plain = plainSweeps(x, [a, b], 1e-13);
    expect(plain).toBeGreaterThan(300);
    const res = new Absorber([a, b], n).demean(x);
    expect(res.converged).toBe(true);
    expect(res.iterations).toBeGreaterThan(2);
    expect(res.iterations).toBeLessThan(plain / 2);
    // the design is a tree of cells: the fit is the mean of each cell, so each doubled cell leaves ∓1 or ∓1.5
    // (x = 1,3 | 5 | 2,4 | 1 | 3,5 | 2 | 4,1 | 3 | 5,2 | 4 | 1,3) and the single cells leave 0
    const want = [-1, 1, 0, -1, 1, 0, -1, 1, 0, 1.5, -1.5, 0, 1.5, -1.5, 0, -1, 1];
    for (let i = 0; i < n; i++) expect(res.values[i]).toBeCloseTo(want[i], 10);
  });

  it('convergence needs every level of the first effect settled, not only its last one', () => {
    // the chain plus a separate cell (a = 6, b = 6) holding two observations: that last level is settled
    // after one sweep while the chain is not
    const { a, b, n, x } = chainDesign(6);
    const a2: Grouping = { name: 'a', levels: 7, codes: Int32Array.from([...a.codes, 6, 6]) };
    const b2: Grouping = { name: 'b', levels: 7, codes: Int32Array.from([...b.codes, 6, 6]) };
    const x2 = Float64Array.from([...x, 2, 6]);
    const res = new Absorber([a2, b2], n + 2).demean(x2);
    expect(res.converged).toBe(true);
    expect(res.iterations).toBeGreaterThan(10);
    const want = [-1, 1, 0, -1, 1, 0, -1, 1, 0, 1.5, -1.5, 0, 1.5, -1.5, 0, -1, 1, -2, 2];
    for (let i = 0; i < n + 2; i++) expect(res.values[i]).toBeCloseTo(want[i], 10);
  });

  it('stops at maxIter and reports non-convergence (also in demeanAll)', () => {
    const { a, b, n, x } = chainDesign(6);
    const ab = new Absorber([a, b], n);
    const res = ab.demean(x, { maxIter: 4 });
    expect(res.converged).toBe(false);
    expect(res.iterations).toBe(4);
    const all = ab.demeanAll([x, x.map((v) => -v)], { maxIter: 6 });
    expect(all.report).toEqual({ iterations: [6, 6], converged: false });
    // a column that converges (balanced part) does not make the report converged when another does not
    const mixed = ab.demeanAll([new Float64Array(n), x], { maxIter: 6 });
    expect(mixed.report.converged).toBe(false);
    expect(mixed.report.iterations[0]).toBe(1);
    const mixedLast = ab.demeanAll([x, new Float64Array(n)], { maxIter: 6 });
    expect(mixedLast.report).toEqual({ iterations: [6, 1], converged: false });
  });

  it('a looser tolerance stops earlier; a caller-given scale sets the tolerance', () => {
    const { a, b, n, x } = chainDesign(6);
    const ab = new Absorber([a, b], n);
    const tight = ab.demean(x).iterations;
    const loose = ab.demean(x, { tol: 1e-3 });
    expect(loose.converged).toBe(true);
    expect(loose.iterations).toBeLessThan(tight);
    // scale 0 → the tolerance is tol · MIN_VALUE: nothing but an exact zero converges
    const exact = ab.demean(x, { scale: 0, maxIter: 500 });
    expect(exact.iterations).toBeGreaterThan(tight);
    // a huge scale makes the means left after the first sweep already "converged"
    expect(ab.demean(x, { scale: 1e20 }).iterations).toBe(1);
  });

  it('weighted: group means are Σ w x / Σ w (one and two effects)', () => {
    const g: Grouping = { name: 'g', levels: 2, codes: Int32Array.from([0, 0, 1, 1]) };
    const w = Float64Array.from([1, 3, 1, 1]);
    const one = new Absorber([g], 4, w).demean(Float64Array.from([1, 5, 2, 4]));
    // group 0: (1·1 + 3·5)/4 = 4; group 1: 3
    expect(Array.from(one.values)).toEqual([-3, 1, -1, 1]);
    expect(one.iterations).toBe(1);
    expect(one.converged).toBe(true);
    const { a, b, n, x } = chainDesign(6);
    const wc = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const res = new Absorber([a, b], n, wc).demean(x);
    expect(res.converged).toBe(true);
    // doubled cells leave x − weighted cell mean: cell 0 has (x, w) = (1, 1), (3, 2): mean 7/3
    expect(res.values[0]).toBeCloseTo(1 - 7 / 3, 10);
    expect(res.values[1]).toBeCloseTo(3 - 7 / 3, 10);
    // cell (3,3): obs 9 (x 4, w 1) and 10 (x 1, w 2): mean 2
    expect(res.values[9]).toBeCloseTo(2, 10);
    expect(res.values[10]).toBeCloseTo(-1, 10);
    expect(res.values[2]).toBeCloseTo(0, 10);
  });

  it('empty levels (no observation) are harmless', () => {
    const g: Grouping = { name: 'g', levels: 3, codes: Int32Array.from([0, 0, 2, 2]) };
    const res = new Absorber([g], 4).demean(Float64Array.from([1, 3, 5, 9]));
    expect(Array.from(res.values)).toEqual([-1, 1, -2, 2]);
  });
});

describe('center, mean, weightedMean', () => {
  it('centres on the plain and the weighted mean', () => {
    const x = Float64Array.from([1, 2, 6]);
    expect(mean(x)).toBe(3);
    expect(Array.from(center(x))).toEqual([-2, -1, 3]);
    const w = Float64Array.from([2, 1, 1]);
    // (2 + 2 + 6) / 4 = 2.5
    expect(weightedMean(x, w)).toBe(2.5);
    expect(Array.from(center(x, w))).toEqual([-1.5, -0.5, 3.5]);
    expect(Array.from(center(x, null))).toEqual([-2, -1, 3]);
  });
});
