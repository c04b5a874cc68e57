// The exact text of the regression tables (formatTable, formatEtable) on hand-made results whose numbers
// are chosen so every printed digit is known: the vcov descriptions, the degrees-of-freedom and weights
// lines, the IV diagnostics (first stages, Kleibergen–Paap, Stock–Yogo, overidentification, Anderson–Rubin
// and its confidence set in each form, endogeneity), the number format and the stars at their boundaries.
import { describe, expect, it } from 'vitest';
import type { Coefficient, FitResult } from '../../../econometrics/models/common.ts';
import type { IvResult } from '../../../econometrics/models/feiv.ts';
import type { VcovInfo } from '../../../econometrics/vcov.ts';
import { formatEtable, formatNumber, formatPValue, formatTable, significanceStars } from '../../../econometrics/report/etable.ts';

const coef = (estimate: number, se: number, t: number, p: number, ci_low = 0, ci_high = 0): Coefficient => ({ estimate, se, t, p, ci_low, ci_high });

const IID: VcovInfo = { type: 'iid', cluster: null, clusters: null, dof_k: 3, dof_rule: 'exact', adjustment: 1 };

const OLS: FitResult = {
  nobs: 250,
  dropped: { missing: 3, singletons: 2 },
  vcov: IID,
  coefficients: {
    x: coef(1.5, 0.25, 6, 0.00001, 1, 2),
    treatment_effect: coef(-0.5, 0.2, -2.5, 0.03, -0.875, -0.125),
    _cons: coef(2, 1.25, 1.6, 0.5, -0.5, 4.5),
  },
  r2: 0.75,
  r2_within: 0.5,
  r2_adj: 0.7,
  rmse: 1.25,
  ssr: 150,
  fixed_effects: [],
  omitted: [],
};

const OLS_TEXT = [
  'Regression',
  'Observations: 250   (dropped: 3 missing, 2 singletons)',
  'Standard errors: iid',
  '-----------------------------------------------------------------------------------------',
  '                        Coef.    Std.Err.           t       P>|t|  [95% Conf.   Interval]',
  '-----------------------------------------------------------------------------------------',
  'x                      1.5000      0.2500        6.00     1.00e-5      1.0000      2.0000 ***',
  'treatment_effect      -0.5000      0.2000       -2.50       0.030     -0.8750     -0.1250 **',
  '_cons                  2.0000      1.2500        1.60       0.500     -0.5000      4.5000 ',
  '-----------------------------------------------------------------------------------------',
  'R2 0.7500   within R2 0.5000   adj. R2 0.7000   RMSE 1.2500   SSR 150.0000',
  '* p<0.1, ** p<0.05, *** p<0.01',
].join('\n');

const IV: IvResult = {
  nobs: 250,
  dropped: { missing: 0, singletons: 0, zero_weight: 4 },
  vcov: { type: 'cluster', cluster: 'firm', clusters: 25, dof_k: 36, dof_rule: 'pairwise', adjustment: 1.05 },
  coefficients: { price: coef(2.25, 0.5, 4.5, 0.002, 1.25, 3.25) },
  r2: 0.6,
  r2_within: 0.4,
  r2_adj: 0.55,
  rmse: 0.8,
  ssr: 160,
  fixed_effects: [{ name: 'firm', levels: 25 }, { name: 'year', levels: 10 }],
  omitted: ['dup'],
  weights: { variable: 'pop', sum: 1234.5 },
  estimator: { type: 'liml', k: 1.0123456, lambda: 1.0123456, fuller_alpha: null },
  first_stage: { price: { coefficients: {}, F: 25.5, F_p: 0.00001, partial_r2: 0.3 } },
  diagnostics: { kp_rk_lm: 12.125, kp_rk_lm_p: 0.0625, kp_rk_wald_f: 20.5, cragg_donald_f: 22.75, stock_yogo_10pct: 19.93 },
  stock_yogo: { iv_size: { '10': 19.93, '15': 11.59, '20': 8.75, '25': 7.25 }, relative_bias: null },
  overid: { test: 'hansen_j', stat: 1.5, df: 1, p: 0.25 },
  anderson_rubin: {
    F: 8.25, df1: 2, df2: 24, p: 0.0005, chi2: 16.5, chi2_p: 0.0003,
    confidence_set: { level: 0.95, method: 'grid', critical_value: 3.4, intervals: [[null, -1], [0.5, null]] },
  },
  endogeneity: { test: 'control_function', F: 4.5, df1: 1, df2: 24, p: 0.0365, chi2: 4.5, chi2_p: 0.034 },
};

