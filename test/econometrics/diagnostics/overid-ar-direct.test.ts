// Over-identification statistics and the Anderson–Rubin grid inversion called directly on small constructed
// data, against the formulas written out here (2 instruments, 1 endogenous regressor, no exogenous ones).
import { describe, expect, it } from 'vitest';
import { andersonRubin } from '../../../econometrics/diagnostics/anderson-rubin.ts';
import { overidTest } from '../../../econometrics/diagnostics/overid.ts';
import type { Grouping } from '../../../econometrics/frame.ts';
import { timeGrouping } from '../../../econometrics/vcov.ts';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
}
const centre = (x: Float64Array) => {
  const m = x.reduce((a, b) => a + b) / x.length;
  return x.map((v) => v - m);
};
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
/** v' A⁻¹ w for a 2×2 A = [[a, b], [b, d]] */
const form2 = (A: number[], v: number[], w: number[]) => {
  const [a, b, , d] = A;
  const det = a * d - b * b;
  return (v[0] * (d * w[0] - b * w[1]) + v[1] * (-b * w[0] + a * w[1])) / det;
};

function design(n: number, seed: number, direct: number, strength = 1) {
  const r = lcg(seed);
  const z1 = centre(Float64Array.from({ length: n }, r));
  const z2 = centre(Float64Array.from({ length: n }, r));
  const x = centre(Float64Array.from({ length: n }, (_, i) => strength * (z1[i] + z2[i]) + 0.5 * r()));
  // heteroskedastic errors; `direct` puts z2 into the equation (invalid instrument)
  const y = centre(Float64Array.from({ length: n }, (_, i) => x[i] + direct * z2[i] + r() * (1 + (i % 4))));
  return { z1, z2, x, y };
}

