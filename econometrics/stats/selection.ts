// Sensitivity to selection on unobservables.
//
// Altonji, Elder & Taber (2005) ratio, in the Bellows–Miguel form: β_F / (β_R − β_F), with β_R the
// coefficient with restricted controls and β_F with the full set. A large |ratio| means selection on
// unobservables would have to be that many times selection on observables to explain the effect away.
//
// Oster (2019), computed as Stata psacalc does (exact solutions, not the first-order approximation):
//   inputs  β̊, R̊ (restricted/"short" regression), β̃, R̃ (full controls), σ_y² = Var(y),
//           σ_x² = Var(x) after the controls common to both regressions (here: the fixed effects),
//           τ_x = Var of the residual of x on all controls, Rmax (default min(1.3·R̃, 1)).
//   δ for a target β (default 0), with b = β̃ − β, A = (R̃ − R̊)σ_y², M = (Rmax − R̃)σ_y², d = β̊ − β̃:
//     δ = [b·A·τ + b·σ_x²·τ·d² + 2b²·τ·d·σ_x² + b³(τσ_x² − τ²)]
//         / [M·d·σ_x² + b·M·(σ_x² − τ) + b²·τ·d·σ_x² + b³(τσ_x² − τ²)]
//   β* for δ = 1: roots of the quadratic with Θ = M(σ_x² − τ) − Aτ − σ_x²τd²:
//     ν = (−Θ ± sqrt(Θ² + 4M d² σ_x⁴ τ)) / (−2τ d σ_x²),  β* = β̃ − ν,
//   choosing the root closest to β̃ whose bias has the sign of β̃ − β̊ (Oster's Assumption 3);
//   for δ ≠ 1 the cubic ν³ + Aν² + Bν + C = 0 (trigonometric/Cardano solution) with the same selection rule.
import { modelFormula } from '../formula.ts';
import type { LoadedFrame } from '../frame.ts';
import { estimateFe } from '../models/feols.ts';

export function altonjiRatio(betaRestricted: number, betaFull: number): number {
  return betaFull / (betaRestricted - betaFull);
}

export interface OsterInputs {
  betaRestricted: number;
  r2Restricted: number;
  betaFull: number;
  r2Full: number;
  varY: number;
  varX: number;
  tauX: number;
  /** default min(1.3·R̃, 1) */
  rMax?: number;
}

export function rMaxOf(i: OsterInputs): number {
  return i.rMax ?? Math.min(1.3 * i.r2Full, 1);
}

/** Oster's δ: selection on unobservables relative to observables that would make the effect equal `beta`. */
export function osterDelta(i: OsterInputs, beta = 0): number {
  const b = i.betaFull - beta;
  const A = (i.r2Full - i.r2Restricted) * i.varY;
  const M = (rMaxOf(i) - i.r2Full) * i.varY;
  const d = i.betaRestricted - i.betaFull;
  const sx = i.varX;
  const t = i.tauX;
  const num = b * A * t + b * sx * t * d * d + 2 * b * b * t * d * sx + b ** 3 * (t * sx - t * t);
  const den = M * d * sx + b * M * (sx - t) + b * b * t * d * sx + b ** 3 * (t * sx - t * t);
  return num / den;
}