const IV_TEXT = [
  'IV model',
  'Observations: 250   (dropped: 0 missing, 4 of weight 0, 0 singletons)',
  'Analytic weights: pop (sum 1234.5000)',
  'Estimator: LIML, k = 1.012346, lambda = 1.012346',
  'Fixed effects: firm (25), year (10)',
  'Standard errors: clustered by firm (25 clusters)',
  "Absorbed degrees of freedom: reghdfe's pairwise rule (the exact rank was too costly; K may be too large)",
  '-------------------------------------------------------------------------------------',
  '                    Coef.    Std.Err.           t       P>|t|  [95% Conf.   Interval]',
  '-------------------------------------------------------------------------------------',
  'price              2.2500      0.5000        4.50       0.002      1.2500      3.2500 ***',
  'dup                     0  (omitted because of collinearity)',
  '-------------------------------------------------------------------------------------',
  'R2 0.6000   within R2 0.4000   adj. R2 0.5500   RMSE 0.8000   SSR 160.0000',
  'First stage price: F = 25.500 (p = 1.000e-5), partial R2 = 0.3000',
  'Kleibergen-Paap rk LM: 12.125 (p = 0.0625)',
  'Kleibergen-Paap rk Wald F: 20.500   Cragg-Donald Wald F: 22.750',
  'Stock-Yogo 2SLS maximal IV size critical values: 10% 19.93, 15% 11.59, 20% 8.75, 25% 7.25',
  'Hansen J statistic (overidentification test of all instruments): 1.500   Chi-sq(1) p = 0.2500',
  'Anderson-Rubin test (endogenous coefficients = 0): F(2, 24) = 8.250 (p = 0.0005)',
  'Anderson-Rubin 95% confidence set (grid inversion): [-inf, -1.0000] U [0.5000, +inf]',
  'Endogeneity test (control function): F(1, 24) = 4.500 (p = 0.0365)',
  '* p<0.1, ** p<0.05, *** p<0.01',
].join('\n');

const lines = (res: FitResult | IvResult): string[] => formatTable(res).split('\n');
const seLine = (vcov: VcovInfo): string => lines({ ...OLS, vcov }).find((l) => l.startsWith('Standard errors:'))!;
const withIv = (patch: Partial<IvResult>): string[] => lines({ ...IV, ...patch });
const arSet = (confidence_set: IvResult['anderson_rubin']['confidence_set']): IvResult => ({
  ...IV,
  anderson_rubin: { ...IV.anderson_rubin, confidence_set },
});

