/**
 * A compact re-implementation, for checking the truth, of what the pipeline does with the raw
 * observations: merge reported predecessors into their canonical city (莱芜 → 济南, extensive sums),
 * impute raw indicators (linear interpolation of interior gaps, one year carried at each edge),
 * derive the model variables of the default catalogue, and apply the drop rule (a city stays only
 * if every model variable is present in every year).
 */
import type { CityObservation, ProvinceObservation } from '../types.ts';
import type { RawIndicator } from '../../schemas/indicators.ts';

export const CITY_INDICATORS: RawIndicator[] = [
  'gdp', 'gdp_primary', 'gdp_secondary', 'gdp_tertiary', 'land_area', 'population', 'students', 'edu_exp',
  'sci_exp', 'budget_revenue', 'budget_expenditure', 'broadband_users', 'mobile_users', 'telecom_revenue',
  'patents_granted', 'patent_applications', 'express_volume', 'ai_firms',
];

export const MODEL_VARS = ['Inn', 'Inn1', 'AI', 'Va', 'Ind', 'Eco', 'Huc', 'Edu', 'Fis', 'Gov', 'IV', 'DataRes', 'DigInfra'] as const;
export type ModelVar = (typeof MODEL_VARS)[number] | 'EcoPc';

export interface CityInfo { city_code: string; province_code: string; region: string; is_municipality: boolean }

export interface ImputedCell { city_code: string; indicator: RawIndicator; year: number; kind: 'interior' | 'edge'; value: number }

export interface DerivedPanel {
  years: number[];
  kept: CityInfo[];
  dropped: { city_code: string; variable: string; years: number[] }[];
  /** variable → values over kept cities × years, index k * years.length + t */
  vars: Record<ModelVar, Float64Array>;
  imputed: ImputedCell[];
}

/** canonical code of a reporting unit code */
export function canonicalCode(code: string, merges: Record<string, string>): string {
  return merges[code] ?? code;
}

