// Threshold grid search without a regression per grid point.
//
// Model at candidate gamma: W y = B beta + Z(gamma) delta + e, where B holds the transformed regressors,
// the transformed regime variables RX and RX·I(q<γ_f) for every already fixed threshold γ_f, and
// Z(γ) = W (RX · I(q < γ)). By Frisch–Waugh, with e0 the residual of W y on B:
//   SSR(γ) = e0'e0 − g' H^{-1} g,   g = Z'e0,   H = Z'Z − Z'B (B'B)^{-1} B'Z.
// Every piece is a running sum over rows sorted by q: Z'e0 = Σ_active RX_i (W'e0)_i,
// Z'B = Σ_active RX_i (W'WB)_i, and Z'Z follows from per-unit sums (closed form of W'W per unit).
// So one pass over the sorted rows gives the whole SSR curve. H depends only on the regressors, so a
// SearchPlan precomputes H^{-1} per grid point once; each new y (bootstrap) costs one projection and
// one cumulative sweep.

import { spdInverse } from './dense.ts';
import { type ThresholdMethod, type ThresholdPanel, transform, wTranspose, belowIndicator } from './panel.ts';

export type GridSpec = { kind: 'quantile'; points: number } | { kind: 'all' };

export interface Grid {
  /** candidate thresholds, ascending (a quantile grid may repeat a value when q has few distinct values) */
  values: Float64Array;
  /** position on a common scale: quantile index 0..qn, or rank among distinct values */
  positions: Int32Array;
  /** exclusion radius per unit of trim: qn for quantile grids, number of distinct values for `all` */
  scale: number;
}

export interface FixedThreshold {
  value: number;
  position: number;
  /** index in the search grid when the threshold is a grid point */
  index?: number;
}

/**
 * Hansen's grid: with dd the sorted distinct values of q (nd of them) and qn points, the candidates are
 * dd[floor(s * nd)] (1-based) for s = trim, trim + 1/qn, ..., 1 − trim. `all` keeps every distinct value
 * between the same two ends.
 */
export function buildGrid(distinctQ: Float64Array, spec: GridSpec, trim: number): Grid {
  const nd = distinctQ.length;
  if (spec.kind === 'quantile') {
    const qn = spec.points;
    const trimPoints = Math.round(qn * trim);
    const count = qn - 2 * trimPoints + 1;
    const values = new Float64Array(count);
    const positions = new Int32Array(count);
    const step = 1 / qn;
    for (let j = 0; j < count; j++) {
      const s = trim + j * step; // accumulated as GAUSS seqa does, so floor() sees the same doubles
      const index1 = Math.min(nd, Math.max(1, Math.floor(s * nd)));
      values[j] = distinctQ[index1 - 1];
      positions[j] = trimPoints + j;
    }
    return { values, positions, scale: qn };
  }
  const lo = Math.max(1, Math.floor(trim * nd)) - 1;
  const hi = Math.min(nd, Math.floor((1 - trim) * nd)) - 1;
  const count = Math.max(0, hi - lo + 1);
  const values = new Float64Array(count);
  const positions = new Int32Array(count);
  for (let j = 0; j < count; j++) {
    values[j] = distinctQ[lo + j];
    positions[j] = lo + j;
  }
  return { values, positions, scale: nd };
}

/**
 * Grid positions excluded around an already fixed threshold: with d = grid position − fixed position, the
 * points with −below < d < above. A grid point equal to a fixed threshold is always excluded.
 */
export interface ExclusionWindow {
  below: number;
  above: number;
}

/** No exclusion (the first threshold's search). */
export const NO_EXCLUSION: ExclusionWindow = { below: 0, above: 0 };

export function exclusionMask(grid: Grid, fixed: FixedThreshold[], window: ExclusionWindow): Uint8Array {
  const mask = new Uint8Array(grid.values.length);
  for (let g = 0; g < mask.length; g++) {
    for (const f of fixed) {
      const d = grid.positions[g] - f.position;
      if ((d > -window.below && d < window.above) || grid.values[g] === f.value) mask[g] = 1;
    }
  }
  return mask;
}

/**
 * The window excluded around a fixed threshold at a step trimmed at `trim`, with r = round(scale · trim)
 * grid positions (scale: qn for a quantile grid):
 *   hansen: r positions below and r − 1 above, as Hansen's GAUSS program for the 1999 paper does (with
 *           qn = 400 and trim 0.05: 20 below, 19 above; this reproduces his triple-threshold interval
 *           [0.03902, 1.00593], and on a 100-point grid [0.05017, 0.43700]);
 *   xthreg: r − 1 positions on each side (Stata xthreg).
 */
export function exclusionWindow(grid: Grid, trim: number, method: ThresholdMethod): ExclusionWindow {
  const r = Math.round(grid.scale * trim);
  return method === 'hansen' ? { below: r + 1, above: r } : { below: r, above: r };
}

