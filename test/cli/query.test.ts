import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleWarehouse } from '../helpers/sample-warehouse.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
let warehouse: string;
beforeAll(async () => {
  warehouse = join((await sampleWarehouse()).outDir, 'warehouse.duckdb');
});

const query = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'query.ts'), '--warehouse', warehouse, ...args], { cwd: ROOT, encoding: 'utf8' });

describe('query CLI', () => {
  it('runs SQL on the warehouse and prints CSV or JSON lines', () => {
    const csv = query('--format', 'csv', 'SELECT region, count(DISTINCT city_code) AS cities FROM panel GROUP BY region ORDER BY region');
    expect(csv.status).toBe(0);
    expect(csv.stdout).toBe('region,cities\ncentral,100\neast,100\nwest,71\n');
    const json = query('--format', 'json', "SELECT city_name FROM quality_drops WHERE city_name = '克拉玛依'");
    expect(json.stdout.trim()).toBe('{"city_name":"克拉玛依"}');
  });

  it('is read-only and reports SQL errors on one line with exit code 2', () => {
    const write = query('DELETE FROM panel');
    expect(write.status).toBe(2);
    expect(write.stderr.trim().split('\n')).toHaveLength(1);
    const bad = query('SELECT nope FROM panel');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*nope/);
  });
});
