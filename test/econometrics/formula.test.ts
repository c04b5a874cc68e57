import { describe, expect, it } from 'vitest';
import { InputError } from '../../econometrics/errors.ts';
import {
  asFormula, feName, formatFormula, formulaColumns, modelFormula, parseFormula, parseTerm, termText, type ParsedFormula,
} from '../../econometrics/formula.ts';

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

/** The exact InputError message of a formula that does not parse. */
const parseError = (formula: string, why: string) => `formula does not parse (${why}): ${formula}`;

function expectParseError(formula: string, why: string) {
  const e = thrown(() => parseFormula(formula));
  expect(e).toBeInstanceOf(InputError);
  expect(e.message).toBe(parseError(formula, why));
}

describe('parseFormula', () => {
  it('parses regressors, fixed effects with interactions and an IV part', () => {
    expect(parseFormula('y ~ x1 + x2 | fe1 + province^year | e1 + e2 ~ z1 + z2 + z3')).toEqual({
      depvar: 'y', exog: ['x1', 'x2'], fixedEffects: [['fe1'], ['province', 'year']], endog: ['e1', 'e2'], instruments: ['z1', 'z2', 'z3'],
    });
  });
  it('accepts OLS without fixed effects, a constant-only model and IV without fixed effects', () => {
    expect(parseFormula('y ~ x').fixedEffects).toEqual([]);
    expect(parseFormula('y ~ 1 | id').exog).toEqual([]);
    const iv = parseFormula('y ~ w | x ~ z');
    expect(iv.fixedEffects).toEqual([]);
    expect(iv.endog).toEqual(['x']);
  });
  it.each([
    ['y x1', /first part/],
    ['y ~ x1 +', /empty term/],
    ['y ~ x1 | a b', /not a fixed effect/],
    ['y ~ x1 | e ~ z | fe', /must come last/],
    ['y ~ x1 + x1', /twice/],
    ['y ~ x1 | fe | fe2', /more than one fixed-effects part/],
    ['y ~ y', /two roles/],
  ])('rejects %s', (f, msg) => {
    expect(() => parseFormula(f)).toThrow(msg);
  });

  it('returns exactly the five parts, without spaces, and accepts compact and unicode names', () => {
    expect(parseFormula('y~x1+x2|fe')).toStrictEqual({ depvar: 'y', exog: ['x1', 'x2'], fixedEffects: [['fe']], endog: [], instruments: [] });
    expect(parseFormula('  收入 ~ x.1 + _a + 面积2 ')).toStrictEqual({ depvar: '收入', exog: ['x.1', '_a', '面积2'], fixedEffects: [], endog: [], instruments: [] });
    expect(parseFormula('log( y ) ~ log(x)').depvar).toBe('log(y)');
    expect(parseFormula('log( y ) ~ log ( x )').exog).toEqual(['log(x)']);
  });

  it('treats a literal 1 as the implicit constant in the regressors only', () => {
    expect(parseFormula('y ~ 1').exog).toEqual([]);
    expect(parseFormula('y ~ 1 + x').exog).toEqual(['x']);
    expect(parseFormula('y ~ x + 1').exog).toEqual(['x']);
    expectParseError('y ~ x | 1 ~ z', "'1' is not a variable name");
    expectParseError('y ~ x | e ~ 1', "'1' is not a variable name");
  });

  it('reads "0" as no fixed effects, and a fixed-effect part beside the IV part', () => {
    expect(parseFormula('y ~ x | 0').fixedEffects).toEqual([]);
    expect(parseFormula('y ~ x | 0 | e ~ z')).toStrictEqual({ depvar: 'y', exog: ['x'], fixedEffects: [], endog: ['e'], instruments: ['z'] });
    expect(parseFormula('y ~ x | a ^ b + c | e ~ z').fixedEffects).toEqual([['a', 'b'], ['c']]);
    expect(parseFormula('y ~ x | a^b^c').fixedEffects).toEqual([['a', 'b', 'c']]);
    // a^b and ab are different effects
    expect(parseFormula('y ~ x | a^b + ab').fixedEffects).toEqual([['a', 'b'], ['ab']]);
  });

  it('expands * in R order and keeps a term repeated by the expansion once', () => {
    expect(parseFormula('y ~ a*b').exog).toEqual(['a', 'b', 'a:b']);
    expect(parseFormula('y ~ a*b + a').exog).toEqual(['a', 'b', 'a:b']);
    expect(parseFormula('y ~ a + a*b').exog).toEqual(['a', 'b', 'a:b']);
    expect(parseFormula('y ~ a*b + a:b').exog).toEqual(['a', 'b', 'a:b']);
    expect(parseFormula('y ~ a*b + a*b').exog).toEqual(['a', 'b', 'a:b']);
    expect(parseFormula('y ~ a*b + b*c').exog).toEqual(['a', 'b', 'a:b', 'c', 'b:c']);
    expect(parseFormula('y ~ a*b*c').exog).toEqual(['a', 'b', 'c', 'a:b', 'a:c', 'b:c', 'a:b:c']);
    expect(parseFormula('y ~ log(x)*z').exog).toEqual(['log(x)', 'z', 'log(x):z']);
    expect(parseFormula('y ~ a:b*c').exog).toEqual(['a:b', 'c', 'a:b:c']);
    expect(parseFormula('y ~ a : b + a * log( c )').exog).toEqual(['a:b', 'a', 'log(c)', 'a:log(c)']);
    expect(parseFormula('y ~ w | a*b ~ z1*z2').endog).toEqual(['a', 'b', 'a:b']);
    expect(parseFormula('y ~ w | a*b ~ z1*z2').instruments).toEqual(['z1', 'z2', 'z1:z2']);
  });

  it('keeps quoted ref= values whole: +, :, *, commas and the other quote inside quotes', () => {
    expect(parseFormula('y ~ i(f, ref="a+b") + x').exog).toEqual(['i(f, ref="a+b")', 'x']);
    expect(parseFormula("y ~ i(f, ref='a+b') + x").exog).toEqual(['i(f, ref="a+b")', 'x']);
    expect(parseFormula('y ~ i(f, ref="a:b") + x').exog).toEqual(['i(f, ref="a:b")', 'x']);
    expect(parseFormula('y ~ i(f, ref="x*y") + z').exog).toEqual(['i(f, ref="x*y")', 'z']);
    expect(parseFormula('y ~ i(f, ref="it\'s") + x').exog).toEqual(['i(f, ref="it\'s")', 'x']);
    expect(parseFormula('y ~ i(f, ref=c("a,b", "c")) + x').exog).toEqual(['i(f, ref=c("a,b", "c"))', 'x']);
    expect(parseFormula('y ~ i(f, ref="(") + x').exog).toEqual(['i(f, ref="(")', 'x']);
    expect(parseFormula('y ~ x | e ~ i(f, ref="a+b") + z').instruments).toEqual(['i(f, ref="a+b")', 'z']);
  });

  it.each([
    ['y ~ x ~ z', "the first part must be 'y ~ x1 + x2'"],
    ['y x', "the first part must be 'y ~ x1 + x2'"],
    ['y ~ ~ x', "the first part must be 'y ~ x1 + x2'"],
    ['a:b ~ x', "'a:b' is not a dependent variable (a variable or log(variable))"],
    ['i(f) ~ x', "'i(f)' is not a dependent variable (a variable or log(variable))"],
    [' ~ x', "'' is not a dependent variable (a variable or log(variable))"],
    ['2y ~ x', "'2y' is not a dependent variable (a variable or log(variable))"],
    ['y ~ ', 'no regressors (write 1 for a constant only)'],
    ['y ~', 'no regressors (write 1 for a constant only)'],
    ['y ~   | fe', 'no regressors (write 1 for a constant only)'],
    ['y ~ x +', 'empty term in the regressors'],
    ['y ~ x + + z', 'empty term in the regressors'],
    ['y ~ + x', 'empty term in the regressors'],
    ['y ~ a* ', "empty factor of '*' in the regressors"],
    ['y ~ *a', "empty factor of '*' in the regressors"],
    ['y ~ x | e ~ a*', "empty factor of '*' in the instruments"],
    ['y ~ x + x', "'x' appears twice in the regressors"],
    ['y ~ a:b + a:b', "'a:b' appears twice in the regressors"],
    ['y ~ log(x) + log( x )', "'log(x)' appears twice in the regressors"],
    ['y ~ i(f) + i( f )', "'i(f)' appears twice in the regressors"],
    ['y ~ x | e + e ~ z', "'e' appears twice in the endogenous variables"],
    ['y ~ x | e ~ z + z', "'z' appears twice in the instruments"],
    ['y ~ x | e + ~ z', 'empty term in the endogenous variables'],
    ['y ~ x | e ~ z +', 'empty term in the instruments'],
    ['y ~ x |  ~ z', 'empty the endogenous variables'],
    ['y ~ x | e ~  ', 'empty the instruments'],
    ['y ~ x | e ~ z ~ w', 'more than one ~ in the IV part'],
    ['y ~ x | e ~ z | fe', 'the IV part "endog ~ instruments" must come last'],
    ['y ~ x | a | b', 'more than one fixed-effects part'],
    ['y ~ x | 0 | 0', 'more than one fixed-effects part'],
    ['y ~ x |  ', 'empty fixed-effects part'],
    ['y ~ x | a + ', 'empty term in the fixed effects'],
    ['y ~ x | a + + b', 'empty term in the fixed effects'],
    ['y ~ x |  + a', 'empty term in the fixed effects'],
    ['y ~ x | a b', "'a b' is not a fixed effect (use a or a^b)"],
    ['y ~ x | a^', "'a^' is not a fixed effect (use a or a^b)"],
    ['y ~ x | log(a)', "'log(a)' is not a fixed effect (use a or a^b)"],
    ['y ~ x | a:b', "'a:b' is not a fixed effect (use a or a^b)"],
    ['y ~ x | b +  a^a ', "'a^a' interacts a variable with itself"],
    ['y ~ x | a ^ b ^ a', "'a ^ b ^ a' interacts a variable with itself"],
    ['y ~ x | a + b + a', 'a fixed effect appears twice'],
    ['y ~ x | a^b + a ^ b', 'a fixed effect appears twice'],
    ['y ~ x | x ~ z', "'x' is used in two roles"],
    ['y ~ x | e ~ y', "'y' is used in two roles"],
    ['y ~ x | e ~ x', "'x' is used in two roles"],
    ['y ~ x | e ~ e', "'e' is used in two roles"],
    ['log(y) ~ log(y)', "'log(y)' is used in two roles"],
    ['y ~ x:x', "'x:x' interacts a variable with itself"],
    ['y ~ log(x):log(x)', "'log(x):log(x)' interacts a variable with itself"],
    ['y ~ a*a', "'*' interacts a variable with itself"],
    ['y ~ a:b*b', "'*' interacts a variable with itself"],
    ['y ~ i(f)*x', "i() cannot be used with '*'; use i(factor, variable)"],
    ['y ~ x*i(f)', "i() cannot be used with '*'; use i(factor, variable)"],
    ['y ~ i(f):x', "'i(f)': i() cannot be part of a product; use i(factor, variable) for slopes by level"],
    ['y ~ x:i(f)', "'i(f)': i() cannot be part of a product; use i(factor, variable) for slopes by level"],
    ['y ~ log(a + b)', "log() takes one variable name, got 'log(a + b)'"],
    ['y ~ log()', "log() takes one variable name, got 'log()'"],
    ['y ~ log(2x)', "log() takes one variable name, got 'log(2x)'"],
    ['y ~ 2x', "'2x' is not a variable name"],
    ['y ~ x-z', "'x-z' is not a variable name"],
    ['y ~ a: ', "'' is not a variable name"],
    ['y ~ i(f) x', "'i(f) x' is not a term"],
    ['y ~ x * i(f)', "i() cannot be used with '*'; use i(factor, variable)"],
    ['y ~ xi(f)', "'xi(f)' is not a variable name"],
    ['y ~ i (f):x', "'i (f)': i() cannot be part of a product; use i(factor, variable) for slopes by level"],
    ['y ~ a * * b', "empty factor of '*' in the regressors"],
    ['y ~ i(f, ref=c(1, 2)x)', "'c(1, 2)x' is not a level for ref="],
    ['y ~ a:a * b', "'a:a' interacts a variable with itself"],
    ['y ~ b * 2x', "'2x' is not a variable name"],
    ['y ~ i()', "i() needs a factor variable: 'i()'"],
    ['y ~ i( , x)', "i() needs a factor variable: 'i( , x)'"],
    ['y ~ i(1f)', "i(): '1f' is not a variable name"],
    ['y ~ i(log(f))', "i(): 'log(f)' is not a variable name"],
    ['y ~ i(f, 2x)', "i(): '2x' is not a variable name"],
    ['y ~ i(f, 1ref=2)', "i(): '1ref=2' is not a variable name"],
    ['y ~ i(f, x, 1ref=2)', "i(): the variable must be the second argument: 'i(f, x, 1ref=2)'"],
    ['y ~ i(f, bad=1)', "i(): unknown argument 'bad' (only ref= is supported)"],
    ['y ~ i(f, Ref=1)', "i(): unknown argument 'Ref' (only ref= is supported)"],
    ['y ~ i(f, x, refs = 1)', "i(): unknown argument 'refs' (only ref= is supported)"],
    ['y ~ i(f, ref=1, ref=2)', 'i(): ref= given twice'],
    ['y ~ i(f, ref=1, x)', "i(): the variable must be the second argument: 'i(f, ref=1, x)'"],
    ['y ~ i(f, x, z)', "i(): the variable must be the second argument: 'i(f, x, z)'"],
    ['y ~ i(f, f)', "i(): 'f' interacted with itself"],
    ['y ~ i(f, ref=)', 'empty value in ref='],
    ['y ~ i(f, ref= )', 'empty value in ref='],
    ['y ~ i(f, ref=c(1, ))', 'empty value in ref='],
    ['y ~ i(f, ref=c(,1))', 'empty value in ref='],
    ['y ~ i(f, ref=1a)', "'1a' is not a level for ref="],
    ['y ~ i(f, ref=a-b)', "'a-b' is not a level for ref="],
    ['y ~ i(f, ref=1.2.3)', "'1.2.3' is not a level for ref="],
    ['y ~ i(f, ref=1e)', "'1e' is not a level for ref="],
    ['y ~ i(f, ref=1e+)', "'1e+' is not a level for ref="],
    ['y ~ i(f, ref=e-5)', "'e-5' is not a level for ref="],
    ['y ~ i(f, ref=-)', "'-' is not a level for ref="],
    ['y ~ i(f, ref=+-1)', "'+-1' is not a level for ref="],
    ['y ~ i(f, ref=1 2)', "'1 2' is not a level for ref="],
    ['y ~ i(f, ref=xc(1, 2))', "'xc(1, 2)' is not a level for ref="],
    ['y ~ i(f, ref="a"b)', '\'"a"b\' is not a level for ref='],
    ['y ~ i(f, ref=a"b")', '\'a"b"\' is not a level for ref='],
    ['y ~ log(x)y', "'log(x)y' is not a variable name"],
    ['y ~ xlog(x)', "'xlog(x)' is not a variable name"],
  ])('rejects %s with its exact message', (formula, why) => {
    expectParseError(formula, why);
  });

  it('accepts a trailing space in ref= (the value is trimmed)', () => {
    expect(parseFormula('y ~ i(f, ref=2 )').exog).toEqual(['i(f, ref=2)']);
  });
});

