// Reproduces Stata xthreg's output printed in Wang (2015) on the same data
// (test/fixtures/data/hansen1999-published.json, "xthreg_wang2015"). xthreg's grid rule is undocumented, so the
// printed thresholds are imposed with `at` (snapped to the data values they round from).
import { beforeAll, describe, expect, it } from 'vitest';
import type { ThresholdOptions, ThresholdResult } from '../../../econometrics/models/threshold.ts';
import { fitHansenData, HANSEN_MODEL, readPublished } from '../../helpers/hansen1999.ts';

const base: ThresholdOptions = { ...HANSEN_MODEL, method: 'xthreg' };

const fit = (options: Partial<ThresholdOptions>): Promise<ThresholdResult> => fitHansenData({ ...base, ...options });

/** rounds to the printed number of decimals */
function printed(actual: number, expected: number) {
  const decimals = (String(expected).split('.')[1] ?? '').length;
  expect(actual.toFixed(decimals)).toBe(expected.toFixed(decimals));
}

describe('xthreg conventions reproduce Wang (2015)', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let pub: any;
  let single: ThresholdResult;
  beforeAll(async () => {
    pub = readPublished().xthreg_wang2015;
    single = await fit({ at: [0.01538] });
  });

  it('regression table at threshold 0.01538 (xtreg, fe on the regime interactions)', () => {
    const reg = pub['regression_at_threshold_0.01538'];
    expect(single.nobs).toBe(reg.nobs);
    expect(single.rows_used).toBe(reg.nobs);
    expect(single.steps[0].thresholds[0]).toBeCloseTo(0.01538, 7);
    const names: Record<string, string> = { 'c1#regime0': 'c1#r1', 'c1#regime1': 'c1#r2' };
    for (const [stataName, [estimate, se]] of Object.entries(reg.coefficients as Record<string, [number, number | null]>)) {
      const c = single.coefficients[names[stataName] ?? stataName];
      expect(c, stataName).toBeDefined();
      printed(c.estimate, estimate);
      if (se !== null) printed(c.se, se);
    }
    expect(single.regression.df_resid).toBe(7338);
    expect(single.regression.F_df).toEqual([7, 7338]);
    printed(single.regression.F, reg.F_7_7338);
    printed(single.regression.r2_within, reg.r2_within);
    printed(single.regression.sigma_e, reg.sigma_e);
  });

  it('single-threshold RSS and F = (RSS0 - RSS1) / (RSS1 / (N - T))', () => {
    printed(single.steps[0].ssr, pub.single.rss);
    printed(single.steps[0].F, pub.single.F);
    printed(single.steps[0].ssr / 7896, pub.single.mse);
  });

  it('double and triple RSS and F at the printed thresholds (0.0154, 0.5418, 0.4778 = data value 0.47775)', async () => {
    const triple = await fit({ at: [0.01538, 0.5418, 0.47775], thresholds: 3 });
    printed(triple.steps[1].ssr, pub.triple.double.rss);
    printed(triple.steps[1].F, pub.triple.double.F);
    printed(triple.steps[2].ssr, pub.triple.triple.rss);
    printed(triple.steps[2].F, pub.triple.triple.F);
    expect(triple.steps[2].thresholds.map((t) => t.toFixed(4))).toEqual(['0.0154', '0.4778', '0.5418']);
  });

  it('searching with I(Q <= gamma) on the full within transformation', async () => {
    const r = await fit({ thresholds: 1 });
    expect(r.rows_used).toBe(7910);
    // our quantile grid contains 0.0157, which xthreg's (undocumented) grid lacks; its SSR is below xthreg's
    expect(r.steps[0].ssr).toBeLessThanOrEqual(pub.single.rss + 5e-5);
    expect(r.steps[0].thresholds[0]).toBeGreaterThan(0.0141);
    expect(r.steps[0].thresholds[0]).toBeLessThan(0.0167);
  });
});
