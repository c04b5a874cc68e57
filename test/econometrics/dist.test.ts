import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chi2PValue, fPValue, normalPValue, tCritical, tPValue, fCritical } from '../../econometrics/dist.ts';
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
