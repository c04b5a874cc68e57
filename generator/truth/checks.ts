/**
 * The paper's regressions on a derived panel (kept cities × years), as the truth documents them:
 * two-way within OLS with city-clustered SEs, just-identified 2SLS, the threshold model at the true
 * thresholds, the mediation steps and the subsample splits. Used for truth.json and the tests.
 */
import type { DerivedPanel, ModelVar } from './derive.ts';
import { olsRows, ivRows, estimate, type Estimate } from './linalg.ts';
import { THRESHOLDS, VA_THRESHOLD, IND_THRESHOLD } from './params.ts';

export interface Moments { obs: number; mean: number; sd: number; min: number; max: number }

export function moments(x: ArrayLike<number>, mask?: Uint8Array): Moments {
  let n = 0, s = 0, mn = Infinity, mx = -Infinity;
  for (let i = 0; i < x.length; i++) if (!mask || mask[i]) { n++; s += x[i]; mn = Math.min(mn, x[i]); mx = Math.max(mx, x[i]); }
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < x.length; i++) if (!mask || mask[i]) v += (x[i] - mean) ** 2;
  return { obs: n, mean, sd: Math.sqrt(v / (n - 1)), min: mn, max: mx };
}

export interface PanelIndex { city: Int32Array; year: Int32Array; provYear: Int32Array; all: Uint8Array; n: number }

export function panelIndex(d: DerivedPanel): PanelIndex {
  const Y = d.years.length, n = d.kept.length * Y;
  const city = new Int32Array(n), year = new Int32Array(n), provYear = new Int32Array(n);
  const prov = new Map<string, number>();
  d.kept.forEach((c, k) => {
    if (!prov.has(c.province_code)) prov.set(c.province_code, prov.size);
    for (let t = 0; t < Y; t++) { const i = k * Y + t; city[i] = k; year[i] = t; provYear[i] = prov.get(c.province_code)! * Y + t; }
  });
  return { city, year, provYear, all: new Uint8Array(n).fill(1), n };
}

export interface Reg { coef: Record<string, number>; se: Record<string, number>; nobs: number; r2_within: number; r2_lsdv: number }

function named(names: string[], e: Estimate): Reg {
  return {
    coef: Object.fromEntries(names.map((n, j) => [n, e.coef[j]])),
    se: Object.fromEntries(names.map((n, j) => [n, e.se[j]])),
    nobs: e.nobs, r2_within: e.r2_within, r2_lsdv: e.r2_lsdv,
  };
}

export const CONTROLS = ['Eco', 'Huc', 'Edu', 'Fis', 'Gov'] as const;

/** OLS of y on xs with the given fixed effects, city-clustered. */
export function reg(d: DerivedPanel, ix: PanelIndex, y: ModelVar | Float64Array, xs: (ModelVar | [string, Float64Array])[], fe: ('city' | 'year' | 'provYear')[], mask = ix.all): Reg {
  const names = xs.map((x) => (typeof x === 'string' ? x : x[0]));
  const cols = xs.map((x) => (typeof x === 'string' ? d.vars[x] : x[1]));
  const fit = olsRows(cols, fe.map((f) => ix[f]), mask);
  return named(names, estimate(fit, typeof y === 'string' ? d.vars[y] : y, ix.city));
}

function winsor(x: Float64Array, lo = 0.01, hi = 0.99): Float64Array {
  const s = Array.from(x).sort((a, b) => a - b);
  const q = (p: number) => { const h = (s.length - 1) * p; const f = Math.floor(h); return s[f] + (h - f) * ((s[Math.min(f + 1, s.length - 1)]) - s[f]); };
  const a = q(lo), b = q(hi);
  return x.map((v) => Math.min(b, Math.max(a, v)));
}