describe('number format, p-values and stars', () => {
  it('prints missing values as a dot, zero and ordinary numbers fixed, tiny and huge ones in exponent form', () => {
    expect(formatNumber(null)).toBe('.');
    expect(formatNumber(undefined)).toBe('.');
    expect(formatNumber(NaN)).toBe('.');
    expect(formatNumber(0)).toBe('0.0000');
    expect(formatNumber(0, 2)).toBe('0.00');
    expect(formatNumber(1.23456, 2)).toBe('1.23');
    expect(formatNumber(-2.5)).toBe('-2.5000');
    expect(formatNumber(999999.5)).toBe('999999.5000');
    expect(formatNumber(1e6)).toBe('1.000e+6');
    expect(formatNumber(-2.5e6)).toBe('-2.500e+6');
    expect(formatNumber(1234567, 2)).toBe('1.2e+6');
    expect(formatNumber(0.0001)).toBe('0.0001');
    expect(formatNumber(-0.0001)).toBe('-0.0001');
    expect(formatNumber(0.00009999)).toBe('9.999e-5');
    expect(formatNumber(-0.00005)).toBe('-5.000e-5');
  });

  it('prints p-values with 3 digits by default, "<1e-300" only for an exact 0', () => {
    expect(formatPValue(0.5)).toBe('0.500');
    expect(formatPValue(0.5, 4)).toBe('0.5000');
    expect(formatPValue(0.00002, 4)).toBe('2.000e-5');
    expect(formatPValue(0)).toBe('<1e-300');
    expect(formatPValue(0, 4)).toBe('<1e-300');
    expect(formatPValue(null)).toBe('.');
    expect(formatPValue(undefined)).toBe('.');
    expect(formatPValue(1)).toBe('1.000');
  });

  it('gives stars strictly below 0.01, 0.05 and 0.1', () => {
    expect(significanceStars(0)).toBe('***');
    expect(significanceStars(0.0099)).toBe('***');
    expect(significanceStars(0.01)).toBe('**');
    expect(significanceStars(0.0499)).toBe('**');
    expect(significanceStars(0.05)).toBe('*');
    expect(significanceStars(0.0999)).toBe('*');
    expect(significanceStars(0.1)).toBe('');
    expect(significanceStars(0.7)).toBe('');
  });
});

