import { afterEach, describe, expect, it } from 'vitest';
import type { StageContext } from '../../../pipelines/runner/stage.ts';
import { baseValue, harmonizedRows, upToTransform } from '../fixture.ts';

let ctx: StageContext | undefined;
afterEach(() => ctx?.db.close());

describe('derive', () => {
  it('evaluates the catalogue formulas on canonical units', async () => {
    const c = ctx = await upToTransform();
    const [r] = await c.db.rows<Record<string, number>>(
      `SELECT * FROM derived WHERE city_code = '370200' AND year = 2013`);
    const v = (k: Parameters<typeof baseValue>[0]) => baseValue(k, 1, 2013);
    expect(r.Inn_level).toBeCloseTo(v('patents_granted'), 6);
    expect(r.Ind_level).toBeCloseTo((v('gdp_primary') + 2 * v('gdp_secondary') + 3 * v('gdp_tertiary')) / v('gdp'), 12);
    expect(r.Eco_level).toBeCloseTo(v('gdp') / v('land_area'), 6);
    expect(r.Huc_level).toBeCloseTo(v('students') / v('population'), 9);
    expect(r.Fis_level).toBeCloseTo(v('budget_revenue') / v('budget_expenditure'), 12);
    // Va: the province's volume (亿元 → 万元) split by the city's share of the province's express deliveries
    const share = v('express_volume') / (baseValue('express_volume', 0, 2013) + v('express_volume'));
    expect(r.Va_level).toBeCloseTo(baseValue('ecommerce_volume', 0, 2013) * 1e4 * share, 4);
  });

  it('switches the Eco formula by setting', async () => {
    const c = ctx = await upToTransform(harmonizedRows(), { ecoFormula: 'per_capita' });
    const [r] = await c.db.rows<Record<string, number>>(`SELECT Eco_level FROM derived WHERE city_code='370100' AND year=2011`);
    expect(r.Eco_level).toBeCloseTo(baseValue('gdp', 0, 2011) / baseValue('population', 0, 2011), 6);
  });

  it('population 0 in one city-year: the run stops naming city, year, variable, formula and the raw cell', async () => {
    const rows = harmonizedRows((r) => (r.indicator === 'population' && r.city_code === '370200' && r.year === 2013 ? { ...r, value: 0, cell: 'D77' } : r));
    await expect(upToTransform(rows)).rejects.toThrow(
      /^city 青岛 \(370200\), year 2013, variable Huc: Huc = students \/ population is not finite \(inf\): population = 0 \(fixture\.xlsx, population!D77\), students = /);
  });
});

