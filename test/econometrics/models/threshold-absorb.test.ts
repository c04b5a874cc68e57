// The threshold model like the others: more than one absorbed effect ("| id + year") and unbalanced panels.
//   - "| id + year" gives what "| id" with year dummies as regressors gives (thresholds exactly; SSR, F, slopes,
//     SEs, bootstrap p and critical values to 1e-10 relative), on Hansen's data and on a random panel;
//   - at the estimated thresholds, the slopes and SSR equal those of fe with both effects absorbed by
//     alternating projections (an independent check of the Frisch–Waugh argument);
//   - an effect nested in the unit adds nothing; an unbalanced panel gives its balanced sub-panel's result.
import { describe, expect, it } from 'vitest';
import { type LoadedFrame, loadFrame } from '../../../econometrics/io/load.ts';
import { type ThresholdOptions, type ThresholdResult, fitThreshold, thresholdColumns } from '../../../econometrics/models/threshold.ts';
import { fitFe } from '../../../econometrics/models/feols.ts';
import { HANSEN_DATA, HANSEN_MODEL } from '../../helpers/hansen1999.ts';
import { randomPanelData } from '../threshold/random-panel.ts';

const REL = 1e-10;

function close(a: number, b: number, rel = REL) {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(a), Math.abs(b)));
}

/** Year dummies (all years but the first, in numeric order) added to a frame as numeric columns. */
function withYearDummies(frame: LoadedFrame, year = 'year'): { frame: LoadedFrame; names: string[] } {
  const f = frame.factors[year];
  const order = f.levels.map((_, i) => i).sort((a, b) => Number(f.levels[a]) - Number(f.levels[b]));
  const numeric = { ...frame.numeric };
  const names = order.slice(1).map((level) => {
    const name = `yr_${f.levels[level]}`;
    numeric[name] = Float64Array.from(f.codes, (c) => (c === level ? 1 : 0));
    return name;
  });
  return { frame: { ...frame, numeric }, names };
}

/** Same model, same numbers: absorbed year effects against year dummies as regressors. */
function expectSame(absorbed: ThresholdResult, dummies: ThresholdResult) {
  expect(absorbed.steps.length).toBe(dummies.steps.length);
  absorbed.steps.forEach((s, i) => {
    const d = dummies.steps[i];
    expect(s.thresholds).toEqual(d.thresholds);
    expect(s.ci).toEqual(d.ci);
    close(s.ssr, d.ssr);
    close(s.F, d.F);
    expect(s.p).toBe(d.p);
    if (s.crit) for (const level of ['10', '5', '1'] as const) close(s.crit[level], d.crit![level]);
  });
  close(absorbed.ssr0, dummies.ssr0);
  for (const [term, c] of Object.entries(absorbed.coefficients)) {
    const d = dummies.coefficients[term];
    close(c.estimate, d.estimate);
    close(c.se, d.se);
  }
  // the year dummies are estimated but not shown
  expect(Object.keys(dummies.coefficients)).toEqual(expect.arrayContaining(Object.keys(absorbed.coefficients)));
  expect(Object.keys(dummies.coefficients).filter((t) => !(t in absorbed.coefficients)).every((t) => t.startsWith('yr_'))).toBe(true);
  expect(absorbed.regression.df_resid).toBe(dummies.regression.df_resid);
  close(absorbed.regression.sigma_e, dummies.regression.sigma_e);
  close(absorbed.regression.r2_within, dummies.regression.r2_within);
}

