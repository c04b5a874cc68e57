// Test that a coefficient is equal in two subsamples, in the pooled interaction form: every regressor is
// also entered multiplied by the subsample dummy D, and every fixed effect is interacted with D, so the
// pooled fit reproduces the two separate regressions' coefficients exactly; the coefficient on x·D is the
// difference β₁ − β₀, tested with the model's (clustered) vcov: t with t(G−1) when clustered.
import { InputError } from '../errors.ts';
import { modelFormula } from '../formula.ts';
import type { LoadedFrame } from '../frame.ts';
import { groupCodes } from '../frame.ts';
import { estimateFe } from '../models/feols.ts';
import type { VcovOption } from '../vcov.ts';
import { tPValue } from '../dist.ts';

export interface EqualityTestSpec {
  y: string;
  /** the regressor whose coefficient is compared */
  x: string;
  controls?: string[];
  /** fixed-effect terms, e.g. ['cityno', 'year'] */
  fixedEffects?: string[];
  /** variable splitting the sample: exactly two distinct values; the larger (sorted) one is group 1 */
  group: string;
  vcov?: VcovOption;
  /** interact the fixed effects with the group (default true) */
  interactFixedEffects?: boolean;
}

export interface EqualityTestResult {
  beta_group0: number;
  beta_group1: number;
  difference: number;
  se: number;
  t: number;
  p: number;
  df: number;
  groups: [string, string];
}

export function equalCoefficientsTest(frame: LoadedFrame, spec: EqualityTestSpec): EqualityTestResult {
  const g = groupCodes(frame, spec.group);
  if (g.levels !== 2) throw new InputError(`group variable '${spec.group}' must take exactly 2 values (has ${g.levels})`);
  const levelNames = frame.factors[spec.group]?.levels ?? (() => {
    const vals = [...new Set(Array.from(frame.numeric[spec.group]).filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
    return vals.map(String);
  })();
  const n = frame.nrows;
  const D = new Float64Array(n);
  for (let i = 0; i < n; i++) D[i] = g.codes[i] < 0 ? NaN : g.codes[i];
  const regressors = [spec.x, ...(spec.controls ?? [])];
  const numeric: Record<string, Float64Array> = { ...frame.numeric };
  const interacted: string[] = [];
  for (const r of regressors) {
    const src = frame.numeric[r];
    if (!src) throw new InputError(`unknown or non-numeric variable '${r}'`);
    const name = `${r}__x__${spec.group}`;
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = src[i] * D[i];
    numeric[name] = col;
    interacted.push(name);
  }
  const dName = `${spec.group}__dummy`;
  numeric[dName] = D;
  const factors = { ...frame.factors, [`${spec.group}__grp`]: { codes: g.codes, levels: levelNames } };
  const pooled: LoadedFrame = { nrows: n, numeric, factors };
  const fes = (spec.fixedEffects ?? []).map((fe) => (spec.interactFixedEffects === false ? fe : `${fe}^${spec.group}__grp`));
  const rhs = [...regressors, ...interacted, dName];
  const formula = modelFormula({ depvar: spec.y, exog: rhs, fixedEffects: fes });
  const fit = estimateFe(pooled, formula, { vcov: spec.vcov });
  const diff = fit.result.coefficients[interacted[0]];
  const base = fit.result.coefficients[spec.x];
  if (!diff || !base) throw new InputError(`'${spec.x}' is collinear in one of the subsamples`);
  const t = diff.estimate / diff.se;
  return {
    beta_group0: base.estimate,
    beta_group1: base.estimate + diff.estimate,
    difference: diff.estimate,
    se: diff.se,
    t,
    p: tPValue(t, fit.dfT),
    df: fit.dfT,
    groups: [levelNames[0], levelNames[1]],
  };
}
