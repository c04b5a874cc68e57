import { describe, expect, it } from 'vitest';
import { computeVcov, parseVcov, withConstant } from '../../econometrics/vcov.ts';
import { matFromRows } from '../../econometrics/linalg.ts';

describe('vcov', () => {
  it('parses the CLI vcov option and rejects unknown types', () => {
    expect(parseVcov('cluster:cityno')).toEqual({ type: 'cluster', variable: 'cityno' });
    expect(parseVcov(undefined)).toEqual({ type: 'iid' });
    expect(() => parseVcov('robust')).toThrow(/unknown vcov/);
  });

  it('cluster small-sample factor is G/(G-1)(N-1)/(N-K) and one cluster is an input error', () => {
    const W = [Float64Array.from([-1.5, -0.5, 0.5, 1.5])];
    const u = Float64Array.from([0.1, -0.2, 0.3, -0.2]);
    const bread = matFromRows([[1 / 5]]);
    const cl = { name: 'c', levels: 2, codes: Int32Array.from([0, 0, 1, 1]) };
    const r = computeVcov(W, bread, u, { type: 'cluster', variable: 'c' }, cl, 2);
    expect(r.info.adjustment).toBeCloseTo((2 / 1) * (3 / 2), 14);
    // by hand: scores per cluster for x: (-1.5*0.1 + -0.5*-0.2) = -0.05, (0.5*0.3 + 1.5*-0.2) = -0.15
    expect(r.V.data[0]).toBeCloseTo((0.05 ** 2 + 0.15 ** 2) / 25 * 3, 14);
    expect(r.dfT).toBe(1);
    const one = { name: 'c', levels: 1, codes: new Int32Array(4) };
    expect(() => computeVcov(W, bread, u, { type: 'cluster', variable: 'c' }, one, 2)).toThrow(/only one cluster/);
  });

  it('maps the centred parametrisation to the mean-based _cons', () => {
    const V = matFromRows([[2, 0], [0, 0.5]]);
    const out = withConstant(V, [3]);
    // Var(c0 − 3b) = 0.5 + 9·2 ; Cov(b, c0 − 3b) = −3·2
    expect(out.data[3]).toBeCloseTo(18.5, 14);
    expect(out.data[1]).toBeCloseTo(-6, 14);
  });
});
