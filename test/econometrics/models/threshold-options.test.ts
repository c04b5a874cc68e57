// fitThreshold: how the time and unit variables are read (text or numeric, their order), the option checks and
// every input error, on small random panels. Hansen's method drops each unit's last period, so the order of the
// periods shows in its SSR, which is checked against the regression written out here.
import { describe, expect, it } from 'vitest';
import { InputError, type LoadedFrame } from '../../../econometrics/io/load.ts';
import { fitThreshold, parseThresholdFormula, thresholdColumns } from '../../../econometrics/models/threshold.ts';
import { randomPanelData } from '../threshold/random-panel.ts';

/**
 * Hansen's regression in the given row order (unit-major, periods in time order): demean every column within
 * the unit, drop the unit's last period, least squares without a constant; r1 split at the thresholds with
 * regime j holding r1 where γ_j ≤ q < γ_{j+1}. Returns the SSR.
 */
function hansenSsr(units: number, T: number, y: number[], x1: number[], r1: number[], q: number[], thresholds: number[]): number {
  const regime = (v: number) => thresholds.filter((g) => v >= g).length;
  const cols = [x1, ...Array.from({ length: thresholds.length + 1 }, (_, j) => r1.map((v, i) => (regime(q[i]) === j ? v : 0)))];
  const tr = (v: number[]) => {
    const out: number[] = [];
    for (let u = 0; u < units; u++) {
      let m = 0;
      for (let t = 0; t < T; t++) m += v[u * T + t] / T;
      for (let t = 0; t < T - 1; t++) out.push(v[u * T + t] - m);
    }
    return out;
  };
  const Y = tr(y);
  const X = cols.map(tr);
  const k = X.length;
  const A = X.map((a) => [...X.map((b) => a.reduce((s, v, i) => s + v * b[i], 0)), a.reduce((s, v, i) => s + v * Y[i], 0)]);
  for (let c = 0; c < k; c++)
    for (let r = c + 1; r < k; r++) {
      const f = A[r][c] / A[c][c];
      for (let j = c; j <= k; j++) A[r][j] -= f * A[c][j];
    }
  const b = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let s = A[r][k];
    for (let j = r + 1; j < k; j++) s -= A[r][j] * b[j];
    b[r] = s / A[r][r];
  }
  return Y.reduce((s, v, i) => s + (v - X.reduce((t, col, j) => t + col[i] * b[j], 0)) ** 2, 0);
}

const UNITS = 30;
const T = 3;
const data = randomPanelData({ seed: 21, units: UNITS, periods: T, regressors: 1 });
const arr = (v: Float64Array) => Array.from(v);

/**
 * A frame holding the panel with the period variable `year` as a factor with the given level texts: period t
 * (in the intended time order) of every unit is coded `codeOfPeriod[t]`; rows are shuffled (unit-major order is
 * not assumed by fitThreshold).
 */
function frameWith(levels: string[], codeOfPeriod: number[], idNumeric = false): LoadedFrame {
  const n = UNITS * T;
  const order = Array.from({ length: n }, (_, i) => (i * 37) % n); // a permutation of the rows (37 ⟂ 90)
  const pick = (v: Float64Array) => Float64Array.from(order, (i) => v[i]);
  const unitOf = order.map((i) => Math.floor(i / T));
  const frame: LoadedFrame = {
    nrows: n,
    numeric: { y: pick(data.y), x1: pick(data.x[0]), r1: pick(data.rx[0]), q: pick(data.q) },
    factors: { year: { codes: Int32Array.from(order, (i) => codeOfPeriod[i % T]), levels } },
  };
  // unit u gets id (7u mod 30) + 1: the numeric ids are not in the units' order
  if (idNumeric) frame.numeric.firm = Float64Array.from(unitOf, (u) => ((7 * u) % UNITS) + 1);
  else frame.factors.firm = { codes: Int32Array.from(unitOf), levels: Array.from({ length: UNITS }, (_, u) => `f${u}`) };
  return frame;
}

const base = { formula: 'y ~ x1 | firm', time: 'year', regime: 'r1', thresholdVar: 'q', grid: 'all', trim: [0.05], bootstrap: 0, method: 'hansen' as const };

