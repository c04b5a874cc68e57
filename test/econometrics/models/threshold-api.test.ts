// fitThreshold on synthetic frames: recovers planted thresholds, handles several regime variables,
// clustered SEs, `at`, and rejects bad panels with InputError.
import { describe, expect, it } from 'vitest';
import { InputError, type LoadedFrame } from '../../../econometrics/io/load.ts';
import { fitThreshold } from '../../../econometrics/models/threshold.ts';
import { modelFormula } from '../../../econometrics/formula.ts';
import { randomPanelData } from '../threshold/random-panel.ts';

function frameOf(data: ReturnType<typeof randomPanelData>): LoadedFrame {
  const n = data.y.length;
  const numeric: Record<string, Float64Array> = { y: data.y, q: data.q };
  data.x.forEach((c, j) => (numeric[data.xNames[j]] = c));
  data.rx.forEach((c, j) => (numeric[data.rxNames[j]] = c));
  return {
    nrows: n,
    numeric,
    factors: {
      firm: { codes: Int32Array.from({ length: n }, (_, i) => Math.floor(i / data.periods)), levels: Array.from({ length: data.units }, (_, u) => `f${u}`) },
      year: { codes: Int32Array.from({ length: n }, (_, i) => i % data.periods), levels: Array.from({ length: data.periods }, (_, t) => String(2000 + t)) },
      region: { codes: Int32Array.from({ length: n }, (_, i) => Math.floor(i / data.periods) % 12), levels: Array.from({ length: 12 }, (_, r) => `r${r}`) },
    },
  };
}

