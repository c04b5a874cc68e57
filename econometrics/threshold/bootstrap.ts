// Bootstrap of the threshold tests (Hansen 1999, section 3.2): under the null of k−1 thresholds, resample
// the null model's residuals by whole unit blocks, add them to the null fitted values (both already in
// transformed space), re-run the same sequential search, and record F*.
//
// Each replication draws from its own RNG stream seeded by (seed, test k, replication index), so the
// result does not depend on how replications are spread over worker threads (see bootstrap-pool.ts).
// This module is also bundled into the worker, so it must not touch import.meta.

import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { type PanelInput, makePanel } from './panel.ts';
import { type GridSpec, buildGrid, makeContext } from './search.ts';
import { makeSearcher, runSequence } from './sequence.ts';

export interface BootstrapTest {
  /** number of thresholds under the alternative */
  k: number;
  reps: number;
  /** null model (k−1 thresholds) fitted values and residuals, transformed rows */
  fitted: Float64Array;
  resid: Float64Array;
}

export interface BootstrapSpec {
  panel: PanelInput;
  grid: GridSpec;
  trims: number[];
  seed: number;
  /** F = (S_{k−1} − S_k) / (S_k / fScale) */
  fScale: number;
  tests: BootstrapTest[];
}

function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x | 0;
}

/** Independent stream for one replication of one test. */
export function replicationStream(seed: number, k: number, replication: number) {
  const high = Math.floor(seed / 0x100000000);
  const s = mix32(mix32(mix32(seed | 0) ^ mix32(high + 0x51ed27)) ^ mix32(k * 0x632be5ab)) ^ mix32(replication + 0x2545f491);
  return xoroshiro128plus(mix32(s));
}

/** Replications [from, to) of every test; result[t][b - from[t]] = F*. */
export function runReplications(spec: BootstrapSpec, ranges: Array<[number, number]>): Float64Array[] {
  const panel = makePanel(spec.panel);
  const ctx = makeContext(panel);
  const grid = buildGrid(panel.distinctQ, spec.grid, spec.trims[0]);
  const searcher = makeSearcher(ctx, grid);
  const n = panel.units;
  const keep = panel.transformedRows / n;
  const ystar = new Float64Array(panel.transformedRows);
  return spec.tests.map((test, t) => {
    const [from, to] = ranges[t];
    const out = new Float64Array(Math.max(0, to - from));
    for (let b = from; b < to; b++) {
      const rng = replicationStream(spec.seed, test.k, b);
      for (let u = 0; u < n; u++) {
        const src = uniformInt(rng, 0, n - 1) * keep;
        const dst = u * keep;
        for (let j = 0; j < keep; j++) ystar[dst + j] = test.fitted[dst + j] + test.resid[src + j];
      }
      const seq = runSequence(searcher, ystar, spec.trims, test.k, false, false);
      const sPrev = test.k === 1 ? seq.ssr0 : seq.steps[test.k - 2].ssrFinal;
      const sNew = seq.steps[test.k - 1].ssrSearch;
      out[b - from] = (sPrev - sNew) / (sNew / spec.fScale);
    }
    return out;
  });
}

/** Bootstrap p-value (share of F* above F, as in Hansen's code) and 10/5/1% critical values. */
export function summarize(fStar: Float64Array, f: number): { p: number; crit: { '10': number; '5': number; '1': number } } {
  const sorted = Float64Array.from(fStar).sort();
  const B = sorted.length;
  let above = 0;
  for (const v of sorted) if (v > f) above++;
  const quantile = (level: number) => sorted[Math.min(B - 1, Math.max(0, Math.ceil(level * B) - 1))];
  return { p: above / B, crit: { '10': quantile(0.9), '5': quantile(0.95), '1': quantile(0.99) } };
}
