import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterTerms, computeVcov, fixNegativeEigenvalues, parseVcov, withConstant } from '../../econometrics/vcov.ts';
import { matFromRows } from '../../econometrics/linalg.ts';
import { frameFromColumns } from '../../econometrics/frame.ts';
import { fitFe } from '../../econometrics/models/feols.ts';
import { fitIv } from '../../econometrics/models/feiv.ts';
import { frameFor, relErr, repoRoot } from './reference-helpers.ts';

describe('vcov', () => {
  it('parses the CLI vcov option and rejects unknown types', () => {
    expect(parseVcov('cluster:cityno')).toEqual({ type: 'cluster', variable: 'cityno', variables: ['cityno'] });
    expect(parseVcov('cluster:cityno + year')).toEqual({ type: 'cluster', variable: 'cityno+year', variables: ['cityno', 'year'] });
    expect(() => parseVcov('cluster:a+')).toThrow(/empty cluster variable/);
    expect(() => parseVcov('cluster:a+a')).toThrow(/repeated/);
    expect(parseVcov(undefined)).toEqual({ type: 'iid' });
    expect(() => parseVcov('robust')).toThrow(/unknown vcov/);
  });

  it('cluster small-sample factor is G/(G-1)(N-1)/(N-K) and one cluster is an input error', () => {
    const W = [Float64Array.from([-1.5, -0.5, 0.5, 1.5])];
    const u = Float64Array.from([0.1, -0.2, 0.3, -0.2]);
    const bread = matFromRows([[1 / 5]]);
    const cl = { name: 'c', levels: 2, codes: Int32Array.from([0, 0, 1, 1]) };
    const r = computeVcov(W, bread, u, { type: 'cluster', variable: 'c', variables: ['c'] }, [cl], 2);
    expect(r.info.adjustment).toBeCloseTo((2 / 1) * (3 / 2), 14);
    // by hand: scores per cluster for x: (-1.5*0.1 + -0.5*-0.2) = -0.05, (0.5*0.3 + 1.5*-0.2) = -0.15
    expect(r.V.data[0]).toBeCloseTo((0.05 ** 2 + 0.15 ** 2) / 25 * 3, 14);
    expect(r.dfT).toBe(1);
    const one = { name: 'c', levels: 1, codes: new Int32Array(4) };
    expect(() => computeVcov(W, bread, u, { type: 'cluster', variable: 'c', variables: ['c'] }, [one], 2)).toThrow(/only one cluster/);
  });

  it('maps the centred parametrisation to the mean-based _cons', () => {
    const V = matFromRows([[2, 0], [0, 0.5]]);
    const out = withConstant(V, [3]);
    // Var(c0 − 3b) = 0.5 + 9·2 ; Cov(b, c0 − 3b) = −3·2
    expect(out.data[3]).toBeCloseTo(18.5, 14);
    expect(out.data[1]).toBeCloseTo(-6, 14);
  });
});

// Multi-way clustering (Cameron, Gelbach & Miller 2011) against sandwich::vcovCL(cluster = ~a + b,
// multi0 = FALSE) with one factor G_min/(G_min − 1)·(N − 1)/(N − K): test/fixtures/r/multiway-cluster.R → .json
interface MultiwayCase {
  id: string;
  data: 'du2021' | 'synthetic';
  formula: string;
  vcov: string;
  nobs: number;
  dof_k: number;
  clusters: Record<string, number>;
  eigenvalue_fix: boolean;
  coefficients: Record<string, { estimate: number; se: number }>;
  columns: { y: number[]; x1: number[]; x2: number[]; a: number[]; b: number[] } | null;
}
const multiway: { cases: MultiwayCase[] } = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/r/multiway-cluster.json'), 'utf8'));

