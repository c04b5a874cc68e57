import { describe, expect, it } from 'vitest';
import { InputError } from '../../econometrics/errors.ts';
import {
  buildSample, factorize, frameFromColumns, groupCodes, interactCodes, numericColumn, rejectInfinite, takeRows, type LoadedFrame,
} from '../../econometrics/frame.ts';

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

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

function expectInputError(fn: () => unknown, message: string) {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(InputError);
  expect(e.message).toBe(message);
}

describe('frameFromColumns and factorize', () => {
  it('numeric columns as float64 with null and undefined missing; factors coded by sorted text', () => {
    const f = frameFromColumns({
      numeric: { y: [1, null, 2.5], z: [undefined as unknown as null, 0, -1] },
      factors: { g: [10, 9, 2], h: ['b', null, 'a'] },
    });
    expect(f.nrows).toBe(3);
    expect(f.numeric.y).toBeInstanceOf(Float64Array);
    expect(Array.from(f.numeric.y)).toEqual([1, NaN, 2.5]);
    expect(Array.from(f.numeric.z)).toEqual([NaN, 0, -1]);
    expect(f.factors.g.levels).toEqual(['10', '2', '9']);
    expect(Array.from(f.factors.g.codes)).toEqual([0, 2, 1]);
    expect(f.factors.h).toStrictEqual({ codes: Int32Array.from([1, -1, 0]), levels: ['a', 'b'] });
  });

  it('an empty input has no rows; columns of different lengths are refused', () => {
    expect(frameFromColumns({})).toStrictEqual({ nrows: 0, numeric: {}, factors: {} });
    expect(frameFromColumns({ numeric: { y: [] } }).nrows).toBe(0);
    expectInputError(() => frameFromColumns({ numeric: { a: [1, 2], b: [1, 2, 3] } }), "column 'b' has 3 rows, expected 2");
    expectInputError(() => frameFromColumns({ numeric: { a: [1, 2] }, factors: { g: ['x'] } }), "column 'g' has 1 rows, expected 2");
    expectInputError(() => frameFromColumns({ factors: { g: ['x'], h: [] } }), "column 'h' has 0 rows, expected 1");
  });

  it('factorize: NaN is missing, numbers are coded by their text', () => {
    expect(factorize([NaN, 2, 10, 2])).toStrictEqual({ codes: Int32Array.from([-1, 1, 0, 1]), levels: ['10', '2'] });
    expect(factorize([])).toStrictEqual({ codes: new Int32Array(0), levels: [] });
    expect(factorize(['', 'a'])).toStrictEqual({ codes: Int32Array.from([0, 1]), levels: ['', 'a'] });
  });
});

