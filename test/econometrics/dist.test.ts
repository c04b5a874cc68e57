import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chi2PValue, fPValue, normalCritical, normalPValue, tCritical, tPValue, fCritical } from '../../econometrics/dist.ts';
import { relErr, repoRoot } from './reference-helpers.ts';

// R's upper tails (lower.tail = FALSE), far into the tails: test/fixtures/r/upper-tails.R → .json
const ref: {
  t: { t: number; df: number; p: number }[];
  normal: { z: number; p: number }[];
  chi2: { x: number; df: number; p: number }[];
  f: { f: number; df1: number; df2: number; p: number }[];
} = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/r/upper-tails.json'), 'utf8'));

/** relative agreement to 1e-8; where R's tail underflows to 0, ours must be below 1e-300 too */
function expectTail(ours: number, r: number, label: string) {
  if (r === 0) expect(ours, label).toBeLessThan(1e-300);
  else expect(relErr(ours, r), `${label}: ${ours} vs R ${r}`).toBeLessThan(1e-8);
}

describe('distributions', () => {
  it('t, chi2, F and normal tail probabilities at textbook values', () => {
    expect(tCritical(10)).toBeCloseTo(2.228139, 6);
    expect(tPValue(2.228139, 10)).toBeCloseTo(0.05, 6);
    expect(tPValue(-1.959964, 1e9)).toBeCloseTo(0.05, 6);
    expect(chi2PValue(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(fPValue(4.964603, 1, 10)).toBeCloseTo(0.05, 6);
    expect(normalPValue(2.575829)).toBeCloseTo(0.01, 6);
    expect(chi2PValue(0, 3)).toBe(1);
    expect(fPValue(0, 2, 10)).toBe(1);
  });

  it('two-sided t p-values equal R 2·pt(−|t|, df), down to the smallest tails', () => {
    for (const c of ref.t) expectTail(tPValue(c.t, c.df), c.p, `t=${c.t} df=${c.df}`);
  });

  it('two-sided normal p-values equal R 2·pnorm(−|z|)', () => {
    for (const c of ref.normal) expectTail(normalPValue(c.z), c.p, `z=${c.z}`);
  });

  it('chi-square upper tails equal R pchisq(lower.tail = FALSE), not 1 − cdf', () => {
    for (const c of ref.chi2) expectTail(chi2PValue(c.x, c.df), c.p, `x=${c.x} df=${c.df}`);
    // 1 − cdf would give exactly 0 here
    expect(chi2PValue(100, 1)).toBeGreaterThan(1e-24);
  });

  it('F upper tails equal R pf(lower.tail = FALSE), not 1 − cdf', () => {
    for (const c of ref.f) expectTail(fPValue(c.f, c.df1, c.df2), c.p, `F=${c.f} df=(${c.df1}, ${c.df2})`);
    expect(fPValue(100, 1, 104)).toBeGreaterThan(1e-17);
  });

  it('F critical values equal R qf (values printed by R 4.2.2)', () => {
    const cases: Array<[number, number, number, number]> = [
      [0.95, 2, 104, 3.0837059484253455],
      [0.95, 1, 1355, 3.8483307496068897],
      [0.95, 4, 13, 3.1791170525401871],
      [0.99, 3, 7, 8.4512850530799852],
    ];
    for (const [level, df1, df2, q] of cases) expect(Math.abs(fCritical(level, df1, df2) - q) / q).toBeLessThan(1e-12);
  });
});

describe('distributions: closed forms and special values', () => {
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

  it('t: infinite statistics give 0, NaN gives NaN, 0 gives 1; symmetric in the sign', () => {
    expect(tPValue(Infinity, 5)).toBe(0);
    expect(tPValue(-Infinity, 5)).toBe(0);
    expect(tPValue(NaN, 5)).toBeNaN();
    expect(tPValue(0, 5)).toBe(1);
    expect(tPValue(-2.228139, 10)).toBe(tPValue(2.228139, 10));
    // t with 1 degree of freedom is Cauchy: P(|T| > 1) = 1/2
    expect(tPValue(1, 1)).toBeCloseTo(0.5, 14);
    // t(2): P(|T| > t) = 1 − t/√(t² + 2)
    expect(tPValue(2, 2)).toBeCloseTo(1 - 2 / Math.sqrt(6), 14);
  });

  it('t critical values: the level defaults to 95 %', () => {
    expect(tCritical(1)).toBeCloseTo(12.706204736174698, 9);
    expect(tCritical(1, 0.9)).toBeCloseTo(6.313751514675041, 9);
    expect(tCritical(10, 0.99)).toBeCloseTo(3.169272672616, 9);
    // t(2): quantile q with 1 − q/√(q² + 2) = α → q = √(2 (1−α)² / (1 − (1−α)²))
    const q = (alpha: number) => Math.sqrt((2 * (1 - alpha) ** 2) / (1 - (1 - alpha) ** 2));
    expect(tCritical(2)).toBeCloseTo(q(0.05), 12);
    expect(tCritical(2, 0.8)).toBeCloseTo(q(0.2), 12);
  });

  it('chi-square: P(χ²₂ > x) = e^(−x/2), P(χ²₄ > x) = e^(−x/2)(1 + x/2); NaN and x ≤ 0', () => {
    expect(rel(chi2PValue(2, 2), Math.exp(-1))).toBeLessThan(1e-14);
    expect(rel(chi2PValue(3, 2), Math.exp(-1.5))).toBeLessThan(1e-14);
    expect(rel(chi2PValue(3, 4), Math.exp(-1.5) * 2.5)).toBeLessThan(1e-14);
    expect(rel(chi2PValue(60, 2), Math.exp(-30))).toBeLessThan(1e-13);
    expect(chi2PValue(0, 3)).toBe(1);
    expect(chi2PValue(-1, 3)).toBe(1);
    expect(chi2PValue(NaN, 3)).toBeNaN();
    expect(chi2PValue(1, NaN)).toBeNaN();
    expect(chi2PValue(-1, NaN)).toBeNaN();
  });

  it('F: P(F(2, d) > f) = (d/(d + 2f))^(d/2) and P(F(d, 2) > f) = 1 − (d f/(2 + d f))^(d/2); NaN, f ≤ 0, f = ∞', () => {
    expect(rel(fPValue(1, 2, 2), 0.5)).toBeLessThan(1e-14);
    expect(rel(fPValue(3, 2, 2), 0.25)).toBeLessThan(1e-14);
    expect(rel(fPValue(1, 2, 4), 4 / 9)).toBeLessThan(1e-14);
    expect(rel(fPValue(1, 4, 2), 5 / 9)).toBeLessThan(1e-14);
    expect(rel(fPValue(0.5, 2, 6), (6 / 7) ** 3)).toBeLessThan(1e-14);
    expect(rel(fPValue(1e6, 2, 2), 1 / (1 + 1e6))).toBeLessThan(1e-12);
    expect(fPValue(0, 2, 2)).toBe(1);
    expect(fPValue(-3, 2, 2)).toBe(1);
    expect(fPValue(Infinity, 2, 2)).toBe(0);
    expect(fPValue(NaN, 2, 2)).toBeNaN();
    expect(fPValue(1, NaN, 2)).toBeNaN();
    expect(fPValue(1, 2, NaN)).toBeNaN();
    expect(fPValue(-1, 2, NaN)).toBeNaN();
    expect(fPValue(-1, NaN, 2)).toBeNaN();
    expect(fPValue(Infinity, NaN, 2)).toBeNaN();
    expect(fPValue(Infinity, 2, NaN)).toBeNaN();
  });

  it('normal: 2Φ(−|z|), critical values with the level defaulting to 95 %', () => {
    expect(normalPValue(0)).toBe(1);
    expect(normalPValue(1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(normalPValue(-1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(normalPValue(1)).toBeCloseTo(0.31731050786291415, 14);
    expect(normalCritical()).toBeCloseTo(1.959963984540054, 12);
    expect(normalCritical(0.99)).toBeCloseTo(2.5758293035489004, 12);
    expect(normalCritical(0.5)).toBeCloseTo(0.6744897501960817, 12);
  });

  it('F critical values: F(2, 2) has the closed form f = (1 − α)/α, to the last bits, below and above 1', () => {
    // α = 1 − level as the code computes it
    const exact = (level: number) => {
      const alpha = 1 - level;
      return (1 - alpha) / alpha;
    };
    for (const level of [0.95, 0.99, 0.999, 0.5, 0.3, 0.1, 0.05, 0.02, 0.01]) {
      expect(rel(fCritical(level, 2, 2), exact(level)), `level ${level}`).toBeLessThan(1e-13);
    }
    // F(2, 4): (4/(4 + 2f))² = α → f = 2/√α − 2
    expect(rel(fCritical(0.95, 2, 4), 2 / Math.sqrt(0.05) - 2)).toBeLessThan(1e-12);
    // F(4, 2): 1 − (4f/(2 + 4f))² = α → f = s/(2(1 − s)) with s = √(1 − α)
    const s = Math.sqrt(0.05);
    expect(rel(fCritical(0.05, 4, 2), s / (2 * (1 - s)))).toBeLessThan(1e-12);
  });
});
