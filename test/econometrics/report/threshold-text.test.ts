// More of the threshold model's text report on hand-made results: three thresholds (the "Triple" step, the
// middle regimes of hansen's labels), a custom title, several regime-dependent variables, terms that look like
// regime terms but are not, thresholds that are not finite, and the narrowest name column.
import { describe, expect, it } from 'vitest';
import type { ThresholdResult } from '../../../econometrics/models/threshold.ts';
import { formatThreshold, formatThresholdTable, regimeLabel } from '../../../econometrics/report/threshold.ts';

const row = (estimate: number, se: number, t: number, p: number) => ({ estimate, se, t, p });

const TRIPLE: ThresholdResult = {
  method: 'hansen', nobs: 60, rows_used: 45, units: 15, periods: 4, dropped_units: 2,
  fixed_effects: [{ name: 'id', levels: 15 }],
  threshold_var: 'q', regime_vars: ['k', 'm'], level: 90, bootstrap: 50, grid_size: 100, ssr0: 8,
  steps: [
    { k: 1, thresholds: [0.5], ssr: 7.5, F: 3.25, p: 0.04, crit: { '10': 2.5, '5': 3.25, '1': 4.75 }, ci: [[0.25, 0.75]] },
    { k: 2, thresholds: [0.5, 1.25], ssr: 7, F: 2.5, p: 0.1, crit: { '10': 2.25, '5': 2.75, '1': 3.5 }, ci: [[0.45, 0.55], [1, 1.5]] },
    {
      k: 3, thresholds: [0.5, 1.25, 2], ssr: 6.75, F: 1.2, p: 0.5, crit: { '10': 1.5, '5': 2, '1': 3 },
      ci: [[0.5, 0.5], [1.2, 1.3], [NaN, NaN]],
    },
  ],
  coefficients: {
    'k#r1': row(1, 0.5, 2, 0.05),
    'k#r2': row(-2, 0.25, -8, 0.00001),
    'k#r3': row(0.25, 0.125, 2, 0.051),
    'k#r4': row(0, 0.5, 0, 1),
    'm#r1': row(3, 1.5, 2, 0.049),
    'm#r4': row(1e6, 2e6, 0.5, 0.62),
    z: row(NaN, NaN, NaN, NaN),
  },
  se_type: 'robust (White HC0)',
  regression: { df_resid: 37, sigma_e: 0.5, r2_within: 0.25, F: NaN, F_df: [6, 37] },
  lr_curve: [],
};

const TRIPLE_TEXT = `Threshold model, hansen conventions
Observations: 60   (units 15 x periods 4; dropped: 2 units not observed in every period)
Fixed effects: id (15)
Threshold variable: q   Regime-dependent: k, m   Grid: 100 points
Standard errors: robust (White HC0)
------------------------------------------------------------------
Threshold test     SSR     F    P>F  Crit. 10%  Crit. 5%  Crit. 1%
------------------------------------------------------------------
None            8.0000
Single          7.5000  3.25  0.040       2.50      3.25      4.75
Double          7.0000  2.50  0.100       2.25      2.75      3.50
Triple          6.7500  1.20  0.500       1.50      2.00      3.00
------------------------------------------------------------------
F: test of k-1 against k thresholds; P>F and critical values from 50 bootstrap replications

Thresholds (90% confidence sets, LR inversion)
Single  γ1 = 0.5 [0.25, 0.75]
Double  γ1 = 0.5 [0.45, 0.55]   γ2 = 1.25 [1, 1.5]
Triple  γ1 = 0.5 [0.5, 0.5]   γ2 = 1.25 [1.2, 1.3]   γ3 = 2 [., .]

--------------------------------------------------------------------------
                             Coef.    Std.Err.           t       P>|t|
--------------------------------------------------------------------------
k#r1 (q < 0.5)              1.0000      0.5000        2.00       0.050 *
k#r2 (0.5 ≤ q < 1.25)      -2.0000      0.2500       -8.00     1.00e-5 ***
k#r3 (1.25 ≤ q < 2)         0.2500      0.1250        2.00       0.051 *
k#r4 (q ≥ 2)                0.0000      0.5000        0.00       1.000
m#r1 (q < 0.5)              3.0000      1.5000        2.00       0.049 **
m#r4 (q ≥ 2)              1.000e+6    2.000e+6        0.50       0.620
z                                .           .           .           .
--------------------------------------------------------------------------
within R2 0.2500   sigma_e 0.5000   F(6, 37) = .   df 37
* p<0.1, ** p<0.05, *** p<0.01`;