describe('overidTest (direct)', () => {
  const n = 60;
  const { z1, z2, x, y } = design(n, 5, 0.3);
  const Z = [z1, z2];
  const clusters: Grouping[] = [{ name: 'g', levels: 12, codes: Int32Array.from({ length: n }, (_, i) => i % 12) }];
  // 2SLS: x̂ = P_Z x, b = x̂'y / x̂'x
  const ZZ = [dot(z1, z1), dot(z1, z2), dot(z1, z2), dot(z2, z2)];
  const Zx = [dot(z1, x), dot(z2, x)];
  const Zy = [dot(z1, y), dot(z2, y)];
  const b2sls = form2(ZZ, Zx, Zy) / form2(ZZ, Zx, Zx);
  const u = y.map((v, i) => v - b2sls * x[i]);

  /** block sums s_c = Σ_{i in c} z_i u_i */
  function blockSums(block: (i: number) => number, blocks: number): number[][] {
    const s = Array.from({ length: blocks }, () => [0, 0]);
    for (let i = 0; i < n; i++) {
      s[block(i)][0] += z1[i] * u[i];
      s[block(i)][1] += z2[i] * u[i];
    }
    return s;
  }
  /** Σ_c s_c s_c' (2×2, row-major) */
  function outer(s: number[][], t: number[][] = s, weight = 1): number[] {
    const S = [0, 0, 0, 0];
    s.forEach((a, c) => {
      const b = t[c];
      S[0] += weight * a[0] * b[0];
      S[1] += weight * a[0] * b[1];
      S[2] += weight * a[1] * b[0];
      S[3] += weight * a[1] * b[1];
    });
    return S;
  }
  /** two-step GMM J given S */
  function jOf(S: number[]): number {
    const b = form2(S, Zx, Zy) / form2(S, Zx, Zx);
    const e = y.map((v, i) => v - b * x[i]);
    const Ze = [dot(z1, e), dot(z2, e)];
    return form2(S, Ze, Ze);
  }
  /** Hansen J with S = Σ_c s_c s_c' over the given blocks of rows (each row its own block: hc1) */
  const hansenJ = (block: (i: number) => number, blocks: number) => jOf(outer(blockSums(block, blocks)));

  it('iid: Sargan N·u\'Z(Z\'Z)⁻¹Z\'u / u\'u, χ²(1)', () => {
    const r = overidTest(y, [x], Z, u, 1, { type: 'iid' }, []);
    const Zu = [dot(z1, u), dot(z2, u)];
    const stat = (n * form2(ZZ, Zu, Zu)) / dot(u, u);
    expect(r!.test).toBe('sargan');
    expect(r!.df).toBe(1);
    expect(r!.stat).toBeCloseTo(stat, 10);
    // P(χ²(1) > s) = erfc(√(s/2))
    expect(r!.p).toBeCloseTo(1 - Math.abs(2 * normalCdf(Math.sqrt(stat)) - 1), 8);
  });

  it('hc1: Hansen J with S from the rows, whatever clusters are passed', () => {
    const want = hansenJ((i) => i, n);
    const none = overidTest(y, [x], Z, u, 1, { type: 'hc1' }, []);
    const withClusters = overidTest(y, [x], Z, u, 1, { type: 'hc1' }, clusters);
    expect(none!.test).toBe('hansen_j');
    expect(none!.stat).toBeCloseTo(want, 10);
    expect(withClusters!.stat).toBeCloseTo(want, 10);
  });

  it('cluster: Hansen J with S from the cluster sums', () => {
    const want = hansenJ((i) => i % 12, 12);
    const r = overidTest(y, [x], Z, u, 1, { type: 'cluster', variable: 'g', variables: ['g'] }, clusters);
    expect(r!.test).toBe('hansen_j');
    expect(r!.stat).toBeCloseTo(want, 10);
    expect(r!.stat).not.toBeCloseTo(hansenJ((i) => i, n), 4);
  });

  it('two-way clustering: S = S_a + S_b − S_(a∩b) (Cameron–Gelbach–Miller)', () => {
    const a = (i: number) => i % 12;
    const b = (i: number) => Math.floor(i / 6) % 5;
    const ab = (i: number) => a(i) * 5 + b(i);
    const Sa = outer(blockSums(a, 12));
    const Sb = outer(blockSums(b, 5));
    const Sab = outer(blockSums(ab, 60));
    const S = Sa.map((v, k) => v + Sb[k] - Sab[k]);
    expect(S[0] * S[3] - S[1] * S[2]).toBeGreaterThan(0); // positive definite: no eigenvalue fix
    const two: Grouping[] = [clusters[0], { name: 'h', levels: 5, codes: Int32Array.from({ length: n }, (_, i) => b(i)) }];
    const r = overidTest(y, [x], Z, u, 1, { type: 'cluster', variable: 'g+h', variables: ['g', 'h'] }, two);
    expect(r!.stat).toBeCloseTo(jOf(S), 10);
  });

  it('Driscoll–Kraay: S from the period sums, with Bartlett weights on the lags', () => {
    // 10 periods of 6 rows, periods 2001..2010
    const period = (i: number) => Math.floor(i / 6);
    const time = timeGrouping('t', Float64Array.from({ length: n }, (_, i) => 2001 + period(i)));
    const h = blockSums(period, 10);
    const r0 = overidTest(y, [x], Z, u, 1, { type: 'dk', lags: 0 }, [time]);
    expect(r0!.test).toBe('hansen_j');
    expect(r0!.stat).toBeCloseTo(jOf(outer(h)), 10);
    // lag 1, weight 1 − 1/2: S = Σ h_t h_t' + ½ Σ_t (h_t h_{t−1}' + h_{t−1} h_t')
    const cur = h.slice(1);
    const prev = h.slice(0, -1);
    const S1 = outer(h).map((v, k) => v + outer(cur, prev, 0.5)[k] + outer(prev, cur, 0.5)[k]);
    const r1 = overidTest(y, [x], Z, u, 1, { type: 'dk', lags: 1 }, [time]);
    expect(r1!.stat).toBeCloseTo(jOf(S1), 10);
  });

  it('exactly identified (df ≤ 0): no test', () => {
    expect(overidTest(y, [x], [z1], u, 0, { type: 'iid' }, [])).toBeNull();
    expect(overidTest(y, [x], [z1], u, -1, { type: 'hc1' }, [])).toBeNull();
  });
});

