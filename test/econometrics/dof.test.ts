import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { absorbedDof, connectedComponents, EXACT_RANK_MAX_WORK, exactFeRank, isNested, modelDof, pairwiseRedundant } from '../../econometrics/dof.ts';
import { buildSample, type Grouping } from '../../econometrics/frame.ts';
import { estimateFe } from '../../econometrics/models/feols.ts';
import { frameFor, relErr, repoRoot } from './reference-helpers.ts';

const g = (name: string, codes: number[]): Grouping => ({ name, codes: Int32Array.from(codes), levels: Math.max(...codes) + 1 });

describe('absorbed degrees of freedom', () => {
  // workers 0..3, firms 0..2; worker 3 only at firm 2, firm 2 only with worker 3 → two mobility groups
  const worker = g('worker', [0, 0, 1, 1, 2, 3, 3]);
  const firm = g('firm', [0, 1, 0, 1, 1, 2, 2]);

  it('counts connected components of the bipartite graph (mobility groups)', () => {
    expect(connectedComponents(worker, firm)).toBe(2);
  });

  it('first effect all levels, second minus one per component; pairwise: further ones minus the most components', () => {
    expect(absorbedDof([worker, firm], [])).toMatchObject({ total: 4 + 3 - 2, rule: 'exact' });
    const third = g('t', [0, 1, 0, 1, 0, 1, 0]);
    // components(worker, t) = 1 (worker 3 links t0 and t1), components(firm, t) = 1
    expect(pairwiseRedundant([worker, firm, third])).toEqual([0, 2, 1]);
    expect(absorbedDof([worker, firm, third], [], { maxExactWork: 0 })).toMatchObject({ total: 4 + 3 - 2 + 1, rule: 'pairwise' });
    expect(absorbedDof([worker, firm, third], [])).toMatchObject({ total: bareissRank(dummies([worker, firm, third])), rule: 'exact' });
  });

  it('exact rank of three and four effects equals an exact integer elimination of the dummy matrix', () => {
    let seed = 7;
    const rand = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % k);
    for (let trial = 0; trial < 40; trial++) {
      const n = 12 + rand(20);
      const nfe = 3 + rand(2);
      const fes: Grouping[] = [];
      for (let f = 0; f < nfe; f++) {
        const k = 2 + rand(6);
        // dense codes 0..levels-1 (every level present)
        const raw = Array.from({ length: n }, (_, i) => (i < k ? i : rand(k)));
        fes.push(g(`f${f}`, raw));
      }
      const exact = exactFeRank(fes)!;
      expect(exact.rank, `trial ${trial}`).toBe(bareissRank(dummies(fes)));
      expect(fes.reduce((s, fe) => s + fe.levels, 0) - exact.redundant.reduce((a, b) => a + b, 0)).toBe(exact.rank);
    }
  });

  it('leaves out effects nested in the cluster variable but keeps the constant', () => {
    const cluster = g('c', [0, 0, 0, 0, 1, 2, 2]); // workers nested in c, firms not
    expect(isNested(worker, cluster)).toBe(true);
    expect(isNested(firm, cluster)).toBe(false);
    const d = absorbedDof([worker, firm], [cluster]);
    expect(d.total).toBe(3); // firm levels, the constant included in the first counted effect
    expect(d.perFe[0]).toMatchObject({ nestedInCluster: true, redundant: 4 });
    expect(absorbedDof([worker], [cluster]).total).toBe(1);
  });
});

/** n × Σ levels 0/1 matrix of the effects' dummies */
function dummies(fes: Grouping[]): bigint[][] {
  const n = fes[0].codes.length;
  return Array.from({ length: n }, (_, i) => fes.flatMap((fe) => Array.from({ length: fe.levels }, (_, l) => (fe.codes[i] === l ? 1n : 0n))));
}

