import { describe, expect, it } from 'vitest';
import { parseFormula } from '../../econometrics/formula.ts';

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
});
