import { describe, expect, it } from 'vitest';
import {
  choleskyWithCollinearity, cholInverse, crossprod, inverse, matFromRows, matmul, sqrtSym, symEigen, toRows, kron,
  cholesky, cholSolve, crossprodVec, dot, get, identity, invSpd, mat, matvec, quadFormInv, scale, submatrix, symmetrize,
  transpose,
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

describe('linalg: small kernels with hand-computed values and error paths', () => {
  const rows = (m: { rows: number; cols: number; data: Float64Array }) => toRows(m);
  const closeRows = (m: { rows: number; cols: number; data: Float64Array }, want: number[][]) => {
    expect([m.rows, m.cols]).toEqual([want.length, want[0].length]);
    toRows(m).forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 14)));
  };

  it('constructors and accessors', () => {
    expect(rows(mat(2, 2, [1, 2, 3, 4]))).toEqual([[1, 2], [3, 4]]);
    expect(rows(mat(1, 3))).toEqual([[0, 0, 0]]);
    expect(rows(identity(3))).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const m = matFromRows([[1, 2, 3], [4, 5, 6]]);
    expect([m.rows, m.cols]).toEqual([2, 3]);
    expect(get(m, 1, 0)).toBe(4);
    expect(get(m, 0, 2)).toBe(3);
    const empty = matFromRows([]);
    expect([empty.rows, empty.cols, empty.data.length]).toEqual([0, 0, 0]);
    expect(toRows(empty)).toEqual([]);
  });

  it('dot with a length that is not a multiple of four, and of exactly eight', () => {
    expect(dot(Float64Array.from([1, 2, 3, 4, 5]), Float64Array.from([1, 1, 1, 1, 2]))).toBe(20);
    expect(dot(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), Float64Array.from([8, 7, 6, 5, 4, 3, 2, 1]))).toBe(120);
    expect(dot(Float64Array.from([3]), Float64Array.from([4]))).toBe(12);
    expect(dot(Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6]))).toBe(32);
    expect(dot(Float64Array.from([1, 1, 1, 1, 1, 1, 1]), Float64Array.from([1, 2, 3, 4, 5, 6, 7]))).toBe(28);
    expect(dot(new Float64Array(0), new Float64Array(0))).toBe(0);
  });

  it("crossprod A'B for different column sets (odd number of columns), and empty sets", () => {
    const a = [Float64Array.from([1, 2]), Float64Array.from([0, 1])];
    const b = [Float64Array.from([1, 1]), Float64Array.from([2, 0]), Float64Array.from([1, -1])];
    expect(rows(crossprod(a, b))).toEqual([[3, 2, -1], [1, 0, -1]]);
    // symmetric with three columns: upper part computed, lower part mirrored
    expect(rows(crossprod(b))).toEqual([[2, 2, 0], [2, 4, 2], [0, 2, 2]]);
    const none = crossprod([]);
    expect([none.rows, none.cols]).toEqual([0, 0]);
    const noB = crossprod(a, []);
    expect([noB.rows, noB.cols]).toEqual([2, 0]);
    expect(Array.from(crossprodVec(a, Float64Array.from([3, 4])))).toEqual([11, 4]);
  });

  it('matmul, transpose, matvec, scale, submatrix, kron', () => {
    const a = matFromRows([[1, 2, 3], [4, 5, 6]]);
    const b = matFromRows([[1, 0], [0, 1], [1, 1]]);
    expect(rows(matmul(a, b))).toEqual([[4, 5], [10, 11]]);
    expect(rows(matmul(b, a))).toEqual([[1, 2, 3], [4, 5, 6], [5, 7, 9]]);
    expect(() => matmul(a, a)).toThrow('matmul: 2x3 times 2x3');
    expect(rows(transpose(a))).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(Array.from(matvec(a, [1, 1, 2]))).toEqual([9, 21]);
    expect(rows(scale(a, -2))).toEqual([[-2, -4, -6], [-8, -10, -12]]);
    const big = matFromRows([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(rows(submatrix(big, [2, 0], [1, 2]))).toEqual([[8, 9], [2, 3]]);
    expect(rows(submatrix(big, [1], [2, 0, 1]))).toEqual([[6, 4, 5]]);
    expect(rows(kron(matFromRows([[1, 2], [3, 4]]), matFromRows([[0, 1], [1, 0]])))).toEqual([
      [0, 1, 0, 2],
      [1, 0, 2, 0],
      [0, 3, 0, 4],
      [3, 0, 4, 0],
    ]);
  });

  it('symmetrize averages the two triangles in place', () => {
    const a = matFromRows([[1, 2, 0], [4, 3, 1], [2, 5, 6]]);
    const out = symmetrize(a);
    expect(out).toBe(a);
    expect(rows(a)).toEqual([[1, 3, 1], [3, 3, 3], [1, 3, 6]]);
    expect(rows(symmetrize(matFromRows([[1, 2], [4, 3]])))).toEqual([[1, 3], [3, 3]]);
  });

  it('Cholesky: factor, solve, inverse; not positive definite is an error', () => {
    // [[4, 2], [2, 5]] = L L' with L = [[2, 0], [1, 2]]
    const a = matFromRows([[4, 2], [2, 5]]);
    const L = cholesky(a);
    expect(rows(L)).toEqual([[2, 0], [1, 2]]);
    // solve [[4,2],[2,5]] x = [8, 13] by hand: det 16, x = [ (5·8 − 2·13)/16, (4·13 − 2·8)/16 ]
    expect(Array.from(cholSolve(L, [8, 13]))).toEqual([14 / 16, 36 / 16]);
    expect(rows(cholInverse(L))).toEqual([[5 / 16, -2 / 16], [-2 / 16, 4 / 16]]);
    closeRows(invSpd(matFromRows([[2, 0], [0, 4]])), [[0.5, 0], [0, 0.25]]);
    expect(() => cholesky(matFromRows([[1, 2], [2, 1]]))).toThrow('matrix is not positive definite');
    expect(() => cholesky(matFromRows([[1, 1], [1, 1]]))).toThrow('matrix is not positive definite');
    expect(() => invSpd(matFromRows([[0, 0], [0, 1]]))).toThrow('matrix is not positive definite');
    // x' A⁻¹ x with A = diag(2, 4), x = (2, 2): 4/2 + 4/4
    expect(quadFormInv(matFromRows([[2, 0], [0, 4]]), [2, 2])).toBeCloseTo(3, 14);
  });

  it('collinearity screening: zero or negative diagonals and the tolerance', () => {
    const a = matFromRows([[0, 0, 0], [0, 4, 2], [0, 2, 1]]);
    const r = choleskyWithCollinearity(a);
    // column 0 has no variance; column 2 = column 1 / 2
    expect(r.kept).toEqual([1]);
    expect(r.dropped).toEqual([0, 2]);
    expect(rows(r.L)).toEqual([[2]]);
    // [[1, 0.999], [0.999, 1]]: remaining pivot 1 − 0.998001 = 0.001999 — kept at tol 1e-3, dropped at 1e-2
    const near = matFromRows([[1, 0.999], [0.999, 1]]);
    expect(choleskyWithCollinearity(near, 1e-3).kept).toEqual([0, 1]);
    expect(choleskyWithCollinearity(near, 1e-2).kept).toEqual([0]);
    expect(choleskyWithCollinearity(matFromRows([[-1, 0], [0, 1]])).dropped).toEqual([0]);
  });

  it('Gauss–Jordan inverse: row exchanges, ties in the pivot column, singular matrices', () => {
    // a permutation needs a row exchange at the second column: its inverse is its transpose (itself)
    const perm = [[1, 0, 0], [0, 0, 1], [0, 1, 0]];
    expect(toRows(inverse(matFromRows(perm)))).toEqual(perm);
    const cyc = [[0, 1, 0], [0, 0, 1], [1, 0, 0]];
    expect(toRows(inverse(matFromRows(cyc)))).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    // |1| = |1| in the first column: the first row stays the pivot; inverse = adj / det, det = 13
    expect(toRows(inverse(matFromRows([[1, -6], [1, 7]])))).toEqual([[7 / 13, 6 / 13], [-1 / 13, 1 / 13]]);
    // the larger entry is the pivot: [[1, 2], [3, 4]]⁻¹ = [[−2, 1], [1.5, −0.5]]
    closeRows(inverse(matFromRows([[1, 2], [3, 4]])), [[-2, 1], [1.5, -0.5]]);
    expect(() => inverse(matFromRows([[1, 2], [2, 4]]))).toThrow('singular matrix');
    expect(() => inverse(matFromRows([[0, 0], [0, 1]]))).toThrow('singular matrix');
  });

  it('symmetric eigen-decomposition and square root with known answers', () => {
    const d = symEigen(matFromRows([[1, 0, 0], [0, 3, 0], [0, 0, 2]]));
    expect(Array.from(d.values)).toEqual([3, 2, 1]);
    expect(toRows(d.vectors)).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    // [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1)/√2 and (1, −1)/√2
    const e = symEigen(matFromRows([[2, 1], [1, 2]]));
    expect(e.values[0]).toBeCloseTo(3, 14);
    expect(e.values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(e.vectors.data[0])).toBeCloseTo(Math.SQRT1_2, 14);
    expect(e.vectors.data[0] * e.vectors.data[2]).toBeCloseTo(0.5, 14);
    expect(e.vectors.data[1] * e.vectors.data[3]).toBeCloseTo(-0.5, 14);
    expect(toRows(sqrtSym(matFromRows([[4, 0], [0, 9]])))).toEqual([[2, 0], [0, 3]]);
    // √[[2, 1], [1, 2]] = [[(√3 + 1)/2, (√3 − 1)/2], [(√3 − 1)/2, (√3 + 1)/2]]
    const r = sqrtSym(matFromRows([[2, 1], [1, 2]]));
    expect(r.data[0]).toBeCloseTo((Math.sqrt(3) + 1) / 2, 14);
    expect(r.data[1]).toBeCloseTo((Math.sqrt(3) - 1) / 2, 14);
    expect(r.data[3]).toBeCloseTo((Math.sqrt(3) + 1) / 2, 14);
    // negative eigenvalues count as 0: √diag(4, −1) = diag(2, 0)
    expect(toRows(sqrtSym(matFromRows([[4, 0], [0, -1]])))).toEqual([[2, 0], [0, 0]]);
  });
});
