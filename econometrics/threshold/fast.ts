// Fast conditional searches for one regime variable (the common case, and the bootstrap's hot path).
//
// Partial out the fixed base B0 = [W X, W RX] once. For indicator columns z_a = W(RX·I(q < γ_a)) write
// ⟨a, b⟩ = z_a' M0 z_b. With thresholds F already fixed and a candidate g (block/Schur formulas):
//   S(F)     = e0'e0 − a_F' Γ^{-1} a_F,                  Γ = [⟨f_i, f_j⟩], a_F = [z_f' e0]
//   S(F ∪ g) = S(F) − (a_g − γ_g'Γ^{-1}a_F)² / (⟨g,g⟩ − γ_g'Γ^{-1}γ_g),   γ_g = [⟨f_i, g⟩]
// ⟨g,g⟩ and z_g'B0 for every grid point come from one sweep over the q-sorted rows (y-independent, done once).
// ⟨f, g⟩ for all g costs one more sweep per fixed threshold f (cached): because the regime sets are nested,
// z_f'z_g only needs the per-unit sums of the f-regime, updated row by row as g moves.
// Per y: one projection on B0 and one cumulative sweep for a_g. So a replication of the triple-threshold
// sequence costs a few passes over the data instead of a regression per grid point.

import { type Curve, type ExclusionWindow, type FixedThreshold, type Grid, type SearchContext, exclusionMask } from './search.ts';
import { spdInverse } from './dense.ts';

export interface FastState {
  /** residual SSR of y on B0 */
  ee0: number;
  /** a_g = z_g' e0 per grid point */
  a: Float64Array;
}

export class FastSearcher {
  readonly grid: Grid;
  private readonly ctx: SearchContext;
  private readonly kB: number;
  private readonly btbInv: Float64Array;
  /** sorted rows active at each grid point */
  private readonly cut: Int32Array;
  /** ⟨g,g⟩ per grid point */
  private readonly h0: Float64Array;
  /** raw z_g'z_g (for the degeneracy test) */
  private readonly zz: Float64Array;
  /** z_g'B0 and (B0'B0)^{-1}B0'z_g per grid point, G×kB */
  private readonly ztb: Float64Array;
  private readonly coef: Float64Array;
  private readonly crossCache = new Map<number, Float64Array>();
  /** W'e0 on raw rows (reused) */
  private readonly scratch: Float64Array;
  /** base columns row-major (transformed rows × kB), so a projection is one pass over memory */
  private readonly baseRows: Float64Array;
  /** rx and raw row index in q-sorted order */
  private readonly sortedRx: Float64Array;
  private readonly residual: Float64Array;

  constructor(ctx: SearchContext, grid: Grid, cut: Int32Array) {
    const { panel } = ctx;
    if (panel.rx.length !== 1) throw new Error('FastSearcher handles one regime variable');
    this.ctx = ctx;
    this.grid = grid;
    this.cut = cut;
    const cols = ctx.baseColumns;
    const kB = cols.length;
    this.kB = kB;
    const btb = new Float64Array(kB * kB);
    for (let a = 0; a < kB; a++)
      for (let b = 0; b <= a; b++) {
        let s = 0;
        const ca = cols[a];
        const cb = cols[b];
        for (let i = 0; i < ca.length; i++) s += ca[i] * cb[i];
        btb[a * kB + b] = s;
        btb[b * kB + a] = s;
      }
    const inv = spdInverse(btb, kB);
    if (!inv) throw new Error('threshold search: base regressors are collinear');
    this.btbInv = inv;
    this.scratch = new Float64Array(panel.rows);
    this.residual = new Float64Array(panel.transformedRows);
    this.baseRows = new Float64Array(panel.transformedRows * kB);
    for (let b = 0; b < kB; b++) {
      const c = cols[b];
      for (let i = 0; i < c.length; i++) this.baseRows[i * kB + b] = c[i];
    }
    this.sortedRx = Float64Array.from(panel.sortedRows, (row) => panel.rx[0][row]);

    const G = grid.values.length;
    const T = panel.periods;
    const hansen = panel.method === 'hansen';
    const rx = panel.rx[0];
    const sorted = panel.sortedRows;
    const wtw = ctx.baseWtW;
    this.h0 = new Float64Array(G);
    this.zz = new Float64Array(G);
    this.ztb = new Float64Array(G * kB);
    this.coef = new Float64Array(G * kB);
    const ztb = new Float64Array(kB);
    const unitSum = new Float64Array(panel.units);
    const unitKept = new Float64Array(panel.units);
    let p = 0; // Σ r² over (kept) active rows
    let ss = 0; // Σ_u s_u²
    let kk = 0; // Σ_u k_u s_u
    let next = 0;
    for (let g = 0; g < G; g++) {
      for (; next < cut[g]; next++) {
        const row = sorted[next];
        const r = rx[row];
        if (r === 0) continue;
        const u = (row / T) | 0;
        const kept = !hansen || row - u * T < T - 1;
        for (let b = 0; b < kB; b++) ztb[b] += r * wtw[b][row];
        const s = unitSum[u];
        if (kept) p += r * r;
        ss += 2 * r * s + r * r;
        if (hansen) {
          const k = unitKept[u];
          const kNew = kept ? k + r : k;
          kk += kNew * (s + r) - k * s;
          unitKept[u] = kNew;
        }
        unitSum[u] = s + r;
      }
      const zz = hansen ? p - (2 * kk) / T + ((T - 1) * ss) / (T * T) : p - ss / T;
      this.zz[g] = zz;
      let quad = 0;
      for (let a = 0; a < kB; a++) {
        let c = 0;
        for (let b = 0; b < kB; b++) c += inv[a * kB + b] * ztb[b];
        this.coef[g * kB + a] = c;
        this.ztb[g * kB + a] = ztb[a];
        quad += ztb[a] * c;
      }
      this.h0[g] = zz - quad;
    }
  }

