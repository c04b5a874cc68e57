import { describe, it, expect, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { buildTruth } from '../../generator/truth.ts';
import { buildPanel } from '../../generator/truth/model.ts';
import { loadCityRecords } from '../../reference/index.ts';
import type { SampleTruth, CityObservation } from '../../generator/types.ts';
import paper from '../fixtures/paper/paper-results.json' with { type: 'json' };

const YEARS = Array.from({ length: 12 }, (_, i) => 2011 + i);
const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

let truth: SampleTruth;
beforeAll(() => { truth = buildTruth(); });

describe('truth: determinism and extension', () => {
  it('is identical for the same seed and differs for another seed', () => {
    const again = buildTruth({ seed: 20250401, years: YEARS });
    expect(hash(again.city)).toBe(hash(truth.city));
    expect(hash(again.province)).toBe(hash(truth.province));
    expect(hash(again.truthJson)).toBe(hash(truth.truthJson));
    const other = buildTruth({ seed: 7 });
    expect(hash(other.city)).not.toBe(hash(truth.city));
  });

  it('one more data year leaves 2011–2022 unchanged and appends 2023', () => {
    const ext = buildTruth({ years: [...YEARS, 2023] });
    const key = (o: CityObservation) => `${o.indicator}|${o.year}|${o.city_code}|${o.scope}`;
    const base = new Map(truth.city.map((o) => [key(o), o.value]));
    const extBase = ext.city.filter((o) => o.year <= 2022);
    expect(extBase.length).toBe(truth.city.length);
    for (const o of extBase) expect(o.value).toBe(base.get(key(o)));
    expect(hash(ext.province.filter((o) => o.year <= 2022))).toBe(hash(truth.province));
    const y23 = ext.city.filter((o) => o.year === 2023 && o.scope === '全市');
    expect(new Set(y23.map((o) => o.city_code)).size).toBe(297);
    const keptCodes = new Set((truth.truthJson as any).sample.kept as string[]);
    expect(y23.filter((o) => keptCodes.has(o.city_code)).every((o) => o.value !== null && Number.isFinite(o.value))).toBe(true);
    expect(ext.province.filter((o) => o.year === 2023).length).toBe(31);
  });
});

/** The drop rule, re-implemented independently: per canonical city and raw indicator, a series can be
 *  completed iff it has a value and at most one missing year at each edge (interior gaps interpolate). */
function keptByRule(obs: CityObservation[]): Set<string> {
  const merge: Record<string, string> = { '371200': '370100' };
  const series = new Map<string, Map<number, number | null>>();
  for (const o of obs) {
    if (o.scope !== '全市' || o.year > 2022) continue;
    const code = merge[o.city_code] ?? o.city_code;
    const k = `${code}|${o.indicator}`;
    if (!series.has(k)) series.set(k, new Map());
    const s = series.get(k)!;
    const prev = s.get(o.year);
    s.set(o.year, o.value === null || prev === null ? null : (prev ?? 0) + o.value);
  }
  const indicators = [...new Set(obs.map((o) => o.indicator))];
  const kept = new Set<string>();
  for (const c of loadCityRecords()) {
    const ok = indicators.every((ind) => {
      const s = series.get(`${c.city_code}|${ind}`);
      if (!s) return false;
      const present = YEARS.map((y) => { const v = s.get(y); return v !== undefined && v !== null; });
      const first = present.indexOf(true), last = present.lastIndexOf(true);
      return first >= 0 && first <= 1 && last >= YEARS.length - 2;
    });
    if (ok) kept.add(c.city_code);
  }
  return kept;
}

describe('truth: documents', () => {
  it('truth.json carries the documented sections and TRUTH.md says the data are synthetic', () => {
    const j = truth.truthJson as any;
    for (const k of ['seed', 'years', 'structural', 'targets', 'expected_moments', 'expected_estimates', 'planted_gaps', 'conflicts', 'sample'])
      expect(j[k], k).toBeDefined();
    expect(j.synthetic).toBe(true);
    expect(j.sample.dropped.length).toBe(26);
    for (const v of ['Inn', 'Inn1', 'AI', 'Va', 'Ind', 'Eco', 'Huc', 'Edu', 'Fis', 'Gov', 'IV', 'DataRes', 'DigInfra', 'Eco_per_capita'])
      expect(Object.keys(j.expected_moments[v]).sort()).toEqual(['max', 'mean', 'min', 'obs', 'sd']);
    expect(j.conflicts.length).toBeGreaterThanOrEqual(8);
    expect(truth.truthMd).toMatch(/synthetic/);
    expect(truth.truthMd).toMatch(/\| Table 2 col 6: AI \| 0\.272 \|/);
  });
});

describe('truth: sample', () => {
  it('the drop rule keeps 271 cities (east 100, central 100, west 71) = 3,252 city-years', () => {
    const kept = keptByRule(truth.city);
    const cities = loadCityRecords();
    const region = (r: string) => cities.filter((c) => c.region === r && kept.has(c.city_code)).length;
    expect(kept.size).toBe(271);
    expect([region('east'), region('central'), region('west')]).toEqual([100, 100, 71]);
    expect(kept.size * 12).toBe(3252);
    const name = new Map(cities.map((c) => [c.city_name, c.city_code]));
    for (const n of ['毕节', '铜仁', '克拉玛依', '三沙', '儋州']) expect(kept.has(name.get(n)!)).toBe(false);
    const tj = truth.truthJson as any;
    expect(new Set(tj.sample.kept)).toEqual(kept);
  });

  it('莱芜 and 济南 parts sum to the truth of 济南; express volume is complete', () => {
    const p = buildPanel(20250401, YEARS);
    const c = p.cities.findIndex((x) => x.city_code === '370100');
    for (const year of [2011, 2018]) {
      const t = year - 2011;
      const part = (code: string) => truth.city.find((o) => o.city_code === code && o.year === year && o.indicator === 'patents_granted' && o.scope === '全市')!.value!;
      expect(part('370100') + part('371200')).toBe(p.raw.patents_granted[c * p.Y + t]);
    }
    expect(truth.city.some((o) => o.city_code === '371200' && o.year === 2019)).toBe(false);
    expect(truth.city.filter((o) => o.indicator === 'express_volume').every((o) => o.value !== null && o.value > 0)).toBe(true);
    expect(truth.city.some((o) => o.scope === '市辖区' && o.indicator === 'gdp')).toBe(true);
  });

  it('planted gaps are imputed close to the truth (interpolation within 10 %)', () => {
    const cells = (truth.truthJson as any).planted_gaps.cells as { true_value: number; imputed_value: number; kind: string }[];
    expect(cells.filter((c) => c.kind === 'interior').length).toBeGreaterThan(20);
    expect(cells.filter((c) => c.kind === 'edge').length).toBeGreaterThan(5);
    for (const c of cells) expect(Math.abs(c.imputed_value / c.true_value - 1)).toBeLessThan(0.1);
  });

  it('sector values add up to GDP and revenue stays below expenditure', () => {
    const get = (code: string, y: number, ind: string) => truth.city.find((o) => o.city_code === code && o.year === y && o.indicator === ind && o.scope === '全市')!.value!;
    for (const code of ['110000', '420100', '620100']) {
      expect(get(code, 2016, 'gdp_primary') + get(code, 2016, 'gdp_secondary') + get(code, 2016, 'gdp_tertiary')).toBe(get(code, 2016, 'gdp'));
      expect(get(code, 2016, 'budget_revenue')).toBeLessThan(get(code, 2016, 'budget_expenditure'));
    }
  });
});

describe('truth: Table 1 and Table 2', () => {
  it('expected moments are within 0.1 paper-sd (means) and 10 % (sds) of Table 1', () => {
    const rows = paper.table1_descriptives.rows as Record<string, number[]>;
    const em = (truth.truthJson as any).expected_moments;
    for (const v of ['Inn', 'AI', 'Va', 'Ind', 'Huc', 'Edu', 'Fis', 'Gov']) {
      const [obs, mean, sd] = rows[v];
      expect(em[v].obs).toBe(obs);
      expect(Math.abs(em[v].mean - mean)).toBeLessThan(0.1 * sd);
      expect(Math.abs(em[v].sd / sd - 1)).toBeLessThan(0.1);
    }
    // Table 1's Eco is ln GDP per capita: the per_capita setting reproduces it
    expect(Math.abs(em.Eco_per_capita.mean - 10.79)).toBeLessThan(0.055);
    expect(Math.abs(em.Eco_per_capita.sd / 0.549 - 1)).toBeLessThan(0.1);
    expect(em.AI.min).toBeCloseTo(Math.log(4), 6);
  });

  it('a two-way within OLS of Inn on AI + controls gives the stated AI coefficient', () => {
    const p = buildPanel(20250401, YEARS);
    const kept = p.cities.map((_, c) => c).filter((c) => p.keptCity[c]);
    const T = 12;
    const pick = (x: Float64Array) => kept.flatMap((c) => Array.from(x.subarray(c * p.Y, c * p.Y + T)));
    const within = (x: number[]) => {
      const n = kept.length;
      const cm = Array.from({ length: n }, (_, k) => x.slice(k * T, k * T + T).reduce((a, b) => a + b, 0) / T);
      const ym = Array.from({ length: T }, (_, t) => kept.reduce((s, _c, k) => s + x[k * T + t], 0) / n);
      const g = x.reduce((a, b) => a + b, 0) / x.length;
      return x.map((v, i) => v - cm[Math.floor(i / T)] - ym[i % T] + g);
    };
    const names = ['AI', 'Eco', 'Huc', 'Edu', 'Fis', 'Gov'];
    const X = names.map((v) => within(pick(p.model[v])));
    const y = within(pick(p.model.Inn));
    const A = X.map((a) => X.map((b) => a.reduce((s, v, i) => s + v * b[i], 0)));
    const b = X.map((a) => a.reduce((s, v, i) => s + v * y[i], 0));
    // Gaussian elimination
    const k = names.length;
    for (let i = 0; i < k; i++) for (let r = i + 1; r < k; r++) {
      const f = A[r][i] / A[i][i];
      for (let c = i; c < k; c++) A[r][c] -= f * A[i][c];
      b[r] -= f * b[i];
    }
    const beta = new Array(k).fill(0);
    for (let i = k - 1; i >= 0; i--) beta[i] = (b[i] - A[i].slice(i + 1).reduce((s, v, j) => s + v * beta[i + 1 + j], 0)) / A[i][i];
    const tj = truth.truthJson as any;
    // the truth panel (patents rounded to integers) gives the Table 2 estimand to 1e-3
    expect(beta[0]).toBeCloseTo(0.272, 3);
    expect(beta[1]).toBeCloseTo(0.243, 2);
    expect(beta[5]).toBeCloseTo(0.8662, 1);
    // the emitted files (after imputation of the planted gaps) give the stated expected estimate
    const stated = tj.expected_estimates.table2[5].coef.AI;
    expect(Math.abs(stated - 0.272)).toBeLessThan(0.005);
    expect(Math.abs(beta[0] - stated)).toBeLessThan(0.005);
  });

  it('documents 2SLS, first stage, mediation and regional slopes close to the paper', () => {
    const e = (truth.truthJson as any).expected_estimates;
    expect(e.table4.first_stage.coef.IV).toBeCloseTo(4.9145, 1);
    expect(e.table4.second_stage.coef.AI).toBeCloseTo(0.6869, 2);
    expect(e.table6.va_on_ai.coef.AI).toBeCloseTo(0.1607, 3);
    expect(e.table6.ind_on_ai.coef.AI).toBeCloseTo(0.0368, 3);
    expect(e.table7.east.coef.AI).toBeCloseTo(0.3171, 2);
    expect(e.table7.west.coef.AI).toBeCloseTo(0.0392, 2);
    expect(e.table3.drop_2020_2022.coef.AI).toBeCloseTo(0.4866, 2);
    expect(e.table3.patent_applications.coef.AI).toBeCloseTo(0.2171, 2);
    expect(e.table7.high_data_resources.coef.AI - e.table7.low_data_resources.coef.AI).toBeCloseTo(0.2445 - 0.2066, 2);
    expect(e.table7.high_digital_infrastructure.coef.AI - e.table7.low_digital_infrastructure.coef.AI).toBeCloseTo(0.2796 - 0.2034, 2);
    expect(e.table3.drop_municipalities.coef.AI).toBeCloseTo(0.2509, 2);
    expect(e.table3.province_year_fe.coef.AI).toBeCloseTo(0.1689, 2);
    expect(e.table7.high_data_resources.nobs).toBe(1534);
    expect(e.table7.high_digital_infrastructure.nobs).toBe(1270);
    const t5 = e.table5.two_way_fe.coef;
    // Table 5 regime-slope differences: the paper's shape, built larger so that the bootstrap tests detect it
    const scale = (truth.truthJson as any).targets.table5_slope_differences.scale;
    expect(t5.AI_r2 - t5.AI_r1).toBeCloseTo(scale.ai * 0.033, 2);
    expect(t5.AI_r3 - t5.AI_r2).toBeCloseTo(scale.ai * -0.019, 2);
    expect(t5.AI_r2 - t5.AI_r1).toBeGreaterThan(0.08);
    expect(t5.AI_r3 - t5.AI_r2).toBeLessThan(-0.04);
    const va = e.table5.va_two_way_fe.coef, ind = e.table5.ind_two_way_fe.coef;
    expect(va.AI_r2 - va.AI_r1).toBeCloseTo(scale.va * -0.023, 2);
    expect(ind.AI_r2 - ind.AI_r1).toBeCloseTo(scale.ind * 0.056, 2);
  });
});
