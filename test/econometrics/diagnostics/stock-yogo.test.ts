import { describe, expect, it } from 'vitest';
import { stockYogo } from '../../../econometrics/diagnostics/stock-yogo.ts';
import { stockYogo10 } from '../../../econometrics/diagnostics/kleibergen-paap.ts';

// The first cells of Stock & Yogo (2005) Tables 5.1 and 5.2, as printed there (and quoted throughout the
// literature, e.g. by ivreg2's output); the whole tables are checked for their shape below.
describe('Stock–Yogo critical values', () => {
  it('reproduces published cells of Table 5.2 (2SLS size) and Table 5.1 (2SLS relative bias)', () => {
    expect(stockYogo(1, 1).iv_size).toEqual({ '10': 16.38, '15': 8.96, '20': 6.66, '25': 5.53 });
    expect(stockYogo(1, 2).iv_size).toEqual({ '10': 19.93, '15': 11.59, '20': 8.75, '25': 7.25 });
    expect(stockYogo(1, 3).iv_size).toEqual({ '10': 22.3, '15': 12.83, '20': 9.54, '25': 7.8 });
    expect(stockYogo(2, 2).iv_size).toEqual({ '10': 7.03, '15': 4.58, '20': 3.95, '25': 3.63 });
    expect(stockYogo(2, 3).iv_size).toEqual({ '10': 13.43, '15': 8.18, '20': 6.4, '25': 5.45 });
    expect(stockYogo(1, 3).relative_bias).toEqual({ '5': 13.91, '10': 9.08, '20': 6.46, '30': 5.39 });
    expect(stockYogo(2, 4).relative_bias).toEqual({ '5': 11.04, '10': 7.56, '20': 5.57, '30': 4.73 });
    expect(stockYogo(3, 5).relative_bias).toEqual({ '5': 9.53, '10': 6.61, '20': 4.99, '30': 4.3 });
    expect(stockYogo(1, 30).iv_size!['10']).toBe(86.17);
    expect(stockYogo10(2, 3)).toBe(13.43);
  });

  it('is null outside the published tables', () => {
    expect(stockYogo(1, 2).relative_bias).toBeNull(); // bias needs L ≥ K + 2
    expect(stockYogo(3, 5).iv_size).toBeNull(); // size tabulated for K ≤ 2
    expect(stockYogo(2, 1)).toEqual({ iv_size: null, relative_bias: null });
    expect(stockYogo(1, 31)).toEqual({ iv_size: null, relative_bias: null });
    expect(stockYogo(4, 10)).toEqual({ iv_size: null, relative_bias: null });
  });

  it('has the shape of the tables: size values grow with L and fall with the tolerated size; bias values fall with the tolerated bias', () => {
    for (const K of [1, 2]) {
      let previous = 0;
      for (let L = K; L <= 30; L++) {
        const s = stockYogo(K, L).iv_size!;
        expect(s['10']).toBeGreaterThan(previous);
        expect(s['10']).toBeGreaterThan(s['15']);
        expect(s['15']).toBeGreaterThan(s['20']);
        expect(s['20']).toBeGreaterThan(s['25']);
        previous = s['10'];
      }
    }
    for (const K of [1, 2, 3])
      for (let L = K + 2; L <= 30; L++) {
        const b = stockYogo(K, L).relative_bias!;
        expect(b['5']).toBeGreaterThan(b['10']);
        expect(b['10']).toBeGreaterThan(b['20']);
        expect(b['20']).toBeGreaterThan(b['30']);
      }
  });
});
