// Seeded random balanced panels for the threshold tests.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { type ThresholdMethod, makePanel } from '../../../econometrics/threshold/panel.ts';

export interface RandomPanelSpec {
  units: number;
  periods: number;
  regressors: number;
  regimeVars?: number;
  seed: number;
  /** number of distinct values of q (ties); default: continuous */
  qLevels?: number;
}

export function randomPanelData(spec: RandomPanelSpec) {
  const rng = xoroshiro128plus(spec.seed);
  const u = () => uniformFloat64(rng);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const n = spec.units * spec.periods;
  const m = spec.regimeVars ?? 1;
  const x = Array.from({ length: spec.regressors }, () => Float64Array.from({ length: n }, normal));
  const rx = Array.from({ length: m }, () => Float64Array.from({ length: n }, () => 1 + normal()));
  const q = Float64Array.from({ length: n }, () => (spec.qLevels ? Math.floor(u() * spec.qLevels) / spec.qLevels : u()));
  const alpha = Float64Array.from({ length: spec.units }, normal);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = alpha[Math.floor(i / spec.periods)] + normal();
    x.forEach((c, j) => (v += (0.5 - 0.1 * j) * c[i]));
    rx.forEach((c) => (v += (q[i] < 0.4 ? 1 : q[i] < 0.7 ? 1.6 : 0.8) * c[i]));
    y[i] = v;
  }
  return {
    units: spec.units,
    periods: spec.periods,
    y,
    x,
    xNames: x.map((_, j) => `x${j + 1}`),
    rx,
    rxNames: rx.map((_, j) => `r${j + 1}`),
    q,
  };
}

export function randomPanel(spec: RandomPanelSpec, method: ThresholdMethod) {
  return makePanel({ method, ...randomPanelData(spec) });
}