describe('formatThresholdTable: more layouts', () => {
  it('prints three thresholds under a custom title, labelling the regimes of the last step', () => {
    expect(formatThresholdTable(TRIPLE, 'Threshold model')).toBe(TRIPLE_TEXT);
  });

  it('labels only terms RX#rJ of a regime-dependent variable RX, and keeps the name column at least 12 wide', () => {
    const r: ThresholdResult = {
      ...TRIPLE,
      method: 'xthreg',
      regime_vars: ['ab'],
      steps: [{ k: 1, thresholds: [1], ssr: 7.5, F: 3.25, p: null, crit: null, ci: [[0.5, 1.5]] }],
      coefficients: {
        'ab#r1': row(0.5, 0.25, 2, 0.06),
        'ab#r2': row(1.5, 0.5, 3, 0.004),
        'w#r1': row(-1, 2, -0.5, 0.6),
        'ab#r1_lag': row(2, 1, 2, 0.07),
        'xab#r2': row(2, 1, 2, 0.07),
      },
      regression: { df_resid: 40, sigma_e: 1.25, r2_within: 0.125, F: 4.5, F_df: [4, 11] },
    };
    const lines = formatThresholdTable(r).split('\n');
    expect(lines[0]).toBe('Panel threshold regression (Hansen 1999), xthreg conventions');
    expect(lines.slice(-11, -1)).toEqual([
      '------------------------------------------------------------------',
      '                     Coef.    Std.Err.           t       P>|t|',
      '------------------------------------------------------------------',
      'ab#r1 (q ≤ 1)       0.5000      0.2500        2.00       0.060 *',
      'ab#r2 (q > 1)       1.5000      0.5000        3.00       0.004 ***',
      'w#r1               -1.0000      2.0000       -0.50       0.600',
      'ab#r1_lag           2.0000      1.0000        2.00       0.070 *',
      'xab#r2              2.0000      1.0000        2.00       0.070 *',
      '------------------------------------------------------------------',
      'within R2 0.1250   sigma_e 1.2500   F(4, 11) = 4.50   df 40',
    ]);
    const short = formatThresholdTable({ ...r, coefficients: { a: row(1, 1, 1, 0.3) } }).split('\n');
    expect(short.slice(-7, -3)).toEqual([
      '-----------------------------------------------------------------',
      '                    Coef.    Std.Err.           t       P>|t|',
      '-----------------------------------------------------------------',
      'a                  1.0000      1.0000        1.00       0.300',
    ]);
  });

  it('prints a threshold that is not finite as a dot, others with up to 6 significant digits', () => {
    expect(formatThreshold(Infinity)).toBe('.');
    expect(formatThreshold(-Infinity)).toBe('.');
    expect(formatThreshold(NaN)).toBe('.');
    expect(formatThreshold(0)).toBe('0');
    expect(formatThreshold(-0.000123456789)).toBe('-0.000123457');
    expect(formatThreshold(1234567)).toBe('1234570');
    expect(formatThreshold(2.5)).toBe('2.5');
    expect(regimeLabel('xthreg', 'q', [0.5, 1.25, 2], 2)).toBe('1.25 < q ≤ 2');
    expect(regimeLabel('xthreg', 'size', [10, 20, 30], 1)).toBe('10 < size ≤ 20');
    expect(regimeLabel('hansen', 'size', [10, 20, 30], 3)).toBe('size ≥ 30');
    expect(regimeLabel('xthreg', 'size', [10, 20, 30], 3)).toBe('size > 30');
  });
});
