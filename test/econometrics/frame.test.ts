import { describe, expect, it } from 'vitest';
import { InputError } from '../../econometrics/errors.ts';
import { buildSample, factorize, frameFromColumns, interactCodes, takeRows } from '../../econometrics/frame.ts';

describe('frames and the estimation sample', () => {
  it('factorizes by sorted string, missing as -1', () => {
    expect(factorize(['b', null, 'a', 'b', undefined])).toEqual({ codes: Int32Array.from([1, -1, 0, 1, -1]), levels: ['a', 'b'] });
  });

  it('interacts codes densely and propagates missing', () => {
    const r = interactCodes([{ codes: Int32Array.from([0, 0, 1, 1, -1]), levels: 2 }, { codes: Int32Array.from([0, 1, 0, 0, 1]), levels: 2 }]);
    expect(Array.from(r.codes)).toEqual([0, 1, 2, 2, -1]);
    expect(r.levels).toBe(3);
  });

  it('drops singletons iteratively: removing one singleton can create another', () => {
    // unit 2 has one row (singleton in unit); removing it leaves year 2 with one row (unit 1, year 2)
    const frame = frameFromColumns({
      numeric: { y: [1, 2, 3, 4, 5, 6] },
      factors: { unit: [0, 0, 1, 1, 1, 2], year: [0, 1, 0, 1, 2, 2] },
    });
    const s = buildSample(frame, ['y'], [['unit'], ['year']], []);
    expect(s.dropped).toEqual({ missing: 0, singletons: 2 });
    expect(Array.from(s.rows)).toEqual([0, 1, 2, 3]);
    expect(s.fixedEffects.map((f) => f.levels)).toEqual([2, 2]);
  });

  it('rejects unknown and non-numeric variables and an empty sample', () => {
    const frame = frameFromColumns({ numeric: { y: [NaN, NaN] }, factors: { g: ['a', 'b'] } });
    expect(() => buildSample(frame, ['z'], [], [])).toThrow(/unknown variable 'z'/);
    expect(() => buildSample(frame, ['g'], [], [])).toThrow(/'g' is not numeric/);
    expect(() => buildSample(frame, ['y'], [], [])).toThrow(/all 2 rows dropped \(2 with missing values/);
  });

  it('an infinite value is an InputError naming the variable and the number of rows, not a missing value', () => {
    const frame = frameFromColumns({ numeric: { y: [1, 2, 3, 4, NaN], x: [1, Infinity, -Infinity, 4, 5], w: [1, 2, 3, 4, 5] } });
    expect(() => buildSample(frame, ['y', 'x'], [], [])).toThrow(InputError);
    expect(() => buildSample(frame, ['y', 'x'], [], [])).toThrow(/variable 'x' is infinite \(inf or -inf\) in 2 rows/);
    // NaN stays missing and is dropped listwise
    expect(buildSample(frame, ['y', 'w'], [], []).dropped.missing).toBe(1);
  });

  it('takeRows repeats rows and keeps factor levels', () => {
    const f = takeRows(frameFromColumns({ numeric: { y: [1, 2] }, factors: { g: ['a', 'b'] } }), [1, 1, 0]);
    expect(Array.from(f.numeric.y)).toEqual([2, 2, 1]);
    expect(Array.from(f.factors.g.codes)).toEqual([1, 1, 0]);
  });
});
