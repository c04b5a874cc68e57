// p-values and quantiles from @stdlib distributions.
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import chisqCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import fCdf from '@stdlib/stats-base-dists-f-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/** Two-sided p-value of a t statistic with `df` degrees of freedom (lower tail used to keep small p exact). */
export function tPValue(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return 2 * tCdf(-Math.abs(t), df);
}

/** Upper quantile t_{1-alpha/2, df} for a two-sided (1-alpha) interval. */
export function tCritical(df: number, level = 0.95): number {
  return tQuantile(1 - (1 - level) / 2, df);
}

/** Upper-tail probability of a chi-square statistic. */
export function chi2PValue(x: number, df: number): number {
  if (Number.isNaN(x)) return NaN;
  return Math.max(0, 1 - chisqCdf(x, df));
}

/** Upper-tail probability of an F(df1, df2) statistic. */
export function fPValue(f: number, df1: number, df2: number): number {
  if (Number.isNaN(f)) return NaN;
  return Math.max(0, 1 - fCdf(f, df1, df2));
}

/** Two-sided p-value of a standard normal statistic. */
export function normalPValue(z: number): number {
  return 2 * normalCdf(-Math.abs(z), 0, 1);
}

export function normalCritical(level = 0.95): number {
  return normalQuantile(1 - (1 - level) / 2, 0, 1);
}
