/**
 * The data-generating process ("truth") of the synthetic city panel. See raw/TRUTH.md for the prose.
 *
 * All draws come from per-(purpose, city, year) streams (rng.ts); every calibration constant is computed
 * on the base window (the 271 kept cities × 2011–2022) only, so that building with one more data year
 * reproduces 2011–2022 exactly and appends a year drawn from the same equations.
 */
import { normalAt } from './rng.ts';
import { cityRecords, type CityRecord } from './cities.ts';
import { olsRows, ivRows, dot, solve, type Fit } from './linalg.ts';
import {
  BASE_YEARS, TABLE1, INN_TARGETS, INN_TARGET_VALUES, INN_TARGET_NAMES, VA_THRESHOLD, IND_THRESHOLD, type InnTargetName, THRESHOLDS, FIRST_STAGE_IV, AI_TO_VA, AI_TO_IND, INN1_AI,
  HIGH_DATARES_OBS, HIGH_DIGINFRA_OBS, T5_SCALE,
} from './params.ts';

export interface DropSpec { code: string; name: string; reason: string; missing: { indicator: string; years: number[] | 'all' }[] }

/** Cities that the drop rule removes, with the gap that makes them fail it. */
export const DROPPED: DropSpec[] = [
  { code: '460300', name: '三沙', reason: 'new city from 2012 (nothing for 2011); island prefecture without enterprises, colleges or a budget of its own: only population, land area, GDP and express deliveries are reported', missing: [{ indicator: 'gdp_primary', years: 'all' }, { indicator: 'gdp_secondary', years: 'all' }, { indicator: 'gdp_tertiary', years: 'all' }, { indicator: 'students', years: 'all' }, { indicator: 'edu_exp', years: 'all' }, { indicator: 'sci_exp', years: 'all' }, { indicator: 'budget_revenue', years: 'all' }, { indicator: 'budget_expenditure', years: 'all' }, { indicator: 'broadband_users', years: 'all' }, { indicator: 'mobile_users', years: 'all' }, { indicator: 'telecom_revenue', years: 'all' }, { indicator: 'patents_granted', years: 'all' }, { indicator: 'patent_applications', years: 'all' }, { indicator: 'ai_firms', years: 'all' }] },
  { code: '460400', name: '儋州', reason: 'prefecture-level city only from 2015: no rows for 2011–2014 (four leading years)', missing: [] },
  { code: '520500', name: '毕节', reason: 'paper names it; the EPS patent series starts in 2013 after the 地区→市 change: patents granted and applications missing 2011–2012 (two leading years)', missing: [{ indicator: 'patents_granted', years: [2011, 2012] }, { indicator: 'patent_applications', years: [2011, 2012] }] },
  { code: '520600', name: '铜仁', reason: 'paper names it; as 毕节, patent series missing 2011–2012', missing: [{ indicator: 'patents_granted', years: [2011, 2012] }, { indicator: 'patent_applications', years: [2011, 2012] }] },
  { code: '650200', name: '克拉玛依', reason: 'paper names it; broadband subscribers (the instrument) not reported 2011–2014', missing: [{ indicator: 'broadband_users', years: [2011, 2012, 2013, 2014] }] },
  { code: '630200', name: '海东', reason: 'city only from 2013: no rows for 2011–2012', missing: [] },
  { code: '540100', name: '拉萨', reason: 'AI vendor panel has no rows before 2015 (fewer firms than its listing floor)', missing: [{ indicator: 'ai_firms', years: [2011, 2012, 2013, 2014] }] },
  { code: '540200', name: '日喀则', reason: 'city only from 2014: no rows for 2011–2013', missing: [] },
  { code: '540300', name: '昌都', reason: 'city only from 2014: no rows for 2011–2013', missing: [] },
  { code: '540400', name: '林芝', reason: 'city only from 2015: no rows for 2011–2014', missing: [] },
  { code: '540500', name: '山南', reason: 'city only from 2016: no rows for 2011–2015', missing: [] },
  { code: '540600', name: '那曲', reason: 'city only from 2017: no rows for 2011–2016', missing: [] },
  { code: '650400', name: '吐鲁番', reason: 'city only from 2015: no rows for 2011–2014', missing: [] },
  { code: '650500', name: '哈密', reason: 'city only from 2016: no rows for 2011–2015', missing: [] },
  { code: '621200', name: '陇南', reason: 'science & technology spending not itemised 2011–2013', missing: [{ indicator: 'sci_exp', years: [2011, 2012, 2013] }] },
  { code: '621100', name: '定西', reason: 'telecom revenue no longer published 2020–2022', missing: [{ indicator: 'telecom_revenue', years: [2020, 2021, 2022] }] },
  { code: '640400', name: '固原', reason: 'patent series missing 2011–2012', missing: [{ indicator: 'patents_granted', years: [2011, 2012] }, { indicator: 'patent_applications', years: [2011, 2012] }] },
  { code: '640500', name: '中卫', reason: 'no regular college students reported in any year', missing: [{ indicator: 'students', years: 'all' }] },
  { code: '530900', name: '临沧', reason: 'AI vendor panel has no rows 2011–2013', missing: [{ indicator: 'ai_firms', years: [2011, 2012, 2013] }] },
  { code: '530800', name: '普洱', reason: 'AI vendor panel has no rows 2011–2012', missing: [{ indicator: 'ai_firms', years: [2011, 2012] }] },
  { code: '530600', name: '昭通', reason: 'mobile subscribers missing 2011–2012', missing: [{ indicator: 'mobile_users', years: [2011, 2012] }] },
  { code: '451400', name: '崇左', reason: 'broadband subscribers missing 2011–2013', missing: [{ indicator: 'broadband_users', years: [2011, 2012, 2013] }] },
  { code: '451300', name: '来宾', reason: 'telecom revenue missing 2019–2022', missing: [{ indicator: 'telecom_revenue', years: [2019, 2020, 2021, 2022] }] },
  { code: '451200', name: '河池', reason: 'budget revenue missing 2021–2022', missing: [{ indicator: 'budget_revenue', years: [2021, 2022] }] },
  { code: '150800', name: '巴彦淖尔', reason: 'science & technology spending missing 2011–2012', missing: [{ indicator: 'sci_exp', years: [2011, 2012] }] },
  { code: '150900', name: '乌兰察布', reason: 'college students missing 2011–2012', missing: [{ indicator: 'students', years: [2011, 2012] }] },
];

