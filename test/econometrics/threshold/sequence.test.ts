// Hansen's sequential search (sequence.ts) against a brute-force sequence: one least-squares fit per grid point,
// with the exclusion windows written out here.
import { describe, expect, it } from 'vitest';
import { leastSquares } from '../../../econometrics/threshold/dense.ts';
import { type ThresholdMethod, type ThresholdPanel, belowIndicator, transform } from '../../../econometrics/threshold/panel.ts';
import { type Grid, buildGrid, makeContext, NO_EXCLUSION } from '../../../econometrics/threshold/search.ts';
import { PlanCache, PlanSearcher, ThresholdSearchError, makeSearcher, runSequence } from '../../../econometrics/threshold/sequence.ts';
import { randomPanel } from './random-panel.ts';

/** SSR of transformed y on the base regressors and RX split at the given thresholds (NaN if singular). */
function ssrAt(panel: ThresholdPanel, thresholds: number[]): number {
  const cols = [...panel.x, ...panel.rx].map((c) => transform(panel, c));
  for (const t of thresholds) for (const rx of panel.rx) cols.push(transform(panel, belowIndicator(panel, rx, t)));
  const fit = leastSquares(cols, transform(panel, panel.y));
  return fit ? fit.ssr : NaN;
}

/** Grid points admissible given fixed grid indices: the method's window of r = round(scale·trim) positions. */
function admissible(grid: Grid, fixed: number[], trim: number, method: ThresholdMethod): number[] {
  const r = Math.round(grid.scale * trim);
  const [below, above] = method === 'hansen' ? [r + 1, r] : [r, r];
  return [...grid.values.keys()].filter((g) =>
    fixed.every((f) => {
      const d = grid.positions[g] - grid.positions[f];
      return !(d > -below && d < above) && grid.values[g] !== grid.values[f];
    }),
  );
}

/** argmin over candidate indices of the SSR with the fixed thresholds and the candidate (first on ties). */
function argmin(panel: ThresholdPanel, grid: Grid, fixed: number[], candidates: number[]) {
  let best = -1;
  let value = Infinity;
  for (const g of candidates) {
    const s = ssrAt(panel, [...fixed.map((f) => grid.values[f]), grid.values[g]]);
    if (s < value) { value = s; best = g; }
  }
  return { best, value };
}

