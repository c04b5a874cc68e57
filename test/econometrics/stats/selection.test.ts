import { describe, expect, it } from 'vitest';
import { altonjiRatio, osterBetaStar, osterDelta, selectionOnUnobservables, type OsterInputs } from '../../../econometrics/stats/selection.ts';
import { frameFromColumns } from '../../../econometrics/frame.ts';

const base: OsterInputs = { betaRestricted: 0.8, r2Restricted: 0.2, betaFull: 0.5, r2Full: 0.4, varY: 2.0, varX: 1.0, tauX: 0.7 };

describe('selection on unobservables', () => {
  it('AET ratio is beta_F / (beta_R - beta_F)', () => {
    expect(altonjiRatio(0.8, 0.5)).toBeCloseTo(0.5 / 0.3, 14);
  });

  it('Rmax defaults to min(1.3 R2_full, 1)', () => {
    const r = osterBetaStar({ ...base, r2Full: 0.9 });
    const capped = osterBetaStar({ ...base, r2Full: 0.9, rMax: 1 });
    expect(r.betaStar).toBeCloseTo(capped.betaStar, 14);
  });

  it('delta and beta* are mutually consistent: delta(beta*(d)) = d for d = 1 (quadratic) and d = 0.5, 2 (cubic)', () => {
    for (const d of [1, 0.5, 2]) {
      const { betaStar } = osterBetaStar(base, d);
      expect(osterDelta(base, betaStar)).toBeCloseTo(d, 9);
    }
  });

  it('with tau_x = sigma_x^2 and small movements the exact beta* is close to the first-order formula', () => {
    const i: OsterInputs = { betaRestricted: 0.51, r2Restricted: 0.3, betaFull: 0.5, r2Full: 0.4, varY: 1, varX: 1, tauX: 1 };
    const approx = i.betaFull - (i.betaRestricted - i.betaFull) * (1.3 * i.r2Full - i.r2Full) / (i.r2Full - i.r2Restricted);
    expect(osterBetaStar(i).betaStar).toBeCloseTo(approx, 3);
  });

  it('runs the regressions on one sample from a frame', () => {
    const n = 200;
    const w = Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
    const x = w.map((v, i) => 0.6 * v + Math.cos(i * 1.91));
    const y = x.map((v, i) => 0.5 * v + 0.8 * w[i] + 0.3 * Math.sin(i * 2.3));
    const g = Array.from({ length: n }, (_, i) => i % 10);
    const s = selectionOnUnobservables(frameFromColumns({ numeric: { y, x, w }, factors: { g } }), { y: 'y', x: 'x', controls: ['w'], fixedEffects: 'g' });
    expect(s.beta_full).toBeLessThan(s.beta_restricted);
    expect(s.r_max).toBeCloseTo(Math.min(1.3 * s.r2_full, 1), 14);
    expect(s.altonji_ratio).toBeCloseTo(s.beta_full / (s.beta_restricted - s.beta_full), 12);
    expect(Number.isFinite(s.oster_delta)).toBe(true);
  });
});
