// Winsorizing at the 1st/99th percentiles (default).
//
// Quantile definition: Stata's `_pctile`/`summarize, detail` rule, used by `winsor2` (the usual tool in
// the papers reproduced here): with the n non-missing values sorted, P = n·p; if P is an integer the
// p-quantile is the average of the P-th and (P+1)-th values, otherwise the ⌈P⌉-th value
// (Hyndman–Fan type 2). `definition: 'type7'` selects R's/numpy's default linear interpolation instead.

export type QuantileDefinition = 'stata' | 'type7';

/** p-quantile of sorted values (ascending, no NaN). */
export function quantileSorted(sorted: ArrayLike<number>, p: number, definition: QuantileDefinition = 'stata'): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (definition === 'type7') return quantileType7(sorted, p);
  const P = n * p;
  const j = Math.floor(P);
  // tolerate P = 12.000000000000002 from floating point
  if (Math.abs(P - Math.round(P)) < 1e-9 * Math.max(1, P)) {
    const k = Math.round(P);
    if (k <= 0) return sorted[0];
    if (k >= n) return sorted[n - 1];
    return (sorted[k - 1] + sorted[k]) / 2;
  }
  return sorted[Math.min(Math.max(j, 0), n - 1)];
}

/** Hyndman–Fan type 7 (R default): linear interpolation between order statistics. */
export function quantileType7(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Clip values below the `lower` quantile and above the `upper` quantile to those quantiles. Missing (NaN)
 * values stay missing and do not enter the quantiles. Returns a new array and the cut points.
 */
export function winsorize(
  x: ArrayLike<number>,
  opts: { lower?: number; upper?: number; definition?: QuantileDefinition } = {},
): { values: Float64Array; low: number; high: number } {
  const lower = opts.lower ?? 0.01;
  const upper = opts.upper ?? 0.99;
  const finite = Float64Array.from(Array.from(x).filter((v) => Number.isFinite(v))).sort();
  const low = quantileSorted(finite, lower, opts.definition);
  const high = quantileSorted(finite, upper, opts.definition);
  const values = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    values[i] = Number.isFinite(v) ? Math.min(Math.max(v, low), high) : NaN;
  }
  return { values, low, high };
}