/** SSR0 and SSR at γ of Hansen's regression with the periods in the intended order. */
function expected(gamma: number) {
  const y = arr(data.y), x1 = arr(data.x[0]), r1 = arr(data.rx[0]), q = arr(data.q);
  return { ssr0: hansenSsr(UNITS, T, y, x1, r1, q, []), ssr1: hansenSsr(UNITS, T, y, x1, r1, q, [gamma]) };
}

const sortedQ = [...data.q].sort((a, b) => a - b);
const gamma = sortedQ[40];

describe('fitThreshold: the order of the periods (hansen drops the last one)', () => {
  it('numeric-looking period texts are ordered as numbers ("9" < "10" < "11")', async () => {
    // loadFrame sorts levels as text: "10", "11", "9"; the periods in time order are 9, 10, 11
    const r = await fitThreshold(frameWith(['10', '11', '9'], [2, 0, 1]), { ...base, at: [gamma] });
    const want = expected(gamma);
    expect(r.steps[0].thresholds).toEqual([gamma]);
    expect(r.ssr0).toBeCloseTo(want.ssr0, 8);
    expect(r.steps[0].ssr).toBeCloseTo(want.ssr1, 8);
    expect(r.periods).toBe(3);
  });

  it('texts that are not all numbers keep their level order', async () => {
    // levels "x", "10", "9" in this order are the periods in time order (not sorted as numbers)
    const r = await fitThreshold(frameWith(['x', '10', '9'], [0, 1, 2]), { ...base, at: [gamma] });
    const want = expected(gamma);
    expect(r.ssr0).toBeCloseTo(want.ssr0, 8);
    expect(r.steps[0].ssr).toBeCloseTo(want.ssr1, 8);
    // a blank text is not a number either
    const blank = await fitThreshold(frameWith([' ', '3', '1'], [0, 1, 2]), { ...base, at: [gamma] });
    expect(blank.ssr0).toBeCloseTo(want.ssr0, 8);
  });

  it('a numeric period variable is used as it is', async () => {
    const f = frameWith(['a', 'b', 'c'], [0, 1, 2]);
    const numericYear = Float64Array.from(f.factors.year.codes, (c) => [1990, 2005, 2010][c]);
    const frame: LoadedFrame = { ...f, numeric: { ...f.numeric, year: numericYear }, factors: { firm: f.factors.firm } };
    const r = await fitThreshold(frame, { ...base, at: [gamma] });
    expect(r.ssr0).toBeCloseTo(expected(gamma).ssr0, 8);
  });

  it('a numeric unit identifier gives the same model as a text one', async () => {
    const text = await fitThreshold(frameWith(['a', 'b', 'c'], [0, 1, 2]), { ...base, at: [gamma] });
    const num = await fitThreshold(frameWith(['a', 'b', 'c'], [0, 1, 2], true), { ...base, at: [gamma] });
    expect(num.units).toBe(UNITS);
    expect(num.ssr0).toBeCloseTo(expected(gamma).ssr0, 8);
    expect(num.steps[0].ssr).toBeCloseTo(text.steps[0].ssr, 10);
    expect(num.fixed_effects).toEqual([{ name: 'firm', levels: UNITS }]);
  });

  it('the bootstrap resamples units in the order of their sorted numeric identifiers', async () => {
    // text identifiers named so that their sorted order is that of the numeric ids (7u mod 30) + 1
    const f = frameWith(['a', 'b', 'c'], [0, 1, 2]);
    const ids = Array.from({ length: UNITS }, (_, u) => ((7 * u) % UNITS) + 1);
    const textSorted: LoadedFrame = {
      ...f,
      factors: {
        ...f.factors,
        firm: { codes: Int32Array.from(f.factors.firm.codes, (u) => ids[u] - 1), levels: Array.from({ length: UNITS }, (_, k) => `u${String(k + 1).padStart(2, '0')}`) },
      },
    };
    const opts = { ...base, method: 'xthreg' as const, grid: 'quantile:20', bootstrap: 12, seed: 3 };
    const a = await fitThreshold(textSorted, opts);
    const b = await fitThreshold(frameWith(['a', 'b', 'c'], [0, 1, 2], true), opts);
    expect(b.steps[0].crit).toEqual(a.steps[0].crit);
    expect(b.steps[0].p).toBe(a.steps[0].p);
  });
});

