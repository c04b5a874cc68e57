// Degrees of freedom absorbed by the fixed effects: the rank of [1, dummies of every fixed effect], the "K"
// contributed by the absorbed part (the constant is always in the span of any effect's dummies).
//   * one effect: all its levels;
//   * two effects: the second loses one level per connected component of the bipartite graph linking its
//     levels with the first's (Abowd, Creecy & Kramarz 2002 "mobility groups"; exact);
//   * three or more: the exact rank when it is cheap to compute (rule 'exact', see exactFeRank), otherwise
//     reghdfe's default "pairwise" rule (Correia, reghdfe_class.mata, estimate_dof): every effect after the
//     first loses max(1, connected components with each earlier effect) levels — a lower bound on the
//     redundant levels, so K may be too large (rule 'pairwise').
// With a clustered vcov, fixed effects nested in a cluster variable (any of them, when multi-way) are left
// out of the count (reghdfe/fixest "nested" rule); the constant stays.
import type { Grouping } from './frame.ts';

/** How the redundant fixed-effect levels were counted: exactly, or with reghdfe's pairwise lower bound. */
export type DofRule = 'exact' | 'pairwise';

export interface FeDof {
  name: string;
  levels: number;
  /** levels not counted: redundant with the other effects or, when clustering, nested in the cluster */
  redundant: number;
  nestedInCluster: boolean;
}

export interface AbsorbedDof {
  /** rank of [1, fixed-effect dummies] counted as above: the "K" contributed by the absorbed part */
  total: number;
  perFe: FeDof[];
  rule: DofRule;
}

/** true when every level of `fe` falls within a single cluster */
export function isNested(fe: Grouping, cluster: Grouping): boolean {
  const owner = new Int32Array(fe.levels).fill(-1);
  for (let i = 0; i < fe.codes.length; i++) {
    const g = fe.codes[i];
    const c = cluster.codes[i];
    if (owner[g] === -1) owner[g] = c;
    else if (owner[g] !== c) return false;
  }
  return true;
}

/** Number of connected components of the bipartite graph between the levels of a and b. */
export function connectedComponents(a: Grouping, b: Grouping): number {
  const parent = new Int32Array(a.levels + b.levels);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  let components = parent.length;
  for (let i = 0; i < a.codes.length; i++) {
    const ra = find(a.codes[i]);
    const rb = find(a.levels + b.codes[i]);
    if (ra !== rb) {
      parent[ra] = rb;
      components--;
    }
  }
  return components;
}

/**
 * Work (multiply–adds) above which exactFeRank gives up and the pairwise rule is used: about a second of
 * dense linear algebra at most.
 */
export const EXACT_RANK_MAX_WORK = 3e8;

/** Redundant levels per effect under reghdfe's pairwise rule (the first effect has none). */
export function pairwiseRedundant(fes: Grouping[]): number[] {
  return fes.map((fe, h) => {
    if (h === 0) return 0;
    let m = 1;
    for (let g = 0; g < h; g++) m = Math.max(m, connectedComponents(fes[g], fe));
    return m;
  });
}

/**
 * Exact rank of [D_1 … D_k], the dummies of k ≥ 1 fixed effects, with the redundant levels of each effect
 * (the effect with most levels, eliminated first, has none; the others in order, levels in code order).
 * Returns null when the work would exceed `maxWork`.
 *
 * The Gram matrix of the dummies has a diagonal block for the effect with most levels (the "base"), so the
 * base is eliminated exactly: rank[D_b, D_r] = L_b + rank(S) with S = D_r'D_r − D_r'D_b (D_b'D_b)⁻¹ D_b'D_r,
 * the cross-products of the other effects' dummies after removing the base's group means. S is small
 * (levels of the other effects) and its rank comes from a Cholesky factorisation that drops a column whose
 * remaining squared norm is below 1e-9 of its dummy's squared norm (the level's count) — the scale on which
 * rounding stays many orders of magnitude below any genuine pivot of a 0/1 design of this size.
 */