describe('formatTable: exact text', () => {
  it('prints an OLS table with the default title, stars, the header and the fit statistics', () => {
    expect(formatTable(OLS)).toBe(OLS_TEXT);
  });

  it('prints an IV table with weights, LIML, fixed effects, the pairwise rule, an omitted term and every diagnostic', () => {
    expect(formatTable(IV, 'IV model')).toBe(IV_TEXT);
  });

  it('widens the name column to the longest name, at least 12 characters', () => {
    const text = lines({ ...OLS, coefficients: { a: coef(1, 0.5, 2, 0.2, -1, 3) } });
    expect(text[3]).toBe('-'.repeat(85));
    expect(text[4]).toBe('                    Coef.    Std.Err.           t       P>|t|  [95% Conf.   Interval]');
    expect(text[6]).toBe('a                  1.0000      0.5000        2.00       0.200     -1.0000      3.0000 ');
    const long = lines({ ...OLS, coefficients: { 'a_very_long_name_x': coef(1, 0.5, 2, 0.2, -1, 3) } });
    expect(long[4]).toBe(' '.repeat(19) + '       Coef.    Std.Err.           t       P>|t|  [95% Conf.   Interval]');
    expect(long[6]).toBe('a_very_long_name_x       1.0000      0.5000        2.00       0.200     -1.0000      3.0000 ');
  });

  it('prints an exact-zero p-value as <1e-300 and a NaN statistic as a dot', () => {
    const text = lines({ ...OLS, coefficients: { x: coef(3, NaN, Infinity, 0, NaN, NaN) }, r2_within: NaN });
    expect(text[6]).toBe('x                  3.0000           .    Infinity     <1e-300           .           . ***');
    expect(text[8]).toBe('R2 0.7500   within R2 .   adj. R2 0.7000   RMSE 1.2500   SSR 150.0000');
  });

  it('prints the weights line, zero-weight drops (also 0 of them) and no estimator line for 2SLS', () => {
    const t = lines({ ...OLS, weights: { variable: 'w', sum: 12.25 }, dropped: { missing: 1, singletons: 0, zero_weight: 0 } });
    expect(t.slice(0, 4)).toEqual([
      'Regression',
      'Observations: 250   (dropped: 1 missing, 0 of weight 0, 0 singletons)',
      'Analytic weights: w (sum 12.2500)',
      'Standard errors: iid',
    ]);
    const tsls = withIv({ estimator: { type: '2sls', k: 1, lambda: null, fuller_alpha: null } });
    expect(tsls.slice(2, 4)).toEqual(['Analytic weights: pop (sum 1234.5000)', 'Fixed effects: firm (25), year (10)']);
    expect(tsls.some((l) => l.startsWith('Estimator'))).toBe(false);
  });

  it("prints Fuller's estimator with its constant", () => {
    const t = withIv({ estimator: { type: 'fuller', k: 0.996, lambda: 1.0005, fuller_alpha: 1 } });
    expect(t[3]).toBe('Estimator: Fuller (a = 1), k = 0.996000, lambda = 1.000500');
    const t4 = withIv({ estimator: { type: 'fuller', k: 0.9925, lambda: 1.0125, fuller_alpha: 4 } });
    expect(t4[3]).toBe('Estimator: Fuller (a = 4), k = 0.992500, lambda = 1.012500');
  });

  it('describes each kind of standard error', () => {
    expect(seLine(IID)).toBe('Standard errors: iid');
    expect(seLine({ ...IID, type: 'hc1' })).toBe('Standard errors: robust (HC1)');
    expect(seLine({ ...IID, type: 'cluster', cluster: 'state', clusters: 50 })).toBe('Standard errors: clustered by state (50 clusters)');
    expect(seLine({ ...IID, type: 'cluster', cluster: 'firm', clusters: 10, multiway: { clusters: { firm: 40, year: 10 }, eigenvalue_fix: false } })).toBe(
      'Standard errors: clustered by firm (40) and year (10) (Cameron-Gelbach-Miller)',
    );
    expect(
      seLine({ ...IID, type: 'cluster', cluster: 'firm', clusters: 8, multiway: { clusters: { firm: 40, year: 10, region: 8 }, eigenvalue_fix: true } }),
    ).toBe('Standard errors: clustered by firm (40) and year (10) and region (8) (Cameron-Gelbach-Miller; negative eigenvalues set to 0)');
    expect(seLine({ ...IID, type: 'dk', clusters: 12, driscoll_kraay: { time: 'year', lags: 1, periods: 12 } })).toBe(
      'Standard errors: Driscoll-Kraay (period year, 12 periods, 1 lag, Bartlett)',
    );
    expect(seLine({ ...IID, type: 'dk', clusters: 30, driscoll_kraay: { time: 'month', lags: 3, periods: 30 } })).toBe(
      'Standard errors: Driscoll-Kraay (period month, 30 periods, 3 lags, Bartlett)',
    );
    expect(seLine({ ...IID, type: 'dk', clusters: 5, driscoll_kraay: { time: 't', lags: 0, periods: 5 } })).toBe(
      'Standard errors: Driscoll-Kraay (period t, 5 periods, 0 lags, Bartlett)',
    );
    // the type decides: Driscoll–Kraay details on another vcov type are not printed
    expect(seLine({ ...IID, type: 'hc1', driscoll_kraay: { time: 'year', lags: 1, periods: 12 } })).toBe('Standard errors: robust (HC1)');
  });

  it("adds the pairwise degrees-of-freedom line only under reghdfe's pairwise rule", () => {
    const exact = lines({ ...OLS, fixed_effects: [{ name: 'g', levels: 4 }] });
    expect(exact.slice(2, 5)).toEqual(['Fixed effects: g (4)', 'Standard errors: iid', '-'.repeat(89)]);
    const pairwise = lines({ ...OLS, vcov: { ...IID, dof_rule: 'pairwise' } });
    expect(pairwise.slice(2, 5)).toEqual([
      'Standard errors: iid',
      "Absorbed degrees of freedom: reghdfe's pairwise rule (the exact rank was too costly; K may be too large)",
      '-'.repeat(89),
    ]);
  });

  it('prints one first-stage line per endogenous regressor, an underflowed p as <1e-300', () => {
    const t = withIv({
      first_stage: {
        price: { coefficients: {}, F: 25.5, F_p: 0, partial_r2: 0.3 },
        qty: { coefficients: {}, F: 3.25, F_p: 0.0425, partial_r2: 0.0625 },
      },
    });
    const i = t.indexOf('R2 0.6000   within R2 0.4000   adj. R2 0.5500   RMSE 0.8000   SSR 160.0000');
    expect(t.slice(i + 1, i + 4)).toEqual([
      'First stage price: F = 25.500 (p = <1e-300), partial R2 = 0.3000',
      'First stage qty: F = 3.250 (p = 0.0425), partial R2 = 0.0625',
      'Kleibergen-Paap rk LM: 12.125 (p = 0.0625)',
    ]);
  });

  it('prints the Stock-Yogo size and relative-bias lines, or "not tabulated"', () => {
    const both = withIv({
      stock_yogo: {
        iv_size: { '10': 22.3, '15': 12.83, '20': 9.54, '25': 7.8 },
        relative_bias: { '5': 13.91, '10': 9.08, '20': 6.46, '30': 5.39 },
      },
    });
    const i = both.indexOf('Kleibergen-Paap rk Wald F: 20.500   Cragg-Donald Wald F: 22.750');
    expect(both.slice(i + 1, i + 4)).toEqual([
      'Stock-Yogo 2SLS maximal IV size critical values: 10% 22.3, 15% 12.83, 20% 9.54, 25% 7.8',
      'Stock-Yogo 2SLS maximal relative bias critical values: 5% 13.91, 10% 9.08, 20% 6.46, 30% 5.39',
      'Hansen J statistic (overidentification test of all instruments): 1.500   Chi-sq(1) p = 0.2500',
    ]);
    const biasOnly = withIv({ stock_yogo: { iv_size: null, relative_bias: { '5': 16.85, '10': 10.27, '20': 6.71, '30': 5.34 } } });
    expect(biasOnly.slice(i + 1, i + 3)).toEqual([
      'Stock-Yogo 2SLS maximal IV size critical values: not tabulated',
      'Stock-Yogo 2SLS maximal relative bias critical values: 5% 16.85, 10% 10.27, 20% 6.71, 30% 5.34',
    ]);
    const none = withIv({ stock_yogo: { iv_size: null, relative_bias: null } });
    expect(none.slice(i + 1, i + 3)).toEqual([
      'Stock-Yogo 2SLS maximal IV size critical values: not tabulated',
      'Hansen J statistic (overidentification test of all instruments): 1.500   Chi-sq(1) p = 0.2500',
    ]);
  });

  it('names the overidentification test Sargan under iid, Hansen J otherwise, and says when exactly identified', () => {
    const find = (t: string[]) => t.find((l) => /statistic/.test(l));
    expect(find(withIv({ vcov: IID, overid: { test: 'sargan', stat: 2.75, df: 2, p: 0.25 } }))).toBe(
      'Sargan statistic (overidentification test of all instruments): 2.750   Chi-sq(2) p = 0.2500',
    );
    expect(find(withIv({ vcov: IID, overid: null }))).toBe('Sargan statistic: equation exactly identified');
    expect(find(withIv({ vcov: { ...IID, type: 'hc1' }, overid: null }))).toBe('Hansen J statistic: equation exactly identified');
    expect(find(withIv({ vcov: { ...IID, type: 'dk', driscoll_kraay: { time: 't', lags: 2, periods: 9 } }, overid: { test: 'hansen_j', stat: 0.5, df: 3, p: 0 } }))).toBe(
      'Hansen J statistic (overidentification test of all instruments): 0.500   Chi-sq(3) p = <1e-300',
    );
  });

  it('prints the Anderson-Rubin confidence set in each form', () => {
    const arLines = (res: IvResult) => {
      const t = lines(res);
      const i = t.findIndex((l) => l.startsWith('Anderson-Rubin test'));
      return t.slice(i, t.length - 1);
    };
    expect(arLines(arSet({ level: 0.95, method: 'closed_form', critical_value: 4.26, intervals: [[0.5, 2.25]] }))).toEqual([
      'Anderson-Rubin test (endogenous coefficients = 0): F(2, 24) = 8.250 (p = 0.0005)',
      'Anderson-Rubin 95% confidence set (closed form): [0.5000, 2.2500]',
      'Endogeneity test (control function): F(1, 24) = 4.500 (p = 0.0365)',
    ]);
    expect(arLines(arSet({ level: 0.9, method: 'closed_form', critical_value: 2.9, intervals: [[null, null]] }))[1]).toBe(
      'Anderson-Rubin 90% confidence set (closed form): [-inf, +inf]',
    );
    expect(arLines(arSet({ level: 0.99, method: 'grid', critical_value: 7.8, intervals: [] }))[1]).toBe('Anderson-Rubin 99% confidence set (grid inversion): empty');
    expect(arLines(arSet({ level: 0.95, method: 'grid', critical_value: 4.2, intervals: [[-3, -1.5], [0.25, 0.75], [2, null]] }))[1]).toBe(
      'Anderson-Rubin 95% confidence set (grid inversion): [-3.0000, -1.5000] U [0.2500, 0.7500] U [2.0000, +inf]',
    );
    expect(arLines(arSet({ level: 0.95, method: 'closed_form', critical_value: 4.2, intervals: [[null, 1e-5]] }))[1]).toBe(
      'Anderson-Rubin 95% confidence set (closed form): [-inf, 1.000e-5]',
    );
    // more than one endogenous regressor: no confidence set
    expect(arLines(arSet(null))).toEqual([
      'Anderson-Rubin test (endogenous coefficients = 0): F(2, 24) = 8.250 (p = 0.0005)',
      'Endogeneity test (control function): F(1, 24) = 4.500 (p = 0.0365)',
    ]);
  });
});