/** Inn error: city-specific growth trend + persistent AR(1) + white noise (residual sd ≈ 0.6 as R² 0.85 implies) */
const INN_EPS = { trend_sd: 0.035, ar_rho: 0.8, ar_sd: 0.6, iid_sd: 0.12 };
const CONF = { rho: 0.8, sd: 0.32, sd_west: 0.32 };
/** kept-city mean path of Inn over years (before the level calibration), with the 2020–2021 surge of grants */
/** tolerance of the Inn calibration targets (penalized solve) and the weak priors of the structural parameters */
const TARGET_TOL = 0.0002;
const INN_PRIOR: Record<string, { mean: number; scale: number }> = {
  b_AI: { mean: 0.6869, scale: 1 }, lambda_conf: { mean: -0.6, scale: 1 },
  lambda_conf_west: { mean: 0, scale: 0.7 }, lambda_conf_2020_2022: { mean: 0, scale: 0.7 },
  lambda_conf_province_year: { mean: 0, scale: 0.7 },
  g_Eco: { mean: 0.243, scale: 1 }, g_Huc: { mean: 0.0467, scale: 1 }, g_Edu: { mean: 0.2339, scale: 1 },
  g_Fis: { mean: 0.3922, scale: 1 }, g_Gov: { mean: 0.8662, scale: 1 },
  theta_Va: { mean: 0.0494, scale: 0.5 }, theta_Ind: { mean: 0.3314, scale: 1 },
  d_regime2: { mean: 0, scale: 0.2 }, d_regime3: { mean: 0, scale: 0.2 }, d_va_regime2: { mean: 0, scale: 0.2 }, d_ind_regime2: { mean: 0, scale: 0.2 },
};
const INN_SURGE: Record<number, number> = { 2020: 0.1, 2021: 0.18, 2022: 0.1 };
const INN_YEAR_PATH = (year: number) => 0.13 * (year - 2016.5) + (INN_SURGE[year] ?? 0);
/** Development boosts of the quality index for well-known centres. */
const BOOST: Record<string, number> = {
  '110000': 2.6, '310000': 2.6, '440300': 2.4, '440100': 2.0, '330100': 1.7, '320100': 1.6, '320500': 1.7,
  '420100': 1.6, '510100': 1.6, '120000': 1.4, '610100': 1.3, '500000': 0.7, '210200': 1.1, '370200': 1.2,
  '330200': 1.3, '350200': 1.2, '441900': 1.1, '440600': 1.1, '320200': 1.3, '370100': 1.1,
};
/** Rough real registered populations (万人) where a draw would be implausible. */
const POP: Record<string, number> = {
  '110000': 1380, '120000': 1090, '310000': 1450, '500000': 3380, '440300': 980, '440100': 900, '510100': 1250,
  '420100': 860, '610100': 860, '330100': 760, '320100': 690, '320500': 680, '460300': 0.25, '460400': 98,
  '650200': 30, '620200': 24, '620300': 47, '540100': 55, '540200': 78, '540300': 70, '540400': 20, '540500': 35,
  '540600': 50, '650400': 63, '650500': 62, '630200': 170, '640200': 76, '150300': 56,
};
/** Rough real land areas (km²) of some cities; the others are drawn. */
const LAND: Record<string, number> = {
  '110000': 16410, '120000': 11966, '310000': 6341, '500000': 82402, '440300': 1997, '350200': 1701, '440100': 7434,
  '460300': 20, '460400': 3400, '650200': 7734, '620200': 1224, '540100': 29518, '540200': 182000, '540300': 110000,
  '540400': 114000, '540500': 79300, '540600': 350000, '650400': 69700, '650500': 142000, '630200': 13200,
  '370100': 10244, '150300': 1754,
};

export interface Panel {
  seed: number;
  years: number[];
  cities: CityRecord[];
  C: number;
  Y: number;
  /** kept (base sample) flag per city */
  keptCity: Uint8Array;
  /** observation mask of the base window: kept city and base year */
  base: Uint8Array;
  /** continuous true values of the raw indicators, index c*Y + t */
  raw: Record<string, Float64Array>;
  /** model variables as the truth defines them (for documentation) */
  model: Record<string, Float64Array>;
  params: Record<string, unknown>;
  groups: { city: Int32Array; year: Int32Array; provYear: Int32Array };
}

const mean = (a: ArrayLike<number>, m: Uint8Array) => { let s = 0, k = 0; for (let i = 0; i < a.length; i++) if (m[i]) { s += a[i]; k++; } return s / k; };
const variance = (a: ArrayLike<number>, m: Uint8Array) => { const mu = mean(a, m); let s = 0, k = 0; for (let i = 0; i < a.length; i++) if (m[i]) { s += (a[i] - mu) ** 2; k++; } return s / (k - 1); };

/** Acklam's inverse normal CDF (relative error < 1.2e-9). */
export function qnorm(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) { const q = Math.sqrt(-2 * Math.log(p)); return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1); }
  if (p > 1 - pl) { const q = Math.sqrt(-2 * Math.log(1 - p)); return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1); }
  const q = p - 0.5, r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * Level-and-spread calibration: X_it = m + s·B_c + (W_it − W̄_c), with W̄_c the city's base-window mean of W.
 * Returns m and s such that X has the target mean and sd over the base window.
 */
interface LevelFit { m: number; s: number; Wbar: Float64Array; knee: number; factor: number }

