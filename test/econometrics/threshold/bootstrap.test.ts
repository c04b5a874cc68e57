// Bootstrap determinism: the same F* whatever the number of worker threads (this also checks that the
// TypeScript worker starts under vitest), and a different seed gives different draws.
import { describe, expect, it } from 'vitest';
import { type BootstrapSpec, replicationStream, summarize } from '../../../econometrics/threshold/bootstrap.ts';
import { runBootstrap } from '../../../econometrics/threshold/bootstrap-pool.ts';
import { makePanel, transform } from '../../../econometrics/threshold/panel.ts';
import { baseResidual, buildGrid, buildPlan, makeContext } from '../../../econometrics/threshold/search.ts';
import { randomPanelData } from './random-panel.ts';

function specFor(method: 'hansen' | 'xthreg', seed: number, reps: number): BootstrapSpec {
  const data = randomPanelData({ seed: 11, units: 40, periods: 6, regressors: 2, qLevels: 60 });
  const input = { method, ...data };
  const panel = makePanel(input);
  const ctx = makeContext(panel);
  const grid = { kind: 'quantile' as const, points: 40 };
  const g = buildGrid(panel.distinctQ, grid, 0.05);
  const yT = transform(panel, panel.y);
  const nullFit = (fixedIndex: number[]) => {
    const fixed = fixedIndex.map((i) => ({ value: g.values[i], position: g.positions[i], index: i }));
    const e = baseResidual(buildPlan(ctx, fixed, g, new Uint8Array(g.values.length)), yT);
    return { fitted: yT.map((v, i) => v - e[i]), resid: e };
  };
  return {
    panel: input,
    grid,
    trims: [0.05, 0.05, 0.05],
    seed,
    fScale: panel.transformedRows,
    tests: [
      { k: 1, reps, ...nullFit([]) },
      { k: 2, reps, ...nullFit([10]) },
      { k: 3, reps, ...nullFit([10, 25]) },
    ],
  };
}

describe('bootstrap', () => {
  it.each(['hansen', 'xthreg'] as const)('gives identical F* with 1, 2 and 3 worker threads (%s)', async (method) => {
    const spec = specFor(method, 42, 13);
    const inThread = await runBootstrap(spec, 1);
    const two = await runBootstrap(spec, 2);
    const three = await runBootstrap(spec, 3);
    // workers that register tsx themselves instead of running the esbuild bundle
    const viaTsx = await runBootstrap(spec, 2, 'tsx');
    for (let t = 0; t < 3; t++) {
      expect(inThread[t].length).toBe(13);
      expect([...two[t]]).toEqual([...inThread[t]]);
      expect([...three[t]]).toEqual([...inThread[t]]);
      expect([...viaTsx[t]]).toEqual([...inThread[t]]);
      expect(inThread[t].every((f) => Number.isFinite(f) && f >= -1e-9)).toBe(true);
    }
  });

  it('depends on the seed, and each replication has its own stream', async () => {
    const a = await runBootstrap(specFor('hansen', 1, 5), 1);
    const b = await runBootstrap(specFor('hansen', 2, 5), 1);
    expect([...a[0]]).not.toEqual([...b[0]]);
    expect(replicationStream(1, 1, 0).next()).not.toBe(replicationStream(1, 1, 1).next());
    expect(replicationStream(1, 1, 0).next()).not.toBe(replicationStream(1, 2, 0).next());
    expect(replicationStream(1, 1, 0).next()).toBe(replicationStream(1, 1, 0).next());
  });

  it('summarises p-values and critical values', () => {
    const fStar = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    const s = summarize(fStar, 95.5);
    expect(s.p).toBeCloseTo(0.05, 12);
    expect(s.crit).toEqual({ '10': 90, '5': 95, '1': 99 });
  });
});
