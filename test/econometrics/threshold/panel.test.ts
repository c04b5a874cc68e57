// The balanced-panel container and its transformations on a 2-unit, 3-period panel computed by hand.
import { describe, expect, it } from 'vitest';
import { belowIndicator, makePanel, regimeOf, transform, wTranspose } from '../../../econometrics/threshold/panel.ts';

const q = Float64Array.from([0.5, 0.2, 0.5, 0.9, 0.2, 0.1]);
const rx = Float64Array.from([1, 2, 3, 4, 5, 6]);
const input = (method: 'hansen' | 'xthreg') => ({
  method, units: 2, periods: 3, y: new Float64Array(6), x: [], xNames: [], rx: [rx], rxNames: ['r'], q,
});

describe('makePanel', () => {
  it('sorts rows by q (ties by row), lists distinct values and unit codes', () => {
    const p = makePanel(input('hansen'));
    expect(p.rows).toBe(6);
    expect(p.transformedRows).toBe(4);
    expect(Array.from(p.sortedRows)).toEqual([5, 1, 4, 0, 2, 3]);
    expect(Array.from(p.sortedQ)).toEqual([0.1, 0.2, 0.2, 0.5, 0.5, 0.9]);
    expect(Array.from(p.distinctQ)).toEqual([0.1, 0.2, 0.5, 0.9]);
    expect(Array.from(p.unitCodes)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(makePanel(input('xthreg')).transformedRows).toBe(6);
    // one distinct value
    const flat = makePanel({ ...input('xthreg'), q: new Float64Array(6).fill(2) });
    expect(Array.from(flat.distinctQ)).toEqual([2]);
    const cluster = Int32Array.from([0, 0, 1, 1, 2, 2]);
    expect(makePanel({ ...input('xthreg'), cluster }).cluster).toBe(cluster);
  });
});

describe('W and W′', () => {
  const raw = Float64Array.from([1, 2, 6, 0, 0, 3]);

  it('hansen: demean within the unit and drop its last period; xthreg: demean only', () => {
    expect(Array.from(transform(makePanel(input('hansen')), raw))).toEqual([-2, -1, -1, -1]);
    expect(Array.from(transform(makePanel(input('xthreg')), raw))).toEqual([-2, -1, 3, -1, -1, 2]);
  });

  it("W′ pads the dropped period with 0 and demeans by unit", () => {
    const h = wTranspose(makePanel(input('hansen')), Float64Array.from([1, 2, 3, 4]));
    // unit 0: (1, 2, 0) − 1; unit 1: (3, 4, 0) − 7/3
    [0, 1, -1, 3 - 7 / 3, 4 - 7 / 3, -7 / 3].forEach((v, i) => expect(h[i]).toBeCloseTo(v, 14));
    const x = wTranspose(makePanel(input('xthreg')), Float64Array.from([1, 2, 6, 0, 0, 3]));
    expect(Array.from(x)).toEqual([-2, -1, 3, -1, -1, 2]);
    // into a given buffer
    const out = new Float64Array(6);
    expect(wTranspose(makePanel(input('xthreg')), Float64Array.from([1, 2, 6, 0, 0, 3]), out)).toBe(out);
  });

  it("(W d)'(W v) = d'(W′W v)", () => {
    for (const method of ['hansen', 'xthreg'] as const) {
      const p = makePanel(input(method));
      const d = Float64Array.from([0, 1, 1, 0, 0, 1]);
      const a = transform(p, d);
      const b = transform(p, raw);
      const wtw = wTranspose(p, b);
      const lhs = a.reduce((s, v, i) => s + v * b[i], 0);
      const rhs = d.reduce((s, v, i) => s + v * wtw[i], 0);
      expect(rhs).toBeCloseTo(lhs, 12);
    }
  });
});

describe('regimes', () => {
  it('RX·I(q < γ) for hansen, RX·I(q ≤ γ) for xthreg', () => {
    expect(Array.from(belowIndicator(makePanel(input('hansen')), rx, 0.5))).toEqual([0, 2, 0, 0, 5, 6]);
    expect(Array.from(belowIndicator(makePanel(input('xthreg')), rx, 0.5))).toEqual([1, 2, 3, 0, 5, 6]);
    expect(Array.from(belowIndicator(makePanel(input('hansen')), rx, 0.1))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('regimeOf counts the thresholds at or below (hansen) or strictly below (xthreg) the value', () => {
    expect(regimeOf(makePanel(input('hansen')), 0.5, [0.2, 0.5])).toBe(2);
    expect(regimeOf(makePanel(input('xthreg')), 0.5, [0.2, 0.5])).toBe(1);
    expect(regimeOf(makePanel(input('xthreg')), 0.1, [0.2, 0.5])).toBe(0);
    expect(regimeOf(makePanel(input('hansen')), 0.9, [])).toBe(0);
  });
});