describe('parseTerm and ref= values', () => {
  const refOf = (v: string) => {
    const t = parseTerm(`i(f, ref=${v})`);
    if (t.kind !== 'factor') throw new Error('not a factor term');
    return t.ref;
  };

  it.each([
    ['1', '1'],
    ['2011', '2011'],
    ['-2.5', '-2.5'],
    ['-2.50', '-2.5'],
    ['+3', '3'],
    ['.5', '0.5'],
    ['.25', '0.25'],
    ['-.5', '-0.5'],
    ['5.', '5'],
    ['1.50', '1.5'],
    ['12.5', '12.5'],
    ['007', '7'],
    ['1e3', '1000'],
    ['1E3', '1000'],
    ['1e+2', '100'],
    ['1E-2', '0.01'],
    ['1e-3', '0.001'],
    ['2e10', '20000000000'],
    ['1.5e3', '1500'],
    ['.5e1', '5'],
    ['12e-1', '1.2'],
  ])('normalises the number %s to %s', (raw, level) => {
    expect(refOf(raw)).toEqual([level]);
  });

  it.each([
    ['"a"', 'a'],
    ["'b c'", 'b c'],
    ['"1"', '1'],
    ['"1.50"', '1.50'],
    ['"+3"', '+3'],
    ['"a|b"', 'a|b'],
    ['"a~b"', 'a~b'],
    ['"it\'s"', "it's"],
    ["'say \"hi\"'", 'say "hi"'],
    ['""', ''],
    ['a1', 'a1'],
    ['e5', 'e5'],
    ['E1', 'E1'],
    ['_', '_'],
    ['.', '.'],
    ['.x', '.x'],
    ['é', 'é'],
    ['east', 'east'],
  ])('keeps the level %s as text %s', (raw, level) => {
    expect(refOf(raw)).toEqual([level]);
  });

  it('reads c() lists, spaces, and a slope with or before ref=', () => {
    expect(parseTerm('i(year, ref = c( 2010 , "b c", x ))')).toStrictEqual({ kind: 'factor', factor: 'year', slope: null, ref: ['2010', 'b c', 'x'] });
    expect(parseTerm('i (f , x)')).toStrictEqual({ kind: 'factor', factor: 'f', slope: 'x', ref: null });
    expect(parseTerm('i(f, x, ref=2011)')).toStrictEqual({ kind: 'factor', factor: 'f', slope: 'x', ref: ['2011'] });
    expect(parseTerm('i(f,ref=c (1,-2))')).toStrictEqual({ kind: 'factor', factor: 'f', slope: null, ref: ['1', '-2'] });
    expect(parseTerm('i(f)')).toStrictEqual({ kind: 'factor', factor: 'f', slope: null, ref: null });
    expect(parseTerm('i(f,\n x)')).toStrictEqual({ kind: 'factor', factor: 'f', slope: 'x', ref: null });
    expect(parseTerm('i(f, ref=\n2)')).toStrictEqual({ kind: 'factor', factor: 'f', slope: null, ref: ['2'] });
    expect(parseTerm('i(f, ref="a:b")')).toStrictEqual({ kind: 'factor', factor: 'f', slope: null, ref: ['a:b'] });
    expect(parseTerm('i(f, ref=c("x,y", \'z\'))')).toStrictEqual({ kind: 'factor', factor: 'f', slope: null, ref: ['x,y', 'z'] });
    // commas inside quotes (either kind) do not separate arguments or values; the other quote is a plain character
    expect(parseTerm("i(f, ref='a,b')")).toStrictEqual({ kind: 'factor', factor: 'f', slope: null, ref: ['a,b'] });
    expect(parseTerm('i(f, ref="a,b")')).toStrictEqual({ kind: 'factor', factor: 'f', slope: null, ref: ['a,b'] });
    expect(parseTerm("i(f, ref=c('a,b', \"c\"))")).toStrictEqual({ kind: 'factor', factor: 'f', slope: null, ref: ['a,b', 'c'] });
    expect(parseTerm('i(f, ref=c("it\'s", \'b\'))')).toStrictEqual({ kind: 'factor', factor: 'f', slope: null, ref: ["it's", 'b'] });
    expect(parseTerm('i(f, ref=c(\'say "hi", ok\', 2))')).toStrictEqual({ kind: 'factor', factor: 'f', slope: null, ref: ['say "hi", ok', '2'] });
    expect(parseTerm('i(f, x, ref="it\'s, fine")')).toStrictEqual({ kind: 'factor', factor: 'f', slope: 'x', ref: ["it's, fine"] });
  });

  it('parses products of variables and logs', () => {
    expect(parseTerm(' x ')).toStrictEqual({ kind: 'product', atoms: [{ kind: 'var', name: 'x' }] });
    expect(parseTerm('a:log( b ):c')).toStrictEqual({
      kind: 'product', atoms: [{ kind: 'var', name: 'a' }, { kind: 'log', name: 'b' }, { kind: 'var', name: 'c' }],
    });
    expect(parseTerm('log(x):x')).toStrictEqual({ kind: 'product', atoms: [{ kind: 'log', name: 'x' }, { kind: 'var', name: 'x' }] });
  });

  it('names the formula it was given in errors, the term itself by default', () => {
    expect(thrown(() => parseTerm('2x')).message).toBe("formula does not parse ('2x' is not a variable name): 2x");
    expect(thrown(() => parseTerm('2x', 'y ~ 2x')).message).toBe("formula does not parse ('2x' is not a variable name): y ~ 2x");
    expect(thrown(() => parseTerm('i(f, ref=c("a)')).message).toBe(
      'formula does not parse (\'c("a\' is not a level for ref=): i(f, ref=c("a)',
    );
  });

  it('termText: numbers bare, other levels quoted, c() for several', () => {
    const factor = (ref: string[] | null, slope: string | null = null) => termText({ kind: 'factor', factor: 'f', slope, ref });
    expect(factor(null)).toBe('i(f)');
    expect(factor(null, 'x')).toBe('i(f, x)');
    expect(factor(['2'], 'x')).toBe('i(f, x, ref=2)');
    expect(factor(['-3'])).toBe('i(f, ref=-3)');
    expect(factor(['2011'])).toBe('i(f, ref=2011)');
    expect(factor(['-10.25'])).toBe('i(f, ref=-10.25)');
    expect(factor(['1.5'])).toBe('i(f, ref=1.5)');
    expect(factor(['-0.25'])).toBe('i(f, ref=-0.25)');
    expect(factor(['+3'])).toBe('i(f, ref="+3")');
    expect(factor(['1.'])).toBe('i(f, ref="1.")');
    expect(factor(['.5'])).toBe('i(f, ref=".5")');
    expect(factor(['1a'])).toBe('i(f, ref="1a")');
    expect(factor(['a1'])).toBe('i(f, ref="a1")');
    expect(factor(['1e-12'])).toBe('i(f, ref="1e-12")');
    expect(factor(['a b'])).toBe('i(f, ref="a b")');
    expect(factor(['1', 'b'])).toBe('i(f, ref=c(1, "b"))');
    expect(factor(['x'])).toBe('i(f, ref="x")');
    expect(termText({ kind: 'product', atoms: [{ kind: 'log', name: 'a' }, { kind: 'var', name: 'b' }] })).toBe('log(a):b');
  });

  it('canonical term texts come out of parseFormula', () => {
    expect(parseFormula('y ~ i(f, ref=1e-12) + i(g, ref = +3) + i(h, x, ref=c(.5, b))').exog).toEqual([
      'i(f, ref="1e-12")', 'i(g, ref=3)', 'i(h, x, ref=c(0.5, "b"))',
    ]);
  });
});