describe.each<ThresholdMethod>(['hansen', 'xthreg'])('runSequence equals the brute-force sequence (%s)', (method) => {
  const panel = randomPanel({ seed: 31, units: 16, periods: 4, regressors: 1 }, method);
  const ctx = makeContext(panel);
  const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 24 }, 0.05);
  const yT = transform(panel, panel.y);
  const trims = [0.05, 0.1, 0.1];
  const all = [...grid.values.keys()];

  // brute force: step 1, step 2 given γ1, refinement of γ1 given γ2, step 3 given both
  const s1 = argmin(panel, grid, [], all);
  const s2 = argmin(panel, grid, [s1.best], admissible(grid, [s1.best], trims[1], method));
  const r1 = argmin(panel, grid, [s2.best], admissible(grid, [s2.best], trims[1], method));
  const s3 = argmin(panel, grid, [r1.best, s2.best], admissible(grid, [r1.best, s2.best], trims[2], method));
  const rel = (a: number, b: number) => Math.abs(a - b) / b;

  it('three steps with profiles (fast searcher)', () => {
    const { ssr0, steps } = runSequence(makeSearcher(ctx, grid), yT, trims, 3, true);
    expect(rel(ssr0, ssrAt(panel, []))).toBeLessThan(1e-9);
    expect(steps.map((s) => s.k)).toEqual([1, 2, 3]);
    expect(steps[0].thresholds.map((t) => t.index)).toEqual([s1.best]);
    expect(rel(steps[0].ssrSearch, s1.value)).toBeLessThan(1e-9);
    expect(steps[0].ssrFinal).toBe(steps[0].ssrSearch);
    expect(steps[1].thresholds.map((t) => t.index)).toEqual([r1.best, s2.best]);
    expect(steps[1].thresholds.map((t) => t.value)).toEqual([grid.values[r1.best], grid.values[s2.best]]);
    expect(steps[1].thresholds.map((t) => t.position)).toEqual([grid.positions[r1.best], grid.positions[s2.best]]);
    expect(rel(steps[1].ssrSearch, s2.value)).toBeLessThan(1e-9);
    expect(rel(steps[1].ssrFinal, r1.value)).toBeLessThan(1e-9);
    expect(steps[2].thresholds.map((t) => t.index)).toEqual([r1.best, s2.best, s3.best]);
    expect(rel(steps[2].ssrSearch, s3.value)).toBeLessThan(1e-9);
    expect(steps[2].ssrFinal).toBe(steps[2].ssrSearch);
    // profiles: one per threshold of the step, each minimised at its own threshold's value given the others
    expect(steps.map((s) => s.curves.length)).toEqual([1, 2, 3]);
    steps.forEach((s) =>
      s.curves.forEach((c, j) => {
        expect(c.threshold).toBe(s.thresholds[j]);
        expect(c.grid).toBe(grid);
        expect(c.curve.ssr.length).toBe(grid.values.length);
      }),
    );
    expect(steps[1].curves[0].curve.best).toBe(r1.best);
    expect(steps[1].curves[1].curve.best).toBe(s2.best);
    expect(steps[2].curves[2].curve.best).toBe(s3.best);
    // γ1's profile in the triple model is S(γ | γ2, γ3)
    const g = admissible(grid, [s2.best, s3.best], trims[2], method)[0];
    expect(rel(steps[2].curves[0].curve.ssr[g], ssrAt(panel, [grid.values[s2.best], grid.values[s3.best], grid.values[g]]))).toBeLessThan(1e-9);
  });

  it('one step only, and two steps without curves or refinement (the bootstrap form)', () => {
    const one = runSequence(makeSearcher(ctx, grid), yT, trims, 1, true);
    expect(one.steps).toHaveLength(1);
    const lean = runSequence(makeSearcher(ctx, grid), yT, trims, 2, false, false);
    expect(lean.steps).toHaveLength(2);
    expect(lean.steps[0].curves).toEqual([]);
    expect(lean.steps[1].curves).toEqual([]);
    expect(lean.steps[1].thresholds.map((t) => t.index)).toEqual([s1.best, s2.best]);
    expect(rel(lean.steps[1].ssrSearch, s2.value)).toBeLessThan(1e-9);
    expect(lean.steps[1].ssrFinal).toBe(lean.steps[1].ssrSearch);
    // refineLast only matters when step 2 is the last
    const three = runSequence(makeSearcher(ctx, grid), yT, trims, 3, false, false);
    expect(three.steps[1].thresholds.map((t) => t.index)).toEqual([r1.best, s2.best]);
    expect(three.steps[2].curves).toEqual([]);
  });

  it('the general plan searcher (used for several regime variables) gives the same sequence', () => {
    const searcher = new PlanSearcher(ctx, grid);
    expect(searcher.method).toBe(method);
    const a = runSequence(searcher, yT, trims, 3, true);
    const b = runSequence(makeSearcher(ctx, grid), yT, trims, 3, true);
    expect(a.steps.map((s) => s.thresholds.map((t) => t.index))).toEqual(b.steps.map((s) => s.thresholds.map((t) => t.index)));
    a.steps.forEach((s, i) => expect(rel(s.ssrFinal, b.steps[i].ssrFinal)).toBeLessThan(1e-9));
  });

  it('no admissible point: ThresholdSearchError naming the threshold', () => {
    // two candidates at adjacent positions (scale 10): trim 0.2 excludes round(2) − 1 = 1 position or more on
    // either side, so step 2 has no candidate
    const mid = panel.distinctQ.length >> 1;
    const two: Grid = { values: Float64Array.of(panel.distinctQ[mid], panel.distinctQ[mid + 3]), positions: Int32Array.of(0, 1), scale: 10 };
    const fail = (trims2: number[]) => {
      try {
        runSequence(makeSearcher(ctx, two), yT, trims2, 2, true);
      } catch (e) {
        return e as Error;
      }
      return null;
    };
    const e2 = fail([0.05, 0.2]);
    expect(e2).toBeInstanceOf(ThresholdSearchError);
    expect(e2!.message).toBe('no admissible grid point for threshold 2: the trimming leaves no candidate');
    // trim 0.1 (r = 1): hansen excludes 2 − 1 = 1 position below and 0 above, xthreg none but the point itself. With
    // hansen, γ2 can follow γ1 = the first point, but the refinement of γ1 given γ2 cannot go back below it.
    const firstBest = ssrAt(panel, [two.values[0]]) < ssrAt(panel, [two.values[1]]);
    const e1 = fail([0.05, 0.1]);
    if (method === 'xthreg') expect(e1).toBeNull();
    else {
      expect(e1).toBeInstanceOf(ThresholdSearchError);
      expect(e1!.message).toBe(`no admissible grid point for threshold ${firstBest ? 1 : 2}: the trimming leaves no candidate`);
    }
  });
});

describe('makeSearcher and PlanCache', () => {
  it('uses the general searcher for two regime variables', () => {
    const panel = randomPanel({ seed: 32, units: 10, periods: 3, regressors: 1, regimeVars: 2 }, 'xthreg');
    const ctx = makeContext(panel);
    const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 10 }, 0.1);
    expect(makeSearcher(ctx, grid)).toBeInstanceOf(PlanSearcher);
    const one = makeContext(randomPanel({ seed: 32, units: 10, periods: 3, regressors: 1 }, 'xthreg'));
    expect(makeSearcher(one, grid)).not.toBeInstanceOf(PlanSearcher);
  });

  it('returns the cached plan for the same thresholds and window, evicting the least recently used', () => {
    const panel = randomPanel({ seed: 33, units: 10, periods: 3, regressors: 1 }, 'hansen');
    const ctx = makeContext(panel);
    const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 10 }, 0.1);
    const at = (g: number) => ({ value: grid.values[g], position: grid.positions[g], index: g });
    const cache = new PlanCache(ctx, grid, 2);
    const a = cache.get([], NO_EXCLUSION);
    expect(cache.get([], NO_EXCLUSION)).toBe(a);
    const w = { below: 2, above: 1 };
    const b = cache.get([at(3)], w);
    expect(b).not.toBe(a);
    expect([...b.excluded].flatMap((m, i) => (m ? [i] : []))).toEqual([2, 3]);
    // using a again makes b the least recently used: a third plan evicts b, not a
    expect(cache.get([], NO_EXCLUSION)).toBe(a);
    const c = cache.get([at(3)], { below: 1, above: 1 });
    expect(c).not.toBe(b);
    expect(cache.get([], NO_EXCLUSION)).toBe(a);
    expect(cache.get([at(3)], w)).not.toBe(b);
  });
});