describe('columns, groupings and interactions', () => {
  const frame = frameFromColumns({ numeric: { x: [2.5, NaN, -1, 2.5] }, factors: { g: ['b', 'a', 'b', null] } });

  it('numericColumn: the column itself, or an InputError', () => {
    expect(numericColumn(frame, 'x')).toBe(frame.numeric.x);
    expectInputError(() => numericColumn(frame, 'g'), "variable 'g' is not numeric");
    expectInputError(() => numericColumn(frame, 'q'), "unknown variable 'q'");
  });

  it('rejectInfinite: names the count, singular and plural; NaN passes', () => {
    expect(rejectInfinite('x', Float64Array.from([1, NaN, -0]))).toBeUndefined();
    expectInputError(
      () => rejectInfinite('x', Float64Array.from([1, -Infinity])),
      "variable 'x' is infinite (inf or -inf) in 1 row: infinity is not a missing value; recode those rows to missing or drop them",
    );
    expectInputError(
      () => rejectInfinite('v', Float64Array.from([Infinity, 0, -Infinity, Infinity])),
      "variable 'v' is infinite (inf or -inf) in 3 rows: infinity is not a missing value; recode those rows to missing or drop them",
    );
  });

  it('groupCodes: a factor as coded, a numeric column coded by value, NaN missing', () => {
    expect(groupCodes(frame, 'g')).toStrictEqual({ codes: frame.factors.g.codes, levels: 2 });
    expect(groupCodes(frame, 'g').codes).toBe(frame.factors.g.codes);
    expect(groupCodes(frame, 'x')).toStrictEqual({ codes: Int32Array.from([1, -1, 0, 1]), levels: 2 });
    const f = frameFromColumns({ numeric: { t: [10, 9, 100, 9, -5] } });
    expect(groupCodes(f, 't')).toStrictEqual({ codes: Int32Array.from([2, 1, 3, 1, 0]), levels: 4 });
    expectInputError(() => groupCodes(frame, 'nope'), "unknown variable 'nope'");
  });

  it('interactCodes: one part is returned as is; codes in order of first appearance', () => {
    const a = { codes: Int32Array.from([1, 0, 1]), levels: 2 };
    expect(interactCodes([a])).toBe(a);
    const r = interactCodes([
      { codes: Int32Array.from([1, 1, 0, 0, 1]), levels: 2 },
      { codes: Int32Array.from([0, 2, 0, 2, 0]), levels: 3 },
      { codes: Int32Array.from([0, 0, 0, 0, -1]), levels: 1 },
    ]);
    expect(Array.from(r.codes)).toEqual([0, 1, 2, 3, -1]);
    expect(r.levels).toBe(4);
    const missingFirst = interactCodes([{ codes: Int32Array.from([-1, 0]), levels: 1 }, { codes: Int32Array.from([0, 0]), levels: 1 }]);
    expect(Array.from(missingFirst.codes)).toEqual([-1, 0]);
    expect(missingFirst.levels).toBe(1);
  });

  it('interactCodes: a code space above 2^24 uses a map, with the same dense codes', () => {
    const r = interactCodes([
      { codes: Int32Array.from([4999, 0, 4999, -1, 0]), levels: 5000 },
      { codes: Int32Array.from([0, 4999, 0, 3, 4998]), levels: 5000 },
    ]);
    expect(Array.from(r.codes)).toEqual([0, 1, 0, -1, 2]);
    expect(r.levels).toBe(3);
    const right = interactCodes([
      { codes: Int32Array.from([1, 1, 2]), levels: 5000 },
      { codes: Int32Array.from([7, -1, 7]), levels: 5000 },
    ]);
    expect(Array.from(right.codes)).toEqual([0, -1, 1]);
    expect(right.levels).toBe(2);
    // more levels on the left than on the right: (1000, 0) and (0, 1) are different cells
    const wide = interactCodes([
      { codes: Int32Array.from([1000, 0, 1000, 19999]), levels: 20000 },
      { codes: Int32Array.from([0, 1, 0, 999]), levels: 1000 },
    ]);
    expect(Array.from(wide.codes)).toEqual([0, 1, 0, 2]);
    expect(wide.levels).toBe(3);
  });
});

