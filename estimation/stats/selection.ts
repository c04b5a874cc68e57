// Sensitivity to selection on unobservables.
//
// Altonji, Elder & Taber (2005) ratio, in the Bellows–Miguel form: β_F / (β_R − β_F), with β_R the
// coefficient with restricted controls and β_F with the full set. Large |ratio| = selection on
// unobservables would have to be many times that on observables to explain the effect away.
//
// Oster (2019): with β̊, R̊ from the regression with restricted controls and β̃, R̃ with full controls,
//   δ (the selection ratio that would make β = 0) and β* (the bias-adjusted β for δ = 1) as psacalc
//   computes them under its default "beta" mode. The closed forms used here are Oster's (2019, Prop. 3 and
//   the δ that solves it for β = 0):
//     β*(δ) = β̃ − δ (β̊ − β̃) (Rmax − R̃) / (R̃ − R̊)
//     δ(β=0) = β̃ (R̃ − R̊) / ((β̊ − β̃)(Rmax − R̃))
//   with Rmax = min(1.3 R̃, 1) by default (Oster's suggested bound). These are the approximations that are
//   exact when the variance of the treatment is unaffected by the controls; psacalc's exact cubic solution
//   can differ when controls explain much of the treatment.

export function altonjiRatio(betaRestricted: number, betaFull: number): number {
  return betaFull / (betaRestricted - betaFull);
}

export interface OsterInputs {
  /** coefficient and R² with restricted controls (β̊, R̊) */
  betaRestricted: number;
  r2Restricted: number;
  /** coefficient and R² with the full controls (β̃, R̃) */
  betaFull: number;
  r2Full: number;
  /** default min(1.3·R̃, 1) */
  rMax?: number;
}

function rmaxOf(i: OsterInputs): number {
  return i.rMax ?? Math.min(1.3 * i.r2Full, 1);
}

/** Oster's δ: how strong selection on unobservables (relative to observables) must be for β = 0. */
export function osterDelta(i: OsterInputs): number {
  const rMax = rmaxOf(i);
  return (i.betaFull * (i.r2Full - i.r2Restricted)) / ((i.betaRestricted - i.betaFull) * (rMax - i.r2Full));
}

/** Oster's bias-adjusted β* for proportional selection δ (default 1). */
export function osterBetaStar(i: OsterInputs, delta = 1): number {
  const rMax = rmaxOf(i);
  return i.betaFull - (delta * (i.betaRestricted - i.betaFull) * (rMax - i.r2Full)) / (i.r2Full - i.r2Restricted);
}

export interface SelectionSummary {
  altonji_ratio: number;
  oster_delta: number;
  oster_beta_star: number;
  r_max: number;
  /** whether the interval [β*, β̃] excludes zero (Oster's robustness criterion) */
  excludes_zero: boolean;
}

export function selectionOnUnobservables(i: OsterInputs): SelectionSummary {
  const betaStar = osterBetaStar(i);
  return {
    altonji_ratio: altonjiRatio(i.betaRestricted, i.betaFull),
    oster_delta: osterDelta(i),
    oster_beta_star: betaStar,
    r_max: rmaxOf(i),
    excludes_zero: Math.sign(betaStar) === Math.sign(i.betaFull) && betaStar !== 0,
  };
}