/** Small dense helpers for the general case (row-major number[][]) */
const tr = (A: number[][]) => A[0].map((_, j) => A.map((r) => r[j]));
const mul = (A: number[][], B: number[][]) => A.map((r) => B[0].map((_, j) => r.reduce((s, v, k) => s + v * B[k][j], 0)));
function inv(A: number[][]): number[][] {
  const n = A.length;
  const W = A.map((r, i) => [...r, ...r.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(W[r][c]) > Math.abs(W[p][c])) p = r;
    [W[c], W[p]] = [W[p], W[c]];
    const d = W[c][c];
    W[c] = W[c].map((v) => v / d);
    for (let r = 0; r < n; r++) if (r !== c) { const f = W[r][c]; W[r] = W[r].map((v, j) => v - f * W[c][j]); }
  }
  return W.map((r) => r.slice(n));
}

describe('overidTest (direct) with an exogenous regressor: K = 2, L = 3', () => {
  const n = 70;
  const r = lcg(17);
  const w = centre(Float64Array.from({ length: n }, r));
  const z1 = centre(Float64Array.from({ length: n }, r));
  const z2 = centre(Float64Array.from({ length: n }, r));
  const x = centre(Float64Array.from({ length: n }, (_, i) => z1[i] - z2[i] + 0.5 * w[i] + 0.4 * r()));
  const y = centre(Float64Array.from({ length: n }, (_, i) => x[i] - w[i] + 0.2 * z2[i] + r() * (1 + (i % 3))));
  const X = [x, w];
  const Z = [w, z1, z2];
  const cols = (cs: Float64Array[]) => Array.from({ length: n }, (_, i) => cs.map((c) => c[i]));
  const Xm = cols(X);
  const Zm = cols(Z);
  const ym = Array.from(y, (v) => [v]);
  // 2SLS residuals
  const Pz = mul(mul(Zm, inv(mul(tr(Zm), Zm))), tr(Zm));
  const Xh = mul(Pz, Xm);
  const b2 = mul(inv(mul(tr(Xh), Xm)), mul(tr(Xh), ym));
  const u = Float64Array.from(mul(Xm, b2), (v, i) => y[i] - v[0]);

  function jOf(S: number[][]): number {
    const Si = inv(S);
    const ZX = mul(tr(Zm), Xm);
    const b = mul(inv(mul(mul(tr(ZX), Si), ZX)), mul(mul(tr(ZX), Si), mul(tr(Zm), ym)));
    const e = mul(Xm, b).map((v, i) => [y[i] - v[0]]);
    const Ze = mul(tr(Zm), e);
    return mul(mul(tr(Ze), Si), Ze)[0][0];
  }

  it('iid: Sargan; hc1: Hansen J with S = Σ u² z z\'', () => {
    const Zu = mul(tr(Zm), Array.from(u, (v) => [v]));
    const sargan = (n * mul(mul(tr(Zu), inv(mul(tr(Zm), Zm))), Zu)[0][0]) / dot(u, u);
    const iid = overidTest(y, X, Z, u, 1, { type: 'iid' }, []);
    expect(iid!.stat).toBeCloseTo(sargan, 9);
    const S = mul(tr(Zm.map((z, i) => z.map((v) => v * u[i]))), Zm.map((z, i) => z.map((v) => v * u[i])));
    const hc1 = overidTest(y, X, Z, u, 1, { type: 'hc1' }, []);
    expect(hc1!.stat).toBeCloseTo(jOf(S), 9);
    expect(hc1!.df).toBe(1);
  });
});

/** Standard normal cdf (Abramowitz–Stegun 7.1.26 is too coarse: use a series for erf). */
function normalCdf(x: number): number {
  // erf by its Taylor series, accurate for the moderate |x| used here
  const t = x / Math.SQRT2;
  let term = t;
  let sum = t;
  for (let k = 1; k < 200; k++) {
    term *= (-t * t) / k;
    sum += term / (2 * k + 1);
  }
  return 0.5 * (1 + (2 / Math.sqrt(Math.PI)) * sum);
}