/** Oster's bias-adjusted β* for proportional selection δ (default 1), with the alternative roots. */
export function osterBetaStar(i: OsterInputs, delta = 1): { betaStar: number; alternatives: number[] } {
  const b1 = i.betaFull;
  const b0 = i.betaRestricted;
  const A1 = (i.r2Full - i.r2Restricted) * i.varY;
  const M = (rMaxOf(i) - i.r2Full) * i.varY;
  const d = b0 - b1;
  const sx = i.varX;
  const t = i.tauX;
  let candidates: number[];
  if (delta === 1) {
    const theta = M * (sx - t) - A1 * t - sx * t * d * d;
    const disc = Math.sqrt(theta * theta + 4 * M * d * d * sx * sx * t);
    const den = -2 * t * d * sx;
    candidates = [b1 - (-theta - disc) / den, b1 - (-theta + disc) / den];
  } else {
    const k = (delta - 1) * (t * sx - t * t);
    const A = (t * d * sx * (delta - 2)) / k;
    const B = (delta * M * (sx - t) - A1 * t - sx * t * d * d) / k;
    const C = (M * delta * d * sx) / k;
    const Q = (A * A - 3 * B) / 9;
    const R = (2 * A ** 3 - 9 * A * B + 27 * C) / 54;
    const D = R * R - Q ** 3;
    if (D < 0) {
      const th = Math.acos(R / Math.sqrt(Q ** 3));
      const roots = [th, th + 2 * Math.PI, th - 2 * Math.PI].map((a) => -2 * Math.sqrt(Q) * Math.cos(a / 3) - A / 3);
      candidates = roots.map((nu) => b1 - nu);
    } else {
      const t1 = -R + Math.sqrt(D);
      const t2 = -R - Math.sqrt(D);
      const nu = Math.cbrt(t1) + Math.cbrt(t2) - A / 3;
      return { betaStar: b1 - nu, alternatives: [] };
    }
  }
  // closest to β̃, preferring roots whose bias has the sign of β̃ − β̊ (Assumption 3)
  const score = (c: number) => (Math.sign(c - b1) !== Math.sign(b1 - b0) ? Infinity : 0) + (c - b1) ** 2;
  const dist = (c: number) => (c - b1) ** 2;
  const ordered = [...candidates].sort((p, q) => score(p) - score(q) || dist(p) - dist(q));
  return { betaStar: ordered[0], alternatives: ordered.slice(1) };
}

export interface SelectionSummary {
  beta_restricted: number;
  r2_restricted: number;
  beta_full: number;
  r2_full: number;
  r_max: number;
  altonji_ratio: number;
  oster_delta: number;
  oster_beta_star: number;
  /** whether [β*, β̃] excludes zero (Oster's robustness criterion) */
  excludes_zero: boolean;
}

export function selectionSummary(i: OsterInputs): SelectionSummary {
  const betaStar = osterBetaStar(i).betaStar;
  return {
    beta_restricted: i.betaRestricted,
    r2_restricted: i.r2Restricted,
    beta_full: i.betaFull,
    r2_full: i.r2Full,
    r_max: rMaxOf(i),
    altonji_ratio: altonjiRatio(i.betaRestricted, i.betaFull),
    oster_delta: osterDelta(i),
    oster_beta_star: betaStar,
    excludes_zero: Math.sign(betaStar) === Math.sign(i.betaFull) && betaStar !== 0,
  };
}

function sampleVariance(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i];
  m /= x.length;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return s / (x.length - 1);
}

/**
 * Run the restricted regression (y on x, restricted controls and the fixed effects) and the full one (all
 * controls), on the estimation sample of the full model, and compute the AET ratio and Oster's δ and β*.
 * The fixed effects are common to both regressions (Oster's "unrelated controls"); R² values are those of the
 * full models (fixed effects included).
 */
export function selectionOnUnobservables(
  frame: LoadedFrame,
  spec: { y: string; x: string; controls: string[]; restrictedControls?: string[]; fixedEffects?: string; rMax?: number },
): SelectionSummary {
  const fixedEffects = spec.fixedEffects ? spec.fixedEffects.split('+').map((s) => s.trim()) : [];
  const model = (depvar: string, exog: string[]) => modelFormula({ depvar, exog, fixedEffects });
  const full = estimateFe(frame, model(spec.y, [spec.x, ...spec.controls]));
  // same sample for every regression: the full model's rows
  const rows = full.sample.rows;
  const sub: LoadedFrame = { nrows: rows.length, numeric: {}, factors: {} };
  for (const [k, v] of Object.entries(frame.numeric)) sub.numeric[k] = Float64Array.from(rows, (r) => v[r]);
  for (const [k, v] of Object.entries(frame.factors)) sub.factors[k] = { codes: Int32Array.from(rows, (r) => v.codes[r]), levels: v.levels };
  const restricted = estimateFe(sub, model(spec.y, [spec.x, ...(spec.restrictedControls ?? [])]));
  const xOnFe = estimateFe(sub, model(spec.x, spec.restrictedControls ?? []));
  const xOnAll = estimateFe(sub, model(spec.x, spec.controls));
  return selectionSummary({
    betaRestricted: restricted.result.coefficients[spec.x].estimate,
    r2Restricted: restricted.result.r2,
    betaFull: full.result.coefficients[spec.x].estimate,
    r2Full: full.result.r2,
    varY: sampleVariance(sub.numeric[spec.y]),
    varX: sampleVariance(xOnFe.residuals),
    tauX: sampleVariance(xOnAll.residuals),
    rMax: spec.rMax,
  });
}
