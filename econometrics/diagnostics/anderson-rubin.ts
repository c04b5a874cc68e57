// Weak-instrument-robust inference for IV: the Anderson–Rubin (1949) test and, with one endogenous
// regressor, its confidence set; on the data with the fixed effects partialled out (and √w-scaled when
// weighted), with the model's vcov (iid, hc1, cluster, multi-way, dk) and its small-sample rules.
//
// AR(β0): regress y − Yβ0 on Q = [exogenous regressors, excluded instruments] and test that the L excluded
// instruments' coefficients are zero with the Wald statistic of the model's vcov, F = π̂_I' V̂_II⁻¹ π̂_I / L,
// p from F(L, df) with df the model's t degrees of freedom (N − K₁ with K₁ = Q + absorbed levels, or G − 1
// clustered; the same rules as the first-stage F). χ² form: L·F against χ²(L). Reported at β0 = 0 (every
// endogenous coefficient zero), as ivreg2's "Anderson-Rubin Wald test" (which differs from this F only by
// its small-sample scaling).
// Confidence set (one endogenous regressor x): { β : AR(β) ≤ F_{1−α}(L, df) }. With e_y, e_x the residuals
// and π_y, π_x the coefficients of y and x on Q, π(β) = π_y − βπ_x and e(β) = e_y − βe_x; every vcov is a
// quadratic form in the residuals, so V(β) = V(e_y) − β[V(e_y + e_x) − V(e_y) − V(e_x)] + β² V(e_x).
//   closed form (iid, or L = 1 and not multi-way): AR(β) ≤ c is the quadratic inequality
//     (n2 − κr2)β² − 2(n1 − κr1)β + (n0 − κr0) ≤ 0,  κ = cL, n_· from π_I'Aπ_I (A = B_II⁻¹ for iid, 1 for L = 1)
//     and r_· the matching pieces of s²(β) (iid) or V_II(β) (L = 1): an interval, the union of two rays, the
//     whole line or the empty set (Dufour & Taamouti 2005; Mikusheva 2010 for the robust L = 1 case);
//   otherwise grid inversion: AR(β) on 2001 points over β̂ ± 100·se(β̂) (the model's estimate) and on geometric
//     grids of 50 points a decade from β̂ ± 0.001·se to β̂ ± 10⁸·se, each crossing of the critical value refined by
//     bisection; an end of the set that reaches the last point is followed outwards by doubling the distance until
//     AR exceeds the critical value (refined by bisection) or up to 2^60 times the grid's span (reported as
//     unbounded, null). A hole or piece of the set narrower than the grid's spacing there (0.1·se near β̂, about
//     5% of the distance from β̂ farther out) can be missed.
// Multi-way clustering: the negative eigenvalues of the reduced form's covariance (coefficients and constant)
// are set to 0 at every β before the test, as for the model's own covariance.
import { chi2PValue, fCritical, fPValue } from '../dist.ts';
import type { DofRule } from '../dof.ts';
import type { Grouping } from '../frame.ts';
import { dot, inverse, mat, quadFormInv, submatrix, type Mat } from '../linalg.ts';
import { leastSquares, residuals } from '../models/common.ts';
import { computeVcov, fixNegativeEigenvalues, type ConstantColumn, type VcovSpec } from '../vcov.ts';

export interface ConfidenceSet {
  level: number;
  method: 'closed_form' | 'grid';
  /** AR critical value F_{level}(L, df) */
  critical_value: number;
  /** disjoint intervals in increasing order; null for an unbounded end; [] is the empty set */
  intervals: Array<[number | null, number | null]>;
}

export interface AndersonRubin {
  /** H0: every endogenous coefficient is zero */
  F: number;
  df1: number;
  df2: number;
  p: number;
  chi2: number;
  chi2_p: number;
  /** one endogenous regressor only (null otherwise) */
  confidence_set: ConfidenceSet | null;
}

