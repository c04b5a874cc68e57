import { afterEach, describe, expect, it } from 'vitest';
import { clean } from '../../../pipelines/clean/index.ts';
import type { StageContext } from '../../../pipelines/runner/stage.ts';
import { derive } from '../../../pipelines/derive/index.ts';
import { transform } from '../../../pipelines/transform/index.ts';
import { sampleWarehouse } from '../../helpers/sample-warehouse.ts';
import { queryWarehouse } from '../../helpers/rebuild.ts';
import { fixtureContext, harmonizedRows, upToTransform } from '../fixture.ts';

let ctx: StageContext | undefined;
afterEach(() => ctx?.db.close());

describe('transform', () => {
  it('logs as the catalogue says and adds groups and winsorized copies', async () => {
    const c = ctx = await upToTransform();
    const rows = await c.db.rows<Record<string, number>>('SELECT * FROM panel ORDER BY city_code, year');
    expect(rows).toHaveLength(12);
    expect(rows[0].Inn).toBeCloseTo(Math.log(rows[0].Inn_level), 12);
    expect(rows[0].Ind).toBe(rows[0].Ind_level);
    const mean = rows.reduce((s, r) => s + r.DataRes_level, 0) / rows.length;
    for (const r of rows) expect(r.high_data_resources).toBe(r.DataRes_level > mean ? 1 : 0);
    // 12 values: Stata's rule puts the 1st and 99th percentiles at the smallest and largest value (P = 0.12 and
    // 11.88 are not integers: the 1st and the 12th order statistic), so nothing is clipped
    for (const r of rows) expect(r.AI_w).toBe(r.AI);
  });

  it('winsorizes the sample panel at its 1st and 99th percentiles, by Stata\'s rule computed here by hand', async () => {
    const { outDir } = await sampleWarehouse();
    const rows = await queryWarehouse<Record<string, number>>(outDir, 'SELECT Va, Va_w, Eco, Eco_w FROM w.panel');
    expect(rows).toHaveLength(3252);
    for (const v of ['Va', 'Eco']) {
      const sorted = rows.map((r) => r[v]).sort((a, b) => a - b);
      // n·p = 32.52 and 3219.48: not integers, so the 33rd and the 3220th order statistics (1-based)
      const lo = sorted[32];
      const hi = sorted[3219];
      expect(lo).toBeGreaterThan(sorted[0]);
      expect(sorted[65]).toBeGreaterThan(lo); // at 2 % (the 66th) the bound would differ: the rule is visible here
      for (const r of rows) expect(r[`${v}_w`]).toBe(Math.min(Math.max(r[v], lo), hi));
    }
  });

  it('stops on a non-positive value under ln, naming city, year and variable', async () => {
    ctx = await fixtureContext(harmonizedRows((r) =>
      r.indicator === 'patents_granted' && r.city_code === '620200' && r.year === 2012 ? { ...r, value: 0 } : r));
    await clean(ctx);
    await derive(ctx);
    await expect(transform(ctx)).rejects.toThrow('city 嘉峪关 (620200), year 2012, variable Inn: ln needs a value above 0, found 0');
  });

});

