import { describe, expect, it } from 'vitest';
import { mediation } from '../../../econometrics/stats/mediation.ts';
import { fitFe } from '../../../econometrics/models/feols.ts';
import { frameFromColumns } from '../../../econometrics/frame.ts';

function panel() {
  const units = 30, periods = 6;
  const unit: number[] = [], year: number[] = [], x: number[] = [], m: number[] = [], y: number[] = [];
  for (let u = 0; u < units; u++)
    for (let t = 0; t < periods; t++) {
      const xi = Math.sin(u * 1.3 + t * 0.7) + 0.1 * u;
      const mi = 0.6 * xi + 0.4 * Math.cos(u * 2.1 + t * 1.9);
      unit.push(u); year.push(t); x.push(xi); m.push(mi);
      y.push(0.3 * xi + 0.5 * mi + 0.3 * Math.sin(u * t + 0.5) + 0.05 * u);
    }
  return frameFromColumns({ numeric: { x, m, y }, factors: { unit, year } });
}

describe('Baron-Kenny mediation', () => {
  it('a, b, direct and total effects are the fe regressions; indirect = a·b; Sobel z by formula', () => {
    const frame = panel();
    const r = mediation(frame, { y: 'y', x: 'x', mediator: 'm', fixedEffects: 'unit + year', vcov: 'cluster:unit', replications: 60, seed: 7 });
    const a = fitFe(frame, 'm ~ x | unit + year', { vcov: 'cluster:unit' }).coefficients.x;
    const b = fitFe(frame, 'y ~ x + m | unit + year', { vcov: 'cluster:unit' }).coefficients.m;
    expect(r.a.estimate).toBeCloseTo(a.estimate, 12);
    expect(r.b.estimate).toBeCloseTo(b.estimate, 12);
    expect(r.indirect).toBeCloseTo(a.estimate * b.estimate, 12);
    expect(r.sobel_z).toBeCloseTo((a.estimate * b.estimate) / Math.sqrt(b.estimate ** 2 * a.se ** 2 + a.estimate ** 2 * b.se ** 2), 10);
    // OLS identity: total = direct + a·b (same sample, same controls)
    expect(r.total.estimate).toBeCloseTo(r.direct.estimate + r.indirect, 10);
    expect(r.bootstrap.ci_low).toBeLessThan(r.indirect);
    expect(r.bootstrap.ci_high).toBeGreaterThan(r.indirect);
  });

  it('the bootstrap is reproducible with a seed and changes with another seed', () => {
    const frame = panel();
    const spec = { y: 'y', x: 'x', mediator: 'm', fixedEffects: 'unit + year', vcov: 'cluster:unit' as const, replications: 30 };
    const r1 = mediation(frame, { ...spec, seed: 1 });
    const r2 = mediation(frame, { ...spec, seed: 1 });
    const r3 = mediation(frame, { ...spec, seed: 2 });
    expect(r1.bootstrap).toEqual(r2.bootstrap);
    expect(r3.bootstrap.ci_low).not.toBe(r1.bootstrap.ci_low);
  });
});

describe('bootstrap standard error', () => {
  it('is the standard deviation of the draws: about a quarter of the 95% percentile interval', () => {
    const r = mediation(panel(), { y: 'y', x: 'x', mediator: 'm', fixedEffects: 'unit + year', vcov: 'cluster:unit', replications: 60, seed: 7 });
    expect(r.bootstrap.replications).toBe(60);
    expect(r.bootstrap.unit).toBe('unit');
    expect(r.bootstrap.seed).toBe(7);
    const width = r.bootstrap.ci_high - r.bootstrap.ci_low;
    // normal draws: width = 3.92 sd
    expect(r.bootstrap.se).toBeGreaterThan(width / 6);
    expect(r.bootstrap.se).toBeLessThan(width / 2.5);
    expect(r.proportion_mediated).toBeCloseTo(r.indirect / r.total.estimate, 14);
  });

  it('needs a unit to resample', () => {
    expect(() => mediation(panel(), { y: 'y', x: 'x', mediator: 'm', fixedEffects: 'unit + year' })).toThrow(
      'mediation bootstrap needs a unit: give bootstrapUnit or a cluster vcov',
    );
  });
});
