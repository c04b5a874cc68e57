import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  clusterTerms, computeVcov, fixNegativeEigenvalues, isVcovOption, parseVcov, reportedVcov, timeGrouping, timeMeat, vcovGroupVariables,
  withConstant, withTime, type VcovSpec,
} from '../../econometrics/vcov.ts';
import { InputError } from '../../econometrics/errors.ts';
import { matFromRows, toRows, type Mat } from '../../econometrics/linalg.ts';
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

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

function expectMatClose(m: Mat, rows: number[][], digits = 14) {
  const got = toRows(m);
  expect(got.length).toBe(rows.length);
  rows.forEach((r, i) => {
    expect(got[i].length).toBe(r.length);
    r.forEach((v, j) => expect(got[i][j], `[${i}][${j}]`).toBeCloseTo(v, digits));
  });
}

describe('vcov options', () => {
  it.each([
    ['iid', true], ['hc1', true], ['cluster:a', true], ['cluster:a+b', true], ['cluster:城市', true],
    ['dk:0', true], ['dk:2', true], ['dk:12', true], ['dk:2:year', true], ['dk:10:t_1', true],
    ['', false], ['IID', false], ['iid ', false], [' hc1', false], ['hc2', false], ['robust', false],
    ['cluster:', false], ['cluster: a', false], ['cluster:a b', false], ['cluster:a ', false], ['xcluster:a', false],
    ['dk:', false], ['dk:x', false], ['dk:1.5', false], ['dk:-1', false], ['xdk:2', false], ['dk:2 ', false], [' dk:2', false],
    ['dk:2:', false], ['dk:2:a b', false], ['dk:2x', false], ['dk::year', false], ['dk', false],
  ])('isVcovOption(%j) is %s', (s, ok) => {
    expect(isVcovOption(s)).toBe(ok);
  });

  it('parses every type, trimming the option', () => {
    expect(parseVcov(undefined)).toStrictEqual({ type: 'iid' });
    expect(parseVcov(' iid ')).toStrictEqual({ type: 'iid' });
    expect(parseVcov('hc1 ')).toStrictEqual({ type: 'hc1' });
    expect(parseVcov(' cluster: a + b ')).toStrictEqual({ type: 'cluster', variable: 'a+b', variables: ['a', 'b'] });
    expect(parseVcov('cluster:a+b+c')).toStrictEqual({ type: 'cluster', variable: 'a+b+c', variables: ['a', 'b', 'c'] });
    expect(parseVcov('dk:2')).toStrictEqual({ type: 'dk', lags: 2 });
    expect(parseVcov('dk:03')).toStrictEqual({ type: 'dk', lags: 3 });
    expect(parseVcov('dk:12:year')).toStrictEqual({ type: 'dk', lags: 12, time: 'year' });
    expect(parseVcov(' dk:0:t ')).toStrictEqual({ type: 'dk', lags: 0, time: 't' });
  });

  it.each([
    ['cluster:', '--vcov cluster needs a variable: cluster:VAR'],
    ['cluster:  ', '--vcov cluster needs a variable: cluster:VAR'],
    ['cluster:a+', "--vcov 'cluster:a+': empty cluster variable (expected cluster:VAR or cluster:VAR1+VAR2)"],
    ['cluster:+a', "--vcov 'cluster:+a': empty cluster variable (expected cluster:VAR or cluster:VAR1+VAR2)"],
    ['cluster:a+ +b', "--vcov 'cluster:a+ +b': empty cluster variable (expected cluster:VAR or cluster:VAR1+VAR2)"],
    ['cluster:a+a', "--vcov 'cluster:a+a': a cluster variable is repeated"],
    ['cluster:a + b + a', "--vcov 'cluster:a + b + a': a cluster variable is repeated"],
    ['dk:', "--vcov 'dk:': expected dk:LAGS (a whole number of lags) or dk:LAGS:TIMEVAR"],
    ['dk:x', "--vcov 'dk:x': expected dk:LAGS (a whole number of lags) or dk:LAGS:TIMEVAR"],
    ['dk:1.5', "--vcov 'dk:1.5': expected dk:LAGS (a whole number of lags) or dk:LAGS:TIMEVAR"],
    ['dk:-1', "--vcov 'dk:-1': expected dk:LAGS (a whole number of lags) or dk:LAGS:TIMEVAR"],
    ['dk:2:', "--vcov 'dk:2:': expected dk:LAGS (a whole number of lags) or dk:LAGS:TIMEVAR"],
    ['dk:2:a b', "--vcov 'dk:2:a b': expected dk:LAGS (a whole number of lags) or dk:LAGS:TIMEVAR"],
    ['dk:2x', "--vcov 'dk:2x': expected dk:LAGS (a whole number of lags) or dk:LAGS:TIMEVAR"],
    ['robust', "unknown vcov 'robust' (expected iid, hc1, cluster:VAR, cluster:VAR1+VAR2 or dk:LAGS)"],
    ['', "unknown vcov '' (expected iid, hc1, cluster:VAR, cluster:VAR1+VAR2 or dk:LAGS)"],
    ['HC1', "unknown vcov 'HC1' (expected iid, hc1, cluster:VAR, cluster:VAR1+VAR2 or dk:LAGS)"],
    ['dk', "unknown vcov 'dk' (expected iid, hc1, cluster:VAR, cluster:VAR1+VAR2 or dk:LAGS)"],
    ['xdk:2', "unknown vcov 'xdk:2' (expected iid, hc1, cluster:VAR, cluster:VAR1+VAR2 or dk:LAGS)"],
  ])('parseVcov(%j) is an InputError: %s', (option, message) => {
    const e = thrown(() => parseVcov(option));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(message);
  });

  it('vcovGroupVariables: the cluster variables, the period variable of dk, nothing otherwise', () => {
    expect(vcovGroupVariables({ type: 'iid' })).toEqual([]);
    expect(vcovGroupVariables({ type: 'hc1' })).toEqual([]);
    expect(vcovGroupVariables({ type: 'cluster', variable: 'a+b', variables: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(vcovGroupVariables({ type: 'dk', lags: 1, time: 'year' })).toEqual(['year']);
    const e = thrown(() => vcovGroupVariables({ type: 'dk', lags: 1 }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('--vcov dk:LAGS needs the period variable: give --time VAR (or write dk:LAGS:VAR)');
  });

  it('withTime fills the period variable of dk only when it is missing', () => {
    const cluster: VcovSpec = { type: 'cluster', variable: 'a', variables: ['a'] };
    expect(withTime(cluster, 'year')).toBe(cluster);
    const iid: VcovSpec = { type: 'iid' };
    expect(withTime(iid, 'year')).toBe(iid);
    const own: VcovSpec = { type: 'dk', lags: 2, time: 't' };
    expect(withTime(own, 'year')).toBe(own);
    const bare: VcovSpec = { type: 'dk', lags: 2 };
    expect(withTime(bare, 'year')).toStrictEqual({ type: 'dk', lags: 2, time: 'year' });
    expect(bare).toStrictEqual({ type: 'dk', lags: 2 });
    expect(withTime(bare, undefined)).toBe(bare);
    expect(withTime(bare, '')).toBe(bare);
  });
});

describe('timeGrouping and timeMeat', () => {
  it('codes periods in increasing numeric order, ties sharing a code', () => {
    const t = timeGrouping('t', Float64Array.from([3, 1, 3, 2, 1]));
    expect(t.name).toBe('t');
    expect(t.levels).toBe(3);
    expect(Array.from(t.periods)).toEqual([1, 2, 3]);
    expect(Array.from(t.codes)).toEqual([2, 0, 2, 1, 0]);
    const u = timeGrouping('year', Float64Array.from([10, -1, 2, 10]));
    expect(Array.from(u.periods)).toEqual([-1, 2, 10]);
    expect(Array.from(u.codes)).toEqual([2, 0, 1, 2]);
    expect(u.levels).toBe(3);
    const one = timeGrouping('t', Float64Array.from([5, 5]));
    expect(Array.from(one.periods)).toEqual([5]);
    expect(Array.from(one.codes)).toEqual([0, 0]);
  });

  it('pairs adjacent periods when the periods are not whole numbers', () => {
    // periods 0.5, 1.25, 2.5 with sums 1, 100, 10
    const time = timeGrouping('t', Float64Array.from([0.5, 2.5, 1.25]));
    expect(Array.from(time.codes)).toEqual([0, 2, 1]);
    const s = Float64Array.from([1, 10, 100]);
    expect(timeMeat([s], null, time, 0).data[0]).toBeCloseTo(1 + 10000 + 100, 9);
    expect(timeMeat([s], null, time, 1).data[0]).toBeCloseTo(10101 + 2 * 0.5 * (100 * 1 + 10 * 100), 9);
    expect(timeMeat([s], null, time, 2).data[0]).toBeCloseTo(10101 + 2 * (2 / 3) * (100 + 1000) + 2 * (1 / 3) * 10, 9);
  });

  it('multiplies the columns by the residuals and fills the whole matrix', () => {
    // scores (c·e) = (1, -2, 6) and (d·e) = (1, -1, 2) at periods 1, 3, 2: h_1 = (1, 1), h_2 = (6, 2), h_3 = (-2, -1)
    const time = timeGrouping('t', Float64Array.from([1, 3, 2]));
    const c = Float64Array.from([1, 2, 3]);
    const d = Float64Array.from([1, 1, 1]);
    const e = Float64Array.from([1, -1, 2]);
    expectMatClose(timeMeat([c, d], e, time, 0), [[1 + 36 + 4, 1 + 12 + 2], [1 + 12 + 2, 1 + 4 + 1]], 12);
    // lag 1 (weight 1/2): pairs (2,1) and (3,2): h2 h1' + h1 h2' + h3 h2' + h2 h3'
    const cross = (a: number[], b: number[]) => [[a[0] * b[0], a[0] * b[1]], [a[1] * b[0], a[1] * b[1]]];
    const h1 = [1, 1], h2 = [6, 2], h3 = [-2, -1];
    const terms = [cross(h2, h1), cross(h1, h2), cross(h3, h2), cross(h2, h3)];
    const lag = [0, 1].map((i) => [0, 1].map((j) => 0.5 * terms.reduce((sum, m) => sum + m[i][j], 0)));
    expectMatClose(timeMeat([c, d], e, time, 1), [[41 + lag[0][0], 15 + lag[0][1]], [15 + lag[1][0], 6 + lag[1][1]]], 12);
  });
});

describe('computeVcov by hand', () => {
  // n = 3, one centred regressor w = (−1, 0, 1), W'W = 2; residuals u = (2, 1, 1); K = 2
  const W = [Float64Array.from([-1, 0, 1])];
  const bread = matFromRows([[1 / 2]]);
  const u = Float64Array.from([2, 1, 1]);

  it('iid: s² (W\'W)⁻¹ and 1/N for the constant, s² = SSR/(N−K); the dof rule defaults to exact', () => {
    const r = computeVcov(W, bread, u, { type: 'iid' }, [], 2);
    // SSR = 6, s² = 6/1
    expectMatClose(r.V, [[3, 0], [0, 2]]);
    expect(r.info).toStrictEqual({ type: 'iid', cluster: null, clusters: null, dof_k: 2, dof_rule: 'exact', adjustment: 3 });
    expect(r.dfT).toBe(1);
    expect(computeVcov(W, bread, u, { type: 'iid' }, [], 1, 'pairwise').info).toStrictEqual({
      type: 'iid', cluster: null, clusters: null, dof_k: 1, dof_rule: 'pairwise', adjustment: 1.5,
    });
    // weighted: the constant's variance is s²/Σw
    const cw = computeVcov(W, bread, u, { type: 'iid' }, [], 2, 'exact', { values: Float64Array.from([1, 2, 1]), sumSquares: 6 });
    expectMatClose(cw.V, [[3, 0], [0, 1]]);
  });

  it('needs more observations than parameters', () => {
    const e = thrown(() => computeVcov(W, bread, u, { type: 'iid' }, [], 3));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('not enough observations: N=3 but the model has K=3 parameters (with fixed effects)');
    expect(thrown(() => computeVcov(W, bread, u, { type: 'hc1' }, [], 4)).message).toBe(
      'not enough observations: N=3 but the model has K=4 parameters (with fixed effects)',
    );
  });

  it('hc1: N/(N−K) (W\'W)⁻¹ Σ u² w w\' (W\'W)⁻¹, with the constant\'s column ones or √w', () => {
    // u² = (4, 1, 1): meat = [[Σu²w², Σu²w], [Σu²w, Σu²]] = [[5, −3], [−3, 6]]; B = diag(1/2, 1/3); factor 3
    const r = computeVcov(W, bread, u, { type: 'hc1' }, [], 2);
    expectMatClose(r.V, [[3.75, -1.5], [-1.5, 2]]);
    expect(r.info).toStrictEqual({ type: 'hc1', cluster: null, clusters: null, dof_k: 2, dof_rule: 'exact', adjustment: 3 });
    expect(r.dfT).toBe(1);
    // c = (1, 2, 1): meat = [[5, Σu²wc = −3], [−3, Σu²c² = 9]]; B = diag(1/2, 1/6)
    const cw = computeVcov(W, bread, u, { type: 'hc1' }, [], 2, 'pairwise', { values: Float64Array.from([1, 2, 1]), sumSquares: 6 });
    expectMatClose(cw.V, [[3.75, -0.75], [-0.75, 0.75]]);
    expect(cw.info.dof_rule).toBe('pairwise');
  });

  // n = 4: w = (−1.5, −0.5, 0.5, 1.5), W'W = 5, u = (0.1, −0.2, 0.3, −0.2), K = 2
  const W4 = [Float64Array.from([-1.5, -0.5, 0.5, 1.5])];
  const bread4 = matFromRows([[1 / 5]]);
  const u4 = Float64Array.from([0.1, -0.2, 0.3, -0.2]);
  const grouping = (name: string, codes: number[]) => ({ name, codes: Int32Array.from(codes), levels: Math.max(...codes) + 1 });
  // scores (w u, u) of clusters {0, 1} and {2, 3}: (−0.05, −0.1) and (−0.15, 0.1):
  // meat [[0.025, −0.01], [−0.01, 0.02]], B = diag(1/5, 1/4), factor G/(G−1)·(N−1)/(N−K) = 2·3/2 = 3
  const oneWay = [[0.003, -0.0015], [-0.0015, 0.00375]];

  it('cluster: the full matrix, its info and t(G−1)', () => {
    const r = computeVcov(W4, bread4, u4, { type: 'cluster', variable: 'c', variables: ['c'] }, [grouping('c', [0, 0, 1, 1])], 2);
    expectMatClose(r.V, oneWay);
    expect(r.info).toStrictEqual({ type: 'cluster', cluster: 'c', clusters: 2, dof_k: 2, dof_rule: 'exact', adjustment: 3 });
    expect(r.dfT).toBe(1);
  });

  it('two-way: V_a + V_b − V_a∩b with the smallest number of clusters', () => {
    const spec: VcovSpec = { type: 'cluster', variable: 'a+b', variables: ['a', 'b'] };
    // b = (0, 1, 0, 1): scores (0, 0.4), (−0.2, −0.4); a∩b: every row alone, scores (w_i u_i, u_i)
    // meat = [[0.025 + 0.04 − 0.145, −0.01 + 0.08 − 0.07], [·, 0.02 + 0.32 − 0.18]] = [[−0.08, 0], [0, 0.16]]
    const r = computeVcov(W4, bread4, u4, spec, [grouping('a', [0, 0, 1, 1]), grouping('b', [0, 1, 0, 1])], 2);
    expectMatClose(r.V, [[-0.0096, 0], [0, 0.03]]);
    expect(r.info).toStrictEqual({
      type: 'cluster', cluster: 'a+b', clusters: 2, multiway: { clusters: { a: 2, b: 2 }, eigenvalue_fix: false }, dof_k: 2, dof_rule: 'exact', adjustment: 3,
    });
    expect(r.dfT).toBe(1);
    // reported: the negative eigenvalue set to 0, and noted
    const rep = reportedVcov(r.V, r.info);
    expectMatClose(rep, [[0, 0], [0, 0.03]]);
    expect(r.info.multiway!.eigenvalue_fix).toBe(true);
    // b nested in a (3 clusters, each inside one of a's 2): V = V_a, G = min(2, 3) = 2
    const nested = computeVcov(W4, bread4, u4, spec, [grouping('a', [0, 0, 1, 1]), grouping('b', [0, 1, 2, 2])], 2);
    expectMatClose(nested.V, oneWay);
    expect(nested.info.clusters).toBe(2);
    expect(nested.info.adjustment).toBe(3);
    expect(nested.info.multiway).toStrictEqual({ clusters: { a: 2, b: 3 }, eigenvalue_fix: false });
    expect(nested.dfT).toBe(1);
    const same = reportedVcov(nested.V, nested.info);
    expect(nested.info.multiway!.eigenvalue_fix).toBe(false);
    expectMatClose(same, oneWay);
  });

  it('cluster: the constant\'s scores use √w when weighted', () => {
    // c = (1, 1, 2, 2): constant scores −0.1 and 2·0.3 + 2·(−0.2) = 0.2; B_cc = 1/10
    // meat = [[0.025, (−0.05)(−0.1) + (−0.15)(0.2) = −0.025], [·, 0.01 + 0.04 = 0.05]]
    const r = computeVcov(W4, bread4, u4, { type: 'cluster', variable: 'c', variables: ['c'] }, [grouping('c', [0, 0, 1, 1])], 2, 'exact', {
      values: Float64Array.from([1, 1, 2, 2]), sumSquares: 10,
    });
    expectMatClose(r.V, [[0.003, (1 / 5) * -0.025 * (1 / 10) * 3], [(1 / 5) * -0.025 * (1 / 10) * 3, (0.05 / 100) * 3]]);
  });

  it('cluster: every variable needs two clusters; the groupings must be given', () => {
    const spec: VcovSpec = { type: 'cluster', variable: 'a+b', variables: ['a', 'b'] };
    const e = thrown(() => computeVcov(W4, bread4, u4, spec, [grouping('a', [0, 0, 1, 1]), grouping('b', [0, 0, 0, 0])], 2));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe("only one cluster in 'b': clustered standard errors need at least 2");
    const missing = thrown(() => computeVcov(W4, bread4, u4, spec, [grouping('a', [0, 0, 1, 1])], 2));
    expect(missing).not.toBeInstanceOf(InputError);
    expect(missing.message).toBe('cluster groupings missing');
  });

  it('Driscoll–Kraay: Bartlett-weighted period sums, T/(T−1)(N−1)/(N−K), t(T−1)', () => {
    // period sums as the clusters above: h_1 = (−0.05, −0.1), h_2 = (−0.15, 0.1);
    // lag 1 (weight 1/2): h2 h1' + h1 h2' = [[0.015, 0.01], [0.01, −0.02]] → meat [[0.0325, −0.005], [−0.005, 0.01]]
    const time = timeGrouping('year', Float64Array.from([2001, 2001, 2002, 2002]));
    const r = computeVcov(W4, bread4, u4, { type: 'dk', lags: 1 }, [time], 2);
    expectMatClose(r.V, [[(0.0325 / 25) * 3, (-0.005 / 20) * 3], [(-0.005 / 20) * 3, (0.01 / 16) * 3]]);
    expect(r.info).toStrictEqual({
      type: 'dk', cluster: null, clusters: 2, driscoll_kraay: { time: 'year', lags: 1, periods: 2 }, dof_k: 2, dof_rule: 'exact', adjustment: 3,
    });
    expect(r.dfT).toBe(1);
    // no lag, or a gap between the periods: the clustered-by-period matrix
    expectMatClose(computeVcov(W4, bread4, u4, { type: 'dk', lags: 0 }, [time], 2).V, oneWay);
    const gap = timeGrouping('year', Float64Array.from([2001, 2001, 2003, 2003]));
    expectMatClose(computeVcov(W4, bread4, u4, { type: 'dk', lags: 1 }, [gap], 2).V, oneWay);
    // three periods: T/(T−1) = 3/2
    const three = timeGrouping('year', Float64Array.from([1, 2, 3, 3]));
    expect(computeVcov(W4, bread4, u4, { type: 'dk', lags: 1 }, [three], 2).info.adjustment).toBe(1.5 * 1.5);
    expect(computeVcov(W4, bread4, u4, { type: 'dk', lags: 1 }, [three], 2).dfT).toBe(2);
  });

  it('Driscoll–Kraay: the constant\'s column is √w when weighted', () => {
    // c = (1, 1, 2, 2): h_1 = (−0.05, −0.1), h_2 = (−0.15, 0.2); lag 0
    const time = timeGrouping('year', Float64Array.from([1, 1, 2, 2]));
    const r = computeVcov(W4, bread4, u4, { type: 'dk', lags: 0 }, [time], 2, 'exact', { values: Float64Array.from([1, 1, 2, 2]), sumSquares: 10 });
    expectMatClose(r.V, [[0.003, (1 / 5) * -0.025 * (1 / 10) * 3], [(1 / 5) * -0.025 * (1 / 10) * 3, (0.05 / 100) * 3]]);
  });

  it('Driscoll–Kraay: needs the period grouping and two periods', () => {
    expect(thrown(() => computeVcov(W4, bread4, u4, { type: 'dk', lags: 1 }, [], 2)).message).toBe('Driscoll–Kraay needs the period grouping');
    expect(thrown(() => computeVcov(W4, bread4, u4, { type: 'dk', lags: 1 }, [grouping('c', [0, 0, 1, 1])], 2)).message).toBe(
      'Driscoll–Kraay needs the period grouping',
    );
    const e = thrown(() => computeVcov(W4, bread4, u4, { type: 'dk', lags: 1 }, [timeGrouping('t', Float64Array.from([7, 7, 7, 7]))], 2));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe("only one period in 't': Driscoll–Kraay standard errors need at least 2");
  });

  it('the eigenvalue fix leaves a singular positive semi-definite matrix (eigenvalue 0) alone', () => {
    const V = matFromRows([[2, 0], [0, 0]]);
    const r = fixNegativeEigenvalues(V);
    expect(r.fixed).toBe(false);
    expect(r.V).toBe(V);
    // a diagonal matrix with a negative entry: the entry set to 0, the others kept
    const fixed = fixNegativeEigenvalues(matFromRows([[2, 0, 0], [0, -1, 0], [0, 0, 0.5]]));
    expect(fixed.fixed).toBe(true);
    expectMatClose(fixed.V, [[2, 0, 0], [0, 0, 0], [0, 0, 0.5]]);
  });

  it('reportedVcov leaves one-way matrices alone', () => {
    const r = computeVcov(W4, bread4, u4, { type: 'cluster', variable: 'c', variables: ['c'] }, [grouping('c', [0, 0, 1, 1])], 2);
    expect(reportedVcov(r.V, r.info)).toBe(r.V);
  });

  it('clusterTerms: one variable is itself with sign +1', () => {
    const a = grouping('a', [0, 1, 1]);
    const terms = clusterTerms([a]);
    expect(terms).toHaveLength(1);
    expect(terms[0].sign).toBe(1);
    expect(terms[0].groups).toBe(a);
    const two = clusterTerms([a, grouping('b', [0, 0, 1])]);
    expect(two.map((t) => [t.groups.name, t.sign, t.groups.levels])).toEqual([['a', 1, 2], ['b', 1, 2], ['a#b', -1, 3]]);
    expect(Array.from(two[2].groups.codes)).toEqual([0, 1, 2]);
  });

  it('withConstant with two regressors: Var(_cons) = Var(c0) + x̄\'V_b x̄ − 2 x̄\'Cov(b, c0)', () => {
    const V = matFromRows([[1, 0.5, 0], [0.5, 2, 0], [0, 0, 3]]);
    expectMatClose(withConstant(V, [2, -1]), [[1, 0.5, -1.5], [0.5, 2, 1], [-1.5, 1, 7]]);
  });
});