describe('fitThreshold: input errors', () => {
  const frame = frameWith(['1', '2', '3'], [0, 1, 2]);
  const opts = { ...base, method: 'xthreg' as const, grid: 'quantile:20' };

  it('rejects a formula object that is not a parsed formula, and bad options', async () => {
    await expect(fitThreshold(frame, { ...opts, formula: {} as never })).rejects.toThrow(/^invalid option formula: /);
    await expect(fitThreshold(frame, { ...opts, formula: 5 as never })).rejects.toThrow(/^invalid option formula: /);
    await expect(fitThreshold(frame, { ...opts, formula: null as never })).rejects.toThrow(/^invalid option formula: /);
    await expect(fitThreshold(frame, { ...opts, grid: 'quantile:1' })).rejects.toThrow('grid must have at least 2 quantile points');
    await expect(fitThreshold(frame, { ...opts, grid: 'many' })).rejects.toThrow("invalid option grid: grid must be 'all' or 'quantile:N'");
    await expect(fitThreshold(frame, { ...opts, at: [0.3, 0.6], thresholds: 1 })).rejects.toThrow('--at gives 2 threshold(s) but --thresholds is 1');
    await expect(fitThreshold(frame, { ...opts, vcov: 'cluster:firm+year' })).rejects.toThrow(
      'multi-way clustering (cluster:firm+year) is not available for the threshold model: cluster on one variable',
    );
    await expect(fitThreshold(frame, { ...opts, formula: 'y ~ x1 | firm | r1 ~ q' })).rejects.toThrow(/^the threshold model has no IV part: /);
  });

  it('names variables that were not loaded', async () => {
    await expect(fitThreshold(frame, { ...opts, time: 'period' })).rejects.toThrow("time variable 'period' was not loaded");
    await expect(fitThreshold(frame, { ...opts, formula: 'y ~ x9 | firm' })).rejects.toThrow("numeric variable 'x9' was not loaded");
    await expect(fitThreshold(frame, { ...opts, formula: 'y ~ x1 | unit' })).rejects.toThrow("variable 'unit' was not loaded");
    await expect(fitThreshold(frame, { ...opts, cluster: 'region' })).rejects.toThrow("variable 'region' was not loaded");
  });

  it('needs at least two periods, a balanced unit, and complete observations', async () => {
    const one: LoadedFrame = { ...frame, factors: { ...frame.factors, year: { codes: new Int32Array(frame.nrows), levels: ['2000'] } } };
    // with one period, every unit is seen once: "duplicates" cannot arise, the panel is too short
    const firstPeriod = Array.from(frame.factors.year.codes).flatMap((c, i) => (c === 0 ? [i] : []));
    const take = (v: Float64Array) => Float64Array.from(firstPeriod, (i) => v[i]);
    const short: LoadedFrame = {
      nrows: firstPeriod.length,
      numeric: Object.fromEntries(Object.entries(frame.numeric).map(([k, v]) => [k, take(v)])),
      factors: {
        firm: { codes: Int32Array.from(firstPeriod, (i) => frame.factors.firm.codes[i]), levels: frame.factors.firm.levels },
        year: { codes: new Int32Array(firstPeriod.length), levels: ['2000'] },
      },
    };
    await expect(fitThreshold(short, opts)).rejects.toThrow('the threshold model needs at least 2 periods per unit');
    await expect(fitThreshold(one, opts)).rejects.toThrow(/^duplicate observations for firm = f\d+ in one period of 'year'$/);
    // every unit lacks one of the three periods (unit u: period u mod 3; a missing y or a missing period)
    const y = Float64Array.from(frame.numeric.y);
    const yr = Int32Array.from(frame.factors.year.codes);
    frame.factors.year.codes.forEach((c, i) => {
      const u = frame.factors.firm.codes[i];
      if (c === u % 3) {
        if (u % 2 === 0) y[i] = NaN;
        else yr[i] = -1;
      }
    });
    const unbalanced: LoadedFrame = { ...frame, numeric: { ...frame.numeric, y }, factors: { ...frame.factors, year: { ...frame.factors.year, codes: yr } } };
    await expect(fitThreshold(unbalanced, opts)).rejects.toThrow(
      "unbalanced panel: no firm has complete data in all 3 periods of 'year'; the threshold model needs a balanced panel " +
        '(units missing a period are dropped): restrict the sample to periods most units share',
    );
    const allMissing: LoadedFrame = { ...frame, numeric: { ...frame.numeric, q: new Float64Array(frame.nrows).fill(NaN) } };
    await expect(fitThreshold(allMissing, opts)).rejects.toThrow('no complete observations');
  });

  it('drops incomplete units and counts them', async () => {
    const y = Float64Array.from(frame.numeric.y);
    // units f0 and f1 miss period 2
    frame.factors.year.codes.forEach((c, i) => { if (c === 1 && frame.factors.firm.codes[i] < 2) y[i] = NaN; });
    const r = await fitThreshold({ ...frame, numeric: { ...frame.numeric, y } }, opts);
    expect(r.dropped_units).toBe(2);
    expect(r.units).toBe(UNITS - 2);
    expect(r.nobs).toBe((UNITS - 2) * T);
    expect(r.fixed_effects).toEqual([{ name: 'firm', levels: UNITS - 2 }]);
    // the model is that of the balanced sub-panel of the other 28 units
    const h = await fitThreshold({ ...frame, numeric: { ...frame.numeric, y } }, { ...base, at: [gamma] });
    const rest = (v: Float64Array) => arr(v).slice(2 * T);
    const [yy, xx, rr, qq] = [rest(data.y), rest(data.x[0]), rest(data.rx[0]), rest(data.q)];
    expect(h.ssr0).toBeCloseTo(hansenSsr(UNITS - 2, T, yy, xx, rr, qq, []), 8);
    expect(h.steps[0].ssr).toBeCloseTo(hansenSsr(UNITS - 2, T, yy, xx, rr, qq, [gamma]), 8);
  });

  it('regime variables must vary, and within units', async () => {
    const constant: LoadedFrame = { ...frame, numeric: { ...frame.numeric, r1: new Float64Array(frame.nrows).fill(2) } };
    await expect(fitThreshold(constant, opts)).rejects.toThrow("regime variable 'r1' is constant");
    const perUnit = Float64Array.from(frame.factors.firm.codes, (u) => u + 1);
    const between: LoadedFrame = { ...frame, numeric: { ...frame.numeric, r1: perUnit } };
    await expect(fitThreshold(between, opts)).rejects.toThrow(
      "regime variable 'r1' does not vary within units (absorbed by the fixed effects)",
    );
  });

  it('the threshold variable needs enough distinct values for the trim', async () => {
    const q = Float64Array.from(frame.numeric.q, (v) => Math.floor(v * 10) / 10);
    // 10 distinct values, trim 0.1: floor(1) < 2
    await expect(fitThreshold({ ...frame, numeric: { ...frame.numeric, q } }, { ...opts, trim: [0.1] })).rejects.toThrow(
      "too few distinct values of 'q' (10) for trim 0.1: need at least 20",
    );
    // 5 distinct values, trim 0.45: the quantile grid's 3 points all fall on the 2nd value; 'all' keeps one value
    const q5 = Float64Array.from(frame.numeric.q, (v) => Math.floor(v * 5) / 5);
    for (const grid of ['quantile:20', 'all'])
      await expect(fitThreshold({ ...frame, numeric: { ...frame.numeric, q: q5 } }, { ...opts, trim: [0.45], grid })).rejects.toThrow(
        "the trimmed grid of 'q' has fewer than 2 distinct candidates",
      );
  });

  it('a second threshold with no admissible grid point is an input error', async () => {
    // 6 distinct values, grid 'all' with trim 0.34: the 2nd and 3rd values; at step 2, trim 0.3 excludes
    // round(6 · 0.3) − 1 = 1 position on either side of the first threshold: nothing is left
    const q6 = Float64Array.from(frame.numeric.q, (v) => Math.floor(v * 6) / 6);
    const six: LoadedFrame = { ...frame, numeric: { ...frame.numeric, q: q6 } };
    const o = { ...opts, grid: 'all', trim: [0.34, 0.3], thresholds: 2 };
    expect((await fitThreshold(six, { ...o, thresholds: 1 })).grid_size).toBe(2);
    await expect(fitThreshold(six, o)).rejects.toBeInstanceOf(InputError);
    await expect(fitThreshold(six, o)).rejects.toThrow('no admissible grid point for threshold 2: the trimming leaves no candidate');
  });
});

