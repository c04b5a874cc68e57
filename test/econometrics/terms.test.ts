import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formulaColumns, parseFormula, parseTerm } from '../../econometrics/formula.ts';
import { frameFromColumns, type LoadedFrame } from '../../econometrics/frame.ts';
import { loadFrame } from '../../econometrics/io/load.ts';
import { fitFe } from '../../econometrics/models/feols.ts';
import { fitIv } from '../../econometrics/models/feiv.ts';
import { expandFormula, factorLevels, termColumns } from '../../econometrics/terms.ts';
import { InputError } from '../../econometrics/errors.ts';
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

describe('factorLevels', () => {
  it('text factors keep their text order; levels and codes pass through', () => {
    const f = frameFromColumns({ factors: { g: ['b', 'a', null, 'c', 'a'] } });
    const r = factorLevels(f, 'g');
    expect(r.levels).toEqual(['a', 'b', 'c']);
    expect(Array.from(r.codes)).toEqual([1, 0, -1, 2, 0]);
  });

  it('text factors whose levels are all numbers are ordered by value and printed as numbers', () => {
    // factorize sorts by text: '-1', '10', '2.50', '9'; by value: -1, 2.5, 9, 10
    const f = frameFromColumns({ factors: { g: ['10', '9', '-1', '9', null, '2.50'] } });
    const r = factorLevels(f, 'g');
    expect(r.levels).toEqual(['-1', '2.5', '9', '10']);
    expect(Array.from(r.codes)).toEqual([3, 2, 0, 2, -1, 1]);
  });

  it('one level that is not a finite number keeps the text order for all', () => {
    const mixed = factorLevels(frameFromColumns({ factors: { g: ['2', '10', 'b', '2'] } }), 'g');
    expect(mixed.levels).toEqual(['10', '2', 'b']);
    expect(Array.from(mixed.codes)).toEqual([1, 0, 2, 1]);
    // a blank level is not the number 0
    const blank = factorLevels(frameFromColumns({ factors: { g: [' ', '1', '2'] } }), 'g');
    expect(blank.levels).toEqual([' ', '1', '2']);
    // −Infinity is a number but not finite: text order ('-1' < '-Infinity'), not value order
    const inf = factorLevels(frameFromColumns({ factors: { g: ['-Infinity', '-1'] } }), 'g');
    expect(inf.levels).toEqual(['-1', '-Infinity']);
    expect(Array.from(inf.codes)).toEqual([1, 0]);
  });

  it('a factor without any value has no levels', () => {
    const r = factorLevels(frameFromColumns({ factors: { g: [null, null] } }), 'g');
    expect(r.levels).toEqual([]);
    expect(Array.from(r.codes)).toEqual([-1, -1]);
  });

  it('numeric columns: distinct values in numeric order, NaN missing', () => {
    const r = factorLevels(frameFromColumns({ numeric: { x: [3, null, -1, 0.5, 3, 10] } }), 'x');
    expect(r.levels).toEqual(['-1', '0.5', '3', '10']);
    expect(Array.from(r.codes)).toEqual([2, -1, 0, 1, 2, 3]);
  });

  it('an unknown variable is an InputError naming it', () => {
    const f = frameFromColumns({ numeric: { x: [1] } });
    expect(() => factorLevels(f, 'nope')).toThrow(InputError);
    expect(() => factorLevels(f, 'nope')).toThrow("unknown variable 'nope'");
  });
});

