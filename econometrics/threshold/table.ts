// Coefficient table of the threshold model at given thresholds.
//   hansen: least squares on Hansen's transformed rows (demeaned, last period dropped); conventional SEs use
//           σ² = e'e / (n(T−1) − n − k) as his program does; "robust" is White's HC0 on those rows.
//   xthreg: `xtreg y x i.regime#c.RX, fe` — within data with grand means added back plus a constant, so the
//           constant and its SE are Stata's; df = N − n − k; "robust" = clustered on the unit (xtreg's vce(robust)).
// Cluster-robust SEs use Stata's small-sample factor G/(G−1)·(N−1)/(N−K) and t(G−1) p-values.

import { tPValue } from '../dist.ts';
import { leastSquares, spdInverse } from './dense.ts';
import { type ThresholdPanel, regimeOf, transform } from './panel.ts';

export type Vce = 'conventional' | 'robust' | 'cluster';

export interface CoefficientRow {
  estimate: number;
  se: number;
  t: number;
  p: number;
}

export interface RegressionSummary {
  df_resid: number;
  sigma_e: number;
  r2_within: number;
  /** joint Wald F of all slopes (the constant excluded) with the chosen variance */
  F: number;
  F_df: [number, number];
}

export interface ThresholdTable {
  coefficients: Record<string, CoefficientRow>;
  se_type: string;
  regression: RegressionSummary;
  /** fitted values and residuals on the transformed rows (null model of the bootstrap) */
  fitted: Float64Array;
  resid: Float64Array;
}

/** Regime-interaction columns RX·I(regime j), raw rows, named RX#r1, RX#r2, ... */
export function regimeColumns(panel: ThresholdPanel, sortedThresholds: number[]): { names: string[]; columns: Float64Array[] } {
  const regimes = new Int32Array(panel.rows);
  for (let i = 0; i < panel.rows; i++) regimes[i] = regimeOf(panel, panel.q[i], sortedThresholds);
  const names: string[] = [];
  const columns: Float64Array[] = [];
  panel.rx.forEach((rx, a) => {
    for (let j = 0; j <= sortedThresholds.length; j++) {
      const col = new Float64Array(panel.rows);
      for (let i = 0; i < panel.rows; i++) if (regimes[i] === j) col[i] = rx[i];
      names.push(`${panel.rxNames[a]}#r${j + 1}`);
      columns.push(col);
    }
  });
  return { names, columns };
}

/** Raw row behind each transformed row (hansen drops each unit's last period). */
function rawRowOf(panel: ThresholdPanel): Int32Array {
  const keep = panel.transformedRows / panel.units;
  const out = new Int32Array(panel.transformedRows);
  for (let u = 0; u < panel.units; u++) for (let t = 0; t < keep; t++) out[u * keep + t] = u * panel.periods + t;
  return out;
}

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

