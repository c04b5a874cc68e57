// Public API of the estimation engine (used by the CLI and the paper-reproduction stage). Stable surface:
//
//   fitFe(frame, formula, { vcov?, weights?, time? }) → FitResult
//       fixed-effects OLS; formula "y ~ x1 + x2 | fe1 + fe2^fe3" (no `|` part: OLS with a constant); terms
//       log(x), x1:x2, x1*x2, i(f), i(f, x), i(f, ref=v) become columns named as fixest's coefficients
//       (`log(x)`, `x1:x2`, `f::level`, `f::level:x`; formula.ts, terms.ts)
//       vcov: 'iid' | 'hc1' | 'cluster:VAR' | 'cluster:A+B' | 'dk:LAGS' (Driscoll–Kraay; period variable from
//       `time` or 'dk:LAGS:VAR'); weights: analytic weights (WLS; fixest `weights` / Stata aweights, see vcov.ts)
//   fitIv(frame, formula, { ...the same, estimator?: '2sls' | 'liml' | 'fuller:A' }) → IvResult
//       IV; formula "y ~ x1 | fe1 + fe2 | endog ~ instr1 + instr2"
//   FitResult / IvResult are exactly the JSON printed by `cli fe|iv --json`: nobs, dropped {missing,
//   singletons, zero_weight (weighted only)}, vcov {type, cluster, clusters, dof_k, dof_rule, adjustment,
//   multiway?, driscoll_kraay?}, coefficients {term: {estimate, se, t, p, ci_low, ci_high}}, r2, r2_within,
//   r2_adj, rmse, ssr, fixed_effects [{name, levels}], omitted [terms dropped for collinearity], weights?
//   {variable, sum}; IV adds estimator {type, k, lambda, fuller_alpha}, first_stage {endog: {coefficients, F,
//   F_p, partial_r2}}, diagnostics {kp_rk_lm, kp_rk_lm_p, kp_rk_wald_f, cragg_donald_f, stock_yogo_10pct},
//   stock_yogo {iv_size {10, 15, 20, 25}, relative_bias {5, 10, 20, 30}} (Stock & Yogo 2005), overid {test: sargan | hansen_j, stat, df, p} (null when exactly
//   identified), anderson_rubin {F, df1, df2, p, chi2, chi2_p, confidence_set} and endogeneity {test, F, df1,
//   df2, p, chi2, chi2_p}.
//   Weights are used normalised to mean 1 on the sample (Stata aweights): estimates, standard errors and R² do
//   not depend on their scale; ssr and rmse are Σ w u² and √(Σ w u²/(N − K)) with the normalised weights.
//   `_cons` follows Stata reghdfe: with fixed effects it is ȳ − x̄'b (fixed effects normalised to mean 0).
//   r2 is the R² of the full model (fixed effects included), r2_within the R² after absorbing them;
//   r2_adj and rmse use N − K with K = regressors + the rank of the absorbed fixed effects (constant included;
//   dof.ts: exact, or reghdfe's pairwise bound when the exact rank of 3+ effects is too costly — vcov.dof_rule).
//
//   Frames: `frameFromColumns({numeric, factors})`, or `loadFrame` from ./io/load.ts (DuckDB: csv/parquet/
//   warehouse) — the only module of the engine that does I/O; nothing exported here reads a file.
//   estimateFe / estimateIv return the same result plus the covariance matrix, residuals and sample.
export { InputError } from './errors.ts';
export { frameFromColumns, buildSample, type LoadedFrame, type Sample, type Grouping } from './frame.ts';
export { parseFormula, modelFormula, formatFormula, formulaColumns, type ParsedFormula } from './formula.ts';
export { expandFormula } from './terms.ts';
export { fitFe, estimateFe, type FitOptions, type FeolsDetail } from './models/feols.ts';
export { fitThreshold, thresholdColumns, type ThresholdOptions, type ThresholdResult } from './models/threshold.ts';
export {
  fitIv, estimateIv, parseEstimator, type IvResult, type IvFitOptions, type IvEstimator, type IvEstimatorOption, type FirstStage, type FeivDetail,
} from './models/feiv.ts';
export { type FitResult, type Coefficient, CONS } from './models/common.ts';
export { parseVcov, type VcovOption, type VcovInfo } from './vcov.ts';
export { formatTable, formatEtable } from './report/etable.ts';
export { formatThresholdTable, regimeLabel } from './report/threshold.ts';
export { stockYogo10, kpRankTest, type IvDiagnostics } from './diagnostics/kleibergen-paap.ts';
export { stockYogo, type StockYogoCriticalValues } from './diagnostics/stock-yogo.ts';
export { andersonRubin, type AndersonRubin, type ConfidenceSet } from './diagnostics/anderson-rubin.ts';
export { endogeneityTest, type EndogeneityTest } from './diagnostics/endogeneity.ts';
export { overidTest, type OveridTest } from './diagnostics/overid.ts';
export { describe, type DescriptiveRow } from './stats/descriptive.ts';
export { winsorize, quantileType7 } from './stats/winsorize.ts';
export { altonjiRatio, osterDelta, osterBetaStar, selectionSummary, selectionOnUnobservables, type OsterInputs } from './stats/selection.ts';
export { mediation, type MediationResult } from './stats/mediation.ts';
export { equalCoefficientsTest, type EqualityTestResult } from './stats/coef-equality.ts';