describe('thresholdColumns and parseThresholdFormula', () => {
  it('lists the numeric and factor columns to load (once each)', () => {
    expect(thresholdColumns({ formula: 'y ~ x1 + r1 | firm + year', time: 'year', regime: 'r1, r2', thresholdVar: 'q', cluster: 'region' })).toEqual({
      numeric: ['y', 'x1', 'r1', 'r2', 'q'],
      factors: ['firm', 'year', 'region'],
    });
    expect(thresholdColumns({ formula: 'y ~ x1 | firm', time: 't', regime: ['r1'], thresholdVar: 'x1', vcov: 'cluster:c' })).toEqual({
      numeric: ['y', 'x1', 'r1'],
      factors: ['firm', 't', 'c'],
    });
    expect(thresholdColumns({ formula: 'y ~ x1 | firm', time: 't', regime: 'r1', thresholdVar: 'q', vcov: 'hc1' }).factors).toEqual(['firm', 't']);
  });

  it('parses "y ~ | id", "y ~ 0 | id" and further absorbed effects', () => {
    expect(parseThresholdFormula('y ~ | id')).toEqual({ y: 'y', x: [], id: 'id', absorb: [] });
    expect(parseThresholdFormula('y ~ 0 | id + year')).toEqual({ y: 'y', x: [], id: 'id', absorb: ['year'] });
    expect(parseThresholdFormula('y ~ a + b | id')).toEqual({ y: 'y', x: ['a', 'b'], id: 'id', absorb: [] });
    expect(() => parseThresholdFormula('y ~ a')).toThrow(/^formula must look like "y ~ x1 \+ x2 \| id"/);
  });
});

