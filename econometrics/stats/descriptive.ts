// Descriptive statistics (the paper's Table 1): obs, mean, sd (n − 1 denominator, as Stata `summarize`), min, max.
import type { LoadedFrame } from '../frame.ts';
import { numericColumn } from '../frame.ts';

export interface DescriptiveRow {
  variable: string;
  obs: number;
  mean: number;
  sd: number;
  min: number;
  max: number;
}

/** Summary of one column, ignoring missing (NaN) values. */
export function summarize(variable: string, x: ArrayLike<number>): DescriptiveRow {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) continue;
    n++;
    // Welford: stable for large means
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    variable,
    obs: n,
    mean: n ? mean : NaN,
    sd: n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN,
    min: n ? min : NaN,
    max: n ? max : NaN,
  };
}

/** Table-1 style summary of the named numeric variables of a frame. */
export function describe(frame: LoadedFrame, variables: string[]): DescriptiveRow[] {
  return variables.map((v) => summarize(v, numericColumn(frame, v)));
}
