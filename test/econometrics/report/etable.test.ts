import { describe, expect, it } from 'vitest';
import { formatPValue, formatTable } from '../../../econometrics/report/etable.ts';
import { fitFe } from '../../../econometrics/models/feols.ts';
import { fitIv } from '../../../econometrics/models/feiv.ts';
import { frameFromColumns } from '../../../econometrics/frame.ts';

describe('formatTable', () => {
  it('prints tiny p-values with their digits, never as 0', () => {
    expect(formatPValue(0.04567)).toBe('0.046');
    expect(formatPValue(3.456e-14)).toBe('3.46e-14');
    expect(formatPValue(1.2e-250)).toBe('1.20e-250');
    expect(formatPValue(0)).toBe('<1e-300');
    expect(formatPValue(NaN)).toBe('.');
  });

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

  it('prints the over-identification test of an IV model as ivreg2 labels it', () => {
    const n = 60;
    const g = Array.from({ length: n }, (_, i) => i % 5);
    const z1 = Array.from({ length: n }, (_, i) => Math.sin(i * 1.3));
    const z2 = Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
    const x = z1.map((v, i) => v + 0.5 * z2[i] + 0.3 * Math.sin(i * 5.1));
    const y = x.map((v, i) => 2 * v + 0.2 * Math.cos(i * 3.3));
    const frame = frameFromColumns({ numeric: { y, x, z1, z2 }, factors: { g } });
    const iid = fitIv(frame, 'y ~ 1 | g | x ~ z1 + z2');
    expect(formatTable(iid)).toContain(`Sargan statistic (overidentification test of all instruments): ${iid.overid!.stat.toFixed(3)}   Chi-sq(1) p = `);
    expect(formatTable(fitIv(frame, 'y ~ 1 | g | x ~ z1 + z2', { vcov: 'hc1' }))).toMatch(/Hansen J statistic \(overidentification test of all instruments\): \d/);
    expect(formatTable(fitIv(frame, 'y ~ 1 | g | x ~ z1', { vcov: 'hc1' }))).toContain('Hansen J statistic: equation exactly identified');
  });
});

import { formatEtable } from '../../../econometrics/report/etable.ts';

describe('formatEtable', () => {
  it('puts models side by side with SEs in parentheses and FE indicators', () => {
    const n = 30;
    const g = Array.from({ length: n }, (_, i) => i % 3);
    const x = Array.from({ length: n }, (_, i) => Math.sin(i));
    const w = Array.from({ length: n }, (_, i) => Math.cos(i * 2));
    const y = x.map((v, i) => 2 * v + w[i] + 0.2 * Math.sin(i * 5));
    const frame = frameFromColumns({ numeric: { y, x, w }, factors: { g } });
    const r1 = fitFe(frame, 'y ~ x');
    const r2 = fitFe(frame, 'y ~ x + w | g', { vcov: 'cluster:g' });
    const text = formatEtable([r1, r2], { titles: ['OLS', 'FE'] });
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/OLS\s+FE$/);
    const xLine = lines.find((l) => l.startsWith('x '))!;
    expect(xLine).toContain(r1.coefficients.x.estimate.toFixed(3));
    expect(xLine).toContain(r2.coefficients.x.estimate.toFixed(3));
    expect(lines[lines.indexOf(xLine) + 1]).toContain(`(${r2.coefficients.x.se.toFixed(3)})`);
    expect(text).toMatch(/FE: g\s+No\s+Yes/);
    expect(text).toMatch(/SE\s+iid\s+cluster g/);
    // w only in model 2: empty cell in model 1
    expect(lines.find((l) => l.startsWith('w '))!.trim().split(/\s+/)).toHaveLength(2);
  });
});