export interface ArInputs {
  /** demeaned dependent variable */
  y: Float64Array;
  /** demeaned endogenous regressors */
  endog: Float64Array[];
  /** demeaned [exogenous regressors, excluded instruments] */
  Q: Float64Array[];
  /** number of exogenous regressors at the front of Q */
  nExog: number;
  spec: VcovSpec;
  clusters: Grouping[];
  /** K of the small-sample factor of the reduced form (Q + counted fixed-effect levels) */
  dofK: number;
  dofRule: DofRule;
  constant: ConstantColumn | null;
  /** the model's estimate and standard error of the endogenous coefficient (centre and scale of the grid) */
  estimate: number;
  se: number;
  level?: number;
}

export function andersonRubin(inp: ArInputs): AndersonRubin {
  const { Q, nExog, spec } = inp;
  const L = Q.length - nExog;
  const level = inp.level ?? 0.95;
  const instr = Array.from({ length: L }, (_, j) => nExog + j);
  const ls = leastSquares(Q, inp.y);
  const multiway = spec.type === 'cluster' && spec.variables.length > 1;
  const vcovOf = (u: Float64Array) =>
    computeVcov(Q, ls.bread, u, spec, inp.clusters, inp.dofK, inp.dofRule, inp.constant);
  const reported = (V: Mat) => (multiway ? fixNegativeEigenvalues(V).V : V);

  const ey = residuals(inp.y, Q, ls.b);
  const vy = vcovOf(ey);
  const df2 = vy.dfT;
  const piY = instr.map((j) => ls.b[j]);
  const wald0 = quadFormInv(submatrix(reported(vy.V), instr, instr), piY);
  const F = wald0 / L;
  const result: AndersonRubin = {
    F, df1: L, df2, p: fPValue(F, L, df2), chi2: wald0, chi2_p: chi2PValue(wald0, L), confidence_set: null,
  };
  if (inp.endog.length !== 1) return result;

  const lx = leastSquares(Q, inp.endog[0]);
  const ex = residuals(inp.endog[0], Q, lx.b);
  const piX = instr.map((j) => lx.b[j]);
  const vx = vcovOf(ex).V;
  const vsum = vcovOf(Float64Array.from(ey, (v, i) => v + ex[i])).V;
  const p = vy.V.rows;
  // V(β) = Vyy − β·C + β²·Vxx with C = V(e_y + e_x) − Vyy − Vxx (full matrices, constant included)
  const C = mat(p, p);
  for (let i = 0; i < p * p; i++) C.data[i] = vsum.data[i] - vy.V.data[i] - vx.data[i];
  const crit = fCritical(level, L, df2);
  const kappa = crit * L;

  let set: ConfidenceSet;
  if (spec.type === 'iid' || (L === 1 && !multiway)) {
    // AR(β)·L = N(β)/D(β): N(β) = n0 − 2n1β + n2β², D(β) = r0 − 2r1β + r2β²
    let A: Mat;
    let r0: number, r1: number, r2: number;
    if (spec.type === 'iid') {
      A = inverse(submatrix(ls.bread, instr, instr));
      const dof = ey.length - inp.dofK;
      r0 = dot(ey, ey) / dof;
      r1 = dot(ey, ex) / dof;
      r2 = dot(ex, ex) / dof;
    } else {
      A = mat(1, 1, [1]);
      const k = instr[0] * p + instr[0];
      r0 = vy.V.data[k];
      r1 = C.data[k] / 2;
      r2 = vx.data[k];
    }
    const form = (a: number[], b: number[]) => {
      let s = 0;
      for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) s += a[i] * A.data[i * L + j] * b[j];
      return s;
    };
    const n0 = form(piY, piY);
    const n1 = form(piY, piX);
    const n2 = form(piX, piX);
    set = { level, method: 'closed_form', critical_value: crit, intervals: quadraticSet(n2 - kappa * r2, -2 * (n1 - kappa * r1), n0 - kappa * r0) };
  } else {
    const Vyy = vy.V;
    const stat = (beta: number): number => {
      const V = mat(p, p);
      for (let i = 0; i < p * p; i++) V.data[i] = Vyy.data[i] - beta * C.data[i] + beta * beta * vx.data[i];
      const g = piY.map((v, j) => v - beta * piX[j]);
      return quadFormInv(submatrix(reported(V), instr, instr), g) / L;
    };
    set = { level, method: 'grid', critical_value: crit, intervals: gridSet((b) => stat(b) - crit, inp.estimate, inp.se) };
  }
  result.confidence_set = set;
  return result;
}