describe('fitThreshold', () => {
  const data = randomPanelData({ seed: 3, units: 200, periods: 8, regressors: 2 });
  const frame = frameOf(data);
  const base = { formula: 'y ~ x1 + x2 | firm', time: 'year', regime: 'r1', thresholdVar: 'q', grid: 'quantile:100', trim: [0.05] };

  it.each(['hansen', 'xthreg'] as const)('recovers the planted thresholds 0.4 and 0.7 (%s)', async (method) => {
    const r = await fitThreshold(frame, { ...base, method, thresholds: 2, bootstrap: 30, seed: 9 });
    expect(r.steps[1].thresholds[0]).toBeCloseTo(0.4, 1);
    expect(r.steps[1].thresholds[1]).toBeCloseTo(0.7, 1);
    expect(r.steps[0].p).toBe(0);
    expect(r.coefficients['r1#r2'].estimate).toBeCloseTo(1.6, 0);
    r.steps[1].ci.forEach(([lo, hi], j) => {
      expect(lo).toBeLessThanOrEqual(r.steps[1].thresholds[j]);
      expect(hi).toBeGreaterThanOrEqual(r.steps[1].thresholds[j]);
    });
    expect(r.lr_curve.map((c) => c.gamma)).toEqual(r.steps[1].thresholds);
  });

  it('is reproducible for a seed and uses every distinct value with grid all', async () => {
    const a = await fitThreshold(frame, { ...base, grid: 'all', bootstrap: 25, seed: 4 });
    const b = await fitThreshold(frame, { ...base, grid: 'all', bootstrap: 25, seed: 4 });
    expect(a).toEqual(b);
    expect(a.grid_size).toBe(Math.floor(0.95 * 1600) - Math.floor(0.05 * 1600) + 1);
  });

  it('handles two regime variables and clustered standard errors', async () => {
    const two = randomPanelData({ seed: 8, units: 60, periods: 5, regressors: 1, regimeVars: 2 });
    const r = await fitThreshold(frameOf(two), {
      ...base,
      formula: 'y ~ x1 | firm',
      regime: 'r1,r2',
      thresholds: 2,
      bootstrap: 10,
      cluster: 'region',
    });
    expect(Object.keys(r.coefficients)).toEqual(['x1', 'r1#r1', 'r1#r2', 'r1#r3', 'r2#r1', 'r2#r2', 'r2#r3', '_cons']);
    expect(r.se_type).toMatch(/cluster-robust \(region, 12 clusters\)/);
    expect(r.regression.F_df).toEqual([7, 11]);
    expect(r.steps[1].p).not.toBeNull();
  });

  it('evaluates at given thresholds, snapped to data values', async () => {
    const r = await fitThreshold(frame, { ...base, at: [0.4, 0.7], bootstrap: 0 });
    expect(r.steps).toHaveLength(2);
    const distinct = new Set(data.q);
    r.steps[1].thresholds.forEach((t) => expect(distinct.has(t)).toBe(true));
    expect(r.steps[1].F).toBeGreaterThan(0);
  });

  it('rejects duplicate (unit, period) rows, bad options and bad formulas', async () => {
    const dup: LoadedFrame = { ...frame, factors: { ...frame.factors, year: { ...frame.factors.year, codes: frame.factors.year.codes.map((c) => (c === 1 ? 0 : c)) } } };
    await expect(fitThreshold(dup, { ...base, bootstrap: 0 })).rejects.toThrow(/duplicate observations/);
    await expect(fitThreshold(frame, { ...base, trim: [0.7] })).rejects.toBeInstanceOf(InputError);
    await expect(fitThreshold(frame, { ...base, formula: 'y x1 firm' })).rejects.toThrow(/formula does not parse/);
    await expect(fitThreshold(frame, { ...base, thresholds: 4 })).rejects.toBeInstanceOf(InputError);
    await expect(fitThreshold(frame, { ...base, formula: 'y ~ log(x1) | firm' })).rejects.toThrow(/plain variables .*log\(x1\)/);
    await expect(fitThreshold(frame, { ...base, vcov: 'dk:2:year' })).rejects.toThrow(/Driscoll–Kraay .* not available for the threshold model/);
  });

  it('rejects an infinite regressor or threshold variable instead of dropping the rows', async () => {
    const x2 = Float64Array.from(frame.numeric.x2);
    x2[5] = Infinity;
    const bad: LoadedFrame = { ...frame, numeric: { ...frame.numeric, x2 } };
    await expect(fitThreshold(bad, { ...base, bootstrap: 0 })).rejects.toBeInstanceOf(InputError);
    await expect(fitThreshold(bad, { ...base, bootstrap: 0 })).rejects.toThrow(/variable 'x2' is infinite \(inf or -inf\) in 1 row:/);
    const q = Float64Array.from(frame.numeric.q);
    q[0] = -Infinity;
    await expect(fitThreshold({ ...frame, numeric: { ...frame.numeric, q } }, { ...base, bootstrap: 0 })).rejects.toThrow(/variable 'q' is infinite/);
  });

  it('speaks the engine vocabulary: a parsed formula and vcov iid | hc1 | cluster:VAR give what the older options give', async () => {
    const opts = { ...base, method: 'xthreg' as const, thresholds: 1, bootstrap: 0 };
    const parsed = modelFormula({ depvar: 'y', exog: ['x1', 'x2'], fixedEffects: ['firm'] });
    const text = await fitThreshold(frame, opts);
    expect((await fitThreshold(frame, { ...opts, formula: parsed })).coefficients).toEqual(text.coefficients);
    for (const [vcov, old] of [['iid', { vce: 'conventional' }], ['hc1', { vce: 'robust' }], ['cluster:region', { cluster: 'region' }]] as const) {
      const a = await fitThreshold(frame, { ...opts, vcov });
      const b = await fitThreshold(frame, { ...opts, ...old });
      expect(a.coefficients).toEqual(b.coefficients);
      expect(a.se_type).toBe(b.se_type);
    }
    await expect(fitThreshold(frame, { ...opts, vcov: 'cluster:region', vce: 'robust' })).rejects.toThrow(/either vcov or vce/);
    await expect(fitThreshold(frame, { ...opts, formula: 'y ~ x1 | firm^year' })).rejects.toThrow(/the unit identifier first, plain variables/);
  });
});
