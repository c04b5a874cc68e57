import { afterEach, describe, expect, it } from 'vitest';
import { clean } from '../../../pipelines/clean/index.ts';
import type { StageContext } from '../../../pipelines/runner/stage.ts';
import { derive } from '../../../pipelines/derive/index.ts';
import { transform } from '../../../pipelines/transform/index.ts';
import { winsorize } from '../../../econometrics/stats/winsorize.ts';
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
    const w = winsorize(rows.map((r) => r.AI), { lower: 0.01, upper: 0.99 });
    rows.forEach((r, i) => expect(r.AI_w).toBe(w.values[i]));
  });

  it('stops on a non-positive value under ln, naming city, year and variable', async () => {
    ctx = await fixtureContext(harmonizedRows((r) =>
      r.indicator === 'patents_granted' && r.city_code === '620200' && r.year === 2012 ? { ...r, value: 0 } : r));
    await clean(ctx);
    await derive(ctx);
    await expect(transform(ctx)).rejects.toThrow('city 嘉峪关 (620200), year 2012, variable Inn: ln needs a value above 0, found 0');
  });

});

