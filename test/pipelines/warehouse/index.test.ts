import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import type { StageContext } from '../../../pipelines/runner/stage.ts';
import { StageDb } from '../../../pipelines/core/db.ts';
import { writeWarehouse } from '../../../pipelines/warehouse/index.ts';
import { baseValue, harmonizedRows, upToTransform } from '../fixture.ts';

let ctx: StageContext | undefined;
afterEach(() => ctx?.db.close());

describe('warehouse', () => {
  it('writes duckdb, parquet and arrow with the same panel rows', async () => {
    const out = mkdtempSync(join(tmpdir(), 'wh-'));
    const c = ctx = await upToTransform(harmonizedRows(), {}, out);
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
    const c = ctx = await upToTransform(harmonizedRows(), {}, out);
    await c.db.run('DROP TABLE quality_drops'); // the write fails half-way
    await expect(writeWarehouse(c)).rejects.toThrow();
    expect(readFileSync(join(out, 'warehouse.duckdb'), 'utf8')).toBe('previous');
    expect(existsSync(join(out, 'panel.parquet'))).toBe(false);
    expect(readdirSync(out).filter((f) => f.startsWith('.tmp'))).toEqual([]);
  });
});
