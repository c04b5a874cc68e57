// Hansen's sequential estimation of 1..K thresholds, shared by the point estimate and every bootstrap
// replication (so the bootstrap statistic is formed exactly as the observed one):
//   step 1: γ1 = argmin S(γ) over the grid
//   step 2: γ2 = argmin S(γ | γ1); then γ1 is re-estimated given γ2 (the "refinement")
//   step 3: γ3 = argmin S(γ | γ1, γ2)
// All steps search the step-1 grid (built with trim[0]); trim[k-1] only sets how many grid positions
// around an already fixed threshold are excluded at step k (search.ts exclusionWindow: this is what
// reproduces Hansen's output).

import { FastSearcher } from './fast.ts';
import type { ThresholdMethod } from './panel.ts';
import {
  type Curve,
  type ExclusionWindow,
  type FixedThreshold,
  type Grid,
  type SearchContext,
  type SearchPlan,
  buildPlan,
  cutsFor,
  NO_EXCLUSION,
  exclusionMask,
  exclusionWindow,
  minimumOf,
  ssrCurve,
} from './search.ts';

/** Plans depend only on the regressors and the fixed thresholds, so replications can share them. */
export class PlanCache {
  private readonly plans = new Map<string, SearchPlan>();
  constructor(
    private readonly ctx: SearchContext,
    private readonly grid: Grid,
    private readonly capacity = 48,
  ) {}

  get(fixed: FixedThreshold[], window: ExclusionWindow): SearchPlan {
    const key = `${window.below},${window.above}|` + fixed.map((f) => f.value).join(',');
    let plan = this.plans.get(key);
    if (plan) {
      // refresh recency
      this.plans.delete(key);
      this.plans.set(key, plan);
      return plan;
    }
    plan = buildPlan(this.ctx, fixed, this.grid, exclusionMask(this.grid, fixed, window));
    if (this.plans.size >= this.capacity) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(key, plan);
    return plan;
  }
}

/** Conditional SSR curves: S(γ | fixed thresholds) over the grid. */
export interface Searcher {
  readonly grid: Grid;
  /** the panel's method, which sets the window excluded around fixed thresholds */
  readonly method: ThresholdMethod;
  prepare(yT: Float64Array): unknown;
  /** `keepCurve` false: only the minimum is needed (bootstrap) */
  curve(state: unknown, fixed: FixedThreshold[], window: ExclusionWindow, keepCurve?: boolean): { curve: Curve; excluded: Uint8Array };
}

/** General searcher (any number of regime variables) built on cached SearchPlans. */
export class PlanSearcher implements Searcher {
  readonly cache: PlanCache;
  readonly method: ThresholdMethod;
  private readonly scratch: Float64Array;
  constructor(
    private readonly ctx: SearchContext,
    readonly grid: Grid,
  ) {
    this.cache = new PlanCache(ctx, grid);
    this.method = ctx.panel.method;
    this.scratch = new Float64Array(ctx.panel.rows);
  }
  prepare(yT: Float64Array): unknown {
    return yT;
  }
  curve(state: unknown, fixed: FixedThreshold[], window: ExclusionWindow) {
    const plan = this.cache.get(fixed, window);
    return { curve: ssrCurve(this.ctx, plan, state as Float64Array, this.scratch), excluded: plan.excluded };
  }
}

/** Fast path for one regime variable, general plans otherwise. */
export function makeSearcher(ctx: SearchContext, grid: Grid): Searcher {
  if (ctx.panel.rx.length === 1) {
    const fast = new FastSearcher(ctx, grid, cutsFor(ctx.panel, grid.values));
    return {
      grid,
      method: ctx.panel.method,
      prepare: (yT) => fast.prepare(yT),
      curve: (state, fixed, window, keepCurve = true) =>
        fast.curve(state as ReturnType<FastSearcher['prepare']>, fixed, window, keepCurve),
    };
  }
  return new PlanSearcher(ctx, grid);
}

export interface ConditionalCurve {
  /** the threshold this curve profiles, given the others */
  threshold: FixedThreshold;
  curve: Curve;
  grid: Grid;
  excluded: Uint8Array;
}