/** { β : aβ² + bβ + c ≤ 0 } as intervals (null: unbounded end). */
export function quadraticSet(a: number, b: number, c: number): Array<[number | null, number | null]> {
  if (a === 0) {
    if (b === 0) return c <= 0 ? [[null, null]] : [];
    return b > 0 ? [[null, -c / b]] : [[-c / b, null]];
  }
  const disc = b * b - 4 * a * c;
  if (disc < 0) return a > 0 ? [] : [[null, null]];
  // stable roots: q = −(b + sign(b)√disc)/2, roots q/a and c/q
  const q = -0.5 * (b + (b >= 0 ? 1 : -1) * Math.sqrt(disc));
  const roots = q === 0 ? [0, 0] : [q / a, c / q].sort((x, y) => x - y);
  return a > 0 ? [[roots[0], roots[1]]] : [[null, roots[0]], [roots[1], null]];
}

/** { β : h(β) ≤ 0 } by grid inversion around `centre` (see the header). */
function gridSet(h: (beta: number) => number, centre: number, scale: number): Array<[number | null, number | null]> {
  const unit = scale > 0 && Number.isFinite(scale) ? scale : Math.max(1, Math.abs(centre));
  const width = 100 * unit;
  // a fine linear grid near the estimate, and geometric grids (50 points a decade) from 0.001 to 10^8 units
  // on either side: holes and pieces far from the estimate are as likely as near it when identification is weak
  const xs: number[] = [];
  for (let i = 0; i <= 2000; i++) xs.push(centre - width + (i * 2 * width) / 2000);
  for (let k = -150; k <= 400; k++) {
    const d = unit * 10 ** (k / 50);
    xs.push(centre - d, centre + d);
  }
  xs.sort((a, b) => a - b);
  const points = xs.length;
  const hs = xs.map(h);
  const root = (a: number, b: number, ha: number) => {
    // h(a) and h(b) differ in sign: bisection to the last bits
    for (let i = 0; i < 200; i++) {
      const m = 0.5 * (a + b);
      if (m === a || m === b) break;
      const hm = h(m);
      if ((hm <= 0) === (ha <= 0)) { a = m; ha = hm; } else b = m;
    }
    return 0.5 * (a + b);
  };
  // follow the set past an edge: double the distance until h > 0, then bisect
  const outer = xs[points - 1] - xs[0];
  const beyond = (edge: number, direction: 1 | -1): number | null => {
    let inside = edge;
    for (let j = 0; j < 60; j++) {
      const out = edge + direction * outer * 2 ** j;
      if (h(out) > 0) return root(inside, out, h(inside));
      inside = out;
    }
    return null;
  };
  const intervals: Array<[number | null, number | null]> = [];
  let start: number | null | undefined = hs[0] <= 0 ? beyond(xs[0], -1) : undefined;
  for (let i = 1; i < points; i++) {
    const wasIn = hs[i - 1] <= 0;
    const isIn = hs[i] <= 0;
    if (wasIn === isIn) continue;
    const x = root(xs[i - 1], xs[i], hs[i - 1]);
    if (isIn) start = x;
    else {
      intervals.push([start ?? null, x]);
      start = undefined;
    }
  }
  if (start !== undefined) intervals.push([start, beyond(xs[points - 1], 1)]);
  return intervals;
}
