// Fixed-effect panel threshold model (Hansen 1999), as used with Stata's xthreg (Wang 2015).
//
// Library API (what the paper-reproduction stage calls):
//
//   const frame = await loadFrame(source, ...Object.values(thresholdColumns(options)));
//   const result: ThresholdResult = await fitThreshold(frame, options);
//
// `options` mirror the CLI flags (see ThresholdOptionsSchema):
//   formula       "y ~ x1 + x2 | id"  (dependent, regime-independent regressors, unit identifier), or
//                 "y ~ x1 + x2 | id + year" to absorb further effects: their dummies are partialled out as
//                 regressors (same thresholds, slopes, SSR and F as absorbing them, by Frisch–Waugh; cheap for
//                 effects with few levels such as the period), not shown in the coefficients
//   time          period variable (numeric or text; sorted numerically when all values are numbers)
//   regime        regime-dependent variable RX (or a list)   thresholdVar  threshold variable Q
//   thresholds    K = 1, 2 or 3                              trim          per-step trims, e.g. [0.01, 0.01, 0.05]
//   method        'hansen' | 'xthreg' (default)              grid          'quantile:400' (default) | 'all'
//   bootstrap     replications per test (300)                seed          1          level  95 (confidence sets)
//   threads       worker threads for the bootstrap (default: automatic)
//   vcov          'iid' (default, conventional) | 'hc1' (robust) | 'cluster:VAR' — as fe/iv
//                 (older names: vce 'conventional' | 'robust' | 'cluster', cluster VAR)
//   at            evaluate at these thresholds instead of searching (snapped to the nearest value of Q);
//                 used to reproduce published tables whose grid rule is unknown
//
// Unbalanced panels: Hansen's within transformation needs every unit in every period, so units without
// complete data in some period of the sample are dropped (counted in `dropped_units`); the result is that of
// the balanced sub-panel.
//
// The result (async because the bootstrap runs on worker threads) is the CLI's JSON object:
//   method, nobs (panel observations n·T), rows_used (rows of the least-squares problem: n(T−1) for hansen,
//   n·T for xthreg), units, periods, dropped_units, fixed_effects [{name, levels}], threshold_var, regime_vars,
//   level, bootstrap, grid_size, ssr0,
//   steps[k-1] = { k, thresholds (sorted), ssr, F, p, crit: {"10","5","1"}, ci: [[low, high], …] },
//   coefficients { term: {estimate, se, t, p} } with regime terms RX#r1 … and se_type naming the variance,
//   regression { df_resid, sigma_e, r2_within, F, F_df }, lr_curve [{ threshold, gamma, grid, lr }].
//
// Conventions. hansen: demean by unit and drop one period per unit, strict I(Q < γ), F = (S0/S1 − 1)·n(T−1),
// conventional SEs with σ² = e'e/(n(T−1) − n − k). xthreg: full within transformation, I(Q ≤ γ),
// F = (S0 − S1)/(S1/(N − T)) as xthreg prints it, final table = xtreg, fe on the regime interactions.
// Both: LR(γ) = (S(γ) − Ŝ)/(Ŝ/scale) with the F statistic's scale; confidence set = grid points with
// LR < −2 ln(1 − √level); p-values and critical values from Hansen's residual bootstrap by unit blocks
// (each replication re-runs the same sequential search). Both use Hansen's grid (quantiles of the distinct
// values of Q; xthreg's own rule is undocumented, so reproduce its printed thresholds with `at`).
// Sequence: γ2 is searched given γ1, then γ1 is re-estimated given γ2; γ3 given both. Every step searches
// the step-1 grid; trim[k-1] sets the number of grid positions around fixed thresholds excluded at step k.
// F_k = (ssr_{k-1} − S_k)/(S_k/scale), S_k the minimum of step k's search and ssr_k the SSR at the step's
// final thresholds (they differ only if the refinement moves γ1).

