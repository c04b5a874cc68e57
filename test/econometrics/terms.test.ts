import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formulaColumns, parseFormula } from '../../econometrics/formula.ts';
import { frameFromColumns, type LoadedFrame } from '../../econometrics/frame.ts';
import { loadFrame } from '../../econometrics/io/load.ts';
import { fitFe } from '../../econometrics/models/feols.ts';
import { fitIv } from '../../econometrics/models/feiv.ts';
import { expandFormula, factorLevels } from '../../econometrics/terms.ts';
import { dataFiles, relErr, repoRoot } from './reference-helpers.ts';

// Formula terms against R's lm with the same terms (test/fixtures/r/formula-terms.R → formula-terms.json)
interface TermsCase {
  id: string;
  formula: string;
  vcov: string;
  nobs: number;
  dof_k: number;
  coefficients: Record<string, { estimate: number; se: number }>;
}
const reference: { cases: TermsCase[] } = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/r/formula-terms.json'), 'utf8'));

/** du2021 with the derived columns of the R script: grp, and the synthetic event study's treat and rel. */
async function duFrame(formula: string): Promise<LoadedFrame> {
  const derived = new Set(['grp', 'treat', 'rel']);
  const cols = formulaColumns(parseFormula(formula));
  const numeric = [...new Set([...cols.numeric.filter((v) => !derived.has(v)), 'cityno', 'year'])];
  const factors = cols.factors.filter((v) => !derived.has(v));
  const frame = await loadFrame({ data: dataFiles.du2021 }, numeric, factors);
  const city = frame.numeric.cityno;
  const year = frame.numeric.year;
  frame.factors.grp = { codes: Int32Array.from(city, (c) => Math.floor((c - 1) / 15)), levels: ['0', '1', '2', '3', '4', '5', '6'] };
  frame.numeric.treat = Float64Array.from(city, (c) => (c % 3 === 0 ? 1 : 0));
  frame.numeric.rel = Float64Array.from(city, (c, i) => (c % 3 === 0 ? year[i] - (2006 + (c % 4)) : 0));
  return frame;
}

describe('formula terms match R lm with the same terms', () => {
  for (const c of reference.cases) {
    it(`${c.id}: ${c.formula} [${c.vcov}]`, async () => {
      const res = fitFe(await duFrame(c.formula), c.formula, { vcov: c.vcov as never });
      expect(res.nobs).toBe(c.nobs);
      expect(res.vcov.dof_k).toBe(c.dof_k);
      for (const [name, ref] of Object.entries(c.coefficients)) {
        expect(res.coefficients[name], `${name} missing in ${Object.keys(res.coefficients).join(', ')}`).toBeDefined();
        expect(relErr(res.coefficients[name].estimate, ref.estimate), `${name} estimate`).toBeLessThan(1e-8);
        expect(relErr(res.coefficients[name].se, ref.se), `${name} se`).toBeLessThan(1e-6);
      }
      // nothing reported that R does not have (besides _cons and regressors omitted as collinear)
      const extra = Object.keys(res.coefficients).filter((k) => k !== '_cons' && !(k in c.coefficients));
      expect(extra).toEqual([]);
    });
  }
});