describe('Anderson–Rubin confidence set by grid inversion (hc1, two instruments)', () => {
  const n = 80;
  const base = { nExog: 0, spec: { type: 'hc1' as const }, clusters: [], dofK: 2, dofRule: 'exact' as const, constant: null };

  it('no confidence set with two endogenous regressors; the level sets the critical value (R: qf)', () => {
    const { z1, z2, x, y } = design(n, 4, 0, 2);
    const x2 = Float64Array.from(z2, (v, i) => v - z1[i] + 0.1 * Math.sin(i));
    const two = andersonRubin({ ...base, y, endog: [x, x2], Q: [z1, z2], estimate: 1, se: 0.1 });
    expect(two.confidence_set).toBeNull();
    expect(two.df1).toBe(2);
    expect(two.df2).toBe(78);
    expect(two.chi2).toBeCloseTo(2 * two.F, 12);
    const ar90 = andersonRubin({ ...base, y, endog: [x], Q: [z1, z2], estimate: 1, se: 0.1, level: 0.9 });
    // R: qf(0.9, 2, 78)
    expect(ar90.confidence_set!.critical_value).toBeCloseTo(2.3719158504384934, 10);
    expect(ar90.confidence_set!.level).toBe(0.9);
  });

  it('one instrument: closed form with one-way robust vcov, grid with two-way clustering', () => {
    const { z1, x, y } = design(n, 4, 0, 2);
    const a: Grouping = { name: 'a', levels: 8, codes: Int32Array.from({ length: n }, (_, i) => i % 8) };
    const b: Grouping = { name: 'b', levels: 5, codes: Int32Array.from({ length: n }, (_, i) => Math.floor(i / 16)) };
    const one = andersonRubin({ ...base, y, endog: [x], Q: [z1], estimate: 1, se: 0.1 });
    expect(one.confidence_set!.method).toBe('closed_form');
    const spec = { type: 'cluster' as const, variable: 'a+b', variables: ['a', 'b'] };
    const mw = andersonRubin({ ...base, spec, clusters: [a, b], y, endog: [x], Q: [z1], estimate: 1, se: 0.1 });
    expect(mw.confidence_set!.method).toBe('grid');
    expect(mw.df2).toBe(4);
    const oneWay = andersonRubin({ ...base, spec: { type: 'cluster', variable: 'a', variables: ['a'] }, clusters: [a], y, endog: [x], Q: [z1], estimate: 1, se: 0.1 });
    expect(oneWay.confidence_set!.method).toBe('closed_form');
    expect(oneWay.df2).toBe(7);
  });

  it('is empty when the instruments violate the exclusion restriction strongly', () => {
    const { z1, z2, x, y } = design(n, 9, 5);
    const ar = andersonRubin({ ...base, y, endog: [x], Q: [z1, z2], estimate: 3, se: 0.2 });
    expect(ar.df1).toBe(2);
    expect(ar.F).toBeGreaterThan(50);
    expect(ar.confidence_set!.method).toBe('grid');
    expect(ar.confidence_set!.intervals).toEqual([]);
  });

  it('is the whole line when the instruments are irrelevant and valid', () => {
    const { z1, z2, x, y } = design(n, 3, 0, 0);
    // make x unrelated to the instruments and y only noise
    const ar = andersonRubin({ ...base, y: y.map((v, i) => v - x[i]), endog: [x], Q: [z1, z2], estimate: 0, se: 1 });
    expect(ar.confidence_set!.method).toBe('grid');
    expect(ar.p).toBeGreaterThan(0.05);
    expect(ar.confidence_set!.intervals).toEqual([[null, null]]);
  });

  it('is a bounded interval around the 2SLS estimate with strong valid instruments; AR = critical value at its ends', () => {
    const { z1, z2, x, y } = design(n, 4, 0, 2);
    const ZZ = [dot(z1, z1), dot(z1, z2), dot(z1, z2), dot(z2, z2)];
    const Zx = [dot(z1, x), dot(z2, x)];
    const b = form2(ZZ, Zx, [dot(z1, y), dot(z2, y)]) / form2(ZZ, Zx, Zx);
    const ar = andersonRubin({ ...base, y, endog: [x], Q: [z1, z2], estimate: b, se: 0.1 });
    const cs = ar.confidence_set!;
    expect(cs.method).toBe('grid');
    expect(cs.intervals).toHaveLength(1);
    const [lo, hi] = cs.intervals[0] as [number, number];
    expect(lo).toBeLessThan(b);
    expect(hi).toBeGreaterThan(b);
    // AR(β) = π'V⁻¹π / 2: π the coefficients of y − βx on Z, V = (Z'Z)⁻¹ Σ e²zz' (Z'Z)⁻¹ · n/(n − K)
    const det = ZZ[0] * ZZ[3] - ZZ[1] * ZZ[1];
    const inv = [ZZ[3] / det, -ZZ[1] / det, -ZZ[1] / det, ZZ[0] / det];
    const arAt = (beta: number) => {
      const yb = y.map((v, i) => v - beta * x[i]);
      const zy = [dot(z1, yb), dot(z2, yb)];
      const pi = [inv[0] * zy[0] + inv[1] * zy[1], inv[2] * zy[0] + inv[3] * zy[1]];
      const e = yb.map((v, i) => v - pi[0] * z1[i] - pi[1] * z2[i]);
      const M = [0, 0, 0, 0];
      for (let i = 0; i < n; i++) {
        M[0] += e[i] * e[i] * z1[i] * z1[i];
        M[1] += e[i] * e[i] * z1[i] * z2[i];
        M[3] += e[i] * e[i] * z2[i] * z2[i];
      }
      M[2] = M[1];
      const V = [0, 0, 0, 0];
      for (let a = 0; a < 2; a++)
        for (let c = 0; c < 2; c++) {
          let s = 0;
          for (let k = 0; k < 2; k++) for (let l = 0; l < 2; l++) s += inv[a * 2 + k] * M[k * 2 + l] * inv[l * 2 + c];
          V[a * 2 + c] = (s * n) / (n - base.dofK);
        }
      return form2(V, pi, pi) / 2;
    };
    // R: qf(0.95, 2, 78)
    const crit = 3.1137922602848134;
    expect(cs.critical_value).toBeCloseTo(crit, 10);
    expect(arAt(lo) / crit).toBeCloseTo(1, 8);
    expect(arAt(hi) / crit).toBeCloseTo(1, 8);
    expect(arAt(0) / ar.F).toBeCloseTo(1, 10);

    // The ends found here by bisection on the AR formula above. A set 1 grid unit wide, 48.5 to 49.5 units from
    // the grid's centre, falls between two points of the geometric grids (47.9 and 50.1 units): only the fine
    // linear grid (±100 units, step 0.1) sees it.
    const end = (inside: number, outside: number) => {
      for (let i = 0; i < 200; i++) {
        const m = 0.5 * (inside + outside);
        if (arAt(m) <= crit) inside = m;
        else outside = m;
      }
      return inside;
    };
    const loRef = end(b, b - 100);
    const hiRef = end(b, b + 100);
    expect(lo).toBeCloseTo(loRef, 8);
    expect(hi).toBeCloseTo(hiRef, 8);
    const unit = hiRef - loRef;
    const far = andersonRubin({ ...base, y, endog: [x], Q: [z1, z2], estimate: loRef - 48.5 * unit, se: unit });
    expect(far.confidence_set!.intervals).toHaveLength(1);
    const [flo, fhi] = far.confidence_set!.intervals[0] as [number, number];
    expect(flo).toBeCloseTo(loRef, 8);
    expect(fhi).toBeCloseTo(hiRef, 8);
    // 150 to 170 grid units to the left of the centre (unit = a twentieth of the set): beyond the linear grid,
    // seen by the geometric grid on the left (about 7 units apart there)
    const u20 = unit / 20;
    const left = andersonRubin({ ...base, y, endog: [x], Q: [z1, z2], estimate: hiRef + 150 * u20, se: u20 });
    expect(left.confidence_set!.intervals).toHaveLength(1);
    const [llo, lhi] = left.confidence_set!.intervals[0] as [number, number];
    expect(llo).toBeCloseTo(loRef, 8);
    expect(lhi).toBeCloseTo(hiRef, 8);
    const right = andersonRubin({ ...base, y, endog: [x], Q: [z1, z2], estimate: loRef - 150 * u20, se: u20 });
    expect(right.confidence_set!.intervals).toHaveLength(1);
    expect((right.confidence_set!.intervals[0] as [number, number])[0]).toBeCloseTo(loRef, 8);
  });
});