import { z } from 'zod';
import { InputError } from '../errors.ts';
import { formatFormula, parseFormula, type ParsedFormula as EngineFormula } from '../formula.ts';
import { isVcovOption, parseVcov } from '../vcov.ts';
import { rejectInfinite, type LoadedFrame } from '../frame.ts';
import { type BootstrapSpec, summarize } from '../threshold/bootstrap.ts';
import { defaultThreads, runBootstrap } from '../threshold/bootstrap-pool.ts';
import { type ThresholdMethod, makePanel, transform } from '../threshold/panel.ts';
import {
  type FixedThreshold,
  type Grid,
  type GridSpec,
  baseResidual,
  buildGrid,
  buildPlan,
  exclusionWindow,
  NO_EXCLUSION,
  makeContext,
  positionOf,
  ssrCurve,
} from '../threshold/search.ts';
import {
  type ConditionalCurve,
  PlanCache,
  type SequenceStep,
  ThresholdSearchError,
  makeSearcher,
  runSequence,
} from '../threshold/sequence.ts';
import { type CoefficientRow, type RegressionSummary, thresholdTable } from '../threshold/table.ts';

export const ThresholdOptionsSchema = z.object({
  // text, or the structure every estimator of the engine takes (exactly one absorbed effect: the unit)
  formula: z.union([z.string().min(1), z.custom<EngineFormula>((v) => typeof v === 'object' && v !== null && 'depvar' in v)]),
  time: z.string().min(1),
  regime: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  thresholdVar: z.string().min(1),
  thresholds: z.number().int().min(1).max(3).default(1),
  trim: z.array(z.number().gt(0).lt(0.5)).min(1).default([0.01]),
  method: z.enum(['hansen', 'xthreg']).default('xthreg'),
  grid: z
    .string()
    .regex(/^(all|quantile:\d+)$/, "grid must be 'all' or 'quantile:N'")
    .default('quantile:400'),
  bootstrap: z.number().int().min(0).default(300),
  seed: z.number().int().default(1),
  level: z.number().gt(0).lt(100).default(95),
  threads: z.number().int().min(1).optional(),
  /** the engine's vcov vocabulary: iid (conventional), hc1 (robust), cluster:VAR; `vce`/`cluster` are older names */
  vcov: z.string().refine(isVcovOption, 'expected iid, hc1 or cluster:VAR').optional(),
  vce: z.enum(['conventional', 'robust', 'cluster']).optional(),
  cluster: z.string().min(1).optional(),
  at: z.array(z.number()).min(1).max(3).optional(),
});
export type ThresholdOptions = z.input<typeof ThresholdOptionsSchema>;

export interface ThresholdStep {
  k: number;
  thresholds: number[];
  ssr: number;
  F: number;
  p: number | null;
  crit: { '10': number; '5': number; '1': number } | null;
  ci: Array<[number, number]>;
}

export interface ThresholdResult {
  method: ThresholdMethod;
  nobs: number;
  rows_used: number;
  units: number;
  periods: number;
  /** units dropped because they lack complete data in some period (the model needs a balanced panel) */
  dropped_units: number;
  /** absorbed effects with their number of levels: the unit first, then e.g. the year ("| id + year") */
  fixed_effects: Array<{ name: string; levels: number }>;
  threshold_var: string;
  regime_vars: string[];
  /** confidence level (percent) of the threshold confidence sets */
  level: number;
  /** bootstrap replications per test (0: no test) */
  bootstrap: number;
  grid_size: number;
  ssr0: number;
  steps: ThresholdStep[];
  coefficients: Record<string, CoefficientRow>;
  se_type: string;
  regression: RegressionSummary;
  lr_curve: Array<{ threshold: number; gamma: number; grid: number[]; lr: number[] }>;
}

interface ThresholdFormula {
  y: string;
  x: string[];
  id: string;
  /** further absorbed effects ("| id + year"): partialled out as dummy regressors */
  absorb: string[];
}

