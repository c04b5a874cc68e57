// Small dense linear algebra on typed arrays. Matrices are row-major Float64Array with explicit dimensions;
// data columns are one Float64Array per variable (column-major design), which is what the demeaning kernel
// produces and what the cross-product kernels below read.

/** A dense row-major matrix. */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function mat(rows: number, cols: number, data?: ArrayLike<number>): Mat {
  const m = { rows, cols, data: new Float64Array(rows * cols) };
  if (data) m.data.set(data);
  return m;
}

export function identity(n: number): Mat {
  const m = mat(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function get(m: Mat, i: number, j: number): number {
  return m.data[i * m.cols + j];
}

export function matFromRows(rows: number[][]): Mat {
  const r = rows.length;
  const c = r ? rows[0].length : 0;
  const m = mat(r, c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m.data[i * c + j] = rows[i][j];
  return m;
}

export function toRows(m: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export function dot(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  // four accumulators: better pipelining and slightly better rounding than one running sum
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; i++) s0 += a[i] * b[i];
  return s0 + s1 + s2 + s3;
}

/**
 * A'B for column sets A (p columns) and B (q columns): a p×q matrix. Rows are processed in blocks so that
 * the block of every column stays in cache while all pairs are accumulated: each column is read from
 * memory once instead of once per pair.
 */
export function crossprod(a: Float64Array[], b: Float64Array[] = a): Mat {
  const p = a.length;
  const q = b.length;
  const out = mat(p, q);
  if (p === 0 || q === 0) return out;
  const n = a[0].length;
  const symmetric = a === b;
  const BLOCK = 2048;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let i = 0; i < p; i++) {
      const ai = a[i];
      let j = symmetric ? i : 0;
      // two columns of b per pass: each load of a[i][k] serves two products
      for (; j + 1 < q; j += 2) {
        const bj = b[j];
        const bk = b[j + 1];
        let s0 = 0, s1 = 0;
        for (let k = start; k < end; k++) {
          const v = ai[k];
          s0 += v * bj[k];
          s1 += v * bk[k];
        }
        out.data[i * q + j] += s0;
        out.data[i * q + j + 1] += s1;
      }
      if (j < q) {
        const bj = b[j];
        let s0 = 0;
        for (let k = start; k < end; k++) s0 += ai[k] * bj[k];
        out.data[i * q + j] += s0;
      }
    }
  }
  if (symmetric) for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) out.data[i * q + j] = out.data[j * q + i];
  return out;
}

/** A'y for a column set A and one column y. */
export function crossprodVec(a: Float64Array[], y: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = dot(a[i], y);
  return out;
}

export function matmul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) throw new Error(`matmul: ${a.rows}x${a.cols} times ${b.rows}x${b.cols}`);
  const out = mat(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k];
      if (aik === 0) continue;
      for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j] += aik * b.data[k * b.cols + j];
    }
  }
  return out;
}

export function transpose(a: Mat): Mat {
  const out = mat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j];
  return out;
}

export function matvec(a: Mat, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += a.data[i * a.cols + j] * x[j];
    out[i] = s;
  }
  return out;
}

export function scale(a: Mat, s: number): Mat {
  const out = mat(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i] * s;
  return out;
}

/** Sub-matrix of the given row and column indices. */
export function submatrix(a: Mat, rowIdx: number[], colIdx: number[]): Mat {
  const out = mat(rowIdx.length, colIdx.length);
  for (let i = 0; i < rowIdx.length; i++)
    for (let j = 0; j < colIdx.length; j++) out.data[i * colIdx.length + j] = a.data[rowIdx[i] * a.cols + colIdx[j]];
  return out;
}

export function kron(a: Mat, b: Mat): Mat {
  const out = mat(a.rows * b.rows, a.cols * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) {
      const aij = a.data[i * a.cols + j];
      for (let k = 0; k < b.rows; k++)
        for (let l = 0; l < b.cols; l++)
          out.data[(i * b.rows + k) * out.cols + j * b.cols + l] = aij * b.data[k * b.cols + l];
    }
  return out;
}

export function symmetrize(a: Mat): Mat {
  const n = a.rows;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a.data[i * n + j] + a.data[j * n + i]);
      a.data[i * n + j] = v;
      a.data[j * n + i] = v;
    }
  return a;
}

/**
 * Cholesky factorisation of a symmetric positive semi-definite matrix with sequential collinearity
 * detection, as Stata's _rmcoll: columns are taken in order and a column whose remaining pivot is
 * below `tol` times its original diagonal is declared collinear with the earlier ones and skipped.
 * Returns the kept column indices and the lower factor L of the kept sub-matrix (L L' = A[kept,kept]).
 */