/** Position on the grid's common scale of an arbitrary value: that of the nearest grid point. */
export function positionOf(grid: Grid, value: number): number {
  let best = 0;
  for (let g = 1; g < grid.values.length; g++) {
    if (Math.abs(grid.values[g] - value) < Math.abs(grid.values[best] - value)) best = g;
  }
  return grid.positions[best];
}

/** Transformed data shared by all plans of one panel. */
export interface SearchContext {
  panel: ThresholdPanel;
  /** transformed X columns followed by transformed RX columns */
  baseColumns: Float64Array[];
  /** W'W applied to each base column, raw rows */
  baseWtW: Float64Array[];
}

export function makeContext(panel: ThresholdPanel): SearchContext {
  const baseColumns = [...panel.x, ...panel.rx].map((c) => transform(panel, c));
  const baseWtW = baseColumns.map((c) => wTranspose(panel, c));
  return { panel, baseColumns, baseWtW };
}

export interface SearchPlan {
  grid: Grid;
  excluded: Uint8Array;
  fixed: FixedThreshold[];
  /** sorted rows active at each grid point */
  cut: Int32Array;
  columns: Float64Array[];
  btbInv: Float64Array;
  /** per grid point m×m H^{-1}; valid[g] = 0 when the regime split is degenerate */
  hInv: Float64Array;
  valid: Uint8Array;
}

/** Rows active (in the lower regime) at each grid value: q < γ for hansen, q <= γ for xthreg. */
export function cutsFor(panel: ThresholdPanel, values: Float64Array): Int32Array {
  const strict = panel.method === 'hansen';
  const sq = panel.sortedQ;
  const cut = new Int32Array(values.length);
  for (let g = 0; g < values.length; g++) {
    const v = values[g];
    let lo = 0;
    let hi = sq.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (strict ? sq[mid] < v : sq[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    cut[g] = lo;
  }
  return cut;
}

export function buildPlan(ctx: SearchContext, fixed: FixedThreshold[], grid: Grid, excluded: Uint8Array): SearchPlan {
  const { panel } = ctx;
  const m = panel.rx.length;
  const T = panel.periods;
  const hansen = panel.method === 'hansen';
  const columns = [...ctx.baseColumns];
  const wtw = [...ctx.baseWtW];
  for (const f of fixed) {
    for (const rx of panel.rx) {
      const col = transform(panel, belowIndicator(panel, rx, f.value));
      columns.push(col);
      wtw.push(wTranspose(panel, col));
    }
  }
  const kB = columns.length;
  const btb = new Float64Array(kB * kB);
  for (let a = 0; a < kB; a++) {
    for (let b = 0; b <= a; b++) {
      const ca = columns[a];
      const cb = columns[b];
      let s = 0;
      for (let i = 0; i < ca.length; i++) s += ca[i] * cb[i];
      btb[a * kB + b] = s;
      btb[b * kB + a] = s;
    }
  }
  const btbInv = spdInverse(btb, kB);
  if (!btbInv) throw new Error('threshold search: base regressors are collinear');

  const cut = cutsFor(panel, grid.values);
  const G = grid.values.length;
  const hInv = new Float64Array(G * m * m);
  const valid = new Uint8Array(G);

  // running sums
  const ztb = new Float64Array(m * kB);
  const p = new Float64Array(m * m); // Σ r r' over (kept) active rows
  const ss = new Float64Array(m * m); // Σ_units s_u s_u'
  const kk = new Float64Array(m * m); // Σ_units k_u s_u' (hansen)
  const unitSum = new Float64Array(panel.units * m); // s_u: all active rows of the unit
  const unitKept = new Float64Array(panel.units * m); // k_u: active rows except the dropped period
  const r = new Float64Array(m);
  const ztz = new Float64Array(m * m);
  const tmp = new Float64Array(m * kB);
  const h = new Float64Array(m * m);
  const sorted = panel.sortedRows;
  let next = 0;
  for (let g = 0; g < G; g++) {
    for (; next < cut[g]; next++) {
      const row = sorted[next];
      const u = (row / T) | 0;
      const kept = !hansen || row - u * T < T - 1;
      for (let a = 0; a < m; a++) r[a] = panel.rx[a][row];
      for (let a = 0; a < m; a++) {
        const ra = r[a];
        if (ra === 0) continue;
        for (let b = 0; b < kB; b++) ztb[a * kB + b] += ra * wtw[b][row];
      }
      const su = u * m;
      for (let a = 0; a < m; a++) {
        for (let b = 0; b < m; b++) {
          const rr = r[a] * r[b];
          if (kept) p[a * m + b] += rr;
          ss[a * m + b] += r[a] * unitSum[su + b] + unitSum[su + a] * r[b] + rr;
          if (hansen) {
            // k_u s_u' before and after adding r (to s_u, and to k_u when the row is kept)
            const kOldA = unitKept[su + a];
            const kNewA = kept ? kOldA + r[a] : kOldA;
            kk[a * m + b] += kNewA * (unitSum[su + b] + r[b]) - kOldA * unitSum[su + b];
          }
        }
      }
      for (let a = 0; a < m; a++) {
        unitSum[su + a] += r[a];
        if (hansen && kept) unitKept[su + a] += r[a];
      }
    }
    if (excluded[g]) continue;
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        ztz[a * m + b] = hansen
          ? p[a * m + b] - (kk[a * m + b] + kk[b * m + a]) / T + ((T - 1) * ss[a * m + b]) / (T * T)
          : p[a * m + b] - ss[a * m + b] / T;
      }
    }
    // tmp = Z'B (B'B)^{-1}
    for (let a = 0; a < m; a++) {
      for (let c = 0; c < kB; c++) {
        let s = 0;
        for (let b = 0; b < kB; b++) s += ztb[a * kB + b] * btbInv[b * kB + c];
        tmp[a * kB + c] = s;
      }
    }
    let ok = true;
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        let s = 0;
        for (let c = 0; c < kB; c++) s += tmp[a * kB + c] * ztb[b * kB + c];
        h[a * m + b] = ztz[a * m + b] - s;
      }
      // the regime column must keep a non-negligible part outside the span of B
      if (!(ztz[a * m + a] > 0) || !(h[a * m + a] > 1e-10 * ztz[a * m + a])) ok = false;
    }
    if (!ok) continue;
    const inv = spdInverse(h, m);
    if (!inv) continue;
    hInv.set(inv, g * m * m);
    valid[g] = 1;
  }
  return { grid, excluded, fixed, cut, columns, btbInv, hInv, valid };
}