function fitLevel(B0: Float64Array, W: Float64Array, p: Panel, target: { mean: number; sd: number }, knee = 1.6, factor = 0.45): LevelFit {
  const { C, Y, base } = p;
  const B = compress(B0, p, knee, factor);
  const Wbar = new Float64Array(C);
  for (let c = 0; c < C; c++) { let s = 0; for (let t = 0; t < BASE_YEARS.length; t++) s += W[c * Y + t]; Wbar[c] = s / BASE_YEARS.length; }
  const Wd = new Float64Array(C * Y);
  const Bo = new Float64Array(C * Y);
  for (let c = 0; c < C; c++) for (let t = 0; t < Y; t++) { Wd[c * Y + t] = W[c * Y + t] - Wbar[c]; Bo[c * Y + t] = B[c]; }
  const vW = variance(Wd, base);
  const vB = variance(Bo, base);
  const s = Math.sqrt(Math.max(target.sd ** 2 - vW, 0.05 * target.sd ** 2) / vB);
  const m = target.mean - s * mean(Bo, base) - mean(Wd, base);
  return { m, s, Wbar, knee, factor };
}

function apply(fit: LevelFit, B0: Float64Array, W: Float64Array, p: Panel): Float64Array {
  const B = compress(B0, p, fit.knee, fit.factor);
  const out = new Float64Array(p.C * p.Y);
  for (let c = 0; c < p.C; c++) for (let t = 0; t < p.Y; t++) out[c * p.Y + t] = fit.m + fit.s * B[c] + W[c * p.Y + t] - fit.Wbar[c];
  return out;
}

/**
 * Thin the tails of a city-level component: standardized over the kept cities, |z| beyond the knee (1.6 unless set) is
 * shrunk by a factor (0.45 unless set) (real city panels have fewer extreme cities than a sum of normal draws).
 */
function compress(B: Float64Array, p: Panel, knee: number, factor: number): Float64Array {
  let s = 0, k = 0;
  for (let c = 0; c < p.C; c++) if (p.keptCity[c]) { s += B[c]; k++; }
  const mu = s / k;
  let v = 0;
  for (let c = 0; c < p.C; c++) if (p.keptCity[c]) v += (B[c] - mu) ** 2;
  const sd = Math.sqrt(v / (k - 1));
  return B.map((b) => {
    const z = (b - mu) / sd, a = Math.abs(z);
    return mu + sd * Math.sign(z) * (a <= knee ? a : knee + factor * (a - knee));
  });
}

/** AR(1) path per city with stationary start: x_t = ρ x_{t-1} + sd·sqrt(1-ρ²)·z_t. */
function ar1(p: Panel, purpose: string, rho: number, sd: (c: number) => number): Float64Array {
  const out = new Float64Array(p.C * p.Y);
  for (let c = 0; c < p.C; c++) {
    const code = p.cities[c].city_code;
    let x = 0;
    for (let t = 0; t < p.Y; t++) {
      const z = normalAt(p.seed, purpose, code, p.years[t]);
      x = t === 0 ? sd(c) * z : rho * x + sd(c) * Math.sqrt(1 - rho * rho) * z;
      out[c * p.Y + t] = x;
    }
  }
  return out;
}

function cityDraw(p: Panel, purpose: string): Float64Array {
  return Float64Array.from(p.cities, (c) => normalAt(p.seed, purpose, c.city_code));
}

export interface RegSpec { name: string; fit: Fit }

