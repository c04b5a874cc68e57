// The incremental (cumulative-sum) searches must equal brute force: one least-squares fit per grid point.
import { describe, expect, it } from 'vitest';
import { leastSquares } from '../../../econometrics/threshold/dense.ts';
import { FastSearcher } from '../../../econometrics/threshold/fast.ts';
import { type ThresholdMethod, type ThresholdPanel, belowIndicator, makePanel, transform } from '../../../econometrics/threshold/panel.ts';
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
  minimumOf,
  positionOf,
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

/** A panel from explicit columns (x: one regressor, rx: the regime variables). */
function panelOf(
  method: ThresholdMethod, units: number, periods: number, seed: number,
  rxOf: (r1: Float64Array, u: () => number, q: Float64Array) => Float64Array[],
) {
  const data = randomPanel({ seed, units, periods, regressors: 1 }, method);
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const rx = rxOf(data.rx[0], u, data.q);
  return makePanel({ method, units, periods, y: data.y, x: data.x, xNames: data.xNames, rx, rxNames: rx.map((_, j) => `r${j + 1}`), q: data.q });
}

describe.each<ThresholdMethod>(['hansen', 'xthreg'])('search plans: validity of grid points (%s)', (method) => {
  it('excluded grid points get no H⁻¹ and are not valid; the curve is NaN there', () => {
    const panel = randomPanel({ seed: 4, units: 12, periods: 4, regressors: 1 }, method);
    const ctx = makeContext(panel);
    const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 20 }, 0.1);
    const excluded = new Uint8Array(grid.values.length);
    excluded[3] = 1;
    excluded[7] = 1;
    const plan = buildPlan(ctx, [], grid, excluded);
    expect(plan.valid[3]).toBe(0);
    expect(plan.valid[7]).toBe(0);
    expect(plan.valid[4]).toBe(1);
    expect(plan.hInv[3]).toBe(0);
    expect(plan.hInv[7]).toBe(0);
    const curve = ssrCurve(ctx, plan, transform(panel, panel.y));
    expect(Number.isNaN(curve.ssr[3])).toBe(true);
    expect(Number.isNaN(curve.ssr[4])).toBe(false);
  });

  it('two negatively related regime variables: every grid point is valid and equals brute force', () => {
    const panel = panelOf(method, 15, 4, 5, (r1, u) => [r1, Float64Array.from(r1, (v) => 3 - v + 0.3 * u())]);
    const ctx = makeContext(panel);
    const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 20 }, 0.1);
    const none = new Uint8Array(grid.values.length);
    const plan = buildPlan(ctx, [], grid, none);
    const brute = bruteForce(panel, [], grid, none);
    expect([...plan.valid].every((v) => v === 1)).toBe(true);
    const curve = ssrCurve(ctx, plan, transform(panel, panel.y));
    for (let g = 0; g < grid.values.length; g++) expect(Math.abs(curve.ssr[g] - brute[g]) / brute[g]).toBeLessThan(1e-9);
    let best = 0;
    for (let g = 1; g < brute.length; g++) if (brute[g] < brute[best]) best = g;
    expect(curve.best).toBe(best);
  });

  it('regime variables that coincide below every candidate leave H singular: no valid point, best −1', () => {
    // r2 = r1 except on the rows of the three largest q (above every trimmed candidate)
    const panel = panelOf(method, 12, 4, 6, (r1, _, q) => {
      const top = [...r1.keys()].sort((a, b) => q[b] - q[a]).slice(0, 3);
      const r2 = Float64Array.from(r1);
      top.forEach((i, k) => (r2[i] += 1 + k));
      return [r1, r2];
    });
    const ctx = makeContext(panel);
    const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 20 }, 0.1);
    const plan = buildPlan(ctx, [], grid, new Uint8Array(grid.values.length));
    expect([...plan.valid].every((v) => v === 0)).toBe(true);
    const curve = ssrCurve(ctx, plan, transform(panel, panel.y));
    expect(curve.best).toBe(-1);
    expect([...curve.ssr].every(Number.isNaN)).toBe(true);
    expect(curve.ssrBase).toBeGreaterThan(0);
  });
});