export function thresholdTable(
  panel: ThresholdPanel,
  sortedThresholds: number[],
  vce: Vce,
  cluster?: { codes: Int32Array; name: string },
  /** trailing columns of panel.x that are dummies of an absorbed effect: estimated, not shown, not in the Wald F */
  nuisance = 0,
): ThresholdTable {
  const regimes = regimeColumns(panel, sortedThresholds);
  const names = [...panel.xNames, ...regimes.names];
  const rawColumns = [...panel.x, ...regimes.columns];
  const xthreg = panel.method === 'xthreg';
  const k = rawColumns.length;
  let columns = rawColumns.map((c) => transform(panel, c));
  let y = transform(panel, panel.y);
  const yWithin = y;
  if (xthreg) {
    // xtreg, fe: add the grand mean back and estimate a constant
    columns = columns.map((c, j) => {
      const gm = mean(rawColumns[j]);
      return c.map((v) => v + gm);
    });
    const gy = mean(panel.y);
    y = y.map((v) => v + gy);
    columns.push(new Float64Array(panel.rows).fill(1));
    names.push('_cons');
  }
  const fit = leastSquares(columns, y);
  if (!fit) throw new Error('threshold model: regressors are collinear at the estimated thresholds');
  const N = panel.transformedRows;
  const kAll = columns.length;
  const dfResid = N - panel.units - k;
  const sigma2 = fit.ssr / dfResid;

  const rawRow = rawRowOf(panel);
  let V: Float64Array;
  let seType: string;
  let pDf = dfResid;
  const useCluster = vce === 'cluster' || (vce === 'robust' && xthreg);
  if (vce === 'conventional') {
    V = fit.xtxInv.map((v) => v * sigma2);
    seType = xthreg ? 'conventional (xtreg, fe: e\'e/(N-n-k))' : "conventional (Hansen: e'e/(n(T-1)-n-k))";
  } else {
    const meat = new Float64Array(kAll * kAll);
    let groups = 0;
    if (useCluster) {
      const codes = cluster?.codes ?? panel.unitCodes;
      let maxCode = -1;
      for (let i = 0; i < N; i++) maxCode = Math.max(maxCode, codes[rawRow[i]]);
      const scores = new Float64Array((maxCode + 1) * kAll);
      const seen = new Uint8Array(maxCode + 1);
      for (let i = 0; i < N; i++) {
        const g = codes[rawRow[i]];
        seen[g] = 1;
        for (let a = 0; a < kAll; a++) scores[g * kAll + a] += columns[a][i] * fit.resid[i];
      }
      for (let g = 0; g <= maxCode; g++) {
        if (!seen[g]) continue;
        groups++;
        for (let a = 0; a < kAll; a++) for (let b = 0; b < kAll; b++) meat[a * kAll + b] += scores[g * kAll + a] * scores[g * kAll + b];
      }
      const kStata = xthreg ? kAll : k;
      const factor = (groups / (groups - 1)) * ((N - 1) / (N - kStata));
      for (let i = 0; i < meat.length; i++) meat[i] *= factor;
      pDf = groups - 1;
      seType = `cluster-robust (${cluster?.name ?? 'unit'}, ${groups} clusters)`;
    } else {
      for (let i = 0; i < N; i++) {
        const e2 = fit.resid[i] * fit.resid[i];
        for (let a = 0; a < kAll; a++) {
          const xa = columns[a][i] * e2;
          for (let b = 0; b <= a; b++) meat[a * kAll + b] += xa * columns[b][i];
        }
      }
      for (let a = 0; a < kAll; a++) for (let b = 0; b < a; b++) meat[b * kAll + a] = meat[a * kAll + b];
      seType = 'robust (White HC0)';
    }
    V = sandwich(fit.xtxInv, meat, kAll);
  }

  const coefficients: Record<string, CoefficientRow> = {};
  const shownX = panel.x.length - nuisance;
  names.forEach((name, j) => {
    if (j >= shownX && j < panel.x.length) return;
    const se = Math.sqrt(V[j * kAll + j]);
    const t = fit.beta[j] / se;
    coefficients[name] = { estimate: fit.beta[j], se, t, p: tPValue(t, pDf) };
  });

  // joint Wald test of the slopes (the absorbed effects' dummies excluded)
  const tested = Array.from({ length: k }, (_, j) => j).filter((j) => j < shownX || j >= panel.x.length);
  const kt = tested.length;
  const vs = new Float64Array(kt * kt);
  for (let a = 0; a < kt; a++) for (let b = 0; b < kt; b++) vs[a * kt + b] = V[tested[a] * kAll + tested[b]];
  const vsInv = spdInverse(vs, kt);
  let wald = NaN;
  if (vsInv) {
    wald = 0;
    for (let a = 0; a < kt; a++) for (let b = 0; b < kt; b++) wald += fit.beta[tested[a]] * vsInv[a * kt + b] * fit.beta[tested[b]];
    wald /= kt;
  }
  let tss = 0;
  for (const v of yWithin) tss += v * v;

  const resid = fit.resid;
  const fitted = new Float64Array(N);
  for (let i = 0; i < N; i++) fitted[i] = yWithin[i] - resid[i];
  return {
    coefficients,
    se_type: seType,
    regression: { df_resid: dfResid, sigma_e: Math.sqrt(sigma2), r2_within: 1 - fit.ssr / tss, F: wald, F_df: [kt, pDf] },
    fitted,
    resid,
  };
}

function sandwich(bread: Float64Array, meat: Float64Array, k: number): Float64Array {
  const tmp = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += bread[i * k + p] * meat[p * k + j];
      tmp[i * k + j] = s;
    }
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += tmp[i * k + p] * bread[p * k + j];
      out[i * k + j] = s;
    }
  return out;
}