/** Rank by fraction-free Gaussian elimination (Bareiss) in exact integer arithmetic. */
function bareissRank(rows: bigint[][]): number {
  const a = rows.map((r) => r.slice());
  const m = a.length;
  const n = a[0].length;
  let rank = 0;
  let prev = 1n;
  for (let col = 0; col < n && rank < m; col++) {
    const p = a.findIndex((r, i) => i >= rank && r[col] !== 0n);
    if (p < 0) continue;
    [a[rank], a[p]] = [a[p], a[rank]];
    for (let i = rank + 1; i < m; i++) {
      for (let j = col + 1; j < n; j++) a[i][j] = (a[rank][col] * a[i][j] - a[i][col] * a[rank][j]) / prev;
      a[i][col] = 0n;
    }
    prev = a[rank][col];
    rank++;
  }
  return rank;
}

// Three fixed effects (cityno + year + grp^year on du2021): the absorbed degrees of freedom, and with them the
// SEs, adjusted R² and RMSE, against lm() with the dummies (test/fixtures/r/dof-three-fe.R → .json).
interface DofCase {
  id: string;
  data: string;
  formula: string;
  vcov: string;
  where: string | null;
  nobs: number;
  /** fit$rank of lm with the dummies */
  rank: number;
  /** rank of [1, dummies of the three effects] */
  fe_rank: number;
  dof_k: number;
  ssr: number;
  r2: number;
  r2_adj: number;
  rmse: number;
  coefficients: Record<string, { estimate: number; se: number }>;
}

const ref: { cases: DofCase[] } = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/r/dof-three-fe.json'), 'utf8'));

describe('three fixed effects: K matches the rank of lm with dummies', () => {
  for (const c of ref.cases) {
    it(`${c.id}: ${c.formula} [${c.vcov}]`, async () => {
      const frame = await frameFor(c);
      const d = estimateFe(frame, c.formula, { vcov: c.vcov as never });
      const res = d.result;
      expect(res.nobs).toBe(c.nobs);
      expect(res.vcov.dof_k).toBe(c.dof_k);
      expect(res.vcov.dof_rule).toBe('exact');
      expect(exactFeRank(d.sample.fixedEffects)!.rank).toBe(c.fe_rank);
      expect(absorbedDof(d.sample.fixedEffects, []).total + Object.keys(c.coefficients).length).toBe(c.rank);
      for (const [name, r] of Object.entries(c.coefficients)) {
        expect(relErr(res.coefficients[name].estimate, r.estimate), `${name} estimate`).toBeLessThan(1e-8);
        expect(relErr(res.coefficients[name].se, r.se), `${name} se`).toBeLessThan(1e-6);
      }
      expect(relErr(res.ssr, c.ssr)).toBeLessThan(1e-8);
      expect(relErr(res.r2, c.r2)).toBeLessThan(1e-8);
      expect(relErr(res.r2_adj, c.r2_adj)).toBeLessThan(1e-6);
      expect(relErr(res.rmse, c.rmse)).toBeLessThan(1e-6);
    });
  }

  it("falls back to reghdfe's pairwise rule when the exact rank is too costly, and says so", async () => {
    const c = ref.cases.find((x) => x.id === 'three_fe_iid')!;
    const frame = await frameFor(c);
    const sample = buildSample(frame, ['lngti'], [['cityno'], ['year'], ['grp', 'year']], []);
    const pairwise = absorbedDof(sample.fixedEffects, [], { maxExactWork: 0 });
    expect(pairwise.rule).toBe('pairwise');
    // reghdfe: cityno all 105; year loses max(1, components(cityno, year) = 1) = 1; grp^year loses
    // max(components(cityno, grp^year) = 7 groups, components(year, grp^year) = 14 years) = 14
    expect(pairwise.perFe.map((f) => f.redundant)).toEqual([0, 1, 14]);
    expect(pairwise.total).toBe(105 + 13 + 84);
    const exact = absorbedDof(sample.fixedEffects, []);
    expect(exact.rule).toBe('exact');
    expect(exact.total).toBe(c.fe_rank);
    // the exact count: grp^year spans year (13 more redundant) and shares the 7 group means with cityno
    expect(exact.perFe.map((f) => f.redundant)).toEqual([0, 1, 20]);
  });
});

