import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quadraticSet } from '../../../econometrics/diagnostics/anderson-rubin.ts';
import { fitIv } from '../../../econometrics/models/feiv.ts';
import { frameFor, relErr, repoRoot } from '../reference-helpers.ts';

// Anderson–Rubin test and confidence set, control-function endogeneity test, against R by hand with the fixed
// effects as dummies (test/fixtures/r/anderson-rubin.R → anderson-rubin.json)
interface Test { F: number; df1: number; df2: number; p: number; chi2: number; chi2_p: number }
interface ArCase extends Test {
  id: string;
  data: string;
  formula: string;
  vcov: string;
  confidence_set: { level: number; critical_value: number; intervals: Array<[number | null, number | null]> } | null;
  endogeneity: Test;
}
const reference: { cases: ArCase[] } = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/r/anderson-rubin.json'), 'utf8'));

function expectTest(got: Test, ref: Test, what: string) {
  expect(got.df1).toBe(ref.df1);
  expect(got.df2).toBe(ref.df2);
  for (const key of ['F', 'p', 'chi2', 'chi2_p'] as const) expect(relErr(got[key], ref[key]), `${what} ${key}`).toBeLessThan(1e-6);
}

describe('Anderson–Rubin and endogeneity tests match R', () => {
  for (const c of reference.cases) {
    it(`${c.id}: ${c.formula} [${c.vcov}]`, async () => {
      const res = fitIv(await frameFor(c), c.formula, { vcov: c.vcov as never });
      expectTest(res.anderson_rubin, c, 'AR');
      expectTest(res.endogeneity, c.endogeneity, 'endogeneity');
      const cs = res.anderson_rubin.confidence_set;
      if (!c.confidence_set) {
        expect(cs).toBeNull();
        return;
      }
      expect(cs).not.toBeNull();
      expect(relErr(cs!.critical_value, c.confidence_set.critical_value)).toBeLessThan(1e-10);
      expect(cs!.intervals.length, JSON.stringify(cs!.intervals)).toBe(c.confidence_set.intervals.length);
      cs!.intervals.forEach((iv, k) => {
        const ref = c.confidence_set!.intervals[k];
        for (const j of [0, 1]) {
          if (ref[j] === null) expect(iv[j]).toBeNull();
          else expect(relErr(iv[j]!, ref[j]!), `interval ${k} end ${j}`).toBeLessThan(1e-6);
        }
      });
      // closed form where it applies (iid, or one instrument and one-way vcov), grid otherwise
      const L = c.df1;
      expect(cs!.method).toBe(c.vcov === 'iid' || L === 1 ? 'closed_form' : 'grid');
    });
  }
});

describe('quadraticSet', () => {
  it('solves aβ² + bβ + c ≤ 0 in every case', () => {
    expect(quadraticSet(1, 0, -4)).toEqual([[-2, 2]]);
    expect(quadraticSet(1, 0, 4)).toEqual([]);
    expect(quadraticSet(-1, 0, 4)).toEqual([[null, -2], [2, null]]);
    expect(quadraticSet(-1, 0, -4)).toEqual([[null, null]]);
    expect(quadraticSet(0, 2, -4)).toEqual([[null, 2]]);
    expect(quadraticSet(0, 0, 1)).toEqual([]);
  });
});

describe('quadraticSet: the remaining cases', () => {
  it('linear and constant cases', () => {
    expect(quadraticSet(0, 0, -1)).toEqual([[null, null]]);
    expect(quadraticSet(0, 0, 0)).toEqual([[null, null]]);
    // −2β + 4 ≤ 0 ⇔ β ≥ 2
    expect(quadraticSet(0, -2, 4)).toEqual([[2, null]]);
    expect(quadraticSet(0, 4, 2)).toEqual([[null, -0.5]]);
  });

  it('roots from either sign of b, a double root, and no real root with a < 0', () => {
    // β² − 3β + 2 = (β − 1)(β − 2)
    expect(quadraticSet(1, -3, 2)).toEqual([[1, 2]]);
    expect(quadraticSet(1, 3, 2)).toEqual([[-2, -1]]);
    expect(quadraticSet(-1, 3, -2)).toEqual([[null, 1], [2, null]]);
    expect(quadraticSet(2, 0, 0)).toEqual([[0, 0]]);
    expect(quadraticSet(-2, 0, 0)).toEqual([[null, 0], [0, null]]);
    // β² − 2β + 1 = (β − 1)²: the single point 1
    expect(quadraticSet(1, -2, 1)).toEqual([[1, 1]]);
    expect(quadraticSet(-1, 0, -1)).toEqual([[null, null]]);
    expect(quadraticSet(1, 0, 1)).toEqual([]);
  });
});
