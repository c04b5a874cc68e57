import { mkdtempSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { clean } from '../../pipelines/clean.ts';
import type { StageContext } from '../../pipelines/context.ts';
import { derive } from '../../pipelines/derive.ts';
import { transform } from '../../pipelines/transform.ts';
import { winsorize } from '../../estimation/stats/winsorize.ts';
import { writeWarehouse } from '../../pipelines/warehouse.ts';
import { StageDb } from '../../pipelines/db.ts';
import { baseValue, fixtureContext, harmonizedRows } from './fixture.ts';

let ctx: StageContext | undefined;
afterEach(() => ctx?.db.close());

async function upToTransform(rows = harmonizedRows(), settings = {}, outDir?: string) {
  ctx = await fixtureContext(rows, settings, outDir);
  await clean(ctx);
  await derive(ctx);
  await transform(ctx);
  return ctx;
}

describe('derive', () => {
  it('evaluates the catalogue formulas on canonical units', async () => {
    const c = await upToTransform();
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
    const c = await upToTransform(harmonizedRows(), { ecoFormula: 'per_capita' });
    const [r] = await c.db.rows<Record<string, number>>(`SELECT Eco_level FROM derived WHERE city_code='370100' AND year=2011`);
    expect(r.Eco_level).toBeCloseTo(baseValue('gdp', 0, 2011) / baseValue('population', 0, 2011), 6);
  });
});

describe('transform', () => {
  it('logs as the catalogue says and adds groups and winsorized copies', async () => {
    const c = await upToTransform();
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

describe('warehouse', () => {
  it('writes duckdb, parquet and arrow with the same panel rows', async () => {
    const out = mkdtempSync(join(tmpdir(), 'wh-'));
    const c = await upToTransform(harmonizedRows(), {}, out);
    await c.db.run(`CREATE TABLE harmonized_copy AS SELECT 1`); // unrelated tables are not copied
    await writeWarehouse(c);
    const db = await StageDb.open(join(out, 'warehouse.duckdb'));
    expect(await db.count('panel')).toBe(12);
    expect(await db.count('quality_drops')).toBe(0);
    expect(Number(await db.scalar(`SELECT count(*) FROM read_parquet('${join(out, 'panel.parquet')}')`))).toBe(12);
    db.close();
    const arrow = tableFromIPC(readFileSync(join(out, 'panel.arrow')));
    expect(arrow.numRows).toBe(12);
    expect(arrow.getChild('city_code')!.get(0)).toBe('370100');
    expect(arrow.getChild('AI')!.get(0)).toBeCloseTo(Math.log(baseValue('ai_firms', 0, 2011)), 12);
  });

  it('a failing write leaves the previous warehouse untouched and no temporary folder', async () => {
    const out = mkdtempSync(join(tmpdir(), 'wh-'));
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'warehouse.duckdb'), 'previous');
    const c = await upToTransform(harmonizedRows(), {}, out);
    await c.db.run('DROP TABLE quality_drops'); // the write fails half-way
    await expect(writeWarehouse(c)).rejects.toThrow();
    expect(readFileSync(join(out, 'warehouse.duckdb'), 'utf8')).toBe('previous');
    expect(existsSync(join(out, 'panel.parquet'))).toBe(false);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(out).filter((f) => f.startsWith('.tmp'))).toEqual([]);
  });
});