function frameOf(data: ReturnType<typeof randomPanelData>, yearEffect: number[]): LoadedFrame {
  const n = data.y.length;
  const T = data.periods;
  const y = Float64Array.from(data.y, (v, i) => v + yearEffect[i % T]);
  const numeric: Record<string, Float64Array> = { y, q: data.q };
  data.x.forEach((c, j) => (numeric[data.xNames[j]] = c));
  data.rx.forEach((c, j) => (numeric[data.rxNames[j]] = c));
  return {
    nrows: n,
    numeric,
    factors: {
      firm: { codes: Int32Array.from({ length: n }, (_, i) => Math.floor(i / T)), levels: Array.from({ length: data.units }, (_, u) => `f${u}`) },
      // levels deliberately not in time order
      year: { codes: Int32Array.from({ length: n }, (_, i) => T - 1 - (i % T)), levels: Array.from({ length: T }, (_, t) => String(2000 + T - 1 - t)) },
      region: { codes: Int32Array.from({ length: n }, (_, i) => Math.floor(i / T) % 7), levels: Array.from({ length: 7 }, (_, r) => `r${r}`) },
    },
  };
}

describe('fitThreshold with "| id + year"', () => {
  it.each(['hansen', 'xthreg'] as const)("equals year dummies as regressors on Hansen's data (%s)", async (method) => {
    const options: ThresholdOptions = { ...HANSEN_MODEL, method, thresholds: 2, grid: 'quantile:100' };
    const cols = thresholdColumns(options);
    const base = await loadFrame({ data: HANSEN_DATA }, cols.numeric, [...cols.factors, 'year']);
    const { frame, names } = withYearDummies(base);
    expect(names).toHaveLength(13);
    const absorbed = await fitThreshold(base, { ...options, formula: 'i ~ q1 + q2 + q3 + d1 + qd1 | id + year' });
    const dummies = await fitThreshold(frame, { ...options, formula: `i ~ q1 + q2 + q3 + d1 + qd1 + ${names.join(' + ')} | id` });
    expectSame(absorbed, dummies);
    expect(absorbed.fixed_effects).toEqual([{ name: 'id', levels: 565 }, { name: 'year', levels: 14 }]);
    expect(dummies.fixed_effects).toEqual([{ name: 'id', levels: 565 }]);
    // the year effects matter on these data: the model differs from the one-way one
    const oneWay = await fitThreshold(base, options);
    expect(Math.abs(oneWay.steps[0].ssr - absorbed.steps[0].ssr)).toBeGreaterThan(1e-6 * oneWay.steps[0].ssr);
  });

  const data = randomPanelData({ seed: 21, units: 80, periods: 6, regressors: 2 });
  const frame = frameOf(data, [0, 0.8, -0.5, 1.2, 0.3, -1]);
  const base = { time: 'year', regime: 'r1', thresholdVar: 'q', grid: 'quantile:60', trim: [0.05], thresholds: 2 } satisfies Partial<ThresholdOptions>;

  it.each(['hansen', 'xthreg'] as const)('equals year dummies as regressors on a random panel, bootstrap included (%s)', async (method) => {
    const { frame: withDummies, names } = withYearDummies(frame);
    const opts = { ...base, method, bootstrap: 20, seed: 3, threads: 1 };
    const absorbed = await fitThreshold(frame, { ...opts, formula: 'y ~ x1 + x2 | firm + year' });
    const dummies = await fitThreshold(withDummies, { ...opts, formula: `y ~ x1 + x2 + ${names.join(' + ')} | firm` });
    expectSame(absorbed, dummies);
    expect(absorbed.steps[1].p).not.toBeNull();
    expect(absorbed.regression.F_df[0]).toBe(dummies.regression.F_df[0] - names.length);
    // with cluster-robust SEs as well
    const ac = await fitThreshold(frame, { ...opts, bootstrap: 0, vcov: 'cluster:region', formula: 'y ~ x1 + x2 | firm + year' });
    const dc = await fitThreshold(withDummies, { ...opts, bootstrap: 0, vcov: 'cluster:region', formula: `y ~ x1 + x2 + ${names.join(' + ')} | firm` });
    expectSame(ac, dc);
  });

  it('at the estimated thresholds, equals fe with both effects absorbed by alternating projections (xthreg)', async () => {
    const r = await fitThreshold(frame, { ...base, method: 'xthreg', bootstrap: 0, formula: 'y ~ x1 + x2 | firm + year' });
    const [g1, g2] = r.steps[1].thresholds;
    const q = frame.numeric.q;
    const rx = frame.numeric.r1;
    const regime = (lo: number, hi: number) => Float64Array.from(rx, (v, i) => (q[i] > lo && q[i] <= hi ? v : 0));
    const numeric = { ...frame.numeric, reg1: regime(-Infinity, g1), reg2: regime(g1, g2), reg3: regime(g2, Infinity) };
    const fe = fitFe({ ...frame, numeric }, 'y ~ x1 + x2 + reg1 + reg2 + reg3 | firm + year');
    close(fe.ssr, r.steps[1].ssr, 1e-8);
    for (const [term, mine] of [['x1', 'x1'], ['x2', 'x2'], ['reg1', 'r1#r1'], ['reg2', 'r1#r2'], ['reg3', 'r1#r3']])
      close(fe.coefficients[term].estimate, r.coefficients[mine].estimate, 1e-8);
  });

  it('adds nothing for an effect nested in the unit', async () => {
    const opts = { ...base, method: 'xthreg' as const, bootstrap: 0 };
    const nested = await fitThreshold(frame, { ...opts, formula: 'y ~ x1 + x2 | firm + region' });
    const plain = await fitThreshold(frame, { ...opts, formula: 'y ~ x1 + x2 | firm' });
    expect({ ...nested, fixed_effects: plain.fixed_effects }).toEqual(plain);
    expect(nested.fixed_effects).toEqual([{ name: 'firm', levels: 80 }, { name: 'region', levels: 7 }]);
  });
});