// three models side by side: OLS (iid, constant), FE clustered, IV with two effects and Driscoll–Kraay
const A: FitResult = {
  ...OLS,
  nobs: 120,
  coefficients: { _cons: coef(2, 0.5, 4, 0.0001), x: coef(1.5, 0.25, 6, 0.005) },
  r2: 0.6,
  r2_within: 0.4,
};
const B: FitResult = {
  ...OLS,
  nobs: 118,
  vcov: { ...IID, type: 'cluster', cluster: 'firm', clusters: 20 },
  coefficients: { x: coef(1.25, 0.5, 2.5, 0.02), w: coef(-0.75, 0.375, -2, 0.07) },
  fixed_effects: [{ name: 'firm', levels: 20 }],
  r2: 0.7,
  r2_within: 0.45,
};
const C: IvResult = {
  ...IV,
  nobs: 110,
  vcov: { ...IID, type: 'dk', clusters: 9, driscoll_kraay: { time: 'year', lags: 2, periods: 9 } },
  coefficients: { w: coef(-1, 0.25, -4, 0.3), x: coef(2, 1, 2, 0.06), z: coef(0.125, 0.04, 3.125, 0.5) },
  fixed_effects: [{ name: 'firm', levels: 20 }, { name: 'year', levels: 9 }],
  diagnostics: { kp_rk_lm: 9.5, kp_rk_lm_p: 0.002, kp_rk_wald_f: 15.25, cragg_donald_f: 16, stock_yogo_10pct: 16.38 },
  r2: 0.65,
  r2_within: 0.35,
};