describe('formatFormula, modelFormula, asFormula, feName, formulaColumns', () => {
  const full: ParsedFormula = {
    depvar: 'log(y)', exog: ['x1', 'i(f, ref=2)', 'a:b'], fixedEffects: [['id'], ['p', 't']], endog: ['e1', 'e2'], instruments: ['z1', 'z2'],
  };

  it('writes every part and reads back the same structure', () => {
    expect(formatFormula(full)).toBe('log(y) ~ x1 + i(f, ref=2) + a:b | id + p^t | e1 + e2 ~ z1 + z2');
    expect(parseFormula(formatFormula(full))).toStrictEqual(full);
    const iv: ParsedFormula = { depvar: 'y', exog: ['x'], fixedEffects: [], endog: ['e'], instruments: ['z'] };
    expect(formatFormula(iv)).toBe('y ~ x | e ~ z');
    expect(parseFormula(formatFormula(iv))).toStrictEqual(iv);
    const fe: ParsedFormula = { depvar: 'y', exog: [], fixedEffects: [['a']], endog: [], instruments: [] };
    expect(formatFormula(fe)).toBe('y ~ 1 | a');
    expect(parseFormula(formatFormula(fe))).toStrictEqual(fe);
    expect(formatFormula({ depvar: 'y', exog: [], fixedEffects: [], endog: [], instruments: [] })).toBe('y ~ 1');
  });

  it('modelFormula: defaults to no fixed effects and no IV part, and checks like parseFormula', () => {
    expect(modelFormula({ depvar: 'y', exog: ['x'] })).toStrictEqual({ depvar: 'y', exog: ['x'], fixedEffects: [], endog: [], instruments: [] });
    expect(modelFormula({ depvar: 'y', exog: [], fixedEffects: ['a^b', 'c'], endog: ['e'], instruments: ['z1', 'z2'] })).toStrictEqual({
      depvar: 'y', exog: [], fixedEffects: [['a', 'b'], ['c']], endog: ['e'], instruments: ['z1', 'z2'],
    });
    expect(modelFormula({ depvar: 'y', exog: ['a*b'] }).exog).toEqual(['a', 'b', 'a:b']);
    const e = thrown(() => modelFormula({ depvar: 'y', exog: ['x'], fixedEffects: ['a b'] }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(parseError('y ~ x | a b', "'a b' is not a fixed effect (use a or a^b)"));
  });

  it('asFormula parses text and passes structure through untouched', () => {
    expect(asFormula('y ~ x | g')).toStrictEqual({ depvar: 'y', exog: ['x'], fixedEffects: [['g']], endog: [], instruments: [] });
    expect(asFormula(full)).toBe(full);
  });

  it('feName joins the interacted variables with ^', () => {
    expect(feName(['a'])).toBe('a');
    expect(feName(['a', 'b', 'c'])).toBe('a^b^c');
  });

  it('formulaColumns: numeric variables and factors, each once, in order of appearance', () => {
    const f = parseFormula('log(y) ~ x:log(z) + i(g, w) + i(h) + x | a^b + g | e:x ~ i(k, w)');
    expect(formulaColumns(f)).toStrictEqual({ numeric: ['y', 'x', 'z', 'w', 'e'], factors: ['g', 'h', 'k', 'a', 'b'] });
    expect(formulaColumns(parseFormula('y ~ 1'))).toStrictEqual({ numeric: ['y'], factors: [] });
  });
});
