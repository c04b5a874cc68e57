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

  it('runs the regressions on one sample from a frame: each input equals the regression written out by hand', () => {
    const n = 200;
    const w = Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
    const x = w.map((v, i) => 0.6 * v + Math.cos(i * 1.91));
    const y = x.map((v, i) => 0.5 * v + 0.8 * w[i] + 0.3 * Math.sin(i * 2.3));
    const g = Array.from({ length: n }, (_, i) => i % 10);
    const s = selectionOnUnobservables(frameFromColumns({ numeric: { y, x, w }, factors: { g } }), { y: 'y', x: 'x', controls: ['w'], fixedEffects: 'g' });

    // By hand (Frisch–Waugh–Lovell): demean within g, then least squares on one or two columns.
    const within = (v: number[]) => {
      const sum = new Array(10).fill(0);
      v.forEach((a, i) => (sum[g[i]] += a));
      return v.map((a, i) => a - sum[g[i]] / (n / 10));
    };
    const dot = (a: number[], b: number[]) => a.reduce((t, v, i) => t + v * b[i], 0);
    const [yt, xt, wt] = [within(y), within(x), within(w)];
    const ybar = y.reduce((t, v) => t + v, 0) / n;
    const tss = y.reduce((t, v) => t + (v - ybar) ** 2, 0);
    const bR = dot(xt, yt) / dot(xt, xt);
    const ssrR = yt.reduce((t, v, i) => t + (v - bR * xt[i]) ** 2, 0);
    const det = dot(xt, xt) * dot(wt, wt) - dot(xt, wt) ** 2;
    const bF = (dot(wt, wt) * dot(xt, yt) - dot(xt, wt) * dot(wt, yt)) / det;
    const cF = (dot(xt, xt) * dot(wt, yt) - dot(xt, wt) * dot(xt, yt)) / det;
    const ssrF = yt.reduce((t, v, i) => t + (v - bF * xt[i] - cF * wt[i]) ** 2, 0);
    const xOnW = xt.map((v, i) => v - (dot(wt, xt) / dot(wt, wt)) * wt[i]);
    const hand: OsterInputs = {
      betaRestricted: bR, r2Restricted: 1 - ssrR / tss, betaFull: bF, r2Full: 1 - ssrF / tss,
      varY: tss / (n - 1), varX: dot(xt, xt) / (n - 1), tauX: dot(xOnW, xOnW) / (n - 1),
    };
    expect(s.beta_restricted).toBeCloseTo(hand.betaRestricted, 12);
    expect(s.beta_full).toBeCloseTo(hand.betaFull, 12);
    expect(s.r2_restricted).toBeCloseTo(hand.r2Restricted, 12);
    expect(s.r2_full).toBeCloseTo(hand.r2Full, 12);
    expect(s.r_max).toBeCloseTo(Math.min(1.3 * hand.r2Full, 1), 12);
    expect(s.altonji_ratio).toBeCloseTo(hand.betaFull / (hand.betaRestricted - hand.betaFull), 10);
    // varY, varX and tauX enter only through δ and β*: they match when the hand inputs give the same δ and β*.
    expect(s.oster_delta).toBeCloseTo(osterDelta(hand), 10);
    expect(s.oster_beta_star).toBeCloseTo(osterBetaStar(hand).betaStar, 10);
    expect(osterDelta({ ...hand, tauX: hand.tauX * 1.1 })).not.toBeCloseTo(s.oster_delta, 3);
  });
});

describe('Oster δ with σ²_x ≠ 1 (Oster 2019, Proposition 2, written out)', () => {
  // β̊ = 0.9, R̊ = 0.15, β̃ = 0.6, R̃ = 0.35, σ²_y = 3, σ²_x = 2.5, τ_x = 1.6
  const inp: OsterInputs = { betaRestricted: 0.9, r2Restricted: 0.15, betaFull: 0.6, r2Full: 0.35, varY: 3, varX: 2.5, tauX: 1.6 };

  function paperDelta(target: number, rMax: number): number {
    const { betaRestricted: bo, r2Restricted: ro, betaFull: bt, r2Full: rt, varY: sy, varX: sx, tauX: tx } = inp;
    const g = bt - target;
    const num = g * (rt - ro) * sy * tx + g * sx * tx * (bo - bt) ** 2 + 2 * g ** 2 * (tx * (bo - bt) * sx) + g ** 3 * (tx * sx - tx ** 2);
    const den = (rMax - rt) * sy * (bo - bt) * sx + g * (rMax - rt) * sy * (sx - tx) + g ** 2 * (tx * (bo - bt) * sx) + g ** 3 * (tx * sx - tx ** 2);
    return num / den;
  }

  it('δ for β = 0 and another target, default and given Rmax', () => {
    expect(osterDelta(inp)).toBeCloseTo(paperDelta(0, 1.3 * 0.35), 12);
    expect(osterDelta(inp, 0.2)).toBeCloseTo(paperDelta(0.2, 1.3 * 0.35), 12);
    expect(osterDelta({ ...inp, rMax: 0.8 })).toBeCloseTo(paperDelta(0, 0.8), 12);
  });

  it('δ(β*(d)) = d for d = 1, 0.5 and 2', () => {
    for (const d of [1, 0.5, 2]) expect(osterDelta(inp, osterBetaStar(inp, d).betaStar)).toBeCloseTo(d, 9);
  });
});