/** "y ~ x1 + x2 | id" or "y ~ x1 + x2 | id + year" (x may be empty: "y ~ 0 | id" or "y ~ | id"), parsed by
 *  the engine's formula parser; the first absorbed effect is the unit, any further one (plain variables,
 *  no `^`) is absorbed by partialling out its dummies. */
export function parseThresholdFormula(formula: string | EngineFormula): ThresholdFormula {
  const text = typeof formula === 'string' ? formula : formatFormula(formula);
  // no regime-independent regressors: the engine's parser writes a constant-only model as `1`
  const f = typeof formula === 'string' ? parseFormula(formula.replace(/~\s*0?\s*\|/, '~ 1 |')) : formula;
  if (f.endog.length) throw new InputError(`the threshold model has no IV part: ${text}`);
  const special = [f.depvar, ...f.exog].filter((t) => !/^[\p{L}_.][\p{L}\p{N}_.]*$/u.test(t));
  if (special.length)
    throw new InputError(`the threshold model takes plain variables (no log(), ':', '*' or i() terms): ${special.join(', ')} in "${text}"`);
  if (f.fixedEffects.length < 1 || f.fixedEffects.some((fe) => fe.length !== 1))
    throw new InputError(`formula must look like "y ~ x1 + x2 | id" or "y ~ x1 + x2 | id + year" (the unit identifier first, plain variables), got "${text}"`);
  return { y: f.depvar, x: f.exog, id: f.fixedEffects[0][0], absorb: f.fixedEffects.slice(1).map((fe) => fe[0]) };
}

/** vce and cluster variable from the engine's vcov names (or the older vce/cluster options). */
function varianceOptions(o: { vcov?: string; vce?: 'conventional' | 'robust' | 'cluster'; cluster?: string }): { vce: 'conventional' | 'robust' | 'cluster'; cluster?: string } {
  if (o.vcov !== undefined) {
    if (o.vce !== undefined || o.cluster !== undefined) throw new InputError('give either vcov or vce/cluster, not both');
    const spec = parseVcov(o.vcov);
    if (spec.type === 'cluster' && spec.variables.length > 1)
      throw new InputError(`multi-way clustering (${o.vcov}) is not available for the threshold model: cluster on one variable`);
    if (spec.type === 'dk') throw new InputError(`Driscoll–Kraay (${o.vcov}) is not available for the threshold model: use iid, hc1 or cluster:VAR`);
    return spec.type === 'iid' ? { vce: 'conventional' } : spec.type === 'hc1' ? { vce: 'robust' } : { vce: 'cluster', cluster: spec.variable };
  }
  // vce 'cluster' without a cluster variable clusters on the unit
  return { vce: o.cluster ? 'cluster' : (o.vce ?? 'conventional'), cluster: o.cluster };
}

function parseOptions(options: ThresholdOptions) {
  const parsed = ThresholdOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`invalid option ${issue.path.join('.') || ''}: ${issue.message}`);
  }
  return parsed.data;
}

function regimeList(regime: string | string[]): string[] {
  return (Array.isArray(regime) ? regime : regime.split(',')).map((s) => s.trim()).filter(Boolean);
}

/** Columns fitThreshold needs from the loader. */
export function thresholdColumns(options: ThresholdOptions): { numeric: string[]; factors: string[] } {
  const o = parseOptions(options);
  const f = parseThresholdFormula(o.formula);
  const numeric = [...new Set([f.y, ...f.x, ...regimeList(o.regime), o.thresholdVar])];
  const { cluster } = varianceOptions(o);
  const factors = [...new Set([f.id, o.time, ...f.absorb, ...(cluster ? [cluster] : [])])];
  return { numeric, factors };
}