  /** ⟨f, g⟩ for every grid point g, for the fixed threshold at grid index f. */
  private cross(f: number): Float64Array {
    const hit = this.crossCache.get(f);
    if (hit) return hit;
    const { panel } = this.ctx;
    const T = panel.periods;
    const hansen = panel.method === 'hansen';
    const rx = panel.rx[0];
    const sorted = panel.sortedRows;
    const cutF = this.cut[f];
    // per-unit sums of the f-regime column (all rows, and kept rows for hansen)
    const sF = new Float64Array(panel.units);
    const kF = new Float64Array(panel.units);
    for (let p = 0; p < cutF; p++) {
      const row = sorted[p];
      const u = (row / T) | 0;
      sF[u] += rx[row];
      if (hansen && row - u * T < T - 1) kF[u] += rx[row];
    }
    const G = this.grid.values.length;
    const kB = this.kB;
    const out = new Float64Array(G);
    let pp = 0; // Σ over rows active in both (and kept): r²
    let ss = 0; // Σ_u s_f,u s_g,u
    let k1 = 0; // Σ_u k_f,u s_g,u
    let k2 = 0; // Σ_u s_f,u k_g,u
    let next = 0;
    for (let g = 0; g < G; g++) {
      for (; next < this.cut[g]; next++) {
        const row = sorted[next];
        const r = rx[row];
        if (r === 0) continue;
        const u = (row / T) | 0;
        const kept = !hansen || row - u * T < T - 1;
        if (next < cutF && kept) pp += r * r;
        ss += sF[u] * r;
        if (hansen) {
          k1 += kF[u] * r;
          if (kept) k2 += sF[u] * r;
        }
      }
      const raw = hansen ? pp - (k1 + k2) / T + ((T - 1) * ss) / (T * T) : pp - ss / T;
      let quad = 0;
      for (let b = 0; b < kB; b++) quad += this.ztb[f * kB + b] * this.coef[g * kB + b];
      out[g] = raw - quad;
    }
    if (this.crossCache.size >= 64) this.crossCache.delete(this.crossCache.keys().next().value!);
    this.crossCache.set(f, out);
    return out;
  }

  private aBuffer?: Float64Array;
  /** Projection of y on B0 and the cumulative a_g sweep. The state is valid until the next prepare(). */
  prepare(yT: Float64Array): FastState {
    const { panel } = this.ctx;
    const kB = this.kB;
    const rows = this.baseRows;
    const nR = yT.length;
    const bty = new Float64Array(kB);
    for (let i = 0, o = 0; i < nR; i++, o += kB) {
      const yi = yT[i];
      for (let b = 0; b < kB; b++) bty[b] += rows[o + b] * yi;
    }
    const beta = new Float64Array(kB);
    for (let a = 0; a < kB; a++) {
      let s = 0;
      for (let b = 0; b < kB; b++) s += this.btbInv[a * kB + b] * bty[b];
      beta[a] = s;
    }
    // e0 = y − B0 β, and W'e0 on raw rows (pad the dropped period with 0, demean by unit)
    const e = this.residual;
    const w = this.scratch;
    const n = panel.units;
    const T = panel.periods;
    const keep = nR / n;
    let ee0 = 0;
    for (let u = 0; u < n; u++) {
      let sum = 0;
      for (let t = 0; t < keep; t++) {
        const i = u * keep + t;
        let v = yT[i];
        const o = i * kB;
        for (let b = 0; b < kB; b++) v -= rows[o + b] * beta[b];
        e[i] = v;
        ee0 += v * v;
        sum += v;
      }
      const mean = sum / T;
      for (let t = 0; t < keep; t++) w[u * T + t] = e[u * keep + t] - mean;
      for (let t = keep; t < T; t++) w[u * T + t] = -mean;
    }
    const G = this.grid.values.length;
    const a = (this.aBuffer ??= new Float64Array(G));
    const rx = this.sortedRx;
    const sorted = panel.sortedRows;
    const cut = this.cut;
    let acc = 0;
    let next = 0;
    for (let g = 0; g < G; g++) {
      const stop = cut[g];
      for (; next < stop; next++) acc += rx[next] * w[sorted[next]];
      a[g] = acc;
    }
    return { ee0, a };
  }

