// fitThreshold on synthetic frames: recovers planted thresholds, handles several regime variables,
// clustered SEs, `at`, and rejects bad panels with InputError.
import { describe, expect, it } from 'vitest';
import { InputError, type LoadedFrame } from '../../../econometrics/io/load.ts';
import { fitThreshold } from '../../../econometrics/models/threshold.ts';
import { modelFormula } from '../../../econometrics/formula.ts';
import { randomPanelData } from '../threshold/random-panel.ts';
import { fitFe } from '../../../econometrics/models/feols.ts';

/**
 * The fixed-effects regression with r1 split at the thresholds, fitted by feols (code apart from the threshold
 * search): regime j holds r1 where γ_{j−1} < q ≤ γ_j (xthreg) or γ_{j−1} ≤ q < γ_j (hansen).
 */
function splitColumns(frame: LoadedFrame, thresholds: number[], strict: boolean) {
  const q = frame.numeric.q;
  const regimeOf = (v: number) => thresholds.filter((g) => (strict ? v >= g : v > g)).length;
  const numeric: Record<string, Float64Array> = { ...frame.numeric };
  const terms: string[] = [];
  for (let j = 0; j <= thresholds.length; j++) {
    numeric[`rr${j + 1}`] = frame.numeric.r1.map((v, i) => (regimeOf(q[i]) === j ? v : 0));
    terms.push(`rr${j + 1}`);
  }
  return { numeric, terms };
}

function splitFit(frame: LoadedFrame, thresholds: number[]) {
  const { numeric, terms } = splitColumns(frame, thresholds, false);
  return fitFe({ ...frame, numeric }, `y ~ x1 + x2 + ${terms.join(' + ')} | firm`);
}

/**
 * Hansen's regression written out: demean every column within its unit (8 periods each), drop each unit's last
 * period, least squares without a constant by the normal equations. Returns the SSR and the coefficients.
 */
function hansenFit(frame: LoadedFrame, thresholds: number[], periods = 8) {
  const { numeric, terms } = splitColumns(frame, thresholds, true);
  const names = ['x1', 'x2', ...terms];
  const demeanDrop = (v: Float64Array) => {
    const out: number[] = [];
    for (let start = 0; start < v.length; start += periods) {
      let mean = 0;
      for (let t = 0; t < periods; t++) mean += v[start + t] / periods;
      for (let t = 0; t < periods - 1; t++) out.push(v[start + t] - mean);
    }
    return out;
  };
  const y = demeanDrop(numeric.y);
  const X = names.map((n) => demeanDrop(numeric[n]));
  const k = X.length;
  const A = X.map((a) => [...X.map((b) => a.reduce((s, v, i) => s + v * b[i], 0)), a.reduce((s, v, i) => s + v * y[i], 0)]);
  for (let c = 0; c < k; c++)
    for (let r = c + 1; r < k; r++) {
      const f = A[r][c] / A[c][c];
      for (let j = c; j <= k; j++) A[r][j] -= f * A[c][j];
    }
  const b = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) b[r] = (A[r][k] - A[r].slice(r + 1, k).reduce((s, v, j) => s + v * b[r + 1 + j], 0)) / A[r][r];
  const ssr = y.reduce((s, v, i) => s + (v - X.reduce((t, col, j) => t + col[i] * b[j], 0)) ** 2, 0);
  return { ssr, coef: Object.fromEntries(names.map((n, j) => [n, b[j]])) };
}

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
    // Given its thresholds, the model is the fixed-effects regression on the split regressor, to rounding.
    const ols = method === 'hansen'
      ? hansenFit(frame, r.steps[1].thresholds).coef
      : Object.fromEntries(Object.entries(splitFit(frame, r.steps[1].thresholds).coefficients).map(([n, c]) => [n, c.estimate]));
    for (const j of [1, 2, 3]) expect(r.coefficients[`r1#r${j}`].estimate).toBeCloseTo(ols[`rr${j}`], 9);
    expect(r.coefficients.x1.estimate).toBeCloseTo(ols.x1, 9);
    // The planted 1.6, within sampling error (its standard error is about 0.05 here).
    expect(Math.abs(r.coefficients['r1#r2'].estimate - 1.6)).toBeLessThan(3 * r.coefficients['r1#r2'].se);
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
    // F_k = (S_{k−1} − S_k)/(S_k/(N − T)) as xthreg prints it, the SSRs from feols on the split regressor.
    const [g1, g2] = r.steps[1].thresholds;
    expect(g1).toBe(r.steps[0].thresholds[0]);
    const s0 = splitFit(frame, []).ssr;
    const s1 = splitFit(frame, [g1]).ssr;
    const s2 = splitFit(frame, [g1, g2]).ssr;
    const scale = 1600 - 8;
    expect(r.ssr0).toBeCloseTo(s0, 6);
    expect(r.steps[0].ssr).toBeCloseTo(s1, 6);
    expect(r.steps[1].ssr).toBeCloseTo(s2, 6);
    expect(r.steps[0].F).toBeCloseTo((s0 - s1) / (s1 / scale), 6);
    expect(r.steps[1].F).toBeCloseTo((s1 - s2) / (s2 / scale), 6);
    // Hansen's convention: F = (S0/S1 − 1)·n(T − 1), strict I(q < γ), the last period dropped after demeaning.
    const h = await fitThreshold(frame, { ...base, method: 'hansen', at: [g1], bootstrap: 0 });
    const h0 = hansenFit(frame, []).ssr;
    const h1 = hansenFit(frame, [h.steps[0].thresholds[0]]).ssr;
    expect(h.steps[0].F).toBeCloseTo((h0 / h1 - 1) * 200 * 7, 6);
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
