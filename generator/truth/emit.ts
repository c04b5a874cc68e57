/**
 * From the continuous truth panel to the observations the raw files carry: rounding to the precision a
 * yearbook prints, the 莱芜/济南 split for data years ≤ 2018, 市辖区 rows for GDP and population,
 * provincial e-commerce totals and city express volumes (built so that the Va split returns the truth),
 * and the missing cells (dropped cities' gaps and the planted, imputable gaps of kept cities).
 */
import type { CityObservation, ProvinceObservation } from '../types.ts';
import type { RawIndicator } from '../../schemas/indicators.ts';
import { normalAt, Stream } from './rng.ts';
import { unitsOfYear, MERGES } from './cities.ts';
import { DROPPED, type Panel } from './model.ts';
import { BASE_YEARS } from './params.ts';

/** decimals printed per indicator (in the canonical unit) */
const DECIMALS: Partial<Record<RawIndicator, number>> = {
  gdp: 0, gdp_primary: 0, gdp_secondary: 0, gdp_tertiary: 0, land_area: 0, population: 2, students: 0, edu_exp: 0,
  sci_exp: 0, budget_revenue: 0, budget_expenditure: 0, broadband_users: 2, mobile_users: 2, telecom_revenue: 0,
  patents_granted: 0, patent_applications: 0, express_volume: 2, ai_firms: 0,
};
const roundTo = (x: number, d: number) => { const f = 10 ** d; return Math.round(x * f) / f; };

/** 莱芜's share of the merged 济南 total, per indicator (rough real proportions) */
const LAIWU_SHARE: Partial<Record<RawIndicator, number>> = {
  gdp: 0.11, gdp_primary: 0.16, gdp_secondary: 0.15, land_area: 0.219, population: 0.165, students: 0.03,
  edu_exp: 0.12, sci_exp: 0.06, budget_revenue: 0.08, budget_expenditure: 0.1, broadband_users: 0.11,
  mobile_users: 0.11, telecom_revenue: 0.1, patents_granted: 0.06, patent_applications: 0.06, express_volume: 0.05,
  ai_firms: 0.03,
};

export const CITY_RAW: RawIndicator[] = [
  'gdp', 'gdp_primary', 'gdp_secondary', 'gdp_tertiary', 'land_area', 'population', 'students', 'edu_exp', 'sci_exp',
  'budget_revenue', 'budget_expenditure', 'broadband_users', 'mobile_users', 'telecom_revenue', 'patents_granted',
  'patent_applications', 'express_volume', 'ai_firms',
];

export interface PlantedGap {
  city_code: string; city_name: string; indicator: RawIndicator; year: number; kind: 'interior' | 'edge';
  true_value: number;
}

/** Indicators whose single-year gaps a linear interpolation (or a one-year carry) restores closely. */
const INTERIOR_GAP_INDICATORS: RawIndicator[] = ['population', 'broadband_users', 'land_area'];
const EDGE_GAP_INDICATORS: RawIndicator[] = ['population', 'land_area'];
export const N_INTERIOR_GAPS = 36;
export const N_EDGE_GAPS = 12;

export interface Emission {
  city: CityObservation[];
  province: ProvinceObservation[];
  planted: PlantedGap[];
  expressScale: { year: number; k: number }[];
}