describe.each<ThresholdMethod>(['hansen', 'xthreg'])('FastSearcher with three fixed thresholds (%s)', (method) => {
  it('the general p > 2 update equals brute force', () => {
    const panel = randomPanel({ seed: 12, units: 25, periods: 5, regressors: 2 }, method);
    const ctx = makeContext(panel);
    const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 40 }, 0.05);
    const yT = transform(panel, panel.y);
    const fast = new FastSearcher(ctx, grid, cutsFor(panel, grid.values));
    const state = fast.prepare(yT);
    const fixed = [fixedAt(grid, 5), fixedAt(grid, 15), fixedAt(grid, 28)];
    const window = exclusionWindow(grid, 2 / grid.scale, method);
    const mask = exclusionMask(grid, fixed, window);
    const brute = bruteForce(panel, fixed.map((f) => f.value), grid, mask);
    const stored = fast.curve(state, fixed, window);
    expectClose(stored.curve.ssr, brute);
    const lean = fast.curve(state, fixed, window, false);
    expect(lean.curve.best).toBe(stored.curve.best);
    expect(lean.curve.bestValue).toBe(stored.curve.ssr[stored.curve.best]);
    expect(() => fast.curve(state, [{ value: grid.values[5], position: grid.positions[5] }], window)).toThrow(
      'FastSearcher: fixed thresholds must be grid points',
    );
  });
});

describe('FastSearcher exclusions on a grid that repeats values', () => {
  it('also excludes the repeats of a fixed value outside its window (stored and lean masks agree)', () => {
    const panel = randomPanel({ seed: 13, units: 20, periods: 4, regressors: 1, qLevels: 8 }, 'xthreg');
    const ctx = makeContext(panel);
    // 8 distinct values on a 40-point quantile grid: each value repeats about 5 times
    const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 40 }, 0.05);
    const fast = new FastSearcher(ctx, grid, cutsFor(panel, grid.values));
    const state = fast.prepare(transform(panel, panel.y));
    const g = 17;
    const f = fixedAt(grid, g);
    const same = [...grid.values.keys()].filter((i) => grid.values[i] === f.value);
    expect(same.length).toBeGreaterThan(2);
    const want = (window: { below: number; above: number }) =>
      [...grid.values.keys()].filter((i) => {
        const d = grid.positions[i] - f.position;
        return (d > -window.below && d < window.above) || grid.values[i] === f.value;
      });
    for (const window of [NO_EXCLUSION, { below: 2, above: 2 }, { below: 3, above: 2 }]) {
      const lean = fast.curve(state, [f], window, false);
      const idx = [...lean.excluded].flatMap((m, i) => (m ? [i] : []));
      expect(idx).toEqual(want(window));
      const stored = fast.curve(state, [f], window);
      expect([...stored.excluded]).toEqual([...lean.excluded]);
      expect(lean.curve.best).toBe(stored.curve.best);
    }
    // no exclusion: only the repeats of the fixed value
    expect([...fast.curve(state, [f], NO_EXCLUSION, false).excluded].flatMap((m, i) => (m ? [i] : []))).toEqual(same);
  });

  it('needs exactly one regime variable', () => {
    const panel = randomPanel({ seed: 14, units: 10, periods: 3, regressors: 1, regimeVars: 2 }, 'xthreg');
    const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 10 }, 0.1);
    expect(() => new FastSearcher(makeContext(panel), grid, cutsFor(panel, grid.values))).toThrow('FastSearcher handles one regime variable');
  });
});

