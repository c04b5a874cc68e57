// The threshold model's text report: the exact text of a small hand-made result (xthreg's ≤ and hansen's <
// regime labels, stars, the SE type, tests with bootstrap p and critical values, confidence sets), and the
// text of a real fit with the absorbed year effects.
import { describe, expect, it } from 'vitest';
import type { ThresholdResult } from '../../../econometrics/models/threshold.ts';
import { fitThreshold } from '../../../econometrics/models/threshold.ts';
import { formatThreshold, formatThresholdTable, regimeLabel } from '../../../econometrics/report/threshold.ts';
import { randomPanelData } from '../threshold/random-panel.ts';

const result: ThresholdResult = {
  method: 'xthreg', nobs: 40, rows_used: 40, units: 10, periods: 4, dropped_units: 1,
  fixed_effects: [{ name: 'id', levels: 10 }, { name: 'year', levels: 4 }],
  threshold_var: 'AI', regime_vars: ['x'], level: 95, bootstrap: 300, grid_size: 38, ssr0: 12.5,
  steps: [
    { k: 1, thresholds: [3.71], ssr: 10.25, F: 35.125, p: 0.0133, crit: { '10': 10.5, '5': 14.25, '1': 21 }, ci: [[3.5, 3.9]] },
    { k: 2, thresholds: [3.71, 6.18], ssr: 9.75, F: 1.5, p: 0.62, crit: { '10': 8, '5': 11.5, '1': 17.75 }, ci: [[3.6, 3.8], [5.9, 6.3]] },
  ],
  coefficients: {
    z: { estimate: 0.5, se: 0.1, t: 5, p: 0.00001 },
    'x#r1': { estimate: 1.25, se: 0.5, t: 2.5, p: 0.02 },
    'x#r2': { estimate: -0.75, se: 0.5, t: -1.5, p: 0.08 },
    'x#r3': { estimate: 0.125, se: 0.25, t: 0.5, p: 0.62 },
    _cons: { estimate: 2, se: 1, t: 2, p: 0.052 },
  },
  se_type: "conventional (xtreg, fe: e'e/(N-n-k))",
  regression: { df_resid: 23, sigma_e: 0.65, r2_within: 0.4, F: 7.5, F_df: [4, 23] },
  lr_curve: [],
};

const XTHREG_TEXT = `Panel threshold regression (Hansen 1999), xthreg conventions
Observations: 40   (units 10 x periods 4; dropped: 1 unit not observed in every period)
Fixed effects: id (10), year (4)
Threshold variable: AI   Regime-dependent: x   Grid: 38 points
Standard errors: conventional (xtreg, fe: e'e/(N-n-k))
--------------------------------------------------------------------
Threshold test      SSR      F    P>F  Crit. 10%  Crit. 5%  Crit. 1%
--------------------------------------------------------------------
None            12.5000
Single          10.2500  35.13  0.013      10.50     14.25     21.00
Double           9.7500   1.50  0.620       8.00     11.50     17.75
--------------------------------------------------------------------
F: test of k-1 against k thresholds; P>F and critical values from 300 bootstrap replications

Thresholds (95% confidence sets, LR inversion)
Single  γ1 = 3.71 [3.5, 3.9]
Double  γ1 = 3.71 [3.6, 3.8]   γ2 = 6.18 [5.9, 6.3]

----------------------------------------------------------------------------
                               Coef.    Std.Err.           t       P>|t|
----------------------------------------------------------------------------
z                             0.5000      0.1000        5.00     1.00e-5 ***
x#r1 (AI ≤ 3.71)              1.2500      0.5000        2.50       0.020 **
x#r2 (3.71 < AI ≤ 6.18)      -0.7500      0.5000       -1.50       0.080 *
x#r3 (AI > 6.18)              0.1250      0.2500        0.50       0.620
_cons                         2.0000      1.0000        2.00       0.052 *
----------------------------------------------------------------------------
within R2 0.4000   sigma_e 0.6500   F(4, 23) = 7.50   df 23
* p<0.1, ** p<0.05, *** p<0.01`;

describe('formatThresholdTable', () => {
  it('prints the exact text of an xthreg result', () => {
    expect(formatThresholdTable(result)).toBe(XTHREG_TEXT);
  });

  it('labels hansen regimes with < and says when there was no bootstrap', () => {
    const hansen = formatThresholdTable({ ...result, method: 'hansen', bootstrap: 0, dropped_units: 0, steps: result.steps.map((s) => ({ ...s, p: null, crit: null })) });
    const lines = hansen.split('\n');
    expect(lines[0]).toBe('Panel threshold regression (Hansen 1999), hansen conventions');
    expect(lines[1]).toBe('Observations: 40   (units 10 x periods 4; dropped: 0 units not observed in every period)');
    expect(lines).toContain('Single          10.2500  35.13    .          .         .         .');
    expect(lines).toContain('F: test of k-1 against k thresholds; no bootstrap (P>F and critical values not computed)');
    expect(lines).toContain('x#r1 (AI < 3.71)              1.2500      0.5000        2.50       0.020 **');
    expect(lines).toContain('x#r2 (3.71 ≤ AI < 6.18)      -0.7500      0.5000       -1.50       0.080 *');
    expect(lines).toContain('x#r3 (AI ≥ 6.18)              0.1250      0.2500        0.50       0.620');
  });

  it('labels one and three thresholds, and prints thresholds with up to 6 significant digits', () => {
    expect([0, 1].map((j) => regimeLabel('xthreg', 'q', [0.25], j))).toEqual(['q ≤ 0.25', 'q > 0.25']);
    expect([0, 1, 2, 3].map((j) => regimeLabel('hansen', 'd1', [0.0157, 0.5362, 1.0], j))).toEqual([
      'd1 < 0.0157', '0.0157 ≤ d1 < 0.5362', '0.5362 ≤ d1 < 1', 'd1 ≥ 1',
    ]);
    expect(formatThreshold(0.0157000001)).toBe('0.0157');
    expect(formatThreshold(123456.789)).toBe('123457');
  });

  it('prints a real fit with absorbed year effects, the regime terms labelled at the estimated thresholds', async () => {
    const d = randomPanelData({ seed: 4, units: 40, periods: 5, regressors: 1 });
    const n = d.y.length;
    const frame = {
      nrows: n,
      numeric: { y: d.y, x1: d.x[0], r1: d.rx[0], q: d.q },
      factors: {
        firm: { codes: Int32Array.from({ length: n }, (_, i) => Math.floor(i / 5)), levels: Array.from({ length: 40 }, (_, u) => `f${u}`) },
        year: { codes: Int32Array.from({ length: n }, (_, i) => i % 5), levels: ['1', '2', '3', '4', '5'] },
      },
    };
    const r = await fitThreshold(frame, { formula: 'y ~ x1 | firm + year', time: 'year', regime: 'r1', thresholdVar: 'q', grid: 'quantile:40', trim: [0.05], bootstrap: 0 });
    const text = formatThresholdTable(r);
    const g = formatThreshold(r.steps[0].thresholds[0]);
    expect(text).toContain('Fixed effects: firm (40), year (5)');
    expect(text).toMatch(new RegExp(`\\nr1#r1 \\(q ≤ ${g.replace('.', '\\.')}\\) +-?\\d`));
    expect(text).toMatch(new RegExp(`\\nr1#r2 \\(q > ${g.replace('.', '\\.')}\\) +-?\\d`));
    expect(text).not.toMatch(/year#/);
  });
});