export function buildPanel(seed: number, years: number[]): Panel {
  for (let i = 0; i < BASE_YEARS.length; i++) {
    if (years[i] !== BASE_YEARS[i]) throw new Error('buildTruth: years must start with 2011..2022 (consecutive)');
  }
  for (let i = 1; i < years.length; i++) if (years[i] !== years[i - 1] + 1) throw new Error('buildTruth: years must be consecutive');
  const cities = cityRecords();
  const C = cities.length, Y = years.length, N = C * Y;
  const dropped = new Set(DROPPED.map((d) => d.code));
  const keptCity = Uint8Array.from(cities, (c) => (dropped.has(c.city_code) ? 0 : 1));
  const base = new Uint8Array(N);
  const city = new Int32Array(N), year = new Int32Array(N), provYear = new Int32Array(N);
  const provIdx = new Map<string, number>();
  for (const c of cities) if (!provIdx.has(c.province_code)) provIdx.set(c.province_code, provIdx.size);
  for (let c = 0; c < C; c++) for (let t = 0; t < Y; t++) {
    const i = c * Y + t;
    base[i] = keptCity[c] && t < BASE_YEARS.length ? 1 : 0;
    city[i] = c; year[i] = t; provYear[i] = provIdx.get(cities[c].province_code)! * Y + t;
  }
  const p: Panel = { seed, years, cities, C, Y, keptCity, base, raw: {}, model: {}, params: {}, groups: { city, year, provYear } };
  const region = (c: number) => cities[c].region;
  const east = Float64Array.from(cities, (c) => (c.region === 'east' ? 1 : 0));
  const west = Float64Array.from(cities, (c) => (c.region === 'west' ? 1 : 0));
  const tc = (t: number) => years[t] - 2016.5;   // centred time
  const t0 = (t: number) => years[t] - 2011;

  // ---- city latent quality Q: ranks of a raw index mapped to a truncated normal on [-2.1, 2.3]
  const uQ = cityDraw(p, 'quality');
  const rawQ = cities.map((c, i) => uQ[i] + (c.region === 'east' ? 0.55 : c.region === 'west' ? -0.55 : -0.05)
    + (BOOST[c.city_code] ?? (c.city_code.endsWith('0100') ? 1.0 : 0)));
  const order = rawQ.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const Q = new Float64Array(C);
  const lo = 0.5 * (1 + erf(-2.1 / Math.SQRT2)), hi = 0.5 * (1 + erf(2.3 / Math.SQRT2));
  order.forEach(([, i], r) => { Q[i] = qnorm(lo + ((hi - lo) * (r + 0.5)) / C); });

  // ---- population (万人) and land area (km²)
  const uPop = cityDraw(p, 'pop'), gPop = cityDraw(p, 'pop-growth');
  const pop0 = Float64Array.from(cities, (c, i) => POP[c.city_code] ?? Math.exp(Math.log(380) + 0.18 * Q[i] + 0.45 * clamp(uPop[i], -2, 1.8) - 0.4 * west[i]));
  const popNoise = ar1(p, 'pop-noise', 0.8, () => 0.004);
  const population = new Float64Array(N);
  for (let c = 0; c < C; c++) for (let t = 0; t < Y; t++) population[c * Y + t] = pop0[c] * Math.exp((0.004 + 0.005 * gPop[c]) * tc(t) + popNoise[c * Y + t]);
  const uLand = cityDraw(p, 'land');
  const land = Float64Array.from(cities, (c, i) => Math.round(LAND[c.city_code] ?? Math.exp(Math.log(11000) + 0.7 * west[i] - 0.25 * east[i] - 0.15 * Q[i] + 0.45 * uLand[i])));

  // ---- GDP per capita (ln 元), sector shares come later from Ind
  const uPc = cityDraw(p, 'gdppc'), gPc = cityDraw(p, 'gdppc-growth');
  const pcNoise = ar1(p, 'gdppc-noise', 0.7, () => 0.07);
  const Bpc = Float64Array.from(Q, (q, i) => 0.85 * q + 0.45 * clamp(uPc[i], -1.6, 1.6));
  const Wpc = new Float64Array(N);
  for (let c = 0; c < C; c++) for (let t = 0; t < Y; t++) {
    Wpc[c * Y + t] = 0.072 * tc(t) + (years[t] === 2020 ? -0.03 : 0) + 0.033 * gPc[c] * tc(t) + pcNoise[c * Y + t];
  }
  const fitPc = fitLevel(Bpc, Wpc, p, TABLE1.Eco);
  const lnPc = apply(fitPc, Bpc, Wpc, p);
  const gdp = new Float64Array(N);
  for (let i = 0; i < N; i++) gdp[i] = Math.exp(lnPc[i]) * population[i];

  // ---- budget: Gov = expenditure / GDP, Fis = revenue / expenditure
  const uGov = cityDraw(p, 'gov'), uFis = cityDraw(p, 'fis');
  const govNoise = ar1(p, 'gov-noise', 0.6, () => 0.12), fisNoise = ar1(p, 'fis-noise', 0.6, () => 0.22);
  const govYear = (t: number) => [-0.08, -0.05, -0.03, -0.02, 0.03, 0.04, 0.04, 0.04, 0.05, 0.08, 0.03, 0.03][t] ?? 0.03;
  const gov = new Float64Array(N), fis = new Float64Array(N);
  for (let c = 0; c < C; c++) for (let t = 0; t < Y; t++) {
    const i = c * Y + t;
    gov[i] = clamp(Math.exp(-1.8 - 0.3 * Q[c] + 0.28 * west[c] + 0.27 * uGov[c] + govYear(t) + govNoise[i]), 0.075, 0.49);
    fis[i] = clamp(logistic(-0.05 + 0.9 * Q[c] - 0.3 * west[c] + 0.4 * uFis[c] - 0.025 * t0(t) + fisNoise[i]), 0.11, 0.995);
  }
  const budgetExp = Float64Array.from(gdp, (g, i) => g * gov[i]);
  const budgetRev = Float64Array.from(budgetExp, (e, i) => e * fis[i]);
  // education and S&T spending
  const uEdu = cityDraw(p, 'edu-share'), uSci = cityDraw(p, 'sci-share');
  const eduNoise = ar1(p, 'edu-noise', 0.5, () => 0.07), sciNoise = ar1(p, 'sci-noise', 0.5, () => 0.08);
  const eduExp = new Float64Array(N), sciExp = new Float64Array(N);
  for (let c = 0; c < C; c++) for (let t = 0; t < Y; t++) {
    const i = c * Y + t;
    eduExp[i] = budgetExp[i] * clamp(0.165 + 0.008 * Q[c] + 0.014 * uEdu[c], 0.1, 0.24) * Math.exp(eduNoise[i]);
    sciExp[i] = budgetExp[i] * clamp(Math.exp(Math.log(0.014) + 0.45 * Q[c] + 0.3 * uSci[c] + 0.02 * tc(t) + sciNoise[i]), 0.002, 0.1);
  }

  // ---- college students per 10,000 residents
  const uHuc = cityDraw(p, 'huc');
  const hucNoise = ar1(p, 'huc-noise', 0.7, () => 0.1);
  const gHuc = cityDraw(p, 'huc-growth');
  const Bh = Float64Array.from(Q, (q, i) => 0.8 * q + 0.6 * clamp(uHuc[i], -2.2, 2.2));
  const Wh = Float64Array.from(hucNoise, (v, i) => v + (0.018 + 0.03 * gHuc[Math.floor(i / Y)]) * tc(i % Y));
  const huc = apply(fitLevel(Bh, Wh, p, TABLE1.Huc), Bh, Wh, p).map((v) => clamp(v, 2.45, 6.95));
  const students = Float64Array.from(huc, (h, i) => Math.exp(h) * population[i]);

  // ---- internet penetration (broadband subscribers per resident): the instrument
  const uIv = cityDraw(p, 'iv'), hIv = cityDraw(p, 'iv-growth');
  const ivNoise = ar1(p, 'iv-noise', 0.5, () => 0.008);
  const iv = new Float64Array(N);
  for (let c = 0; c < C; c++) for (let t = 0; t < Y; t++) {
    const i = c * Y + t;
    iv[i] = clamp((0.105 + 0.024 * t0(t)) * (1 + 0.08 * Q[c]) + 0.05 * (0.8 * Q[c] + 0.6 * uIv[c]) + 0.006 * hIv[c] * tc(t) + ivNoise[i], 0.02, 1.2);
  }
  const broadband = Float64Array.from(iv, (v, i) => v * population[i]);

  // ---- data resources (telecom revenue per resident, 元) and digital infrastructure (mobile per resident)
  const uDr = cityDraw(p, 'datares'), uDi = cityDraw(p, 'diginfra');
  const drNoise = ar1(p, 'datares-noise', 0.6, () => 0.05), diNoise = ar1(p, 'diginfra-noise', 0.6, () => 0.04);
  const splitCount = (vals: (s: number) => Float64Array, target: number) => {
    // scan the dispersion for the value whose count above the mean is closest to the target
    let best = NaN, bestGap = Infinity;
    for (let j = 1; j <= 200; j++) {
      const sd = 0.0075 * j;
      const v = vals(sd);
      const mu = mean(v, base);
      let k = 0;
      for (let i = 0; i < N; i++) if (base[i] && v[i] > mu) k++;
      if (Math.abs(k - target) < bestGap) { best = sd; bestGap = Math.abs(k - target); }
    }
    return best;
  };
  const drVals = (s: number) => { const o = new Float64Array(N); for (let c = 0; c < C; c++) for (let t = 0; t < Y; t++) { const i = c * Y + t; o[i] = Math.exp(Math.log(560) + 0.015 * t0(t) + s * (0.7 * Q[c] + 0.5 * clamp(uDr[c], -1.5, 1.5)) + drNoise[i]); } return o; };
  const diVals = (s: number) => { const o = new Float64Array(N); for (let c = 0; c < C; c++) for (let t = 0; t < Y; t++) { const i = c * Y + t; o[i] = Math.exp(Math.log(0.78) + 0.04 * t0(t) + s * (0.7 * Q[c] + 0.5 * clamp(uDi[c], -1.5, 1.5)) + diNoise[i]); } return o; };
  const sDr = splitCount(drVals, HIGH_DATARES_OBS), sDi = splitCount(diVals, HIGH_DIGINFRA_OBS);
  const dataRes = settleSplit(drVals(sDr), base, HIGH_DATARES_OBS), digInfra = settleSplit(diVals(sDi), base, HIGH_DIGINFRA_OBS);
  const telecom = Float64Array.from(dataRes, (v, i) => v * population[i]);
  const mobile = Float64Array.from(digInfra, (v, i) => v * population[i]);

  // ---- controls as the pipeline derives them (default Eco = ln GDP per km²)
  const Eco = Float64Array.from(gdp, (g, i) => Math.log(g / land[Math.floor(i / Y)]));
  const Huc = huc;
  const Edu = Float64Array.from(eduExp, (e, i) => Math.log(e + sciExp[i]));
  const Fis = Float64Array.from(budgetRev, (r, i) => r / budgetExp[i]);
  const Gov = Float64Array.from(budgetExp, (e, i) => e / gdp[i]);
  const controls = [Eco, Huc, Edu, Fis, Gov];
  const twfe = [city, year];

  // ---- AI firms: ln count = level + trend + π·IV + confounder c_it, floored at 4 firms
  const uAi = cityDraw(p, 'ai'), gAi = cityDraw(p, 'ai-growth');
  const conf = ar1(p, 'ai-confounder', CONF.rho, (c) => (region(c) === 'west' ? CONF.sd_west : CONF.sd));
  const Bai = Float64Array.from(Q, (q, i) => q + 0.3 * clamp(Math.log(pop0[i] / 380), -1, 1) + 0.45 * clamp(uAi[i], -1.5, 1.5));
  const aiW = (pi: number) => {
    const o = new Float64Array(N);
    for (let c = 0; c < C; c++) for (let t = 0; t < Y; t++) {
      const i = c * Y + t;
      // AI growth shares the city's GDP growth (g of ln GDP per capita)
      const g = region(c) === 'west' ? 0.02 * (0.9 * gPc[c] + 0.44 * gAi[c]) : 0.012 * Q[c] + 0.04 * (0.9 * gPc[c] + 0.44 * gAi[c]);
      o[i] = 0.12 * tc(t) + g * tc(t) + pi * iv[i] + conf[i];
    }
    return o;
  };
  const fs = olsRows([iv, ...controls], twfe, base);
  let pi = FIRST_STAGE_IV - dot(fs.rows[0], aiW(0), base);
  let aiFit = fitLevel(Bai, aiW(pi), p, TABLE1.AI, 1.0, 0.2);
  const roundAi = (x: Float64Array) => x.map((v) => Math.log(Math.max(4, Math.round(Math.exp(v)))));
  let AI = roundAi(apply(aiFit, Bai, aiW(pi), p));
  for (let it = 0; it < 3; it++) {
    pi += FIRST_STAGE_IV - dot(fs.rows[0], AI, base);
    aiFit = fitLevel(Bai, aiW(pi), p, TABLE1.AI, 1.0, 0.2);
    AI = roundAi(apply(aiFit, Bai, aiW(pi), p));
  }
  const aiFirms = AI.map((v) => Math.round(Math.exp(v)));

  // ---- mediators: Va (ln 万元 of e-commerce allocated to the city) and Ind
  const regAC = olsRows([AI, ...controls], twfe, base);
  const uVa = cityDraw(p, 'va');
  const vaNoise = ar1(p, 'va-noise', 0.5, () => 0.12);
  const Bva = Float64Array.from(Q, (q, i) => q + 0.7 * clamp(Math.log(pop0[i] / 380), -1.2, 1.2) + 0.35 * clamp(uVa[i], -1.6, 1.6));
  const vaW0 = Float64Array.from(vaNoise, (v, i) => v + 0.14 * tc(i % Y));
  const thetaVa = AI_TO_VA - dot(regAC.rows[0], vaW0, base);
  const vaW = Float64Array.from(vaW0, (v, i) => v + thetaVa * AI[i]);
  const Va = apply(fitLevel(Bva, vaW, p, TABLE1.Va), Bva, vaW, p);

  const uInd = cityDraw(p, 'ind');
  const indNoise = ar1(p, 'ind-noise', 0.6, () => 0.015);
  const Bind = Float64Array.from(Q, (q, i) => 0.6 * q + 0.5 * uInd[i]);
  const indW0 = Float64Array.from(indNoise, (v, i) => v + 0.004 * tc(i % Y));
  const thetaInd = AI_TO_IND - dot(regAC.rows[0], indW0, base);
  const indW = Float64Array.from(indW0, (v, i) => v + thetaInd * AI[i]);
  const Ind = apply(fitLevel(Bind, indW, p, TABLE1.Ind), Bind, indW, p).map((v) => clamp(v, 1.955, 2.7));
  // sector shares: primary share drawn, tertiary and secondary follow from Ind = 2 − s1 + s3
  const uS1 = cityDraw(p, 's1');
  const s1Noise = ar1(p, 's1-noise', 0.7, () => 0.05);
  const s1 = new Float64Array(N), s2 = new Float64Array(N), s3 = new Float64Array(N);
  for (let c = 0; c < C; c++) for (let t = 0; t < Y; t++) {
    const i = c * Y + t;
    const draw = Math.exp(Math.log(0.1) - 0.45 * Q[c] + 0.35 * uS1[c] - 0.025 * tc(t) + s1Noise[i]);
    const lower = Math.max(0.002, 0.17 - (Ind[i] - 2)), upper = Math.min(0.4, (2.88 - Ind[i]) / 2);
    s1[i] = clamp(draw, lower, Math.max(lower, upper));
    s3[i] = Ind[i] - 2 + s1[i];
    s2[i] = 1 - s1[i] - s3[i];
  }

  // ---- innovation: Inn = μ_c + δ_t + structural part + ε, the structural parameters solved so that
  // the sample estimands listed in INN_TARGETS hold exactly on the base window
  const [g1, g2] = THRESHOLDS;
  const ind = (v: number, lo: number, hi: number) => (v > lo && v <= hi ? 1 : 0);
  const r1 = AI.map((a) => a * ind(a, -Infinity, g1)), r2 = AI.map((a) => a * ind(a, g1, g2)), r3 = AI.map((a) => a * ind(a, g2, Infinity));
  const late = Float64Array.from({ length: N }, (_, i) => (years[i % Y] >= 2020 ? 1 : 0));
  const hiDR = aboveBaseMean(dataRes, base), hiDI = aboveBaseMean(digInfra, base);
  const [vaThreshold] = VA_THRESHOLD, [indThreshold] = IND_THRESHOLD;
  const cols: Record<string, Float64Array> = {
    b_AI: AI,
    b_AI_east: AI.map((a, i) => a * east[Math.floor(i / Y)]),
    b_AI_west: AI.map((a, i) => a * west[Math.floor(i / Y)]),
    d_regime2: AI.map((a) => (a > g1 ? a : 0)),
    d_regime3: AI.map((a) => (a > g2 ? a : 0)),
    d_va_regime2: AI.map((a, i) => (Va[i] > vaThreshold ? a : 0)),
    d_ind_regime2: AI.map((a, i) => (Ind[i] > indThreshold ? a : 0)),
    lambda_conf: conf,
    lambda_conf_west: conf.map((v, i) => v * west[Math.floor(i / Y)]),
    lambda_conf_2020_2022: conf.map((v, i) => v * late[i]),
    lambda_conf_high_datares: conf.map((v, i) => v * hiDR[i]),
    lambda_conf_high_diginfra: conf.map((v, i) => v * hiDI[i]),
    b_AI_municipality: AI.map((a, i) => (cities[Math.floor(i / Y)].is_municipality ? a : 0)),
    lambda_conf_province_year: provYearMean(conf, p),
    g_Eco: Eco, g_Huc: Huc, g_Edu: Edu, g_Fis: Fis, g_Gov: Gov,
    theta_Va: Va, theta_Ind: Ind,
  };
  const regions = ['east', 'central', 'west'].map((r) => Uint8Array.from(base, (b, i) => (b && cities[Math.floor(i / Y)].region === r ? 1 : 0)));
  const sub = (m: Float64Array, v: number) => Uint8Array.from(base, (b, i) => (b && m[i] === v ? 1 : 0));
  const t2 = olsRows([AI, ...controls], twfe, base);
  const t3early = olsRows([AI, ...controls], twfe, sub(late, 0));
  const noMuni = Uint8Array.from(base, (b, i) => (b && !cities[Math.floor(i / Y)].is_municipality ? 1 : 0));
  const t3noMuni = olsRows([AI, ...controls], twfe, noMuni);
  const t3py = olsRows([AI, ...controls], [city, provYear], noMuni);
  const iv2 = ivRows([AI, ...controls], [iv, ...controls], twfe, base);
  const t6va = olsRows([AI, Va, ...controls], twfe, base);
  const t6ind = olsRows([AI, Ind, ...controls], twfe, base);
  const t7 = regions.map((m) => olsRows([AI, ...controls], twfe, m));
  const t7split = [sub(hiDR, 1), sub(hiDR, 0), sub(hiDI, 1), sub(hiDI, 0)].map((m) => olsRows([AI, ...controls], twfe, m));
  const t5 = olsRows([r1, r2, r3, ...controls], twfe, base);
  const regimeCols = (q: Float64Array, g: number) => [AI.map((a, i) => (q[i] <= g ? a : 0)), AI.map((a, i) => (q[i] > g ? a : 0))];
  const t5va = olsRows([...regimeCols(Va, vaThreshold), ...controls], twfe, base);
  const t5ind = olsRows([...regimeCols(Ind, indThreshold), ...controls], twfe, base);
  const rowsByTarget: Record<InnTargetName, Float64Array> = {
    t2c6_AI: t2.rows[0], t2c6_Eco: t2.rows[1], t2c6_Huc: t2.rows[2], t2c6_Edu: t2.rows[3], t2c6_Fis: t2.rows[4], t2c6_Gov: t2.rows[5],
    t3_drop_2020_2022: t3early.rows[0],
    t3_drop_municipalities: t3noMuni.rows[0],
    t3_province_year_fe: t3py.rows[0],
    t4_2sls_AI: iv2.rows[0], t6c3_Va: t6va.rows[1], t6c5_Ind: t6ind.rows[1],
    t7_east: t7[0].rows[0], t7_central: t7[1].rows[0], t7_west: t7[2].rows[0],
    t7_datares_high_minus_low: diff(t7split[0].rows[0], t7split[1].rows[0]),
    t7_diginfra_high_minus_low: diff(t7split[2].rows[0], t7split[3].rows[0]),
    t5_slope2_minus_slope1: diff(t5.rows[1], t5.rows[0]), t5_slope3_minus_slope2: diff(t5.rows[2], t5.rows[1]),
    t5_va_slope2_minus_slope1: diff(t5va.rows[1], t5va.rows[0]), t5_ind_slope2_minus_slope1: diff(t5ind.rows[1], t5ind.rows[0]),
  };
  const L: Float64Array[] = INN_TARGET_NAMES.map((n) => rowsByTarget[n]);
  const epsAr = ar1(p, 'inn-eps', INN_EPS.ar_rho, () => INN_EPS.ar_sd);
  const epsTrend = cityDraw(p, 'inn-trend');
  const eps = Float64Array.from(epsAr, (v, i) => v + INN_EPS.trend_sd * epsTrend[Math.floor(i / Y)] * tc(i % Y)
    + INN_EPS.iid_sd * normalAt(seed, 'inn-iid', cities[Math.floor(i / Y)].city_code, years[i % Y]));
  const delta0 = Float64Array.from({ length: N }, (_, i) => 0.06 * normalAt(seed, 'inn-year', years[i % Y]));
  // remove the sampling correlation of ε with the targeted regressions (minimum-norm projection of ε off
  // the span of the estimator rows), so that the structural parameters are not bent by sampling noise
  const epsP = projectOut(eps, () => L, base);
  const baseY = Float64Array.from(epsP, (e, i) => e + delta0[i]);
  const T = INN_TARGET_VALUES;
  const names = Object.keys(cols);
  const A = L.map((row) => names.map((n) => dot(row, cols[n], base)));
  const rhs = L.map((row, j) => T[j] - dot(row, baseY, base));
  // penalized least squares: each target is held to within ~TARGET_TOL (weight 1/TARGET_TOL²) while every
  // parameter is pulled weakly (weight 1/scale²) towards a plain prior, so that directions the targets barely
  // identify (the municipalities' 48 city-years, the west's confounding) do not take extreme values
  const prior = names.map((n) => INN_PRIOR[n] ?? { mean: 0, scale: 0.5 });
  const wT = 1 / TARGET_TOL ** 2;
  const K = names.length;
  const AtA = Array.from({ length: K }, (_, a) => Array.from({ length: K }, (_, b) => {
    let v = 0;
    for (let j = 0; j < A.length; j++) v += wT * A[j][a] * A[j][b];
    return a === b ? v + 1 / prior[a].scale ** 2 : v;
  }));
  const Atr = Array.from({ length: K }, (_, a) => {
    let v = 0;
    for (let j = 0; j < A.length; j++) v += wT * A[j][a] * rhs[j];
    return v + prior[a].mean / prior[a].scale ** 2;
  });
  const sol = solve(AtA, Atr);
  if (process.env.TRUTH_DEBUG) { console.log(names.join(" ")); A.forEach((r, j) => console.log(INN_TARGET_NAMES[j].padEnd(12), r.map((v) => v.toFixed(3).padStart(7)).join(" "), rhs[j].toFixed(3))); }
  const structural = Object.fromEntries(names.map((n, k) => [n, sol[k]]));
  const innW = Float64Array.from(baseY);
  names.forEach((n, k) => { const col = cols[n]; for (let i = 0; i < N; i++) innW[i] += sol[k] * col[i]; });
  // year effects (absorbed by every two-way FE estimand): the kept-city mean of Inn follows a patent-growth
  // path of +0.13 per year with the 2020–2021 surge of grants, instead of whatever the structural part implies
  const yearAdj = new Float64Array(Y);
  for (let t = 0; t < Y; t++) {
    let sum = 0, k = 0;
    for (let c = 0; c < C; c++) if (keptCity[c]) { sum += innW[c * Y + t]; k++; }
    yearAdj[t] = INN_YEAR_PATH(years[t]) - sum / k;
  }
  for (let i = 0; i < N; i++) innW[i] += yearAdj[i % Y];
  const uInn = cityDraw(p, 'inn');
  const Binn = Float64Array.from(Q, (q, i) => q + 0.25 * clamp(Math.log(pop0[i] / 380), -1, 1) + 0.35 * clamp(uInn[i], -1.5, 1.5));
  const innFit = fitLevel(Binn, innW, p, TABLE1.Inn, 1.0, 0.2);
  const InnCont = apply(innFit, Binn, innW, p);
  const patents = InnCont.map((v) => Math.max(5, Math.round(Math.exp(v))));
  const Inn = patents.map((v) => Math.log(v));

  // patent applications: ln(applications / grants) = r_c + φ·AI + noise, φ solved for the Inn1 target
  const uR = cityDraw(p, 'app-ratio');
  const rNoise = ar1(p, 'app-ratio-noise', 0.4, () => 0.06);
  const r0 = Float64Array.from(rNoise, (v, i) => 0.75 + 0.12 * uR[Math.floor(i / Y)] + v);
  const innPlus = Float64Array.from(Inn, (v, i) => v + r0[i]);
  const phi = INN1_AI - dot(t2.rows[0], innPlus, base);
  const applications = patents.map((g, i) => Math.round(g * Math.exp(Math.max(0.03, r0[i] + phi * (AI[i] - 4.86)))));

  p.raw = {
    population, land_area: Float64Array.from({ length: N }, (_, i) => land[Math.floor(i / Y)]), gdp,
    gdp_primary: Float64Array.from(gdp, (g, i) => g * s1[i]), gdp_secondary: Float64Array.from(gdp, (g, i) => g * s2[i]),
    gdp_tertiary: Float64Array.from(gdp, (g, i) => g * s3[i]), students, edu_exp: eduExp, sci_exp: sciExp,
    budget_revenue: budgetRev, budget_expenditure: budgetExp, broadband_users: broadband, mobile_users: mobile,
    telecom_revenue: telecom, patents_granted: patents, patent_applications: applications, ai_firms: aiFirms,
    // Va in 万元 (split of the provincial total); express volumes and provincial totals are built from it
    va_amount: Va.map((v) => Math.exp(v)),
  };
  p.model = { Inn, AI, Va, Ind, Eco, EcoPc: lnPc, Huc, Edu, Fis, Gov, IV: iv, DataRes: dataRes, DigInfra: digInfra, confounder: conf, Q: Float64Array.from({ length: N }, (_, i) => Q[Math.floor(i / Y)]) };
  p.params = {
    quality_index: 'Q_c: ranks of (N(0,1) + region shift [east +0.55, central −0.05, west −0.55] + boost of large centres) mapped to a normal truncated to [−2.1, 2.3]',
    gdp_per_capita: { eq: 'ln(GDP/pop) = m + s·(0.85 Q + 0.45 u) + 0.072 (t−2016.5) + 0.033 g (t−2016.5) − 0.03·[2020] + AR1(0.7, sd 0.07)', m: fitPc.m, s: fitPc.s },
    first_stage_pi: pi,
    ai: { eq: 'ln AI* = m + s·B_c + 0.12 (t−2016.5) + g_c (t−2016.5) + π·IV + c_it, firms = max(4, round(exp(ln AI*)))', m: aiFit.m, s: aiFit.s, confounder: 'c_it AR(1) ρ=0.8, sd 0.32' },
    va: { theta_AI: thetaVa },
    ind: { theta_AI: thetaInd },
    inn_structural: structural,
    inn_level: { m: innFit.m, s: innFit.s },
    inn_error: { ...INN_EPS, year_shock_sd: 0.06 },
    confounder: CONF,
    table5_slope_difference_scale: T5_SCALE,
    inn1_phi: phi,
    split_dispersion: { DataRes: sDr, DigInfra: sDi },
  };
  return p;
}

