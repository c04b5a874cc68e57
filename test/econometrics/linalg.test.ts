import { describe, expect, it } from 'vitest';
import {
  choleskyWithCollinearity, cholInverse, crossprod, inverse, matFromRows, matmul, sqrtSym, symEigen, toRows, kron,
} from '../../econometrics/linalg.ts';

describe('linalg kernels', () => {
  it('blocked cross-product equals the naive sums (length not a multiple of the block)', () => {
    const n = 5000;
    const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.3));
    const m = crossprod([a, b]);
    let ab = 0, aa = 0;
    for (let i = 0; i < n; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; }
    expect(m.data[1]).toBeCloseTo(ab, 9);
    expect(m.data[2]).toBeCloseTo(ab, 9);
    expect(m.data[0]).toBeCloseTo(aa, 9);
  });

  it('sequential Cholesky drops later columns that are combinations of earlier ones', () => {
    const x1 = Float64Array.from([1, 2, 3, 4, 5]);
    const x2 = Float64Array.from([2, 1, 0, 1, 2]);
    const x3 = x1.map((v, i) => 2 * v - x2[i]);
    const x4 = Float64Array.from([0, 1, 0, 3, 1]);
    const { kept, dropped, L } = choleskyWithCollinearity(crossprod([x1, x2, x3, x4]));
    expect(kept).toEqual([0, 1, 3]);
    expect(dropped).toEqual([2]);
    const back = matmul(L, { rows: 3, cols: 3, data: Float64Array.from(toRows(L).flatMap((r, i) => r.map((_, j) => L.data[j * 3 + i]))) });
    const sub = crossprod([x1, x2, x4]);
    back.data.forEach((v, i) => expect(v).toBeCloseTo(sub.data[i], 10));
  });

  it('inverses and eigen-decomposition', () => {
    const a = matFromRows([[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]]);
    const { L } = choleskyWithCollinearity(a);
    const inv = cholInverse(L);
    const id = matmul(a, inv);
    id.data.forEach((v, i) => expect(v).toBeCloseTo(i % 4 === 0 ? 1 : 0, 12));
    const g = inverse(matFromRows([[0, 2], [3, 1]]));
    expect(toRows(g)).toEqual([[-1 / 6, 1 / 3], [0.5, 0]]);
    const { values, vectors } = symEigen(a);
    expect(values[0]).toBeGreaterThan(values[1]);
    // A v = λ v
    for (let k = 0; k < 3; k++)
      for (let i = 0; i < 3; i++) {
        let s = 0;
        for (let j = 0; j < 3; j++) s += a.data[i * 3 + j] * vectors.data[j * 3 + k];
        expect(s).toBeCloseTo(values[k] * vectors.data[i * 3 + k], 12);
      }
    const r = sqrtSym(a);
    matmul(r, r).data.forEach((v, i) => expect(v).toBeCloseTo(a.data[i], 12));
  });

  it('Kronecker product layout', () => {
    expect(toRows(kron(matFromRows([[1, 2]]), matFromRows([[1], [10]])))).toEqual([[1, 2], [10, 20]]);
  });
});
