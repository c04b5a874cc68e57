import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../estimation/report/etable.ts';
import { fitFe } from '../../../estimation/models/feols.ts';
import { frameFromColumns } from '../../../estimation/frame.ts';

describe('formatTable', () => {
  it('prints coefficients, significance stars, omitted terms and fit statistics', () => {
    const n = 40;
    const g = Array.from({ length: n }, (_, i) => i % 4);
    const x = Array.from({ length: n }, (_, i) => Math.sin(i));
    const size = g.map((v) => v * 2);
    const y = x.map((v, i) => 3 * v + 0.1 * Math.cos(i * 7));
    const res = fitFe(frameFromColumns({ numeric: { y, x, size }, factors: { g } }), 'y ~ x + size | g', { vcov: 'hc1' });
    const text = formatTable(res, 'My model');
    expect(text.split('\n')[0]).toBe('My model');
    expect(text).toMatch(/Observations: 40/);
    expect(text).toMatch(/Fixed effects: g \(4\)/);
    expect(text).toMatch(/Standard errors: robust \(HC1\)/);
    expect(text).toMatch(new RegExp(`^x\\s+${res.coefficients.x.estimate.toFixed(4)}\\s+${res.coefficients.x.se.toFixed(4)}.*\\*\\*\\*$`, 'm'));
    expect(text).toMatch(/^size\s+0\s+\(omitted because of collinearity\)$/m);
  });
});