describe('degrees of freedom: edge cases by hand', () => {
  it('isNested: every level of the effect within one cluster', () => {
    expect(isNested(g('f', [0, 0, 1, 1]), g('c', [0, 0, 1, 1]))).toBe(true);
    expect(isNested(g('f', [0, 0, 1, 1]), g('c', [0, 0, 0, 0]))).toBe(true);
    expect(isNested(g('f', [0, 0, 1, 1]), g('c', [0, 1, 1, 1]))).toBe(false);
    expect(isNested(g('f', [0, 1, 0, 1]), g('c', [0, 0, 1, 1]))).toBe(false);
    // the last row breaks it
    expect(isNested(g('f', [0, 1, 1, 0]), g('c', [2, 1, 1, 0]))).toBe(false);
  });

  it('connectedComponents: one per isolated pair, one for a connected graph', () => {
    expect(connectedComponents(g('a', [0, 1, 2]), g('b', [0, 1, 2]))).toBe(3);
    expect(connectedComponents(g('a', [0, 0, 1, 1]), g('b', [0, 1, 0, 1]))).toBe(1);
    expect(connectedComponents(g('a', [0, 0, 0]), g('b', [0, 1, 2]))).toBe(1);
    // a chain 0-0, 1-0, 1-1, 2-1 and an island 3-2
    expect(connectedComponents(g('a', [0, 1, 1, 2, 3]), g('b', [0, 0, 1, 1, 2]))).toBe(2);
  });

  it('pairwiseRedundant: none for the first, at least one for the others', () => {
    const a = g('a', [0, 0, 1, 1]);
    const b = g('b', [0, 1, 0, 1]);
    expect(pairwiseRedundant([a])).toEqual([0]);
    expect(pairwiseRedundant([a, b])).toEqual([0, 1]);
    // c pairs with a as two separate blocks: max(1, 2, components(b, c) = 1) = 2
    const c = g('c', [0, 0, 1, 1]);
    expect(pairwiseRedundant([a, b, c])).toEqual([0, 1, 2]);
  });

  it('exactFeRank: none, one effect, and the largest effect as the base wherever it stands', () => {
    expect(exactFeRank([])).toStrictEqual({ rank: 0, redundant: [] });
    expect(exactFeRank([g('a', [0, 1, 2, 1])])).toStrictEqual({ rank: 3, redundant: [0] });
    // A (4 levels) is the base: B loses 1 level (its two dummies sum to the constant), C (= A ≥ 2) loses both
    const A = g('A', [0, 0, 1, 1, 2, 2, 3, 3]);
    const B = g('B', [0, 1, 0, 1, 0, 1, 0, 1]);
    const C = g('C', [0, 0, 0, 0, 1, 1, 1, 1]);
    expect(exactFeRank([B, A, C])).toStrictEqual({ rank: 5, redundant: [1, 0, 2] });
    expect(exactFeRank([C, B, A])).toStrictEqual({ rank: 5, redundant: [2, 1, 0] });
    expect(exactFeRank([A, B, C])).toStrictEqual({ rank: 5, redundant: [0, 1, 2] });
    // with equal numbers of levels the first of them is the base
    const B2 = g('B2', [1, 0, 1, 0, 1, 0, 1, 0]);
    expect(exactFeRank([B, B2])).toStrictEqual({ rank: 2, redundant: [0, 2] });
    expect(exactFeRank([B2, B])).toStrictEqual({ rank: 2, redundant: [0, 2] });
    expect(bareissRank(dummies([B, A, C]))).toBe(5);
  });

  it('exactFeRank gives up exactly when the work bound m³/6 + Σ_g min(m, (k−1)·n_g)² exceeds maxWork', () => {
    // base A: 4 levels with 1, 1, 1 and 5 rows; the others B and C: m = 2 + 2 = 4 columns, k − 1 = 2
    const A = g('A', [0, 1, 2, 3, 3, 3, 3, 3]);
    const B = g('B', [0, 1, 0, 1, 0, 1, 0, 1]);
    const C = g('C', [0, 0, 1, 1, 0, 1, 0, 1]);
    const work = 64 / 6 + 2 ** 2 + 2 ** 2 + 2 ** 2 + 4 ** 2; // 38.67: min(4, 2·1) = 2 thrice, min(4, 2·5) = 4
    expect(exactFeRank([A, B, C], work)).not.toBeNull();
    expect(exactFeRank([A, B, C], work - 1e-9)).toBeNull();
    expect(exactFeRank([A, B, C], 38)).toBeNull();
    expect(exactFeRank([A, B, C], 39)!.rank).toBe(bareissRank(dummies([A, B, C])));
    // the base is the largest effect wherever it stands, so the bound is the same
    expect(exactFeRank([B, C, A], 38)).toBeNull();
    expect(exactFeRank([B, C, A], 39)).not.toBeNull();
    // the default bound is large
    expect(EXACT_RANK_MAX_WORK).toBe(3e8);
    expect(exactFeRank([A, B, C])).not.toBeNull();
  });

  it('absorbedDof: every case of counting, with the per-effect details', () => {
    const a = g('a', [0, 0, 1, 1, 2, 2]);
    const b = g('b', [0, 1, 0, 1, 0, 1]);
    expect(absorbedDof([], [])).toStrictEqual({ total: 1, perFe: [], rule: 'exact' });
    expect(absorbedDof([a], [])).toStrictEqual({
      total: 3, perFe: [{ name: 'a', levels: 3, redundant: 0, nestedInCluster: false }], rule: 'exact',
    });
    expect(absorbedDof([a, b], [])).toStrictEqual({
      total: 4,
      perFe: [{ name: 'a', levels: 3, redundant: 0, nestedInCluster: false }, { name: 'b', levels: 2, redundant: 1, nestedInCluster: false }],
      rule: 'exact',
    });
    // two effects: always the exact count by components (never the pairwise fallback), the second one losing the levels
    expect(absorbedDof([a, b], [], { maxExactWork: 0 })).toStrictEqual(absorbedDof([a, b], []));
    expect(absorbedDof([b, a], []).perFe.map((f) => f.redundant)).toEqual([0, 1]);
    expect(absorbedDof([b, a], []).total).toBe(4);
    // a nested in the cluster: left out, b counted alone with all its levels
    const cl = g('cl', [0, 0, 0, 0, 1, 1]);
    expect(absorbedDof([a, b], [cl])).toStrictEqual({
      total: 2,
      perFe: [{ name: 'a', levels: 3, redundant: 3, nestedInCluster: true }, { name: 'b', levels: 2, redundant: 0, nestedInCluster: false }],
      rule: 'exact',
    });
    // nested in the second of two cluster variables
    const other = g('o', [0, 1, 0, 1, 0, 1]);
    expect(absorbedDof([a, b], [other, cl]).perFe.map((f) => f.nestedInCluster)).toEqual([true, true]);
    expect(absorbedDof([a, b], [other, cl]).total).toBe(1);
    // three effects: exact, or pairwise when too costly
    const c = g('c', [0, 0, 0, 1, 1, 1]);
    const exact = absorbedDof([a, b, c], []);
    expect(exact.rule).toBe('exact');
    expect(exact.total).toBe(bareissRank(dummies([a, b, c])));
    const pairwise = absorbedDof([a, b, c], [], { maxExactWork: 0 });
    expect(pairwise.rule).toBe('pairwise');
    // c: components with a = 1 (row 3 links a1 to c1), with b = 1 → loses 1
    expect(pairwise.perFe.map((f) => f.redundant)).toEqual([0, 1, 1]);
    expect(pairwise.total).toBe(3 + 1 + 1);
  });

  it('modelDof: computed once without nesting, twice with', () => {
    const a = g('a', [0, 0, 1, 1]);
    const b = g('b', [0, 1, 0, 1]);
    const none = modelDof([a, b], [g('c', [0, 1, 1, 0])]);
    expect(none.vcov).toBe(none.all);
    expect(none.all.total).toBe(3);
    const noCluster = modelDof([a, b], []);
    expect(noCluster.vcov).toBe(noCluster.all);
    const nested = modelDof([a, b], [g('c', [0, 0, 1, 1])]);
    expect(nested.vcov).not.toBe(nested.all);
    expect(nested.all.total).toBe(3);
    expect(nested.vcov.total).toBe(2);
    expect(nested.vcov.perFe[0]).toStrictEqual({ name: 'a', levels: 2, redundant: 2, nestedInCluster: true });
    expect(nested.all.perFe[0]).toStrictEqual({ name: 'a', levels: 2, redundant: 0, nestedInCluster: false });
  });
});