describe('fitThreshold on an unbalanced panel', () => {
  const data = randomPanelData({ seed: 22, units: 70, periods: 5, regressors: 1 });
  const frame = frameOf(data, [0, 0, 0, 0, 0]);
  const T = data.periods;
  /** rows of units 3, 10 (two rows) and 41 removed, or a missing value in unit 55 */
  const removed = new Set([3 * T + 0, 10 * T + 2, 10 * T + 4, 41 * T + 1]);
  const gone = new Set([3, 10, 41, 55]);
  function subset(keep: (row: number) => boolean, f: LoadedFrame): LoadedFrame {
    const rows = Array.from({ length: f.nrows }, (_, i) => i).filter(keep);
    const numeric = Object.fromEntries(Object.entries(f.numeric).map(([k, v]) => [k, Float64Array.from(rows, (i) => v[i])]));
    const factors = Object.fromEntries(Object.entries(f.factors).map(([k, v]) => [k, { levels: v.levels, codes: Int32Array.from(rows, (i) => v.codes[i]) }]));
    return { nrows: rows.length, numeric, factors };
  }
  const x1 = Float64Array.from(frame.numeric.x1);
  x1[55 * T + 3] = NaN;
  const unbalanced = subset((i) => !removed.has(i), { ...frame, numeric: { ...frame.numeric, x1 } });
  const balanced = subset((i) => !gone.has(Math.floor(i / T)), frame);

  it.each(['hansen', 'xthreg'] as const)('drops the units missing a period and equals the balanced sub-panel (%s)', async (method) => {
    const opts: ThresholdOptions = { formula: 'y ~ x1 | firm + year', time: 'year', regime: 'r1', thresholdVar: 'q', method, thresholds: 2, grid: 'quantile:50', trim: [0.05], bootstrap: 10, seed: 5, threads: 1 };
    const a = await fitThreshold(unbalanced, opts);
    const b = await fitThreshold(balanced, opts);
    expect(a.dropped_units).toBe(4);
    expect(b.dropped_units).toBe(0);
    expect(a.units).toBe(66);
    expect({ ...a, dropped_units: 0 }).toEqual(b);
  });

  it('says so when no unit is observed in every period', async () => {
    const none = subset((i) => i % T !== Math.floor(i / T) % T, frame);
    await expect(fitThreshold(none, { formula: 'y ~ x1 | firm', time: 'year', regime: 'r1', thresholdVar: 'q', bootstrap: 0 })).rejects.toThrow(
      /unbalanced panel: no firm has complete data in all 5 periods/,
    );
  });
});
