import { describe, expect, it } from 'vitest';
import { Absorber } from '../../econometrics/demean.ts';
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
    const want = exactResidual(x, [unit, time]);
    for (let i = 0; i < n; i++) expect(res.values[i]).toBeCloseTo(want[i], 12);
  });

  it('absorbs a single fixed effect exactly in one sweep', () => {
    const g: Grouping = { name: 'g', levels: 3, codes: Int32Array.from([0, 0, 1, 1, 1, 2]) };
    const res = new Absorber([g], 6).demean(Float64Array.from([1, 3, 2, 4, 6, 5]));
    expect(Array.from(res.values)).toEqual([-1, 1, -2, 0, 2, 0]);
    expect(res.iterations).toBe(1);
  });
});