/** Order key of a time value: numeric when every level is a number. */
function timeKeys(frame: LoadedFrame, time: string): Float64Array {
  const n = frame.nrows;
  const out = new Float64Array(n);
  if (frame.numeric[time]) {
    out.set(frame.numeric[time]);
    return out;
  }
  const f = frame.factors[time];
  if (!f) throw new InputError(`time variable '${time}' was not loaded`);
  const numericLevels = f.levels.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  const order = f.levels.map((l, i) => i);
  if (numericLevels) order.sort((a, b) => Number(f.levels[a]) - Number(f.levels[b]));
  const rank = new Float64Array(f.levels.length);
  order.forEach((lvl, r) => (rank[lvl] = r));
  for (let i = 0; i < n; i++) out[i] = f.codes[i] < 0 ? NaN : rank[f.codes[i]];
  return out;
}

function factorCodes(frame: LoadedFrame, name: string): { codes: Int32Array; levels: string[] } {
  const f = frame.factors[name];
  if (f) return f;
  const v = frame.numeric[name];
  if (!v) throw new InputError(`variable '${name}' was not loaded`);
  const levels = [...new Set([...v].filter((x) => !Number.isNaN(x)))].sort((a, b) => a - b);
  const index = new Map(levels.map((l, i) => [l, i]));
  const codes = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) codes[i] = Number.isNaN(v[i]) ? -1 : index.get(v[i])!;
  return { codes, levels: levels.map(String) };
}

function numericColumn(frame: LoadedFrame, name: string): Float64Array {
  const v = frame.numeric[name];
  if (!v) throw new InputError(`numeric variable '${name}' was not loaded`);
  return v;
}

