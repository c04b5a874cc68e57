// Endogeneity test of IV: the regression-based (control-function) Durbin–Wu–Hausman test, robust to the
// model's vcov (Wooldridge 2010, Econometric Analysis of Cross Section and Panel Data, 2nd ed., sec. 6.3.1;
// Stata's `estat endogenous` "robust regression-based test"). On the demeaned (and, with weights, √w-scaled)
// data: add the first-stage residuals v̂ of the K endogenous regressors to the structural equation,
//   y = Xb + v̂θ + e   (OLS; its b equals the 2SLS estimate),
// and test θ = 0 with the Wald statistic of the model's vcov (iid, hc1, cluster, multi-way, dk), K counting the
// regressors, v̂ and the absorbed fixed effects: F = θ̂'V̂_θθ⁻¹θ̂ / K against F(K, df) (df the model's t degrees
// of freedom), and the χ²(K) form K·F. With iid errors F is the Wu–Hausman F statistic.
import { chi2PValue, fPValue } from '../dist.ts';
import type { DofRule } from '../dof.ts';
import type { Grouping } from '../frame.ts';
import { quadFormInv, submatrix } from '../linalg.ts';
import { leastSquares, residuals } from '../models/common.ts';
import { computeVcov, reportedVcov, type ConstantColumn, type VcovSpec } from '../vcov.ts';

export interface EndogeneityTest {
  test: 'control_function';
  F: number;
  df1: number;
  df2: number;
  p: number;
  chi2: number;
  chi2_p: number;
}

/**
 * @param y demeaned dependent variable
 * @param X demeaned regressors (endogenous, then exogenous)
 * @param firstStageResiduals residuals of each endogenous regressor on [exogenous, excluded instruments]
 * @param dofAbsorbed counted fixed-effect levels (constant included) for the small-sample factor
 */
export function endogeneityTest(
  y: Float64Array,
  X: Float64Array[],
  firstStageResiduals: Float64Array[],
  spec: VcovSpec,
  clusters: Grouping[],
  dofAbsorbed: number,
  dofRule: DofRule,
  constant: ConstantColumn | null,
): EndogeneityTest {
  const K = firstStageResiduals.length;
  const cols = [...X, ...firstStageResiduals];
  const ls = leastSquares(cols, y);
  const u = residuals(y, cols, ls.b);
  const vc = computeVcov(cols, ls.bread, u, spec, clusters, cols.length + dofAbsorbed, dofRule, constant);
  const V = reportedVcov(vc.V, vc.info);
  const idx = Array.from({ length: K }, (_, j) => X.length + j);
  const wald = quadFormInv(submatrix(V, idx, idx), idx.map((j) => ls.b[j]));
  const F = wald / K;
  return { test: 'control_function', F, df1: K, df2: vc.dfT, p: fPValue(F, K, vc.dfT), chi2: wald, chi2_p: chi2PValue(wald, K) };
}
