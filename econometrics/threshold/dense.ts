// Small dense kernels for the threshold model: symmetric positive definite solves on k×k cross-product
// matrices (k = number of regressors, so tiny) and a Householder least-squares fit for final tables.
// Matrices are row-major Float64Arrays. Kept local so the threshold code does not depend on the
// FE engine's internals.

/**
 * Inverse of a symmetric positive definite k×k matrix via Cholesky after diagonal equilibration
 * (regressors such as q³/1000 are many orders of magnitude apart; scaling keeps the factorisation accurate).
 * Returns null when the matrix is numerically singular.
 */
export function spdInverse(a: Float64Array, k: number): Float64Array | null {
  const scale = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const d = a[i * k + i];
    if (!(d > 0)) return null;
    scale[i] = 1 / Math.sqrt(d);
  }
  // L L' = S A S
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * k + j] * scale[i] * scale[j];
      for (let p = 0; p < j; p++) sum -= l[i * k + p] * l[j * k + p];
      if (i === j) {
        // equilibrated diagonal is 1; a pivot this small means the columns are collinear
        if (!(sum > 1e-13)) return null;
        l[i * k + i] = Math.sqrt(sum);
      } else {
        l[i * k + j] = sum / l[j * k + j];
      }
    }
  }
  // inverse of L (lower triangular)
  const li = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    li[i * k + i] = 1 / l[i * k + i];
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let p = j; p < i; p++) sum -= l[i * k + p] * li[p * k + j];
      li[i * k + j] = sum / l[i * k + i];
    }
  }
  // A^{-1} = S (L^{-T} L^{-1}) S
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let p = i; p < k; p++) sum += li[p * k + i] * li[p * k + j];
      const v = sum * scale[i] * scale[j];
      inv[i * k + j] = v;
      inv[j * k + i] = v;
    }
  }
  return inv;
}

/** y = A x for a k×k row-major A. */
export function matVec(a: Float64Array, x: Float64Array, k: number, out = new Float64Array(k)): Float64Array {
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += a[i * k + j] * x[j];
    out[i] = s;
  }
  return out;
}

/**
 * Least squares by Householder QR on column-major data (columns[j] has length n). Returns the
 * coefficients, residuals and (X'X)^{-1} = R^{-1} R^{-T}. More accurate than normal equations;
 * used for final coefficient tables and the brute-force reference. Null when X is rank deficient.
 */
export function leastSquares(
  columns: Float64Array[],
  y: Float64Array,
): { beta: Float64Array; resid: Float64Array; xtxInv: Float64Array; ssr: number } | null {
  const k = columns.length;
  const n = y.length;
  const a = columns.map((c) => Float64Array.from(c));
  const b = Float64Array.from(y);
  const rdiag = new Float64Array(k);
  const norms0 = columns.map((c) => Math.sqrt(c.reduce((s, v) => s + v * v, 0)));
  for (let j = 0; j < k; j++) {
    const col = a[j];
    let norm = 0;
    for (let i = j; i < n; i++) norm += col[i] * col[i];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12 * (norms0[j] || 1)) || norms0[j] === 0) return null;
    const alpha = col[j] > 0 ? -norm : norm;
    col[j] -= alpha;
    let vnorm2 = 0;
    for (let i = j; i < n; i++) vnorm2 += col[i] * col[i];
    rdiag[j] = alpha;
    if (vnorm2 === 0) continue;
    // apply H = I - 2 v v'/(v'v) to the remaining columns and to b
    for (let c = j + 1; c < k; c++) {
      const other = a[c];
      let dot = 0;
      for (let i = j; i < n; i++) dot += col[i] * other[i];
      const f = (2 * dot) / vnorm2;
      for (let i = j; i < n; i++) other[i] -= f * col[i];
    }
    let dot = 0;
    for (let i = j; i < n; i++) dot += col[i] * b[i];
    const f = (2 * dot) / vnorm2;
    for (let i = j; i < n; i++) b[i] -= f * col[i];
  }
  // R: diagonal rdiag, upper part a[c][r] for r < c
  const r = (row: number, col: number) => (row === col ? rdiag[row] : a[col][row]);
  const beta = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < k; j++) s -= r(i, j) * beta[j];
    beta[i] = s / r(i, i);
  }
  let ssr = 0;
  for (let i = k; i < n; i++) ssr += b[i] * b[i];
  const resid = Float64Array.from(y);
  for (let j = 0; j < k; j++) {
    const c = columns[j];
    const bj = beta[j];
    for (let i = 0; i < n; i++) resid[i] -= c[i] * bj;
  }
  // R^{-1} (upper triangular)
  const rinv = new Float64Array(k * k);
  for (let i = k - 1; i >= 0; i--) {
    rinv[i * k + i] = 1 / r(i, i);
    for (let j = i + 1; j < k; j++) {
      let s = 0;
      for (let p = i + 1; p <= j; p++) s -= r(i, p) * rinv[p * k + j];
      rinv[i * k + j] = s / r(i, i);
    }
  }
  const xtxInv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let p = Math.max(i, j); p < k; p++) s += rinv[i * k + p] * rinv[j * k + p];
      xtxInv[i * k + j] = s;
      xtxInv[j * k + i] = s;
    }
  }
  return { beta, resid, xtxInv, ssr };
}
