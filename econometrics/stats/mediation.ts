// Baron–Kenny mediation with fixed effects: total effect c (y on x), path a (m on x), path b and direct
// effect c' (y on x and m), all with the same controls, fixed effects and vcov. Indirect effect a·b with the
// Sobel z = a·b / sqrt(b²·se_a² + a²·se_b²) and a percentile bootstrap interval. The bootstrap resamples
// whole clusters (units) with replacement, seeded (pure-rand xoroshiro128plus); a unit drawn twice enters as
// two distinct units, so unit fixed effects stay within one copy.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { InputError } from '../errors.ts';
import type { LoadedFrame } from '../frame.ts';
import { normalPValue } from '../dist.ts';
import { groupCodes, takeRows } from '../frame.ts';
import { modelFormula, type ParsedFormula } from '../formula.ts';
import type { Coefficient } from '../models/common.ts';
import { fitFe } from '../models/feols.ts';
import type { VcovOption } from '../vcov.ts';
import { quantileType7 } from './winsorize.ts';

export interface MediationSpec {
  y: string;
  x: string;
  mediator: string;
  controls?: string[];
  /** fixed-effects part, e.g. "cityno + year" */
  fixedEffects?: string;
  vcov?: VcovOption;
  /** unit resampled by the bootstrap (default: the cluster variable of vcov) */
  bootstrapUnit?: string;
  replications?: number;
  seed?: number;
  level?: number;
}

export interface MediationResult {
  total: Coefficient;
  a: Coefficient;
  b: Coefficient;
  direct: Coefficient;
  indirect: number;
  /** share of the total effect that runs through the mediator */
  proportion_mediated: number;
  sobel_z: number;
  sobel_p: number;
  bootstrap: { replications: number; seed: number; unit: string; ci_low: number; ci_high: number; se: number };
}

function formulaOf(y: string, xs: string[], fe?: string): ParsedFormula {
  return modelFormula({ depvar: y, exog: xs, fixedEffects: fe ? fe.split('+').map((s) => s.trim()) : [] });
}

export function mediation(frame: LoadedFrame, spec: MediationSpec): MediationResult {
  const controls = spec.controls ?? [];
  const vcov = spec.vcov;
  const fTotal = formulaOf(spec.y, [spec.x, ...controls], spec.fixedEffects);
  const fA = formulaOf(spec.mediator, [spec.x, ...controls], spec.fixedEffects);
  const fB = formulaOf(spec.y, [spec.x, spec.mediator, ...controls], spec.fixedEffects);
  const total = fitFe(frame, fTotal, { vcov }).coefficients[spec.x];
  const resA = fitFe(frame, fA, { vcov }).coefficients;
  const resB = fitFe(frame, fB, { vcov }).coefficients;
  const a = resA[spec.x];
  const b = resB[spec.mediator];
  const direct = resB[spec.x];
  if (!total || !a || !b || !direct) throw new InputError('mediation: x or the mediator was dropped as collinear');
  const indirect = a.estimate * b.estimate;
  const sobelSe = Math.sqrt(b.estimate ** 2 * a.se ** 2 + a.estimate ** 2 * b.se ** 2);
  const sobel_z = indirect / sobelSe;

  const unit = spec.bootstrapUnit ?? (vcov?.startsWith('cluster:') ? vcov.slice(8) : undefined);
  if (!unit) throw new InputError('mediation bootstrap needs a unit: give bootstrapUnit or a cluster vcov');
  const replications = spec.replications ?? 500;
  const seed = spec.seed ?? 20250101;
  const level = spec.level ?? 0.95;
  // resample only the columns the models use (the frame may hold many more)
  const parsed = fB;
  const used = new Set([...parsed.exog, parsed.depvar, spec.mediator, ...parsed.fixedEffects.flat(), unit]);
  const slim: LoadedFrame = { nrows: frame.nrows, numeric: {}, factors: {} };
  for (const name of used) {
    if (frame.numeric[name]) slim.numeric[name] = frame.numeric[name];
    if (frame.factors[name]) slim.factors[name] = frame.factors[name];
  }
  frame = slim;
  const units = groupCodes(frame, unit);
  const byUnit: number[][] = Array.from({ length: units.levels }, () => []);
  for (let i = 0; i < frame.nrows; i++) if (units.codes[i] >= 0) byUnit[units.codes[i]].push(i);
  const rng = xoroshiro128plus(seed);
  const draws: number[] = [];
  // point estimates only: the vcov is irrelevant inside the bootstrap, iid is cheapest
  for (let r = 0; r < replications; r++) {
    const rows: number[] = [];
    const newUnit: number[] = [];
    for (let d = 0; d < units.levels; d++) {
      const u = uniformInt(rng, 0, units.levels - 1);
      for (const i of byUnit[u]) {
        rows.push(i);
        newUnit.push(d);
      }
    }
    const boot = takeRows(frame, rows);
    // relabel the unit so that repeated draws are distinct units (matters for unit fixed effects)
    boot.factors[unit] = { codes: Int32Array.from(newUnit), levels: Array.from({ length: units.levels }, (_, d) => String(d)) };
    delete boot.numeric[unit];
    try {
      const ca = fitFe(boot, fA).coefficients[spec.x];
      const cb = fitFe(boot, fB).coefficients[spec.mediator];
      if (ca && cb) draws.push(ca.estimate * cb.estimate);
    } catch (e) {
      if (!(e instanceof InputError)) throw e; // a degenerate resample is skipped
    }
  }
  const sorted = Float64Array.from(draws).sort();
  let m = 0;
  for (const v of draws) m += v;
  m /= draws.length;
  let s2 = 0;
  for (const v of draws) s2 += (v - m) ** 2;
  return {
    total,
    a,
    b,
    direct,
    indirect,
    proportion_mediated: indirect / total.estimate,
    sobel_z,
    sobel_p: normalPValue(sobel_z),
    bootstrap: {
      replications: draws.length,
      seed,
      unit,
      ci_low: quantileType7(sorted, (1 - level) / 2),
      ci_high: quantileType7(sorted, 1 - (1 - level) / 2),
      se: Math.sqrt(s2 / (draws.length - 1)),
    },
  };
}
