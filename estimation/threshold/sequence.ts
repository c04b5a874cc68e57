// Hansen's sequential estimation of 1..K thresholds, shared by the point estimate and every bootstrap
// replication (so the bootstrap statistic is formed exactly as the observed one):
//   step 1: γ1 = argmin S(γ) over the grid
//   step 2: γ2 = argmin S(γ | γ1); then γ1 is re-estimated given γ2 (the "refinement")
//   step 3: γ3 = argmin S(γ | γ1, γ2)
// All steps search the step-1 grid (built with trim[0]); trim[k-1] only sets how many grid positions
// around an already fixed threshold are excluded at step k (this is what reproduces Hansen's output).

import {
  type Curve,
  type FixedThreshold,
  type Grid,
  type SearchContext,
  type SearchPlan,
  buildPlan,
  exclusionMask,
  exclusionRadius,
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

  get(fixed: FixedThreshold[], radius: number): SearchPlan {
    const key = radius + '|' + fixed.map((f) => f.value).join(',');
    let plan = this.plans.get(key);
    if (plan) {
      // refresh recency
      this.plans.delete(key);
      this.plans.set(key, plan);
      return plan;
    }
    plan = buildPlan(this.ctx, fixed, this.grid, exclusionMask(this.grid, fixed, radius));
    if (this.plans.size >= this.capacity) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(key, plan);
    return plan;
  }
}

export interface ConditionalCurve {
  /** the threshold this curve profiles, given the others */
  threshold: FixedThreshold;
  curve: Curve;
  plan: SearchPlan;
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

function fixedAt(plan: SearchPlan, g: number): FixedThreshold {
  return { value: plan.grid.values[g], position: plan.grid.positions[g] };
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
  ctx: SearchContext,
  cache: PlanCache,
  grid: Grid,
  yT: Float64Array,
  trims: number[],
  K: number,
  keepCurves: boolean,
  refineLast = true,
  scratch?: Float64Array,
): SequenceResult {
  const radius = (k: number) => exclusionRadius(grid, trims[k - 1]);
  const steps: SequenceStep[] = [];

  const plan1 = cache.get([], 0);
  const c1 = ssrCurve(ctx, plan1, yT, scratch);
  const ssr0 = c1.ssrBase;
  const g1 = fixedAt(plan1, requireBest(c1, 1));
  steps.push({
    k: 1,
    thresholds: [g1],
    ssrSearch: c1.ssr[c1.best],
    ssrFinal: c1.ssr[c1.best],
    curves: keepCurves ? [{ threshold: g1, curve: c1, plan: plan1 }] : [],
  });
  if (K < 2) return { ssr0, steps };

  const plan2 = cache.get([g1], radius(2));
  const c2 = ssrCurve(ctx, plan2, yT, scratch);
  const g2 = fixedAt(plan2, requireBest(c2, 2));
  const ssr2 = c2.ssr[c2.best];
  if (K === 2 && !refineLast) {
    steps.push({ k: 2, thresholds: [g1, g2], ssrSearch: ssr2, ssrFinal: ssr2, curves: [] });
    return { ssr0, steps };
  }
  const planR = cache.get([g2], radius(2));
  const cR = ssrCurve(ctx, planR, yT, scratch);
  const g1r = fixedAt(planR, requireBest(cR, 1));
  steps.push({
    k: 2,
    thresholds: [g1r, g2],
    ssrSearch: ssr2,
    ssrFinal: cR.ssr[cR.best],
    curves: keepCurves
      ? [
          { threshold: g1r, curve: cR, plan: planR },
          { threshold: g2, curve: c2, plan: plan2 },
        ]
      : [],
  });
  if (K < 3) return { ssr0, steps };

  const plan3 = cache.get([g1r, g2], radius(3));
  const c3 = ssrCurve(ctx, plan3, yT, scratch);
  const g3 = fixedAt(plan3, requireBest(c3, 3));
  const step3: SequenceStep = {
    k: 3,
    thresholds: [g1r, g2, g3],
    ssrSearch: c3.ssr[c3.best],
    ssrFinal: c3.ssr[c3.best],
    curves: [],
  };
  if (keepCurves) {
    // profiles of γ1 and γ2 given the other two thresholds, for their confidence sets in the triple model
    const plan31 = cache.get([g2, g3], radius(3));
    const plan32 = cache.get([g1r, g3], radius(3));
    step3.curves = [
      { threshold: g1r, curve: ssrCurve(ctx, plan31, yT, scratch), plan: plan31 },
      { threshold: g2, curve: ssrCurve(ctx, plan32, yT, scratch), plan: plan32 },
      { threshold: g3, curve: c3, plan: plan3 },
    ];
  }
  steps.push(step3);
  return { ssr0, steps };
}