const ETABLE = [
  '-----------------------------------------------',
  '                     (1)           (2)      (3)',
  '-----------------------------------------------',
  'x               1.500***       1.250**   2.000*',
  '                 (0.250)       (0.500)  (1.000)',
  'w                              -0.750*   -1.000',
  '                               (0.375)  (0.250)',
  'z                                         0.125',
  '                                        (0.040)',
  '_cons           2.000***                       ',
  '                 (0.500)                       ',
  '-----------------------------------------------',
  'N                    120           118      110',
  'R2                 0.600         0.700    0.650',
  'Within R2                        0.450    0.350',
  'FE: firm              No           Yes      Yes',
  'FE: year              No            No      Yes',
  'SE                   iid  cluster firm    DK(2)',
  'KP rk LM                                  9.500',
  'KP rk Wald F                             15.250',
  '-----------------------------------------------',
  'Standard errors in parentheses. * p<0.1, ** p<0.05, *** p<0.01',
].join('\n');

describe('formatEtable: exact text', () => {
  it('prints three models with default titles, terms in order of appearance and the constant last', () => {
    expect(formatEtable([A, B, C])).toBe(ETABLE);
  });

  it('puts the ordered terms first (skipping terms of no model), the constant where ordered', () => {
    const t = formatEtable([A, B, C], { order: ['_cons', 'nothing', 'w'], titles: ['OLS', 'FE', 'IV'] }).split('\n');
    expect(t.slice(0, 11)).toEqual([
      '-----------------------------------------------',
      '                     OLS            FE       IV',
      '-----------------------------------------------',
      '_cons           2.000***                       ',
      '                 (0.500)                       ',
      'w                              -0.750*   -1.000',
      '                               (0.375)  (0.250)',
      'x               1.500***       1.250**   2.000*',
      '                 (0.250)       (0.500)  (1.000)',
      'z                                         0.125',
      '                                        (0.040)',
    ]);
    expect(t[11]).toBe('-----------------------------------------------');
  });

  it('prints OLS-only tables without KP rows or a constant, with the chosen digits and hc1 / cluster / DK labels', () => {
    const P: FitResult = { ...B, vcov: { ...IID, type: 'hc1' }, fixed_effects: [], coefficients: { x: coef(0.123456, 0.054321, 2.27, 0.0234) } };
    const Q: FitResult = {
      ...B,
      vcov: { ...IID, type: 'dk', clusters: 7, driscoll_kraay: { time: 'wk', lags: 0, periods: 7 } },
      coefficients: { x: coef(-3.5, 0.5, -7, 0.00001) },
      nobs: 77,
      r2: 0.8125,
      r2_within: 0.3125,
    };
    expect(formatEtable([P, B, Q], { digits: 2 }).split('\n')).toEqual([
      '-------------------------------------------',
      '                (1)           (2)       (3)',
      '-------------------------------------------',
      'x            0.12**        1.25**  -3.50***',
      '             (0.05)        (0.50)    (0.50)',
      'w                          -0.75*          ',
      '                           (0.38)          ',
      '-------------------------------------------',
      'N               118           118        77',
      'R2             0.70          0.70      0.81',
      'Within R2                    0.45      0.31',
      'FE: firm         No           Yes       Yes',
      'SE              hc1  cluster firm     DK(0)',
      '-------------------------------------------',
      'Standard errors in parentheses. * p<0.1, ** p<0.05, *** p<0.01',
    ]);
  });

  it('prints models without diagnostics with empty KP cells, rounding to the chosen digits', () => {
    expect(formatEtable([C, A], { digits: 1, titles: ['iv', 'ols'] }).split('\n')).toEqual([
      '-----------------------------',
      '                   iv     ols',
      '-----------------------------',
      'w                -1.0        ',
      '                (0.3)        ',
      'x                2.0*  1.5***',
      '                (1.0)   (0.3)',
      'z                 0.1        ',
      '                (0.0)        ',
      '_cons                  2.0***',
      '                        (0.5)',
      '-----------------------------',
      'N                 110     120',
      'R2                0.7     0.6',
      'Within R2         0.3        ',
      'FE: firm          Yes      No',
      'FE: year          Yes      No',
      'SE              DK(2)     iid',
      'KP rk LM          9.5        ',
      'KP rk Wald F     15.3        ',
      '-----------------------------',
      'Standard errors in parentheses. * p<0.1, ** p<0.05, *** p<0.01',
    ]);
  });

  it('prints a single model under the title (1)', () => {
    expect(formatEtable([A]).split('\n')).toEqual([
      '---------------------',
      '                  (1)',
      '---------------------',
      'x            1.500***',
      '              (0.250)',
      '_cons        2.000***',
      '              (0.500)',
      '---------------------',
      'N                 120',
      'R2              0.600',
      'Within R2            ',
      'SE                iid',
      '---------------------',
      'Standard errors in parentheses. * p<0.1, ** p<0.05, *** p<0.01',
    ]);
  });
});