export function paperEstimates(d: DerivedPanel) {
  const ix = panelIndex(d);
  const Y = d.years.length;
  const twfe: ('city' | 'year')[] = ['city', 'year'];
  const ctrl = [...CONTROLS] as ModelVar[];
  const maskOf = (f: (k: number, t: number) => boolean) => {
    const m = new Uint8Array(ix.n);
    d.kept.forEach((_, k) => { for (let t = 0; t < Y; t++) m[k * Y + t] = f(k, t) ? 1 : 0; });
    return m;
  };
  const table2 = [1, 2, 3, 4, 5, 6].map((j) => reg(d, ix, 'Inn', ['AI', ...ctrl.slice(0, j - 1)], twfe));
  const noMuni = maskOf((k) => !d.kept[k].is_municipality);
  const w: Record<string, Float64Array> = {};
  for (const v of ['Inn', 'AI', ...ctrl] as ModelVar[]) w[v] = winsor(d.vars[v]);
  const table3 = {
    drop_2020_2022: reg(d, ix, 'Inn', ['AI', ...ctrl], twfe, maskOf((_, t) => d.years[t] < 2020)),
    winsorize_1pct: reg(d, ix, w.Inn, [['AI', w.AI], ...ctrl.map((c) => [c, w[c]] as [string, Float64Array])], twfe),
    patent_applications: reg(d, ix, 'Inn1', ['AI', ...ctrl], twfe),
    drop_municipalities: reg(d, ix, 'Inn', ['AI', ...ctrl], twfe, noMuni),
    // province×year FE: the municipalities are singletons in their province-year cells (absorbed), as in reghdfe
    province_year_fe: reg(d, ix, 'Inn', ['AI', ...ctrl], ['city', 'provYear'], noMuni),
  };
  const fs = reg(d, ix, 'AI', ['IV', ...ctrl], twfe);
  const ivFit = ivRows([d.vars.AI, ...ctrl.map((c) => d.vars[c])], [d.vars.IV, ...ctrl.map((c) => d.vars[c])], [ix.city, ix.year], ix.all);
  const second = named(['AI', ...ctrl], estimate(ivFit, d.vars.Inn, ix.city));
  const [g1, g2] = THRESHOLDS;
  const AI = d.vars.AI;
  const regimes: [string, Float64Array][] = [
    ['AI_r1', AI.map((a) => (a <= g1 ? a : 0))], ['AI_r2', AI.map((a) => (a > g1 && a <= g2 ? a : 0))], ['AI_r3', AI.map((a) => (a > g2 ? a : 0))],
  ];
  const regimeObs = [AI.filter((a) => a <= g1).length, AI.filter((a) => a > g1 && a <= g2).length, AI.filter((a) => a > g2).length];
  const single = (q: Float64Array, g: number): [string, Float64Array][] => [
    ['AI_r1', AI.map((a, i) => (q[i] <= g ? a : 0))], ['AI_r2', AI.map((a, i) => (q[i] > g ? a : 0))],
  ];
  const table5 = {
    thresholds: [g1, g2],
    regime_obs: regimeObs,
    two_way_fe: reg(d, ix, 'Inn', [...regimes, ...ctrl], twfe),
    city_fe_only: reg(d, ix, 'Inn', [...regimes, ...ctrl], ['city']),
    va_threshold: VA_THRESHOLD[0],
    va_two_way_fe: reg(d, ix, 'Inn', [...single(d.vars.Va, VA_THRESHOLD[0]), ...ctrl], twfe),
    ind_threshold: IND_THRESHOLD[0],
    ind_two_way_fe: reg(d, ix, 'Inn', [...single(d.vars.Ind, IND_THRESHOLD[0]), ...ctrl], twfe),
  };
  const table6 = {
    inn: table2[5],
    va_on_ai: reg(d, ix, 'Va', ['AI', ...ctrl], twfe),
    inn_on_ai_va: reg(d, ix, 'Inn', ['AI', 'Va', ...ctrl], twfe),
    ind_on_ai: reg(d, ix, 'Ind', ['AI', ...ctrl], twfe),
    inn_on_ai_ind: reg(d, ix, 'Inn', ['AI', 'Ind', ...ctrl], twfe),
  };
  const split = (v: ModelVar) => {
    const m = moments(d.vars[v]).mean;
    return { high: maskOf((k, t) => d.vars[v][k * Y + t] > m), low: maskOf((k, t) => !(d.vars[v][k * Y + t] > m)) };
  };
  const dr = split('DataRes'), di = split('DigInfra');
  const table7 = {
    east: reg(d, ix, 'Inn', ['AI', ...ctrl], twfe, maskOf((k) => d.kept[k].region === 'east')),
    central: reg(d, ix, 'Inn', ['AI', ...ctrl], twfe, maskOf((k) => d.kept[k].region === 'central')),
    west: reg(d, ix, 'Inn', ['AI', ...ctrl], twfe, maskOf((k) => d.kept[k].region === 'west')),
    high_data_resources: reg(d, ix, 'Inn', ['AI', ...ctrl], twfe, dr.high),
    low_data_resources: reg(d, ix, 'Inn', ['AI', ...ctrl], twfe, dr.low),
    high_digital_infrastructure: reg(d, ix, 'Inn', ['AI', ...ctrl], twfe, di.high),
    low_digital_infrastructure: reg(d, ix, 'Inn', ['AI', ...ctrl], twfe, di.low),
  };
  // Altonji–Elder–Taber / Nunn–Wantchekon ratio: β_full / (β_restricted − β_full)
  const ratio = table2[5].coef.AI / (table2[0].coef.AI - table2[5].coef.AI);
  return { table2, table3, table4: { first_stage: fs, second_stage: second, selection_ratio: ratio }, table5, table6, table7 };
}