export async function fitThreshold(frame: LoadedFrame, options: ThresholdOptions): Promise<ThresholdResult> {
  const o = parseOptions(options);
  const formula = parseThresholdFormula(o.formula);
  const rxNames = regimeList(o.regime);
  const xNames = formula.x.filter((x) => !rxNames.includes(x)); // RX is spanned by its regime terms
  const K = o.at ? o.at.length : o.thresholds;
  if (o.at && options.thresholds !== undefined && o.thresholds !== o.at.length)
    throw new InputError(`--at gives ${o.at.length} threshold(s) but --thresholds is ${o.thresholds}`);
  const trims = Array.from({ length: K }, (_, i) => o.trim[Math.min(i, o.trim.length - 1)]);
  const gridSpec: GridSpec = o.grid === 'all' ? { kind: 'all' } : { kind: 'quantile', points: Number(o.grid.split(':')[1]) };
  if (gridSpec.kind === 'quantile' && gridSpec.points < 2) throw new InputError('grid must have at least 2 quantile points');
  const { vce, cluster: clusterVar } = varianceOptions(o);

  // ---- balanced panel in unit-major order ----
  const y = numericColumn(frame, formula.y);
  const xs = xNames.map((n) => numericColumn(frame, n));
  const rxs = rxNames.map((n) => numericColumn(frame, n));
  const q = numericColumn(frame, o.thresholdVar);
  rejectInfinite(formula.y, y);
  xNames.forEach((name, j) => rejectInfinite(name, xs[j]));
  rxNames.forEach((name, j) => rejectInfinite(name, rxs[j]));
  rejectInfinite(o.thresholdVar, q);
  const id = factorCodes(frame, formula.id);
  const timeKey = timeKeys(frame, o.time);
  const clusterF = clusterVar ? factorCodes(frame, clusterVar) : undefined;
  const absorbKeys = formula.absorb.map((name) => (name === o.time ? timeKey : timeKeys(frame, name)));
  let valid: number[] = [];
  for (let i = 0; i < frame.nrows; i++) {
    if (id.codes[i] < 0 || Number.isNaN(timeKey[i]) || Number.isNaN(y[i]) || Number.isNaN(q[i])) continue;
    if (xs.some((c) => Number.isNaN(c[i])) || rxs.some((c) => Number.isNaN(c[i]))) continue;
    if (absorbKeys.some((k) => Number.isNaN(k[i]))) continue;
    if (clusterF && clusterF.codes[i] < 0) continue;
    valid.push(i);
  }
  if (valid.length === 0) throw new InputError('no complete observations');
  valid.sort((a, b) => id.codes[a] - id.codes[b] || timeKey[a] - timeKey[b]);
  const periodsSet = [...new Set(valid.map((i) => timeKey[i]))].sort((a, b) => a - b);
  const T = periodsSet.length;
  for (let j = 0; j < valid.length; j++) {
    const i = valid[j];
    const prev = valid[j - 1];
    if (j > 0 && id.codes[prev] === id.codes[i] && timeKey[prev] === timeKey[i])
      throw new InputError(`duplicate observations for ${formula.id} = ${id.levels[id.codes[i]]} in one period of '${o.time}'`);
  }
  // Hansen's within transformation needs a balanced panel: drop the units not observed (with complete data)
  // in every period of the sample, and report how many
  const counts = new Map<number, number>();
  for (const i of valid) counts.set(id.codes[i], (counts.get(id.codes[i]) ?? 0) + 1);
  const droppedUnits = [...counts.values()].filter((c) => c !== T).length;
  if (droppedUnits === counts.size)
    throw new InputError(
      `unbalanced panel: no ${formula.id} has complete data in all ${T} periods of '${o.time}'; the threshold model needs a balanced panel ` +
        '(units missing a period are dropped): restrict the sample to periods most units share',
    );
  if (droppedUnits) valid = valid.filter((i) => counts.get(id.codes[i]) === T);
  const unitCount = counts.size - droppedUnits;
  if (T < 2) throw new InputError('the threshold model needs at least 2 periods per unit');
  const take = (c: Float64Array) => Float64Array.from(valid, (i) => c[i]);
  // further absorbed effects: their dummies (first level and dummies collinear with the unit effect left
  // out) enter as trailing regressors that the coefficient table does not show. Partialling them out is the
  // same as absorbing them (Frisch–Waugh): same thresholds, slopes, SSR and F.
  const absorbed = formula.absorb.map((name, e) => absorbedDummies(name, take(absorbKeys[e]), o.method as ThresholdMethod, unitCount, T));
  const nuisance = absorbed.flatMap((a) => a.columns);
  const panelInput = {
    method: o.method as ThresholdMethod,
    units: unitCount,
    periods: T,
    y: take(y),
    x: [...xs.map(take), ...nuisance],
    xNames: [...xNames, ...absorbed.flatMap((a) => a.names)],
    rx: rxs.map(take),
    rxNames,
    q: take(q),
  };
  panelInput.rx.forEach((c, a) => {
    if (c.every((v) => v === c[0])) throw new InputError(`regime variable '${rxNames[a]}' is constant`);
  });
  const panel = makePanel(panelInput);
  panel.rx.forEach((c, a) => {
    if (transform(panel, c).every((v) => Math.abs(v) < 1e-12 * (Math.abs(c[0]) + 1)))
      throw new InputError(`regime variable '${rxNames[a]}' does not vary within units (absorbed by the fixed effects)`);
  });
  const nd = panel.distinctQ.length;
  if (Math.floor(trims[0] * nd) < 2)
    throw new InputError(
      `too few distinct values of '${o.thresholdVar}' (${nd}) for trim ${trims[0]}: need at least ${Math.ceil(2 / trims[0])}`,
    );
  const cluster = clusterF ? { codes: Int32Array.from(valid, (i) => clusterF.codes[i]), name: clusterVar! } : undefined;

  // ---- search ----
  const ctx = (() => {
    try {
      return makeContext(panel);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
  })();
  const grid = buildGrid(panel.distinctQ, gridSpec, trims[0]);
  if (new Set(grid.values).size < 2) throw new InputError(`the trimmed grid of '${o.thresholdVar}' has fewer than 2 distinct candidates`);
  const cache = new PlanCache(ctx, grid);
  const yT = transform(panel, panel.y);
  const fScale = o.method === 'hansen' ? panel.transformedRows : panel.rows - T;

  let ssr0: number;
  let steps: SequenceStep[];
  try {
    if (o.at) {
      ({ ssr0, steps } = evaluateAt(ctx, cache, grid, yT, trims, o.at.map((v) => snap(panel.distinctQ, v))));
    } else {
      ({ ssr0, steps } = runSequence(makeSearcher(ctx, grid), yT, trims, K, true));
    }
  } catch (e) {
    if (e instanceof ThresholdSearchError || (e as Error).message.includes('collinear')) throw new InputError((e as Error).message);
    throw e;
  }

  // ---- bootstrap ----
  const Fs = steps.map((s, i) => {
    const prev = i === 0 ? ssr0 : steps[i - 1].ssrFinal;
    return (prev - s.ssrSearch) / (s.ssrSearch / fScale);
  });
  let boot: Float64Array[] | null = null;
  if (o.bootstrap > 0) {
    const spec: BootstrapSpec = {
      panel: panelInput,
      grid: gridSpec,
      trims,
      seed: o.seed,
      fScale,
      tests: steps.map((s, i) => {
        const nullFixed = i === 0 ? [] : steps[i - 1].thresholds;
        const e = baseResidual(cache.get(nullFixed, NO_EXCLUSION), yT);
        return { k: s.k, reps: o.bootstrap, fitted: yT.map((v, j) => v - e[j]), resid: e };
      }),
    };
    boot = await runBootstrap(spec, o.threads ?? defaultThreads(spec));
  }

  // ---- confidence sets and LR curves ----
  const level = o.level / 100;
  const critLR = -2 * Math.log(1 - Math.sqrt(level));
  const lrOf = (c: ConditionalCurve, ref: number) => {
    const gridVals: number[] = [];
    const lr: number[] = [];
    c.curve.ssr.forEach((s, g) => {
      if (Number.isNaN(s)) return;
      gridVals.push(c.grid.values[g]);
      lr.push((s - ref) / (ref / fScale));
    });
    return { gridVals, lr };
  };
  const refFor = (c: ConditionalCurve, step: SequenceStep) => (o.at ? step.ssrFinal : c.curve.ssr[c.curve.best]);

  const outSteps: ThresholdStep[] = steps.map((s, i) => {
    const order = s.thresholds.map((t, j) => j).sort((a, b) => s.thresholds[a].value - s.thresholds[b].value);
    const ci = order.map((j) => {
      const c = s.curves[j];
      const { gridVals, lr } = lrOf(c, refFor(c, s));
      const inside = gridVals.filter((_, g) => lr[g] < critLR);
      const t = s.thresholds[j].value;
      return (inside.length ? [Math.min(...inside), Math.max(...inside)] : [t, t]) as [number, number];
    });
    const summary = boot ? summarize(boot[i], Fs[i]) : null;
    return {
      k: s.k,
      thresholds: order.map((j) => s.thresholds[j].value),
      ssr: s.ssrFinal,
      F: Fs[i],
      p: summary ? summary.p : null,
      crit: summary ? summary.crit : null,
      ci,
    };
  });

  const last = steps[steps.length - 1];
  const lastOrder = last.thresholds.map((t, j) => j).sort((a, b) => last.thresholds[a].value - last.thresholds[b].value);
  const lr_curve = lastOrder.map((j, r) => {
    const c = last.curves[j];
    const { gridVals, lr } = lrOf(c, refFor(c, last));
    return { threshold: r + 1, gamma: last.thresholds[j].value, grid: gridVals, lr };
  });

  const table = thresholdTable(
    panel,
    outSteps[outSteps.length - 1].thresholds,
    vce,
    cluster,
    nuisance.length,
  );
  return {
    method: o.method,
    nobs: panel.rows,
    rows_used: panel.transformedRows,
    units: panel.units,
    periods: panel.periods,
    dropped_units: droppedUnits,
    fixed_effects: [
      { name: formula.id, levels: unitCount },
      ...absorbed.map((a) => ({ name: a.name, levels: a.levels })),
    ],
    threshold_var: o.thresholdVar,
    regime_vars: rxNames,
    level: o.level,
    bootstrap: o.bootstrap,
    grid_size: grid.values.length,
    ssr0,
    steps: outSteps,
    coefficients: table.coefficients,
    se_type: table.se_type,
    regression: table.regression,
    lr_curve,
  };
}

/**
 * Dummies of an absorbed effect on the balanced panel's rows: one per level but the first, keeping only those
 * not spanned (after the method's within transformation) by the ones kept before, so an effect nested in the
 * unit, or levels that only repeat the unit effect, add no collinear columns.
 */
function absorbedDummies(
  name: string,
  keys: Float64Array,
  method: ThresholdMethod,
  units: number,
  periods: number,
): { name: string; levels: number; names: string[]; columns: Float64Array[] } {
  const levels = [...new Set(keys)].sort((a, b) => a - b);
  const rows = keys.length;
  const stub = makePanel({ method, units, periods, y: new Float64Array(rows), x: [], xNames: [], rx: [], rxNames: [], q: new Float64Array(rows) });
  const names: string[] = [];
  const columns: Float64Array[] = [];
  const basis: Float64Array[] = []; // orthonormal, transformed rows
  levels.slice(1).forEach((level, j) => {
    const raw = Float64Array.from(keys, (k) => (k === level ? 1 : 0));
    const w = transform(stub, raw);
    let norm0 = 0;
    for (const v of w) norm0 += v * v;
    for (let pass = 0; pass < 2; pass++)
      for (const b of basis) {
        let dot = 0;
        for (let i = 0; i < w.length; i++) dot += w[i] * b[i];
        for (let i = 0; i < w.length; i++) w[i] -= dot * b[i];
      }
    let norm = 0;
    for (const v of w) norm += v * v;
    if (!(norm > 1e-10 * norm0)) return;
    const s = 1 / Math.sqrt(norm);
    basis.push(w.map((v) => v * s));
    names.push(`${name}#${j + 2}`);
    columns.push(raw);
  });
  return { name, levels: levels.length, names, columns };
}

/** Nearest distinct value of Q, so a rounded published threshold selects the intended data value. */
function snap(distinct: Float64Array, v: number): number {
  let lo = 0;
  let hi = distinct.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (distinct[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  const below = lo > 0 ? distinct[lo - 1] : distinct[lo];
  return Math.abs(below - v) <= Math.abs(distinct[lo] - v) ? below : distinct[lo];
}

/** Steps at user-given thresholds: step k uses the first k of them; profiles as in the search. */
function evaluateAt(
  ctx: ReturnType<typeof makeContext>,
  cache: PlanCache,
  grid: Grid,
  yT: Float64Array,
  trims: number[],
  values: number[],
): { ssr0: number; steps: SequenceStep[] } {
  const fixed: FixedThreshold[] = values.map((v) => ({ value: v, position: positionOf(grid, v) }));
  const plan1 = cache.get([], NO_EXCLUSION);
  const ssr0 = ssrCurve(ctx, plan1, yT).ssrBase;
  const steps: SequenceStep[] = [];
  for (let k = 1; k <= fixed.length; k++) {
    const these = fixed.slice(0, k);
    const point: Grid = { values: Float64Array.of(these[k - 1].value), positions: Int32Array.of(0), scale: 1 };
    const ssr = ssrCurve(ctx, buildPlan(ctx, these.slice(0, k - 1), point, new Uint8Array(1)), yT).ssr[0];
    const window = k === 1 ? NO_EXCLUSION : exclusionWindow(grid, trims[k - 1], ctx.panel.method);
    const curves = these.map((t, j) => {
      const others = these.filter((_, i) => i !== j);
      const plan = cache.get(others, window);
      return { threshold: t, curve: ssrCurve(ctx, plan, yT), grid: plan.grid, excluded: plan.excluded };
    });
    steps.push({ k, thresholds: these, ssrSearch: ssr, ssrFinal: ssr, curves });
  }
  return { ssr0, steps };
}