describe('buildSample', () => {
  it('nothing dropped: counts, rows, shared columns and groupings', () => {
    const frame = frameFromColumns({ numeric: { y: [1, 2, 3, 4] }, factors: { g: ['a', 'a', 'b', 'b'], h: ['u', 'v', 'u', 'v'] } });
    const s = buildSample(frame, ['y'], [['g']], ['h']);
    expect(s.nobs).toBe(4);
    expect(s.dropped).toStrictEqual({ missing: 0, singletons: 0 });
    expect(Array.from(s.rows)).toEqual([0, 1, 2, 3]);
    expect(s.columns.y).toBe(frame.numeric.y);
    expect(s.weights).toBeUndefined();
    expect('weights' in s).toBe(false);
    expect(s.fixedEffects).toStrictEqual([{ name: 'g', codes: frame.factors.g.codes, levels: 2 }]);
    expect(s.fixedEffects[0].codes).toBe(frame.factors.g.codes);
    expect(s.clusters).toStrictEqual([{ name: 'h', codes: frame.factors.h.codes, levels: 2 }]);
  });

  it('missing values in numeric variables, fixed effects and clusters drop the row; codes are made dense again', () => {
    const frame = frameFromColumns({
      numeric: { y: [1, NaN, 3, 4, 5, 6, 7], x: [1, 2, 3, 4, 5, 6, 7] },
      factors: { g: ['c', 'a', 'c', 'b', null, 'b', 'b'], cl: ['p', 'q', 'r', 'r', 'p', null, 'p'] },
    });
    const s = buildSample(frame, ['y', 'x'], [['g']], ['cl']);
    expect(s.dropped).toStrictEqual({ missing: 3, singletons: 0 });
    expect(s.nobs).toBe(4);
    expect(Array.from(s.rows)).toEqual([0, 2, 3, 6]);
    expect(Array.from(s.columns.y)).toEqual([1, 3, 4, 7]);
    expect(Array.from(s.columns.x)).toEqual([1, 3, 4, 7]);
    // g on the kept rows: c, c, b, b (codes 2, 2, 1, 1) → dense in order of appearance
    expect(s.fixedEffects).toStrictEqual([{ name: 'g', codes: Int32Array.from([0, 0, 1, 1]), levels: 2 }]);
    // cl: p, r, r, p (codes 0, 2, 2, 0)
    expect(s.clusters).toStrictEqual([{ name: 'cl', codes: Int32Array.from([0, 1, 1, 0]), levels: 2 }]);
  });

  it('dense codes after dropping, with and without singleton dropping', () => {
    const frame = frameFromColumns({ numeric: { y: [1, 2, 3, 4, NaN] }, factors: { g: ['c', 'a', 'c', 'a', 'b'] } });
    const s = buildSample(frame, ['y'], [['g']], []);
    expect(s.dropped).toStrictEqual({ missing: 1, singletons: 0 });
    // rows 0..3: codes c, a, c, a = 2, 0, 2, 0 → 0, 1, 0, 1
    expect(s.fixedEffects).toStrictEqual([{ name: 'g', codes: Int32Array.from([0, 1, 0, 1]), levels: 2 }]);
    const single = frameFromColumns({ numeric: { y: [1, 2, 3] }, factors: { g: ['a', 'a', 'b'] } });
    expect(buildSample(single, ['y'], [['g']], []).dropped).toStrictEqual({ missing: 0, singletons: 1 });
    const kept = buildSample(single, ['y'], [['g']], [], { dropSingletons: false });
    expect(kept.dropped).toStrictEqual({ missing: 0, singletons: 0 });
    expect(kept.nobs).toBe(3);
    expect(buildSample(single, ['y'], [['g']], [], { dropSingletons: true }).nobs).toBe(2);
  });

  it('a factor with a level that no row uses is re-coded densely on the full sample', () => {
    const frame: LoadedFrame = { nrows: 3, numeric: { y: Float64Array.from([1, 2, 3]) }, factors: { g: { codes: Int32Array.from([0, 2, 2]), levels: ['a', 'b', 'c'] } } };
    const s = buildSample(frame, ['y'], [], ['g']);
    expect(s.clusters).toStrictEqual([{ name: 'g', codes: Int32Array.from([0, 1, 1]), levels: 2 }]);
  });

  it('very large codes are re-coded through a map', () => {
    const big = 1 << 26;
    const frame: LoadedFrame = {
      nrows: 4,
      numeric: { y: Float64Array.from([1, 2, 3, NaN]) },
      factors: { g: { codes: Int32Array.from([big, 5, big, 0]), levels: { length: big + 1 } as unknown as string[] } },
    };
    const s = buildSample(frame, ['y'], [], ['g']);
    expect(s.clusters).toStrictEqual([{ name: 'g', codes: Int32Array.from([0, 1, 0]), levels: 2 }]);
  });

  it('weights: negative is an error, missing drops the row, zero is dropped and counted', () => {
    const frame = frameFromColumns({
      numeric: { y: [1, 2, 3, 4, 5], w: [1, 0, NaN, 2, 0.5], neg: [1, -1, 2, -3, 1], one: [1, -1, 1, 1, 1], inf: [1, Infinity, 1, 1, 1] },
    });
    const s = buildSample(frame, ['y'], [], [], { weights: 'w' });
    expect(s.dropped).toStrictEqual({ missing: 1, singletons: 0, zero_weight: 1 });
    expect(Array.from(s.rows)).toEqual([0, 3, 4]);
    expect(Array.from(s.weights!)).toEqual([1, 2, 0.5]);
    expect(Array.from(s.columns.y)).toEqual([1, 4, 5]);
    expectInputError(() => buildSample(frame, ['y'], [], [], { weights: 'neg' }), "weights 'neg' are negative in 2 rows: analytic weights must be ≥ 0");
    expectInputError(() => buildSample(frame, ['y'], [], [], { weights: 'one' }), "weights 'one' are negative in 1 row: analytic weights must be ≥ 0");
    expectInputError(
      () => buildSample(frame, ['y'], [], [], { weights: 'inf' }),
      "variable 'inf' is infinite (inf or -inf) in 1 row: infinity is not a missing value; recode those rows to missing or drop them",
    );
    expectInputError(() => buildSample(frame, ['y'], [], [], { weights: 'nope' }), "unknown variable 'nope'");
    // all weights positive: nothing dropped, the weights still copied
    const all = buildSample(frame, ['y'], [], [], { weights: 'y' });
    expect(all.dropped).toStrictEqual({ missing: 0, singletons: 0, zero_weight: 0 });
    expect(Array.from(all.weights!)).toEqual([1, 2, 3, 4, 5]);
    expect(all.columns.y).toBe(frame.numeric.y);
  });

  it('a row of weight 0 is dropped before the singletons', () => {
    // group a has rows 0 and 1; row 1 weighs 0, so row 0 becomes a singleton
    const frame = frameFromColumns({ numeric: { y: [1, 2, 3, 4], w: [1, 0, 1, 1] }, factors: { g: ['a', 'a', 'b', 'b'] } });
    const s = buildSample(frame, ['y'], [['g']], [], { weights: 'w' });
    expect(s.dropped).toStrictEqual({ missing: 0, singletons: 1, zero_weight: 1 });
    expect(Array.from(s.rows)).toEqual([2, 3]);
  });

  it('no rows, or every row dropped, is an InputError that counts why', () => {
    expectInputError(() => buildSample(frameFromColumns({ numeric: { y: [] } }), ['y'], [], []), 'no observations: the selected data have 0 rows');
    expectInputError(
      () => buildSample(frameFromColumns({ numeric: { y: [NaN, 1, 2] }, factors: { g: ['a', 'b', 'c'] } }), ['y'], [['g']], []),
      'all 3 rows dropped (1 with missing values, 2 singletons): no observations left',
    );
    expectInputError(
      () => buildSample(frameFromColumns({ numeric: { y: [NaN, 1, 2], w: [1, 0, 0] } }), ['y'], [], [], { weights: 'w' }),
      'all 3 rows dropped (1 with missing values, 2 of weight 0, 0 singletons): no observations left',
    );
  });

  it('drops singletons until none is left, going back to an earlier effect', () => {
    // year 2 has one row (row 5): dropping it leaves unit 2 with one row (row 4), found on a second pass over the effects
    const frame = frameFromColumns({
      numeric: { y: [1, 2, 3, 4, 5, 6] },
      factors: { unit: [0, 0, 1, 1, 2, 2], year: [0, 1, 0, 1, 0, 2] },
    });
    const s = buildSample(frame, ['y'], [['unit'], ['year']], []);
    expect(s.dropped).toStrictEqual({ missing: 0, singletons: 2 });
    expect(Array.from(s.rows)).toEqual([0, 1, 2, 3]);
    expect(s.fixedEffects.map((f) => [f.name, f.levels, Array.from(f.codes)])).toEqual([['unit', 2, [0, 0, 1, 1]], ['year', 2, [0, 1, 0, 1]]]);
  });

  it('singletons of an interaction, and a missing part of it', () => {
    const frame = frameFromColumns({
      numeric: { y: [1, 2, 3, 4, 5] },
      factors: { a: ['p', 'p', 'q', 'q', 'q'], b: ['u', 'u', 'u', 'u', null] },
    });
    const s = buildSample(frame, ['y'], [['a', 'b']], []);
    expect(s.dropped).toStrictEqual({ missing: 1, singletons: 0 });
    expect(s.fixedEffects).toStrictEqual([{ name: 'a^b', codes: Int32Array.from([0, 0, 1, 1]), levels: 2 }]);
  });
});