describe('termColumns', () => {
  const frame = frameFromColumns({
    numeric: { a: [1, 2, 3, 4], b: [2, 0.5, -1, 3], c: [1, Math.E, 1, Math.E], s: [10, 20, NaN, 40] },
    factors: { g: ['a', 'b', 'a', null], none: [null, null, null, null] },
  });
  const cols = (text: string) => termColumns(frame, parseTerm(text)).map(([name, v]) => [name, Array.from(v)]);

  it('a plain variable is its own column (not a copy); products multiply row by row', () => {
    const [[name, col]] = termColumns(frame, parseTerm('a'));
    expect(name).toBe('a');
    expect(col).toBe(frame.numeric.a);
    expect(cols('a:b')).toEqual([['a:b', [2, 1, -3, 12]]]);
    expect(cols('a:b:log(c)')).toEqual([['a:b:log(c)', [0, 1, -0, 12]]]); // log(1) = 0, times -3
    expect(Array.from(frame.numeric.a)).toEqual([1, 2, 3, 4]); // the product does not write into its first factor
  });

  it('log: the natural logarithm; a missing value stays missing', () => {
    const [[name, col]] = termColumns(frame, parseTerm('log(s)'));
    expect(name).toBe('log(s)');
    expect(col[0]).toBeCloseTo(2.302585092994046, 14);
    expect(Number.isNaN(col[2])).toBe(true);
  });

  it('log of zero or a negative value names the rows, singular or plural', () => {
    expect(() => termColumns(frame, parseTerm('log(b)'))).toThrow(
      "log(b): 'b' is zero or negative in 1 row (the logarithm is undefined there); recode or drop those rows",
    );
    const f = frameFromColumns({ numeric: { x: [0, -1, 2] } });
    expect(() => termColumns(f, parseTerm('log(x)'))).toThrow(
      "log(x): 'x' is zero or negative in 2 rows (the logarithm is undefined there); recode or drop those rows",
    );
    expect(() => termColumns(frame, parseTerm('log(q)'))).toThrow("unknown variable 'q'");
    expect(() => termColumns(frame, parseTerm('log(g)'))).toThrow("variable 'g' is not numeric");
  });

  it('i(f): a dummy per level but the first; missing factor values are missing', () => {
    const out = termColumns(frame, parseTerm('i(g)'));
    expect(out.map(([n]) => n)).toEqual(['g::b']);
    expect(Array.from(out[0][1]).slice(0, 3)).toEqual([0, 1, 0]);
    expect(Number.isNaN(out[0][1][3])).toBe(true);
  });

  it('i(f, ref=v) leaves out v instead of the first level', () => {
    expect(termColumns(frame, parseTerm('i(g, ref="b")')).map(([n, v]) => [n, Array.from(v).slice(0, 3)])).toEqual([['g::a', [1, 0, 1]]]);
  });

  it('i(f, x): a slope for every level; a missing slope is missing in every column', () => {
    const out = termColumns(frame, parseTerm('i(g, s)'));
    expect(out.map(([n]) => n)).toEqual(['g::a:s', 'g::b:s']);
    const a = Array.from(out[0][1]);
    const b = Array.from(out[1][1]);
    expect(a.slice(0, 2)).toEqual([10, 0]);
    expect(b.slice(0, 2)).toEqual([0, 20]);
    // row 2: level a, slope NaN; row 3: level missing
    expect([a[2], b[2], a[3], b[3]].every(Number.isNaN)).toBe(true);
    expect(termColumns(frame, parseTerm('i(g, s, ref=a)')).map(([n]) => n)).toEqual(['g::b:s']);
  });

  it('i() on a numeric variable: levels by value', () => {
    const f = frameFromColumns({ numeric: { t: [2, -1, 0, 2] } });
    expect(termColumns(f, parseTerm('i(t)')).map(([n, v]) => [n, Array.from(v)])).toEqual([
      ['t::0', [0, 0, 1, 0]],
      ['t::2', [1, 0, 0, 1]],
    ]);
  });

  it('refuses a factor without values, an unknown reference (first 20 levels listed) and references covering every level', () => {
    expect(() => termColumns(frame, parseTerm('i(none)'))).toThrow("i(none): 'none' has no non-missing value");
    expect(() => termColumns(frame, parseTerm('i(g, ref=c(a, b))'))).toThrow('i(g, ref=c("a", "b")): every level is a reference, no column left');
    const f = frameFromColumns({ numeric: { t: Array.from({ length: 22 }, (_, i) => i) } });
    expect(() => termColumns(f, parseTerm('i(t, ref=99)'))).toThrow(
      "i(t, ref=99): '99' is not a level of 't' (levels: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)",
    );
    expect(() => termColumns(frame, parseTerm('i(g, zz)'))).toThrow("unknown variable 'zz'");
  });
});

describe('expandFormula', () => {
  const frame = frameFromColumns({
    numeric: { y: [1, 2, 4, 8], x: [1, 2, 3, 4], z: [0, 1, 0, 1], e: [2, 3, 5, 7] },
    factors: { g: ['a', 'b', 'c', 'a'], fe: ['u', 'u', 'v', 'v'] },
  });

  it('returns the same frame and formula when every term is a plain variable', () => {
    const f = parseFormula('y ~ x | fe | e ~ z');
    const out = expandFormula(frame, f);
    expect(out.frame).toBe(frame);
    expect(out.formula).toBe(f);
  });

  it('replaces every special term by its columns in a new frame that shares the original columns', () => {
    const f = parseFormula('log(y) ~ x + i(g) | fe | e:x ~ i(g, z)');
    const out = expandFormula(frame, f);
    expect(out.formula).toStrictEqual({
      depvar: 'log(y)', exog: ['x', 'g::b', 'g::c'], fixedEffects: [['fe']], endog: ['e:x'], instruments: ['g::a:z', 'g::b:z', 'g::c:z'],
    });
    expect(out.formula.fixedEffects).toBe(f.fixedEffects);
    expect(out.frame.nrows).toBe(4);
    expect(out.frame.factors).toBe(frame.factors);
    expect(out.frame.numeric.x).toBe(frame.numeric.x);
    expect(Array.from(out.frame.numeric['e:x'])).toEqual([2, 6, 15, 28]);
    expect(Array.from(out.frame.numeric['g::c'])).toEqual([0, 0, 1, 0]);
    expect(Array.from(out.frame.numeric['g::b:z'])).toEqual([0, 1, 0, 0]);
    expect(out.frame.numeric['log(y)'][3]).toBeCloseTo(Math.log(8), 15);
    expect(frame.numeric['log(y)']).toBeUndefined();
    expect(Object.keys(frame.numeric)).toEqual(['y', 'x', 'z', 'e']);
  });

  it('a column made by two terms is an InputError', () => {
    expect(() => expandFormula(frame, parseFormula('y ~ i(g) + i(g, ref="a")'))).toThrow("the column 'g::b' comes out of two terms of the formula");
  });
});