/**
 * Make exactly `target` base observations lie above the base mean, each at least SPLIT_MARGIN (relative)
 * away from it: values closer to the mean are pushed out to the margin on their side, and if the count
 * is off, the observations nearest the mean on the crowded side cross over. Touches only city-years
 * within a fraction of a percent of the mean; the rule survives rounding and imputation of the files.
 */
const SPLIT_MARGIN = 0.004;
function settleSplit(v: Float64Array, base: Uint8Array, target: number): Float64Array {
  const out = Float64Array.from(v);
  for (let round = 0; round < 5; round++) {
    const mu = mean(out, base);
    const idx: number[] = [];
    for (let i = 0; i < out.length; i++) if (base[i]) idx.push(i);
    let k = idx.filter((i) => out[i] > mu).length;
    const byDist = idx.slice().sort((a, b) => Math.abs(out[a] - mu) - Math.abs(out[b] - mu));
    for (const i of byDist) {
      if (k === target) break;
      if (k > target && out[i] > mu) { out[i] = mu * (1 - 2 * SPLIT_MARGIN); k--; }
      else if (k < target && out[i] <= mu) { out[i] = mu * (1 + 2 * SPLIT_MARGIN); k++; }
    }
    for (const i of idx) {
      const d = (out[i] - mu) / mu;
      if (Math.abs(d) < 2 * SPLIT_MARGIN) out[i] = mu * (1 + (d > 0 ? 2 : -2) * SPLIT_MARGIN);
    }
    const mu2 = mean(out, base);
    if (idx.filter((i) => out[i] > mu2).length === target && idx.every((i) => Math.abs(out[i] - mu2) / mu2 >= SPLIT_MARGIN)) break;
  }
  return out;
}