export function exactFeRank(fes: Grouping[], maxWork = EXACT_RANK_MAX_WORK): { rank: number; redundant: number[] } | null {
  if (fes.length === 0) return { rank: 0, redundant: [] };
  const n = fes[0].codes.length;
  let base = 0;
  fes.forEach((fe, j) => { if (fe.levels > fes[base].levels) base = j; });
  const others = fes.map((_, j) => j).filter((j) => j !== base);
  const offsets: number[] = [];
  let m = 0;
  for (const j of others) { offsets.push(m); m += fes[j].levels; }

  // work bound: the projection touches at most min(m, (k−1)·n_g)² cells per base level; Cholesky m³/6
  const baseCounts = new Int32Array(fes[base].levels);
  for (let i = 0; i < n; i++) baseCounts[fes[base].codes[i]]++;
  let work = (m * m * m) / 6;
  for (let g = 0; g < baseCounts.length; g++) work += Math.min(m, others.length * baseCounts[g]) ** 2;
  if (work > maxWork) return null;

  // S = D_r'D_r …
  const S = new Float64Array(m * m);
  const counts = new Float64Array(m);
  const cols = new Int32Array(others.length);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < others.length; r++) cols[r] = offsets[r] + fes[others[r]].codes[i];
    for (let r = 0; r < others.length; r++) {
      counts[cols[r]]++;
      for (let s = 0; s < others.length; s++) S[cols[r] * m + cols[s]] += 1;
    }
  }
  // … − Σ_g c_g c_g' / n_g, c_g the counts of the other effects' levels within base level g
  const order = rowsByLevel(fes[base].codes, baseCounts);
  const c = new Float64Array(m);
  const touched: number[] = [];
  let start = 0;
  for (let g = 0; g < baseCounts.length; g++) {
    const end = start + baseCounts[g];
    for (let t = start; t < end; t++) {
      const i = order[t];
      for (let r = 0; r < others.length; r++) {
        const a = offsets[r] + fes[others[r]].codes[i];
        if (c[a] === 0) touched.push(a);
        c[a]++;
      }
    }
    const inv = 1 / baseCounts[g];
    for (const a of touched) {
      const ca = c[a] * inv;
      for (const b of touched) S[a * m + b] -= ca * c[b];
    }
    for (const a of touched) c[a] = 0;
    touched.length = 0;
    start = end;
  }

  // Cholesky with dropping, column by column (row-oriented: L rows of the kept columns)
  const keptRows: Float64Array[] = [];
  const keptCols: number[] = [];
  const dropped = new Uint8Array(m);
  for (let j = 0; j < m; j++) {
    const row = new Float64Array(keptCols.length + 1);
    for (let q = 0; q < keptCols.length; q++) {
      let s = S[j * m + keptCols[q]];
      const lq = keptRows[q];
      for (let t = 0; t < q; t++) s -= row[t] * lq[t];
      row[q] = s / lq[q];
    }
    let d = S[j * m + j];
    for (let t = 0; t < keptCols.length; t++) d -= row[t] * row[t];
    if (!(d > 1e-9 * counts[j])) { dropped[j] = 1; continue; }
    row[keptCols.length] = Math.sqrt(d);
    keptCols.push(j);
    keptRows.push(row);
  }

  const redundant = fes.map(() => 0);
  others.forEach((j, r) => {
    for (let l = 0; l < fes[j].levels; l++) redundant[j] += dropped[offsets[r] + l];
  });
  return { rank: fes[base].levels + keptCols.length, redundant };
}

/** Row indices sorted by level (counting sort), given the count of each level. */
function rowsByLevel(codes: Int32Array, counts: Int32Array): Int32Array {
  const next = new Int32Array(counts.length);
  for (let g = 1; g < counts.length; g++) next[g] = next[g - 1] + counts[g - 1];
  const order = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) order[next[codes[i]]++] = i;
  return order;
}

/** @param clusters the cluster variables' groupings (empty: not clustered) */
export function absorbedDof(
  fixedEffects: Grouping[],
  clusters: Grouping[],
  opts: { maxExactWork?: number } = {},
): AbsorbedDof {
  const perFe: FeDof[] = fixedEffects.map((fe) => ({
    name: fe.name,
    levels: fe.levels,
    redundant: 0,
    nestedInCluster: clusters.some((c) => isNested(fe, c)),
  }));
  for (const x of perFe) if (x.nestedInCluster) x.redundant = x.levels;
  const countedIdx = perFe.map((_, i) => i).filter((i) => !perFe[i].nestedInCluster);
  const counted = countedIdx.map((i) => fixedEffects[i]);
  if (counted.length === 0) return { total: 1, perFe, rule: 'exact' }; // only the constant

  let redundant: number[];
  let rule: DofRule = 'exact';
  if (counted.length <= 2) {
    redundant = counted.length === 2 ? [0, connectedComponents(counted[0], counted[1])] : [0];
  } else {
    const exact = exactFeRank(counted, opts.maxExactWork);
    if (exact) redundant = exact.redundant;
    else {
      redundant = pairwiseRedundant(counted);
      rule = 'pairwise';
    }
  }
  let total = 0;
  countedIdx.forEach((i, r) => {
    perFe[i].redundant = redundant[r];
    total += counted[r].levels - redundant[r];
  });
  return { total, perFe, rule };
}

/**
 * The absorbed degrees of freedom of a model: `all` counts every effect (R² adjusted, RMSE), `vcov` leaves
 * out the effects nested in a cluster variable (small-sample factor of a clustered vcov); computed once
 * when no effect is nested or there is no cluster.
 */
export function modelDof(fixedEffects: Grouping[], clusters: Grouping[]): { all: AbsorbedDof; vcov: AbsorbedDof } {
  const all = absorbedDof(fixedEffects, []);
  if (!fixedEffects.some((fe) => clusters.some((c) => isNested(fe, c)))) return { all, vcov: all };
  return { all, vcov: absorbedDof(fixedEffects, clusters) };
}