export function choleskyWithCollinearity(a: Mat, tol = 1e-10): { kept: number[]; dropped: number[]; L: Mat } {
  const n = a.rows;
  const kept: number[] = [];
  const dropped: number[] = [];
  // rows of L for kept columns, built incrementally
  const lRows: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const ajj = a.data[j * n + j];
    const m = kept.length;
    const row = new Float64Array(m + 1);
    for (let c = 0; c < m; c++) {
      let s = a.data[j * n + kept[c]];
      const lc = lRows[c];
      for (let t = 0; t < c; t++) s -= row[t] * lc[t];
      row[c] = s / lc[c];
    }
    let d = ajj;
    for (let t = 0; t < m; t++) d -= row[t] * row[t];
    if (!(ajj > 0) || !(d > tol * ajj)) {
      dropped.push(j);
      continue;
    }
    row[m] = Math.sqrt(d);
    kept.push(j);
    lRows.push(row);
  }
  const k = kept.length;
  const L = mat(k, k);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) L.data[i * k + j] = lRows[i][j];
  return { kept, dropped, L };
}

/** Plain Cholesky (lower); throws if the matrix is not positive definite. */
export function cholesky(a: Mat): Mat {
  const { kept, L } = choleskyWithCollinearity(a, 0);
  if (kept.length !== a.rows) throw new Error('matrix is not positive definite');
  return L;
}

/** Solve L L' x = b for a lower Cholesky factor L. */
export function cholSolve(L: Mat, b: ArrayLike<number>): Float64Array {
  const n = L.rows;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let j = 0; j < i; j++) s -= L.data[i * n + j] * y[j];
    y[i] = s / L.data[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let j = i + 1; j < n; j++) s -= L.data[j * n + i] * x[j];
    x[i] = s / L.data[i * n + i];
  }
  return x;
}

/** (L L')^{-1} from a lower Cholesky factor. */
export function cholInverse(L: Mat): Mat {
  const n = L.rows;
  const out = mat(n, n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = cholSolve(L, e);
    for (let i = 0; i < n; i++) out.data[i * n + j] = col[i];
  }
  return symmetrize(out);
}

/** Inverse of a symmetric positive definite matrix. */
export function invSpd(a: Mat): Mat {
  return cholInverse(cholesky(a));
}

/** Inverse of a general square matrix by Gauss–Jordan elimination with partial pivoting. */
export function inverse(a: Mat): Mat {
  const n = a.rows;
  const w = mat(n, 2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) w.data[i * 2 * n + j] = a.data[i * n + j];
    w.data[i * 2 * n + n + i] = 1;
  }
  const c = 2 * n;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(w.data[r * c + col]) > Math.abs(w.data[piv * c + col])) piv = r;
    if (w.data[piv * c + col] === 0) throw new Error('singular matrix');
    if (piv !== col)
      for (let j = 0; j < c; j++) {
        const t = w.data[col * c + j];
        w.data[col * c + j] = w.data[piv * c + j];
        w.data[piv * c + j] = t;
      }
    const p = w.data[col * c + col];
    for (let j = 0; j < c; j++) w.data[col * c + j] /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = w.data[r * c + col];
      if (f === 0) continue;
      for (let j = 0; j < c; j++) w.data[r * c + j] -= f * w.data[col * c + j];
    }
  }
  const out = mat(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = w.data[i * c + n + j];
  return out;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (accurate for the small
 * matrices used here). Eigenvalues are returned in descending order; eigenvectors are the columns of `vectors`.
 */
export function symEigen(a: Mat): { values: Float64Array; vectors: Mat } {
  const n = a.rows;
  const A = new Float64Array(a.data);
  const V = identity(n).data;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const v = A[i * n + j] * A[i * n + j];
        total += v;
        if (i !== j) off += v;
      }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j] - A[i * n + i]);
  const values = new Float64Array(order.map((i) => A[i * n + i]));
  const vectors = mat(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vectors.data[i * n + j] = V[i * n + order[j]];
  return { values, vectors };
}

/** Symmetric square root of a symmetric positive semi-definite matrix. */
export function sqrtSym(a: Mat): Mat {
  const { values, vectors } = symEigen(a);
  const n = a.rows;
  const out = mat(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors.data[i * n + k] * Math.sqrt(Math.max(values[k], 0)) * vectors.data[j * n + k];
      out.data[i * n + j] = s;
    }
  return out;
}

/** x' A^{-1} x for symmetric positive definite A (a Wald quadratic form). */
export function quadFormInv(a: Mat, x: ArrayLike<number>): number {
  const sol = cholSolve(cholesky(a), x);
  let s = 0;
  for (let i = 0; i < sol.length; i++) s += sol[i] * x[i];
  return s;
}