describe('grid helpers with hand-computed values', () => {
  it('quantile grids clamp to the first and last distinct value and may repeat values', () => {
    const d = Float64Array.from([1, 2, 3, 4, 5]);
    // s = 0.01 + j/10, index floor(5 s) clamped to 1..5
    const g = buildGrid(d, { kind: 'quantile', points: 10 }, 0.01);
    expect(Array.from(g.values)).toEqual([1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
    expect(Array.from(g.positions)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(g.scale).toBe(10);
    // trim 0.25 on 4 points: one position trimmed at each end, s = 0.25, 0.5, 0.75
    const t = buildGrid(d, { kind: 'quantile', points: 4 }, 0.25);
    expect(Array.from(t.values)).toEqual([1, 2, 3]);
    expect(Array.from(t.positions)).toEqual([1, 2, 3]);
  });

  it("'all' keeps the distinct values between floor(trim·nd) and floor((1 − trim)·nd), possibly one or none", () => {
    const d = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const g = buildGrid(d, { kind: 'all' }, 0.2);
    expect(Array.from(g.values)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(g.positions)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(g.scale).toBe(10);
    expect(Array.from(buildGrid(Float64Array.from([1, 2, 3]), { kind: 'all' }, 0.4).values)).toEqual([1]);
    expect(Array.from(buildGrid(Float64Array.from([1, 2, 3]), { kind: 'all' }, 0.01).values)).toEqual([1, 2]);
    expect(buildGrid(new Float64Array(0), { kind: 'all' }, 0.1).values.length).toBe(0);
  });

  it('positionOf: the position of the nearest grid point, the first on ties', () => {
    const grid: Grid = { values: Float64Array.from([1, 2, 4]), positions: Int32Array.from([5, 6, 7]), scale: 10 };
    expect(positionOf(grid, 3.5)).toBe(7);
    expect(positionOf(grid, 3)).toBe(6);
    expect(positionOf(grid, 1.5)).toBe(5);
    expect(positionOf(grid, -10)).toBe(5);
    expect(positionOf(grid, 2)).toBe(6);
    expect(positionOf(grid, 100)).toBe(7);
  });

  it('cutsFor: rows below γ (hansen, strict) or at most γ (xthreg)', () => {
    const q = Float64Array.from([0.5, 0.2, 0.5, 0.9, 0.2, 0.1]);
    const mk = (method: ThresholdMethod) =>
      makePanel({ method, units: 2, periods: 3, y: new Float64Array(6), x: [], xNames: [], rx: [new Float64Array(6).fill(1)], rxNames: ['r'], q });
    const values = Float64Array.from([0.2, 0.5, 0.05, 1, 0.9]);
    expect(Array.from(cutsFor(mk('hansen'), values))).toEqual([1, 3, 0, 6, 5]);
    expect(Array.from(cutsFor(mk('xthreg'), values))).toEqual([3, 5, 0, 6, 6]);
  });

  it('minimumOf: the stored minimum or the curve at its best point', () => {
    expect(minimumOf({ ssr: Float64Array.from([3, 1, 2]), ssrBase: 5, best: 1 })).toBe(1);
    expect(minimumOf({ ssr: new Float64Array(0), ssrBase: 5, best: 4, bestValue: 0.5 })).toBe(0.5);
  });
});

describe('collinear designs are errors of the search', () => {
  it('a regressor equal to the regime variable', () => {
    const data = randomPanel({ seed: 15, units: 10, periods: 3, regressors: 1 }, 'xthreg');
    const panel = makePanel({ ...data, x: [data.rx[0]], xNames: ['copy'] });
    const ctx = makeContext(panel);
    const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 10 }, 0.1);
    expect(() => buildPlan(ctx, [], grid, new Uint8Array(grid.values.length))).toThrow('threshold search: base regressors are collinear');
    expect(() => new FastSearcher(ctx, grid, cutsFor(panel, grid.values))).toThrow('threshold search: base regressors are collinear');
  });

  it('the same threshold fixed twice', () => {
    const panel = randomPanel({ seed: 16, units: 12, periods: 4, regressors: 1 }, 'hansen');
    const ctx = makeContext(panel);
    const grid = buildGrid(panel.distinctQ, { kind: 'quantile', points: 20 }, 0.1);
    const fast = new FastSearcher(ctx, grid, cutsFor(panel, grid.values));
    const state = fast.prepare(transform(panel, panel.y));
    expect(() => fast.curve(state, [fixedAt(grid, 8), fixedAt(grid, 8)], NO_EXCLUSION)).toThrow(
      'threshold search: fixed thresholds give collinear regimes',
    );
  });
});
