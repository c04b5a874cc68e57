// Bootstrap determinism: the same F* whatever the number of worker threads (this also checks that the
// TypeScript worker starts under vitest), and a different seed gives different draws.
import { describe, expect, it } from 'vitest';
import { type BootstrapSpec, replicationStream, summarize } from '../../../econometrics/threshold/bootstrap.ts';
import { defaultThreads, runBootstrap } from '../../../econometrics/threshold/bootstrap-pool.ts';
import { availableParallelism } from 'node:os';
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

describe('replication streams and thread counts', () => {
  it('seeds that differ only above bit 32 give different streams', () => {
    // 2^40 and 2^40 + 2^32 have the same low 32 bits
    const a = replicationStream(2 ** 40, 1, 0).next();
    const b = replicationStream(2 ** 40 + 2 ** 32, 1, 0).next();
    expect(a).not.toBe(b);
    expect(replicationStream(2 ** 32, 1, 0).next()).not.toBe(replicationStream(0, 1, 0).next());
    expect(replicationStream(2 ** 40, 1, 0).next()).toBe(a);
  });

  it('one thread for small jobs; up to min(cores, 8) from 2.5e7 replication-rows on', () => {
    const spec = (reps: number, k: number, units: number, periods: number) =>
      ({ panel: { units, periods }, tests: [{ k, reps }] }) as unknown as BootstrapSpec;
    expect(defaultThreads(spec(300, 1, 100, 10))).toBe(1);
    // Σ reps·k = 300·1 + 300·2 = 900 replications × 10,000 rows = 9e6 < 2.5e7
    expect(defaultThreads({ panel: { units: 1000, periods: 10 }, tests: [{ k: 1, reps: 300 }, { k: 2, reps: 300 }] } as unknown as BootstrapSpec)).toBe(1);
    const many = Math.max(1, Math.min(availableParallelism(), 8));
    // exactly 2.5e7: 250 × 1 × 100,000
    expect(defaultThreads(spec(250, 1, 10_000, 10))).toBe(many);
    expect(defaultThreads(spec(249, 1, 10_000, 10))).toBe(1);
    expect(defaultThreads(spec(300, 3, 10_000, 10))).toBe(many);
  });
});
