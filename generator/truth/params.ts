/** Paper targets (the published numbers, test/fixtures/paper/paper-results.json) that the truth model is calibrated to. */
export const BASE_YEARS: readonly number[] = Array.from({ length: 12 }, (_, i) => 2011 + i);
export const DEFAULT_SEED = 20250401;

export const TABLE1 = {
  Inn: { mean: 7.621, sd: 1.597, min: 4.22, max: 11.435 },
  AI: { mean: 4.859, sd: 1.796, min: 1.386, max: 9.71 },
  Va: { mean: 14.143, sd: 1.668, min: 10.796, max: 18.527 },
  Ind: { mean: 2.31, sd: 0.142, min: 1.958, max: 2.696 },
  Eco: { mean: 10.79, sd: 0.549, min: 9.588, max: 12.065 },
  Huc: { mean: 4.761, sd: 0.966, min: 2.485, max: 6.913 },
  Edu: { mean: 13.32, sd: 0.813, min: 11.397, max: 15.904 },
  Fis: { mean: 0.459, sd: 0.215, min: 0.118, max: 0.998 },
  Gov: { mean: 0.194, sd: 0.084, min: 0.079, max: 0.486 },
} as const;

/** Paper estimates the Inn equation is calibrated to (Tables 2–7). */
export const INN_TARGETS = {
  t2c6_AI: 0.272, t2c6_Eco: 0.243, t2c6_Huc: 0.0467, t2c6_Edu: 0.2339, t2c6_Fis: 0.3922, t2c6_Gov: 0.8662,
  t3_drop_2020_2022: 0.4866, t3_drop_municipalities: 0.2509, t3_province_year_fe: 0.1689,
  t4_2sls_AI: 0.6869,
  t6c3_Va: 0.0494,
  t6c5_Ind: 0.3314,
  t7_east: 0.3171, t7_central: 0.2835, t7_west: 0.0392,
  t7_high_datares: 0.2445, t7_low_datares: 0.2066, t7_high_diginfra: 0.2796, t7_low_diginfra: 0.2034,
  t5_regime1: 0.389, t5_regime2: 0.422, t5_regime3: 0.403,
  t5_va_regime1: 0.417, t5_va_regime2: 0.394,
  t5_ind_regime1: 0.344, t5_ind_regime2: 0.4,
} as const;

/**
 * The equations actually solved (exact on the kept truth panel before integer rounding). Table 5 enters
 * through the regime-slope differences of the two-way FE threshold models: its levels cannot coexist
 * with the linear 0.272 (see the conflicts).
 */
export const INN_TARGET_NAMES = [
  't2c6_AI', 't2c6_Eco', 't2c6_Huc', 't2c6_Edu', 't2c6_Fis', 't2c6_Gov', 't3_drop_2020_2022',
  't3_drop_municipalities', 't3_province_year_fe', 't4_2sls_AI',
  't6c3_Va', 't6c5_Ind', 't7_east', 't7_central', 't7_west', 't7_datares_high_minus_low',
  't7_diginfra_high_minus_low', 't5_slope2_minus_slope1', 't5_slope3_minus_slope2',
  't5_va_slope2_minus_slope1', 't5_ind_slope2_minus_slope1',
] as const;
export type InnTargetName = (typeof INN_TARGET_NAMES)[number];
const T = INN_TARGETS;
/**
 * Table 5 regime-slope differences are built into the truth at a multiple of the paper's: the printed differences
 * (+0.033 / −0.019 for AI, −0.023 for Va, +0.056 for Ind) imply discontinuities of about 0.1 log points at the
 * thresholds, which the bootstrap tests (300 replications, within-city residual sd ≈ 0.5) cannot tell from noise.
 * Scaled, the rise-then-fall shape (and the signs) stay, and the tests keep 2 / 1 / 1 thresholds. Va is scaled a
 * little less than AI and Ind: its slope drop at high Va, together with the AI drop above 6.18, otherwise shows up
 * as a spurious second Ind threshold near the p = 0.05 line.
 */
export const T5_SCALE = { ai: 3, va: 2.5, ind: 3 } as const;
export const INN_TARGET_VALUE: Record<InnTargetName, number> = {
  t2c6_AI: T.t2c6_AI, t2c6_Eco: T.t2c6_Eco, t2c6_Huc: T.t2c6_Huc, t2c6_Edu: T.t2c6_Edu, t2c6_Fis: T.t2c6_Fis,
  t2c6_Gov: T.t2c6_Gov, t3_drop_2020_2022: T.t3_drop_2020_2022,
  t3_drop_municipalities: T.t3_drop_municipalities, t3_province_year_fe: T.t3_province_year_fe, t4_2sls_AI: T.t4_2sls_AI, t6c3_Va: T.t6c3_Va,
  t6c5_Ind: T.t6c5_Ind, t7_east: T.t7_east, t7_central: T.t7_central, t7_west: T.t7_west,
  t7_datares_high_minus_low: T.t7_high_datares - T.t7_low_datares,
  t7_diginfra_high_minus_low: T.t7_high_diginfra - T.t7_low_diginfra,
  t5_slope2_minus_slope1: T5_SCALE.ai * (T.t5_regime2 - T.t5_regime1), t5_slope3_minus_slope2: T5_SCALE.ai * (T.t5_regime3 - T.t5_regime2),
  t5_va_slope2_minus_slope1: T5_SCALE.va * (T.t5_va_regime2 - T.t5_va_regime1), t5_ind_slope2_minus_slope1: T5_SCALE.ind * (T.t5_ind_regime2 - T.t5_ind_regime1),
};
export const INN_TARGET_VALUES: number[] = INN_TARGET_NAMES.map((n) => INN_TARGET_VALUE[n]);

export const THRESHOLDS = [3.6636, 6.1821] as const;
export const VA_THRESHOLD = [15.6482] as const;
export const IND_THRESHOLD = [2.1637] as const;
export const FIRST_STAGE_IV = 4.9145;
export const AI_TO_VA = 0.1607;
export const AI_TO_IND = 0.0368;
export const INN1_AI = 0.2171;
/** Table 7 group sizes of the per-observation "above the sample mean" split */
export const HIGH_DATARES_OBS = 1534;
export const HIGH_DIGINFRA_OBS = 1270;