export interface Curve {
  /** SSR per grid point; NaN where excluded or degenerate */
  ssr: Float64Array;
  /** SSR of the base model (no candidate threshold) */
  ssrBase: number;
  /** index of the minimising grid point (first one on ties), -1 if none */
  best: number;
  /** minimum SSR, set when the curve itself was not stored */
  bestValue?: number;
}

/** The minimum SSR of a curve. */
export function minimumOf(curve: Curve): number {
  return curve.bestValue ?? curve.ssr[curve.best];
}

/** Residual of transformed y on the plan's base columns. */
export function baseResidual(plan: SearchPlan, yT: Float64Array): Float64Array {
  const kB = plan.columns.length;
  const bty = new Float64Array(kB);
  for (let b = 0; b < kB; b++) {
    const c = plan.columns[b];
    let s = 0;
    for (let i = 0; i < c.length; i++) s += c[i] * yT[i];
    bty[b] = s;
  }
  const e = Float64Array.from(yT);
  for (let a = 0; a < kB; a++) {
    let beta = 0;
    for (let b = 0; b < kB; b++) beta += plan.btbInv[a * kB + b] * bty[b];
    const c = plan.columns[a];
    for (let i = 0; i < e.length; i++) e[i] -= beta * c[i];
  }
  return e;
}

/** One cumulative sweep: SSR(γ) at every grid point of the plan for this transformed y. */
export function ssrCurve(ctx: SearchContext, plan: SearchPlan, yT: Float64Array, scratch?: Float64Array): Curve {
  const { panel } = ctx;
  const m = panel.rx.length;
  const e = baseResidual(plan, yT);
  let ee = 0;
  for (let i = 0; i < e.length; i++) ee += e[i] * e[i];
  const w = wTranspose(panel, e, scratch);
  const G = plan.grid.values.length;
  const ssr = new Float64Array(G).fill(NaN);
  const gsum = new Float64Array(m);
  const sorted = panel.sortedRows;
  const rx = panel.rx;
  let next = 0;
  let best = -1;
  let bestValue = Infinity;
  for (let g = 0; g < G; g++) {
    const stop = plan.cut[g];
    if (m === 1) {
      const r0 = rx[0];
      let s = gsum[0];
      for (; next < stop; next++) {
        const row = sorted[next];
        s += r0[row] * w[row];
      }
      gsum[0] = s;
    } else {
      for (; next < stop; next++) {
        const row = sorted[next];
        const wr = w[row];
        for (let a = 0; a < m; a++) gsum[a] += rx[a][row] * wr;
      }
    }
    if (plan.excluded[g] || !plan.valid[g]) continue;
    const off = g * m * m;
    let quad = 0;
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) quad += gsum[a] * plan.hInv[off + a * m + b] * gsum[b];
    }
    const value = ee - quad;
    ssr[g] = value;
    if (value < bestValue) {
      bestValue = value;
      best = g;
    }
  }
  return { ssr, ssrBase: ee, best };
}