describe('fitThreshold: result fields, LR curve and confidence sets (hansen, grid all)', () => {
  const frame = frameWith(['1', '2', '3'], [0, 1, 2]);
  const y = arr(data.y), x1 = arr(data.x[0]), r1 = arr(data.rx[0]), q = arr(data.q);
  const ssr = (t: number[]) => hansenSsr(UNITS, T, y, x1, r1, q, t);
  // 90 distinct values, trim 0.05: the 4th to the 85th
  const grid = sortedQ.slice(3, 85);
  const curve = grid.map((g) => ssr([g]));
  const best = curve.indexOf(Math.min(...curve));
  const fScale = UNITS * (T - 1);
  const lr = curve.map((s) => (s - curve[best]) / (curve[best] / fScale));
  const ciAt = (level: number) => {
    const c = -2 * Math.log(1 - Math.sqrt(level));
    const inside = grid.filter((_, g) => lr[g] < c);
    return [Math.min(...inside), Math.max(...inside)];
  };

  it('fields, threshold, F, LR and the confidence set at 95% and 80%', async () => {
    const r = await fitThreshold(frame, base);
    expect(r.method).toBe('hansen');
    expect([r.nobs, r.rows_used, r.units, r.periods, r.dropped_units]).toEqual([90, 60, 30, 3, 0]);
    expect(r.threshold_var).toBe('q');
    expect(r.regime_vars).toEqual(['r1']);
    expect(r.level).toBe(95);
    expect(r.bootstrap).toBe(0);
    expect(r.grid_size).toBe(82);
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0].k).toBe(1);
    expect(r.steps[0].thresholds).toEqual([grid[best]]);
    expect(r.steps[0].ssr).toBeCloseTo(curve[best], 8);
    expect(r.steps[0].F).toBeCloseTo((ssr([]) - curve[best]) / (curve[best] / fScale), 6);
    expect(r.steps[0].p).toBeNull();
    expect(r.steps[0].crit).toBeNull();
    expect(r.steps[0].ci).toEqual([ciAt(0.95)]);
    expect(r.lr_curve).toHaveLength(1);
    expect(r.lr_curve[0].threshold).toBe(1);
    expect(r.lr_curve[0].gamma).toBe(grid[best]);
    expect(r.lr_curve[0].grid).toEqual(grid);
    r.lr_curve[0].lr.forEach((v, g) => expect(v).toBeCloseTo(lr[g], 5));
    expect(Object.keys(r.coefficients)).toEqual(['x1', 'r1#r1', 'r1#r2']);
    const r80 = await fitThreshold(frame, { ...base, level: 80 });
    expect(r80.level).toBe(80);
    expect(r80.steps[0].ci).toEqual([ciAt(0.8)]);
  });

  it('with `at`, the LR is measured from the SSR at the given threshold', async () => {
    const g = 10;
    const r = await fitThreshold(frame, { ...base, at: [grid[g]] });
    const ref = curve[g];
    r.lr_curve[0].lr.forEach((v, k) => expect(v).toBeCloseTo((curve[k] - ref) / (ref / fScale), 5));
    expect(r.lr_curve[0].lr[g]).toBeCloseTo(0, 8);
  });

  it('two thresholds with `at`: each profile leaves out the window around the other threshold', async () => {
    const [ga, gb] = [grid[20], grid[50]];
    const r = await fitThreshold(frame, { ...base, at: [gb, ga] });
    expect(r.steps.map((s) => s.thresholds)).toEqual([[gb], [ga, gb]]);
    const s2 = ssr([ga, gb]);
    expect(r.steps[1].ssr).toBeCloseTo(s2, 8);
    // hansen window at trim 0.05 on 90 distinct values: r = round(4.5) = 5, positions d with −6 < d < 5 excluded
    const outside = (other: number) => grid.filter((_, g) => !(g - other > -6 && g - other < 5));
    const [pa, pb] = r.lr_curve;
    expect(pa.gamma).toBe(ga);
    expect(pb.gamma).toBe(gb);
    expect(pa.grid).toEqual(outside(50));
    expect(pb.grid).toEqual(outside(20));
    // LR of γ1 given γ2, from the SSR at the given thresholds
    for (const k of [0, 10, 40, 70]) {
      const g = pa.grid[k];
      expect(pa.lr[k]).toBeCloseTo((ssr([g, gb]) - s2) / (s2 / fScale), 5);
    }
    expect(r.steps[1].F).toBeCloseTo((ssr([gb]) - s2) / (s2 / fScale), 5);
  });

  it('a regime variable listed among the regressors enters only through its regime terms', async () => {
    const a = await fitThreshold(frame, { ...base, formula: 'y ~ x1 + r1 | firm', at: [grid[best]] });
    expect(Object.keys(a.coefficients)).toEqual(['x1', 'r1#r1', 'r1#r2']);
    expect(a.steps[0].ssr).toBeCloseTo(curve[best], 8);
  });

  it("vce 'cluster' without a variable clusters on the unit; a missing cluster id drops the row's unit", async () => {
    const r = await fitThreshold(frame, { ...base, vce: 'cluster' });
    expect(r.se_type).toBe('cluster-robust (unit, 30 clusters)');
    const region = Int32Array.from(frame.factors.firm.codes, (u) => u % 6);
    region[4] = -1;
    const withRegion: LoadedFrame = { ...frame, factors: { ...frame.factors, region: { codes: region, levels: ['a', 'b', 'c', 'd', 'e', 'f'] } } };
    const c = await fitThreshold(withRegion, { ...base, cluster: 'region' });
    expect(c.dropped_units).toBe(1);
    expect(c.units).toBe(29);
    expect(c.se_type).toMatch(/^cluster-robust \(region, 6 clusters\)/);
    // the engine's vcov names
    expect((await fitThreshold(withRegion, { ...base, vcov: 'cluster:region' })).se_type).toBe('cluster-robust (region, 6 clusters)');
    expect((await fitThreshold(frame, { ...base, vcov: 'hc1' })).se_type).toBe('robust (White HC0)');
    expect((await fitThreshold(frame, { ...base, vcov: 'iid' })).se_type).toBe("conventional (Hansen: e'e/(n(T-1)-n-k))");
    expect((await fitThreshold(frame, base)).se_type).toBe("conventional (Hansen: e'e/(n(T-1)-n-k))");
    // the older names
    expect((await fitThreshold(frame, { ...base, vce: 'conventional' })).se_type).toBe("conventional (Hansen: e'e/(n(T-1)-n-k))");
    expect((await fitThreshold(frame, { ...base, vce: 'robust' })).se_type).toBe('robust (White HC0)');
    expect((await fitThreshold(frame, { ...base, method: 'xthreg', vce: 'robust' })).se_type).toBe('cluster-robust (unit, 30 clusters)');
    await expect(fitThreshold(frame, { ...base, vce: 'hc3' as never })).rejects.toThrow(/^invalid option vce: /);
    await expect(fitThreshold(frame, { ...base, vcov: 'dk:1:year' })).rejects.toThrow(
      'Driscoll–Kraay (dk:1:year) is not available for the threshold model: use iid, hc1 or cluster:VAR',
    );
  });

  it('a missing value of a further absorbed effect drops the row (and so its unit)', async () => {
    const region = Int32Array.from(frame.factors.firm.codes, (u) => u % 6);
    region[7] = -1;
    const withRegion: LoadedFrame = { ...frame, factors: { ...frame.factors, region: { codes: region, levels: ['a', 'b', 'c', 'd', 'e', 'f'] } } };
    const r = await fitThreshold(withRegion, { ...base, formula: 'y ~ x1 | firm + region', method: 'xthreg' });
    expect(r.dropped_units).toBe(1);
    expect(r.units).toBe(29);
    // region is constant within firm: nested in the unit, it adds no column
    expect(r.fixed_effects).toEqual([{ name: 'firm', levels: 29 }, { name: 'region', levels: 6 }]);
  });

  it("an absorbed effect's dummies spanned by its earlier ones are left out (same model as explicit dummies)", async () => {
    // grp: 'a' for units 0–9 (whole units: nested in the unit), else 'b', 'c', 'd' by period. After the within
    // transformation the dummies of b, c and d sum to zero: d is spanned by b and c
    const unit = frame.factors.firm.codes;
    const period = frame.factors.year.codes;
    const grp = Int32Array.from(unit, (u, i) => (u < 10 ? 0 : 1 + period[i]));
    const withGrp: LoadedFrame = { ...frame, factors: { ...frame.factors, grp: { codes: grp, levels: ['a', 'b', 'c', 'd'] } } };
    const r = await fitThreshold(withGrp, { ...base, formula: 'y ~ x1 | firm + grp', method: 'xthreg', at: [gamma] });
    expect(r.fixed_effects).toEqual([{ name: 'firm', levels: 30 }, { name: 'grp', levels: 4 }]);
    const numeric = { ...frame.numeric, db: Float64Array.from(grp, (g) => (g === 1 ? 1 : 0)), dc: Float64Array.from(grp, (g) => (g === 2 ? 1 : 0)) };
    const dummies = await fitThreshold({ ...frame, numeric }, { ...base, formula: 'y ~ x1 + db + dc | firm', method: 'xthreg', at: [gamma] });
    expect(r.ssr0).toBeCloseTo(dummies.ssr0, 8);
    expect(r.steps[0].ssr).toBeCloseTo(dummies.steps[0].ssr, 8);
    expect(r.regression.df_resid).toBe(dummies.regression.df_resid);
    for (const term of ['x1', 'r1#r1', 'r1#r2']) expect(r.coefficients[term].estimate).toBeCloseTo(dummies.coefficients[term].estimate, 10);
  });

  it('`at` values snap to the nearest value of q (the lower one on a tie)', async () => {
    const q64 = Float64Array.from(frame.numeric.q, (v) => Math.round(v * 64) / 64);
    const f64: LoadedFrame = { ...frame, numeric: { ...frame.numeric, q: q64 } };
    const d = [...new Set(q64)].sort((a, b) => a - b);
    const [a, b] = [d[20], d[21]];
    const at = async (v: number, method: 'hansen' | 'xthreg' = 'hansen') =>
      (await fitThreshold(f64, { ...base, method, at: [v] })).steps[0].thresholds[0];
    expect(await at((a + b) / 2)).toBe(a);
    expect(await at(a + 0.7 * (b - a))).toBe(b);
    expect(await at(a + 0.3 * (b - a))).toBe(a);
    // beyond the ends (xthreg keeps the rows at the smallest value in the lower regime, hansen those below the largest)
    expect(await at(-5, 'xthreg')).toBe(d[0]);
    expect(await at(5)).toBe(d[d.length - 1]);
  });
});