describe('multi-way clustered vcov matches sandwich::vcovCL', () => {
  for (const c of multiway.cases) {
    it(`${c.id}: ${c.formula} [${c.vcov}]${c.eigenvalue_fix ? ' (negative eigenvalues set to 0)' : ''}`, async () => {
      const frame =
        c.data === 'synthetic'
          ? frameFromColumns({ numeric: { y: c.columns!.y, x1: c.columns!.x1, x2: c.columns!.x2 }, factors: { a: c.columns!.a, b: c.columns!.b } })
          : await frameFor({ data: c.data, formula: c.formula, vcov: c.vcov });
      const res = fitFe(frame, c.formula, { vcov: c.vcov as never });
      expect(res.nobs).toBe(c.nobs);
      expect(res.vcov.dof_k).toBe(c.dof_k);
      expect(res.vcov.clusters).toBe(Math.min(...Object.values(c.clusters)));
      expect(res.vcov.multiway).toEqual({ clusters: c.clusters, eigenvalue_fix: c.eigenvalue_fix });
      for (const [name, r] of Object.entries(c.coefficients)) {
        expect(relErr(res.coefficients[name].estimate, r.estimate), `${name} estimate`).toBeLessThan(1e-8);
        expect(relErr(res.coefficients[name].se, r.se), `${name} se`).toBeLessThan(1e-6);
      }
    });
  }

  it('a cluster variable nested in another gives the one-way result on the coarser one (OLS and IV with its diagnostics)', async () => {
    // cityno is nested in grp: V_city + V_grp − V_city∩grp = V_grp, and G_min = G_grp
    const f = 'lngti ~ er + lngdp + lnrd + lnpop | year';
    const frame = await frameFor({ data: 'du2021', formula: f, vcov: 'cluster:cityno+grp' });
    const two = fitFe(frame, f, { vcov: 'cluster:cityno+grp' });
    const one = fitFe(frame, f, { vcov: 'cluster:grp' });
    for (const name of Object.keys(one.coefficients)) expect(relErr(two.coefficients[name].se, one.coefficients[name].se)).toBeLessThan(1e-10);
    const fi = 'lngti ~ lngdp + lnpop | year | er ~ lnis + lnhc';
    const iframe = await frameFor({ data: 'du2021', formula: fi, vcov: 'cluster:cityno+grp' });
    const ivTwo = fitIv(iframe, fi, { vcov: 'cluster:cityno+grp' });
    const ivOne = fitIv(iframe, fi, { vcov: 'cluster:grp' });
    for (const name of Object.keys(ivOne.coefficients)) expect(relErr(ivTwo.coefficients[name].se, ivOne.coefficients[name].se)).toBeLessThan(1e-10);
    expect(relErr(ivTwo.first_stage.er.F, ivOne.first_stage.er.F)).toBeLessThan(1e-10);
    for (const key of ['kp_rk_lm', 'kp_rk_wald_f'] as const) expect(relErr(ivTwo.diagnostics[key], ivOne.diagnostics[key]), key).toBeLessThan(1e-8);
    expect(relErr(ivTwo.overid!.stat, ivOne.overid!.stat)).toBeLessThan(1e-8);
  });

  it('the eigenvalue fix keeps a positive semi-definite matrix unchanged and zeroes negative eigenvalues', () => {
    const psd = matFromRows([[2, 1], [1, 2]]);
    expect(fixNegativeEigenvalues(psd)).toEqual({ V: psd, fixed: false });
    // eigenvalues 3 and −1 with eigenvectors (1, 1)/√2 and (1, −1)/√2: the fix leaves 3·vv' = 1.5·[[1, 1], [1, 1]]
    const fixed = fixNegativeEigenvalues(matFromRows([[1, 2], [2, 1]]));
    expect(fixed.fixed).toBe(true);
    for (const v of fixed.V.data) expect(v).toBeCloseTo(1.5, 12);
  });

  it('clusterTerms: every non-empty subset once, signed by its size', () => {
    const g = (name: string, codes: number[]) => ({ name, codes: Int32Array.from(codes), levels: Math.max(...codes) + 1 });
    const terms = clusterTerms([g('a', [0, 0, 1, 1]), g('b', [0, 1, 0, 1]), g('c', [0, 0, 0, 1])]);
    expect(terms.map((t) => [t.groups.name, t.sign])).toEqual([
      ['a', 1], ['b', 1], ['a#b', -1], ['c', 1], ['a#c', -1], ['b#c', -1], ['a#b#c', 1],
    ]);
    expect(terms[2].groups.levels).toBe(4);
  });
});
