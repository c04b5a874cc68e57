// The incremental (cumulative-sum) searches must equal brute force: one least-squares fit per grid point.
import { describe, expect, it } from 'vitest';
import { leastSquares } from '../../../econometrics/threshold/dense.ts';
import { FastSearcher } from '../../../econometrics/threshold/fast.ts';
import { type ThresholdMethod, type ThresholdPanel, belowIndicator, transform } from '../../../econometrics/threshold/panel.ts';
import {
  type FixedThreshold,
  type Grid,
  buildGrid,
  buildPlan,
  cutsFor,
  NO_EXCLUSION,
  exclusionMask,
  exclusionWindow,
  makeContext,
  ssrCurve,
} from '../../../econometrics/threshold/search.ts';
import { randomPanel } from './random-panel.ts';

function bruteForce(panel: ThresholdPanel, fixed: number[], grid: Grid, excluded: Uint8Array): Float64Array {
  const yT = transform(panel, panel.y);
  const base = [...panel.x, ...panel.rx].map((c) => transform(panel, c));
  for (const f of fixed) for (const rx of panel.rx) base.push(transform(panel, belowIndicator(panel, rx, f)));
  const out = new Float64Array(grid.values.length).fill(NaN);
  grid.values.forEach((g, i) => {
    if (excluded[i]) return;
    const cols = [...base, ...panel.rx.map((rx) => transform(panel, belowIndicator(panel, rx, g)))];
    const fit = leastSquares(cols, yT);
    if (fit) out[i] = fit.ssr;
  });
  return out;
}

function expectClose(actual: Float64Array, expected: Float64Array) {
  let compared = 0;
  for (let g = 0; g < expected.length; g++) {
    if (Number.isNaN(actual[g])) continue; // degenerate splits are skipped by the search
    expect(Number.isNaN(expected[g])).toBe(false);
    expect(Math.abs(actual[g] - expected[g]) / expected[g]).toBeLessThan(1e-9);
    compared++;
  }
  expect(compared).toBeGreaterThan(expected.length / 2);
}

const fixedAt = (grid: Grid, g: number): FixedThreshold => ({ value: grid.values[g], position: grid.positions[g], index: g });

describe.each<ThresholdMethod>(['hansen', 'xthreg'])('incremental search equals brute force (%s)', (method) => {
  it.each([
    { seed: 1, units: 30, periods: 6, regressors: 3, qLevels: undefined, grid: 'quantile' as const },
    { seed: 2, units: 25, periods: 5, regressors: 2, qLevels: 40, grid: 'all' as const },
    { seed: 3, units: 40, periods: 4, regressors: 4, qLevels: undefined, grid: 'all' as const },
  ])('single regime variable, seed $seed', ({ seed, units, periods, regressors, qLevels, grid: kind }) => {
    const panel = randomPanel({ seed, units, periods, regressors, qLevels }, method);
    const ctx = makeContext(panel);
    const grid = buildGrid(panel.distinctQ, kind === 'all' ? { kind: 'all' } : { kind: 'quantile', points: 50 }, 0.05);
    const yT = transform(panel, panel.y);
    const none = new Uint8Array(grid.values.length);
    const fast = new FastSearcher(ctx, grid, cutsFor(panel, grid.values));
    const state = fast.prepare(yT);

    // no threshold fixed
    const brute0 = bruteForce(panel, [], grid, none);
    expectClose(ssrCurve(ctx, buildPlan(ctx, [], grid, none), yT).ssr, brute0);
    expectClose(fast.curve(state, [], NO_EXCLUSION).curve.ssr, brute0);

    // one and two thresholds fixed, with the method's exclusion around them
    const f1 = fixedAt(grid, Math.floor(grid.values.length * 0.3));
    const f2 = fixedAt(grid, Math.floor(grid.values.length * 0.75));
    for (const fixed of [[f1], [f2], [f1, f2]]) {
      const radius = exclusionWindow(grid, 3 / grid.scale, method);
      const mask = exclusionMask(grid, fixed, radius);
      const brute = bruteForce(panel, fixed.map((f) => f.value), grid, mask);
      expectClose(ssrCurve(ctx, buildPlan(ctx, fixed, grid, mask), yT).ssr, brute);
      const stored = fast.curve(state, fixed, radius);
      expectClose(stored.curve.ssr, brute);
      // the bootstrap's allocation-free variant finds the same minimum with the same exclusions
      const lean = fast.curve(state, fixed, radius, false);
      expect([...lean.excluded]).toEqual([...stored.excluded]);
      expect(lean.curve.best).toBe(stored.curve.best);
      expect(lean.curve.bestValue).toBe(stored.curve.ssr[stored.curve.best]);
    }
  });

  it('two regime variables (general plan path)', () => {
    const panel = randomPanel({ seed: 7, units: 20, periods: 5, regressors: 2, regimeVars: 2 }, method);
    const ctx = makeContext(panel);
    const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 40 }, 0.05);
    const yT = transform(panel, panel.y);
    const none = new Uint8Array(grid.values.length);
    expectClose(ssrCurve(ctx, buildPlan(ctx, [], grid, none), yT).ssr, bruteForce(panel, [], grid, none));
    const f = fixedAt(grid, 10);
    const mask = exclusionMask(grid, [f], exclusionWindow(grid, 3 / grid.scale, method));
    expectClose(ssrCurve(ctx, buildPlan(ctx, [f], grid, mask), yT).ssr, bruteForce(panel, [f.value], grid, mask));
  });
});

describe('exclusion around a fixed threshold', () => {
  const grid: Grid = { values: Float64Array.from({ length: 30 }, (_, i) => i / 10), positions: Int32Array.from({ length: 30 }, (_, i) => i + 5), scale: 100 };
  const f: FixedThreshold = { value: grid.values[12], position: grid.positions[12], index: 12 };
  const excludedIdx = (mask: Uint8Array) => [...mask].flatMap((m, i) => (m ? [i] : []));

  it("hansen: r = round(scale · trim) grid points below and r − 1 above (Hansen's GAUSS program)", () => {
    // r = 5: indices 7..11 below, 12 itself, 13..16 above
    expect(excludedIdx(exclusionMask(grid, [f], exclusionWindow(grid, 0.05, 'hansen')))).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  });

  it('xthreg: r − 1 on each side (unchanged)', () => {
    expect(excludedIdx(exclusionMask(grid, [f], exclusionWindow(grid, 0.05, 'xthreg')))).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16]);
  });

  it('no exclusion excludes only a grid point equal to the fixed value', () => {
    expect(excludedIdx(exclusionMask(grid, [f], NO_EXCLUSION))).toEqual([12]);
    expect(excludedIdx(exclusionMask(grid, [f], exclusionWindow(grid, 0, 'hansen')))).toEqual([12]);
  });
});

describe('grid construction', () => {
  it("follows Hansen's quantile rule and keeps every distinct value for 'all'", () => {
    const distinct = Float64Array.from({ length: 1000 }, (_, i) => i / 1000);
    const q = buildGrid(distinct, { kind: 'quantile', points: 400 }, 0.01);
    expect(q.values.length).toBe(393);
    expect(q.values[0]).toBe(distinct[9]); // floor(0.01 * 1000) = 10th value, 1-based
    expect(q.positions[0]).toBe(4);
    const all = buildGrid(distinct, { kind: 'all' }, 0.01);
    expect(all.values[0]).toBe(distinct[9]);
    expect(all.values[all.values.length - 1]).toBe(distinct[989]);
    expect(all.values.length).toBe(981);
  });
});