export function derivePanel(
  city: CityObservation[],
  province: ProvinceObservation[],
  cities: CityInfo[],
  years: number[],
  merges: Record<string, string>,
): DerivedPanel {
  const Y = years.length;
  const yIndex = new Map(years.map((y, i) => [y, i]));
  const cIndex = new Map(cities.map((c, i) => [c.city_code, i]));
  const nInd = CITY_INDICATORS.length;
  const indIndex = new Map(CITY_INDICATORS.map((k, i) => [k, i]));
  // raw[c][ind][t]; NaN = missing; merged parts summed (a missing part makes the sum missing)
  const raw = cities.map(() => CITY_INDICATORS.map(() => new Float64Array(Y).fill(NaN)));
  const parts = cities.map(() => CITY_INDICATORS.map(() => new Int32Array(Y)));
  const partsMissing = cities.map(() => CITY_INDICATORS.map(() => new Uint8Array(Y)));
  for (const o of city) {
    if (o.scope !== '全市') continue;
    const t = yIndex.get(o.year);
    const k = indIndex.get(o.indicator);
    const c = cIndex.get(canonicalCode(o.city_code, merges));
    if (t === undefined || k === undefined || c === undefined) continue;
    parts[c][k][t] += 1;
    if (o.value === null || !Number.isFinite(o.value)) { partsMissing[c][k][t] = 1; continue; }
    raw[c][k][t] = Number.isNaN(raw[c][k][t]) ? o.value : raw[c][k][t] + o.value;
  }
  for (let c = 0; c < cities.length; c++) for (let k = 0; k < nInd; k++) for (let t = 0; t < Y; t++) {
    if (partsMissing[c][k][t]) raw[c][k][t] = NaN;
  }
  // impute
  const imputed: ImputedCell[] = [];
  for (let c = 0; c < cities.length; c++) {
    for (let k = 0; k < nInd; k++) {
      const s = raw[c][k];
      const present: number[] = [];
      for (let t = 0; t < Y; t++) if (!Number.isNaN(s[t])) present.push(t);
      if (present.length === 0) continue;
      const first = present[0], last = present[present.length - 1];
      for (let a = 0; a + 1 < present.length; a++) {
        const t0 = present[a], t1 = present[a + 1];
        for (let t = t0 + 1; t < t1; t++) {
          s[t] = s[t0] + ((s[t1] - s[t0]) * (t - t0)) / (t1 - t0);
          imputed.push({ city_code: cities[c].city_code, indicator: CITY_INDICATORS[k], year: years[t], kind: 'interior', value: s[t] });
        }
      }
      if (first === 1) {
        s[0] = s[1];
        imputed.push({ city_code: cities[c].city_code, indicator: CITY_INDICATORS[k], year: years[0], kind: 'edge', value: s[0] });
      }
      if (last === Y - 2) {
        s[Y - 1] = s[Y - 2];
        imputed.push({ city_code: cities[c].city_code, indicator: CITY_INDICATORS[k], year: years[Y - 1], kind: 'edge', value: s[Y - 1] });
      }
    }
  }
  // provincial e-commerce and express sums over the province's units
  const prov = new Map<string, number>();
  for (const o of province) if (o.indicator === 'ecommerce_volume' && o.value !== null) prov.set(`${o.province_code}|${o.year}`, o.value);
  const expressSum = new Map<string, number>();
  const ie = indIndex.get('express_volume')!;
  for (let c = 0; c < cities.length; c++) for (let t = 0; t < Y; t++) {
    const v = raw[c][ie][t];
    if (Number.isNaN(v)) continue;
    const key = `${cities[c].province_code}|${years[t]}`;
    expressSum.set(key, (expressSum.get(key) ?? 0) + v);
  }
  const get = (c: number, name: RawIndicator, t: number) => raw[c][indIndex.get(name)!][t];
  const ln = (x: number) => (x > 0 ? Math.log(x) : NaN);
  const all: Record<string, Float64Array> = {};
  for (const v of [...MODEL_VARS, 'EcoPc']) all[v] = new Float64Array(cities.length * Y).fill(NaN);
  for (let c = 0; c < cities.length; c++) for (let t = 0; t < Y; t++) {
    const i = c * Y + t;
    const key = `${cities[c].province_code}|${years[t]}`;
    const gdp = get(c, 'gdp', t), pop = get(c, 'population', t);
    all.Inn[i] = ln(get(c, 'patents_granted', t));
    all.Inn1[i] = ln(get(c, 'patent_applications', t));
    all.AI[i] = ln(get(c, 'ai_firms', t));
    const pv = prov.get(key), es = expressSum.get(key);
    all.Va[i] = pv === undefined || es === undefined ? NaN : ln((pv * 1e4 * get(c, 'express_volume', t)) / es);
    all.Ind[i] = (get(c, 'gdp_primary', t) + 2 * get(c, 'gdp_secondary', t) + 3 * get(c, 'gdp_tertiary', t)) / gdp;
    all.Eco[i] = ln(gdp / get(c, 'land_area', t));
    all.EcoPc[i] = ln((gdp * 1e4) / (pop * 1e4));
    all.Huc[i] = ln(get(c, 'students', t) / pop);
    all.Edu[i] = ln(get(c, 'edu_exp', t) + get(c, 'sci_exp', t));
    all.Fis[i] = get(c, 'budget_revenue', t) / get(c, 'budget_expenditure', t);
    all.Gov[i] = get(c, 'budget_expenditure', t) / gdp;
    all.IV[i] = get(c, 'broadband_users', t) / pop;
    all.DataRes[i] = get(c, 'telecom_revenue', t) / pop;
    all.DigInfra[i] = get(c, 'mobile_users', t) / pop;
  }
  const kept: CityInfo[] = [];
  const keptIdx: number[] = [];
  const dropped: DerivedPanel['dropped'] = [];
  for (let c = 0; c < cities.length; c++) {
    let failed: { variable: string; years: number[] } | null = null;
    for (const v of MODEL_VARS) {
      const bad: number[] = [];
      for (let t = 0; t < Y; t++) if (!Number.isFinite(all[v][c * Y + t])) bad.push(years[t]);
      if (bad.length > 0) { failed = { variable: v, years: bad }; break; }
    }
    if (failed) dropped.push({ city_code: cities[c].city_code, ...failed });
    else { kept.push(cities[c]); keptIdx.push(c); }
  }
  const keptSet = new Set(kept.map((c) => c.city_code));
  const vars = {} as Record<ModelVar, Float64Array>;
  for (const v of [...MODEL_VARS, 'EcoPc'] as ModelVar[]) {
    const out = new Float64Array(kept.length * Y);
    keptIdx.forEach((c, k) => { for (let t = 0; t < Y; t++) out[k * Y + t] = all[v][c * Y + t]; });
    vars[v] = out;
  }
  return { years, kept, dropped, vars, imputed: imputed.filter((x) => keptSet.has(x.city_code)) };
}