/** x minus its least-squares projection on the span of the rows (only observations in mask change). */
function projectOut(x: Float64Array, rowsOf: () => Float64Array[], mask: Uint8Array): Float64Array {
  const L = rowsOf();
  const G = L.map((a) => L.map((b) => dot(a, b, mask)));
  const coef = solve(G, L.map((r) => dot(r, x, mask)));
  const out = Float64Array.from(x);
  L.forEach((r, k) => { for (let i = 0; i < out.length; i++) if (mask[i]) out[i] -= coef[k] * r[i]; });
  return out;
}

/** Mean of x over the kept cities of the same province and year (a province-year effect; 0 for one-city provinces). */
function provYearMean(x: Float64Array, p: Panel): Float64Array {
  const sum = new Map<number, number>(), cnt = new Map<number, number>();
  for (let c = 0; c < p.C; c++) {
    if (!p.keptCity[c]) continue;
    for (let t = 0; t < p.Y; t++) {
      const i = c * p.Y + t, g = p.groups.provYear[i];
      sum.set(g, (sum.get(g) ?? 0) + x[i]); cnt.set(g, (cnt.get(g) ?? 0) + 1);
    }
  }
  // provinces with a single kept city (the municipalities) get no province-year component
  return x.map((_, i) => { const g = p.groups.provYear[i]; const n = cnt.get(g) ?? 0; return n >= 2 ? sum.get(g)! / n : 0; });
}

function aboveBaseMean(v: Float64Array, base: Uint8Array): Float64Array {
  const mu = mean(v, base);
  return v.map((x) => (x > mu ? 1 : 0));
}

function diff(a: Float64Array, b: Float64Array): Float64Array {
  return Float64Array.from(a, (v, i) => v - b[i]);
}

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 refined by one Newton step is unnecessary at this precision
  const s = Math.sign(x); x = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return s * y;
}