export function emit(p: Panel): Emission {
  const { seed, years, cities, Y } = p;
  const cIndex = new Map(cities.map((c, i) => [c.city_code, i]));
  // rounded canonical totals
  const value = (ind: RawIndicator, c: number, t: number): number => {
    if (ind === 'gdp_tertiary') return value('gdp', c, t) - value('gdp_primary', c, t) - value('gdp_secondary', c, t);
    if (ind === 'express_volume') return roundTo(p.raw.va_amount[c * Y + t] * expressK(t) * provFactor(cities[c].province_code), 2);
    return roundTo(p.raw[ind][c * Y + t], DECIMALS[ind] ?? 2);
  };
  // express volume: the city's e-commerce amount times a year scale that makes the national total follow
  // the real order of magnitude (36.7亿件 in 2011 growing ~31 % a year to ~1,100亿件 in 2022), times a
  // province factor (shares within a province, hence Va, do not depend on either)
  const vaSum = years.map((year, t) => {
    let sum = 0;
    for (const u of unitsOfYear(year)) if (u.code === u.canonical) { const c = cIndex.get(u.canonical); if (c !== undefined) sum += p.raw.va_amount[c * Y + t]; }
    return sum;
  });
  const expressK = (t: number) => (3.67e5 * Math.exp(0.31 * (years[t] - 2011))) / vaSum[t];
  const provFactor = (prov: string) => Math.exp(0.25 * normalAt(seed, 'express-province', prov));

  // missing cells
  const missing = new Set<string>();
  const key = (code: string, ind: string, year: number) => `${code}|${ind}|${year}`;
  for (const d of DROPPED) {
    for (const m of d.missing) {
      const ys = m.years === 'all' ? years : m.years;
      for (const y of ys) missing.add(key(d.code, m.indicator, y));
    }
  }
  const planted = plantGaps(p);
  for (const g of planted) missing.add(key(g.city_code, g.indicator, g.year));

  const dFrac = cities.map((c, i) => {
    if (c.is_municipality) return c.city_code === '500000' ? 0.86 : 1;
    const q = p.model.Q[i * Y];
    return Math.min(0.95, Math.max(0.1, 1 / (1 + Math.exp(-(0.1 + 0.8 * q + 0.5 * normalAt(seed, 'district-share', c.city_code))))));
  });

  const city: CityObservation[] = [];
  const provTotals = new Map<string, number>();
  for (let t = 0; t < Y; t++) {
    const year = years[t];
    const units = unitsOfYear(year);
    const unitCodes = new Set(units.map((x) => x.code));
    for (const u of units) {
      const c = cIndex.get(u.canonical);
      if (c === undefined) continue;
      const canonical = cities[c];
      const pk = `${canonical.province_code}|${year}`;
      if (u.code === u.canonical) provTotals.set(pk, (provTotals.get(pk) ?? 0) + p.raw.va_amount[c * Y + t]);
      const merged = Object.entries(MERGES).find(([, to]) => to === u.canonical && u.code === u.canonical);
      const hasPredecessor = merged !== undefined && unitCodes.has(merged[0]);
      const isPredecessor = u.code !== u.canonical;
      const vals = new Map<RawIndicator, number>();
      for (const ind of CITY_RAW) {
        const total = value(ind, c, t);
        if (!isPredecessor && !hasPredecessor) { vals.set(ind, total); continue; }
        const d = DECIMALS[ind] ?? 2;
        const part = (x: RawIndicator) => roundTo(value(x, c, t) * (LAIWU_SHARE[x] ?? 0.1), DECIMALS[x] ?? 2);
        let lw: number;
        if (ind === 'gdp_tertiary') lw = part('gdp') - part('gdp_primary') - part('gdp_secondary');
        else lw = part(ind);
        vals.set(ind, isPredecessor ? lw : roundTo(total - lw, d));
      }
      for (const ind of CITY_RAW) {
        const v = missing.has(key(u.code, ind, year)) ? null : vals.get(ind)!;
        city.push({ indicator: ind, year, city_code: u.code, scope: '全市', value: v });
      }
      // 市辖区 rows (not used by the model)
      const f = Math.min(1, dFrac[c] * (1 + 0.01 * (year - 2016)));
      const pf = Math.min(1, Math.max(0.06, f - 0.08));
      const g = missing.has(key(u.code, 'gdp', year)) ? null : roundTo(vals.get('gdp')! * f, 0);
      const po = missing.has(key(u.code, 'population', year)) ? null : roundTo(vals.get('population')! * pf, 2);
      city.push({ indicator: 'gdp', year, city_code: u.code, scope: '市辖区', value: g });
      city.push({ indicator: 'population', year, city_code: u.code, scope: '市辖区', value: po });
    }
  }
  const province: ProvinceObservation[] = [];
  const provCodes = [...new Set(cities.map((c) => c.province_code))].sort();
  for (const year of years) {
    for (const pc of provCodes) {
      const v = provTotals.get(`${pc}|${year}`);
      province.push({ indicator: 'ecommerce_volume', year, province_code: pc, value: v === undefined ? null : roundTo(v / 1e4, 2) });
    }
  }
  return { city, province, planted, expressScale: years.map((year, t) => ({ year, k: expressK(t) })) };
}

/** Isolated single-year gaps in kept cities: interior ones (interpolated) and a few at the panel edges (carried). */
export function plantGaps(p: Panel): PlantedGap[] {
  const { cities, Y } = p;
  const candidates = cities.filter((c, i) => p.keptCity[i] && c.city_code !== '370100');
  const s = new Stream(p.seed, 'planted-gaps');
  const used = new Set<string>();
  const out: PlantedGap[] = [];
  const pick = <T,>(xs: T[]) => xs[Math.floor(s.uniform() * xs.length)];
  while (out.length < N_INTERIOR_GAPS + N_EDGE_GAPS) {
    const edge = out.length >= N_INTERIOR_GAPS;
    const city = pick(candidates);
    const indicator = pick(edge ? EDGE_GAP_INDICATORS : INTERIOR_GAP_INDICATORS);
    if (used.has(`${city.city_code}|${indicator}`)) continue;
    used.add(`${city.city_code}|${indicator}`);
    const year = edge ? (s.uniform() < 0.5 ? BASE_YEARS[0] : BASE_YEARS[BASE_YEARS.length - 1]) : BASE_YEARS[1 + Math.floor(s.uniform() * (BASE_YEARS.length - 2))];
    const c = cities.indexOf(city);
    const t = year - p.years[0];
    out.push({ city_code: city.city_code, city_name: city.city_name, indicator, year, kind: edge ? 'edge' : 'interior', true_value: p.raw[indicator][c * Y + t] });
  }
  return out.sort((a, b) => a.city_code.localeCompare(b.city_code) || a.indicator.localeCompare(b.indicator));
}