export interface SequenceStep {
  k: number;
  /** thresholds in order of estimation (γ1 refined at k >= 2, γ2, γ3) */
  thresholds: FixedThreshold[];
  /** minimum of the step-k search, used by the F statistic */
  ssrSearch: number;
  /** SSR at the step's final thresholds (after the refinement of γ1 at k = 2) */
  ssrFinal: number;
  /** per threshold (same order), the SSR profile given the other thresholds of the step */
  curves: ConditionalCurve[];
}

export interface SequenceResult {
  ssr0: number;
  steps: SequenceStep[];
}

function fixedAt(grid: Grid, g: number): FixedThreshold {
  return { value: grid.values[g], position: grid.positions[g], index: g };
}

function requireBest(curve: Curve, k: number): number {
  if (curve.best < 0) throw new ThresholdSearchError(`no admissible grid point for threshold ${k}: the trimming leaves no candidate`);
  return curve.best;
}

export class ThresholdSearchError extends Error {}

/**
 * Run steps 1..K on transformed y. `keepCurves` also records every conditional profile (for confidence
 * sets and plots); the bootstrap leaves it off. `refineLast` = false skips the refinement at step 2 when
 * it is the last step (the bootstrap of the double-threshold test does not need it).
 */
export function runSequence(
  searcher: Searcher,
  yT: Float64Array,
  trims: number[],
  K: number,
  keepCurves: boolean,
  refineLast = true,
): SequenceResult {
  const grid = searcher.grid;
  const window = (k: number) => exclusionWindow(grid, trims[k - 1], searcher.method);
  const state = searcher.prepare(yT);
  const profile = (threshold: FixedThreshold, fixed: FixedThreshold[], w: ExclusionWindow): ConditionalCurve => {
    const { curve, excluded } = searcher.curve(state, fixed, w);
    return { threshold, curve, grid, excluded };
  };
  const steps: SequenceStep[] = [];

  const c1 = searcher.curve(state, [], NO_EXCLUSION, keepCurves);
  const ssr0 = c1.curve.ssrBase;
  const g1 = fixedAt(grid, requireBest(c1.curve, 1));
  const ssr1 = minimumOf(c1.curve);
  steps.push({
    k: 1,
    thresholds: [g1],
    ssrSearch: ssr1,
    ssrFinal: ssr1,
    curves: keepCurves ? [{ threshold: g1, curve: c1.curve, grid, excluded: c1.excluded }] : [],
  });
  if (K < 2) return { ssr0, steps };

  const c2 = searcher.curve(state, [g1], window(2), keepCurves);
  const g2 = fixedAt(grid, requireBest(c2.curve, 2));
  const ssr2 = minimumOf(c2.curve);
  if (K === 2 && !refineLast) {
    steps.push({ k: 2, thresholds: [g1, g2], ssrSearch: ssr2, ssrFinal: ssr2, curves: [] });
    return { ssr0, steps };
  }
  const cR = searcher.curve(state, [g2], window(2), keepCurves);
  const g1r = fixedAt(grid, requireBest(cR.curve, 1));
  steps.push({
    k: 2,
    thresholds: [g1r, g2],
    ssrSearch: ssr2,
    ssrFinal: minimumOf(cR.curve),
    curves: keepCurves
      ? [
          { threshold: g1r, curve: cR.curve, grid, excluded: cR.excluded },
          { threshold: g2, curve: c2.curve, grid, excluded: c2.excluded },
        ]
      : [],
  });
  if (K < 3) return { ssr0, steps };

  const c3 = searcher.curve(state, [g1r, g2], window(3), keepCurves);
  const g3 = fixedAt(grid, requireBest(c3.curve, 3));
  const ssr3 = minimumOf(c3.curve);
  steps.push({
    k: 3,
    thresholds: [g1r, g2, g3],
    ssrSearch: ssr3,
    ssrFinal: ssr3,
    // profiles of γ1 and γ2 given the other two thresholds, for their confidence sets in the triple model
    curves: keepCurves
      ? [
          profile(g1r, [g2, g3], window(3)),
          profile(g2, [g1r, g3], window(3)),
          { threshold: g3, curve: c3.curve, grid, excluded: c3.excluded },
        ]
      : [],
  });
  return { ssr0, steps };
}