describe('parsing terms', () => {
  it('keeps terms as text, expands * in R order and dedupes what * repeats', () => {
    const f = parseFormula('log(y) ~ a*b*c + a + i(year) + i(region, ai, ref="east") | id + p^t | e:z ~ i(k, ref = c(1, -2))');
    expect(f.depvar).toBe('log(y)');
    expect(f.exog).toEqual(['a', 'b', 'c', 'a:b', 'a:c', 'b:c', 'a:b:c', 'i(year)', 'i(region, ai, ref="east")']);
    expect(f.fixedEffects).toEqual([['id'], ['p', 't']]);
    expect(f.endog).toEqual(['e:z']);
    expect(f.instruments).toEqual(['i(k, ref=c(1, -2))']);
    expect(formulaColumns(f)).toEqual({ numeric: ['y', 'a', 'b', 'c', 'ai', 'e', 'z'], factors: ['year', 'region', 'k', 'id', 'p', 't'] });
  });

  it.each([
    ['y ~ x + x', /appears twice/],
    ['y ~ x:x', /itself/],
    ['y ~ i(f)*x', /i\(\) cannot be used with '\*'/],
    ['y ~ i(f):x', /cannot be part of a product/],
    ['y ~ i(f, x, z)', /second argument/],
    ['y ~ i(f, bad=1)', /unknown argument 'bad'/],
    ['y ~ log(a + b)', /not a variable name|log\(\) takes one variable/],
    ['a:b ~ x', /not a dependent variable/],
    ['y ~ i(f, f)', /itself/],
  ])('rejects %s', (formula, msg) => {
    expect(() => parseFormula(formula)).toThrow(msg);
  });
});

describe('expanding terms on the frame', () => {
  const frame = frameFromColumns({
    numeric: { y: [1, 2, 3, 4, 5, 6], x: [1, 2, 0.5, 3, 1, 2], t: [-1, 0, 1, -1, 0, null] },
    factors: { region: ['west', 'east', 'east', 'north', 'west', 'east'], year: ['2010', '2009', '2010', '2011', '2009', '2011'] },
  });

  it('names columns as fixest: f::level and f::level:x, numbers in numeric order', () => {
    const { formula, frame: out } = expandFormula(frame, parseFormula('y ~ i(year) + i(region, x) + i(t, x, ref=-1) + log(x) + x:t'));
    expect(formula.exog).toEqual([
      'year::2010', 'year::2011',
      'region::east:x', 'region::north:x', 'region::west:x',
      't::0:x', 't::1:x',
      'log(x)', 'x:t',
    ]);
    expect(Array.from(out.numeric['year::2010'])).toEqual([1, 0, 1, 0, 0, 0]);
    expect(Array.from(out.numeric['region::east:x'])).toEqual([0, 2, 0.5, 0, 0, 2]);
    // a missing factor value is missing in every column of its expansion
    expect(Number.isNaN(out.numeric['t::0:x'][5])).toBe(true);
    expect(out.numeric['log(x)'][3]).toBeCloseTo(Math.log(3), 15);
    expect(factorLevels(frame, 't').levels).toEqual(['-1', '0', '1']);
  });

  it('refuses log of a non-positive value and an unknown reference level', () => {
    const bad = frameFromColumns({ numeric: { y: [1, 2, 3], x: [1, 0, -2] } });
    expect(() => fitFe(bad, 'y ~ log(x)')).toThrow(/log\(x\): 'x' is zero or negative in 2 rows/);
    expect(() => expandFormula(frame, parseFormula('y ~ i(year, ref=1999)'))).toThrow(/'1999' is not a level of 'year'/);
  });

  it('works in the IV parts: i() instruments and a product as the endogenous regressor', () => {
    const n = 60;
    const g = Array.from({ length: n }, (_, i) => i % 3);
    const z = Array.from({ length: n }, (_, i) => Math.sin(i * 0.9));
    const w = Array.from({ length: n }, (_, i) => 1 + Math.cos(i * 0.4) ** 2);
    const x = z.map((v, i) => v * (1 + g[i]) + 0.3 * Math.cos(i * 1.7));
    const y = x.map((v, i) => 1 + 0.5 * v * w[i] + Math.cos(i * 1.7));
    const f = frameFromColumns({ numeric: { y, x, z, w }, factors: { g } });
    const res = fitIv(f, 'y ~ w | x:w ~ i(g, z)');
    expect(Object.keys(res.first_stage)).toEqual(['x:w']);
    expect(Object.keys(res.first_stage['x:w'].coefficients)).toEqual(['w', 'g::0:z', 'g::1:z', 'g::2:z']);
    expect(Object.keys(res.coefficients)).toEqual(['x:w', 'w', '_cons']);
  });
});
