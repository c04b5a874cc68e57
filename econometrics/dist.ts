// p-values and quantiles from @stdlib distributions. Every p-value is an upper tail computed directly — by
// symmetry (t, normal) or from the complementary incomplete gamma / beta function (chi-square, F) — never
// as 1 − cdf, which loses every digit once the tail falls below about 1e-16 (and all relative precision
// well before).
import betainc from '@stdlib/math-base-special-betainc';
import gammainc from '@stdlib/math-base-special-gammainc';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/** Two-sided p-value of a t statistic with `df` degrees of freedom: 2 P(T < −|t|). */
export function tPValue(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return 2 * tCdf(-Math.abs(t), df);
}

/** Upper quantile t_{1-alpha/2, df} for a two-sided (1-alpha) interval. */
export function tCritical(df: number, level = 0.95): number {
  return tQuantile(1 - (1 - level) / 2, df);
}

/** Upper-tail probability P(χ²_df > x) = Q(df/2, x/2), the regularised upper incomplete gamma function. */
export function chi2PValue(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df)) return NaN;
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/**
 * Upper-tail probability P(F_{df1,df2} > f). With y = df2 / (df2 + df1·f), P(F > f) = I_y(df2/2, df1/2), the
 * lower regularised incomplete beta function at a small argument (Abramowitz & Stegun 26.6.2), so the tail
 * keeps its relative precision however small it gets.
 */
export function fPValue(f: number, df1: number, df2: number): number {
  if (Number.isNaN(f) || Number.isNaN(df1) || Number.isNaN(df2)) return NaN;
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  return betainc(df2 / (df2 + df1 * f), df2 / 2, df1 / 2);
}

/** Two-sided p-value of a standard normal statistic: 2 Φ(−|z|). */
export function normalPValue(z: number): number {
  return 2 * normalCdf(-Math.abs(z), 0, 1);
}

export function normalCritical(level = 0.95): number {
  return normalQuantile(1 - (1 - level) / 2, 0, 1);
}

/**
 * Upper quantile of F(df1, df2): the f with P(F > f) = 1 − level, by bisection on fPValue (monotone in f),
 * first bracketing by doubling; accurate to the last few bits of a double.
 */
export function fCritical(level: number, df1: number, df2: number): number {
  const alpha = 1 - level;
  let lo = 0;
  let hi = 1;
  while (fPValue(hi, df1, df2) > alpha) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 4 * Number.EPSILON * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (fPValue(mid, df1, df2) > alpha) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