  /**
   * SSR curve of a new threshold given the fixed ones (which must be grid points: `index` set).
   * With `keepCurve` false only the minimum is tracked (bootstrap), and no per-call arrays are allocated.
   */
  curve(
    state: FastState,
    fixed: FixedThreshold[],
    window: ExclusionWindow,
    keepCurve = true,
  ): { curve: Curve; excluded: Uint8Array } {
    const G = this.grid.values.length;
    const excluded = keepCurve ? exclusionMask(this.grid, fixed, window) : this.excludedScratch(fixed, window);
    const p = fixed.length;
    const idx = fixed.map((f) => {
      if (f.index === undefined) throw new Error('FastSearcher: fixed thresholds must be grid points');
      return f.index;
    });
    const crosses = idx.map((f) => this.cross(f));
    let gInv: Float64Array = new Float64Array(0);
    const aF = idx.map((f) => state.a[f]);
    let ssrF = state.ee0;
    const gaF = new Float64Array(p);
    if (p > 0) {
      const gamma = new Float64Array(p * p);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) gamma[i * p + j] = i === j ? this.h0[idx[i]] : crosses[i][idx[j]];
      const inv = spdInverse(gamma, p);
      if (!inv) throw new Error('threshold search: fixed thresholds give collinear regimes');
      gInv = inv;
      for (let i = 0; i < p; i++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += gInv[i * p + j] * aF[j];
        gaF[i] = s;
        ssrF -= aF[i] * s;
      }
    }
    const ssr = keepCurve ? new Float64Array(G).fill(NaN) : EMPTY;
    const a = state.a;
    const h0 = this.h0;
    const zz = this.zz;
    // den(g) = ⟨g,g⟩ − γ_g'Γ^{-1}γ_g and num(g) = a_g − γ_g'Γ^{-1}a_F, written out for p <= 2 (the hot path)
    const c0 = p > 0 ? crosses[0] : EMPTY;
    const c1 = p > 1 ? crosses[1] : EMPTY;
    const i00 = p > 0 ? gInv[0] : 0;
    const i01 = p > 1 ? gInv[1] : 0;
    const i11 = p > 1 ? gInv[3] : 0;
    const ga0 = p > 0 ? gaF[0] : 0;
    const ga1 = p > 1 ? gaF[1] : 0;
    let best = -1;
    let bestValue = Infinity;
    for (let g = 0; g < G; g++) {
      if (excluded[g]) continue;
      let num = a[g];
      let den = h0[g];
      if (p === 1) {
        const x0 = c0[g];
        num -= x0 * ga0;
        den -= x0 * x0 * i00;
      } else if (p === 2) {
        const x0 = c0[g];
        const x1 = c1[g];
        num -= x0 * ga0 + x1 * ga1;
        den -= x0 * x0 * i00 + 2 * x0 * x1 * i01 + x1 * x1 * i11;
      } else if (p > 2) {
        for (let i = 0; i < p; i++) {
          const xi = crosses[i][g];
          num -= xi * gaF[i];
          let s = 0;
          for (let j = 0; j < p; j++) s += gInv[i * p + j] * crosses[j][g];
          den -= xi * s;
        }
      }
      const zg = zz[g];
      if (!(zg > 0) || !(den > 1e-10 * zg)) continue;
      const value = ssrF - (num * num) / den;
      if (keepCurve) ssr[g] = value;
      if (value < bestValue) {
        bestValue = value;
        best = g;
      }
    }
    const curve: Curve = { ssr, ssrBase: ssrF, best };
    if (!keepCurve) curve.bestValue = bestValue;
    return { curve, excluded };
  }

  private excludedBuffer?: Uint8Array;
  /** Exclusion mask written into a reused buffer: grid positions are ascending, so each fixed threshold
   * knocks out one contiguous run found by binary search. */
  private excludedScratch(fixed: FixedThreshold[], window: ExclusionWindow): Uint8Array {
    const G = this.grid.values.length;
    const mask = (this.excludedBuffer ??= new Uint8Array(G));
    mask.fill(0);
    const pos = this.grid.positions;
    const values = this.grid.values;
    for (const f of fixed) {
      let lo = 0;
      let hi = G;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pos[mid] <= f.position - window.below) lo = mid + 1;
        else hi = mid;
      }
      for (let g = lo; g < G && pos[g] < f.position + window.above; g++) mask[g] = 1;
      if (f.index !== undefined) mask[f.index] = 1;
      // a quantile grid can repeat the fixed value outside the window
      lo = 0;
      hi = G;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (values[mid] < f.value) lo = mid + 1;
        else hi = mid;
      }
      for (let g = lo; g < G && values[g] === f.value; g++) mask[g] = 1;
    }
    return mask;
  }
}

const EMPTY = new Float64Array(0);
