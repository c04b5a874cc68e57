import { DuckDBInstance } from '@duckdb/node-api';
import { nodeArgs } from '../helpers/command.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { displayWidth, isoTimestamp, truncate } from '../../cli/result-format.ts';
import { privateWarehouse, ROOT, runScript, stderrLines } from './helpers.ts';

let warehouse: string;
beforeAll(async () => {
  warehouse = await privateWarehouse();
});

const query = (...args: string[]) => runScript('cli/query.ts', ['--warehouse', warehouse, ...args]);

describe('query CLI: output formats', () => {
  it('CSV and JSON lines', () => {
    const csv = query('--format', 'csv', 'SELECT region, count(DISTINCT city_code) AS cities FROM panel GROUP BY region ORDER BY region');
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout).toBe('region,cities\ncentral,100\neast,100\nwest,71\n');
    const json = query('--format', 'json', "SELECT city_name, 3::BIGINT AS n, 1.5::DECIMAL(4,2) AS d, [1, 2] AS l FROM quality_drops WHERE city_name = '克拉玛依'");
    expect(json.stdout).toBe('{"city_name":"克拉玛依","n":3,"d":1.5,"l":[1,2]}\n');
  });

  it('a box table like DuckDB\u2019s: names and types in the header, numbers right-aligned, NULL shown', () => {
    const r = query("SELECT 'east' AS region, 100 AS cities, 2.5 AS mean, NULL::VARCHAR AS note UNION ALL SELECT '西部', 71, 10.25, 'x' ORDER BY cities DESC");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe([
      '┌─────────┬────────┬──────────────┬─────────┐',
      '│ region  │ cities │     mean     │  note   │',
      '│ varchar │ int32  │ decimal(4,2) │ varchar │',
      '├─────────┼────────┼──────────────┼─────────┤',
      '│ east    │    100 │         2.50 │ NULL    │',
      '│ 西部    │     71 │        10.25 │ x       │',
      '└─────────┴────────┴──────────────┴─────────┘',
      '2 rows',
      '',
    ].join('\n'));
  });

  it('caps rows with a footer and cuts wide cells with …', () => {
    const r = query('--max-rows', '3', '--max-width', '12', 'SELECT city_name, reason FROM quality_drops ORDER BY city_code');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('26 rows, 3 shown');
    expect(lines).toHaveLength(4 + 3 + 2);
    // every line of the box has the same display width (Chinese characters count two)
    expect(new Set(lines.slice(0, -1).map(displayWidth)).size).toBe(1);
    expect(lines[4]).toMatch(/│ [^│]*…\s*│$/);
    const all = query('--max-rows', '0', '--format', 'markdown', 'SELECT city_name FROM quality_drops');
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(2 + 26);
  });

  it('Markdown and TSV', () => {
    const md = query('--format', 'markdown', '--max-rows', '2', 'SELECT region, count(*) AS n FROM panel GROUP BY ALL ORDER BY ALL');
    expect(md.stdout).toBe('| region | n |\n| :--- | ---: |\n| central | 1200 |\n| east | 1200 |\n\n_3 rows, 2 shown_\n');
    const tsv = query('--format', 'tsv', "SELECT 'a' || chr(9) || 'b' AS x, NULL AS y, 2 AS z");
    expect(tsv.stdout).toBe('x\ty\tz\na\\tb\t\t2\n');
  });

  it('timestamps are ISO 8601 in every format', () => {
    const sql = "SELECT TIMESTAMP '2024-01-02 03:04:05.25' AS t, TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tz, DATE '2024-01-02' AS d";
    expect(query('--format', 'csv', sql).stdout).toMatch(/^t,tz,d\n2024-01-02T03:04:05\.25,2024-01-02T\d\d:04:05[+-]\d\d:\d\d,2024-01-02\n$/);
    expect(JSON.parse(query('--format', 'json', sql).stdout).t).toBe('2024-01-02T03:04:05.25');
    expect(query(sql).stdout).toContain('2024-01-02T03:04:05.25');
    expect(isoTimestamp('2024-01-02 03:04:05.123456+08')).toBe('2024-01-02T03:04:05.123456+08:00');
    expect(truncate('中华人民共和国', 7)).toBe('中华人…');
  });

  it('--format parquet writes the result to --out, and needs it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'query-parquet-')), 'q.parquet');
    const r = query('--format', 'parquet', '--out', out, 'SELECT city_code, year, AI, [year] AS l FROM panel WHERE year = 2015');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`query: 271 rows → ${out}\n`);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const rows = (await con.runAndReadAll(`SELECT count(*)::INT AS n, min(l[1])::INT AS y, typeof(any_value(AI)) AS t FROM read_parquet('${out}')`)).getRowObjectsJS();
    expect(rows).toEqual([{ n: 271, y: 2015, t: 'DOUBLE' }]);
    con.closeSync();
    db.closeSync();
    const missing = query('--format', 'parquet', 'SELECT 1');
    expect(missing.status).toBe(2);
    expect(stderrLines(missing)).toEqual(["error: option '--format parquet' needs --out FILE"]);
  });

  it('reports SQL errors on one line with exit code 2', () => {
    const bad = query('SELECT nope FROM panel');
    expect(bad.status).toBe(2);
    expect(stderrLines(bad)).toHaveLength(1);
    expect(bad.stderr).toMatch(/^error: .*nope/);
  });
});

describe('query CLI: session views', () => {
  it('--list names every session view and table with its description', () => {
    const r = query('--list', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.slice(0, 4).map((x) => [x.name, x.kind])).toEqual([
      ['panel_labeled', 'session view'], ['drops', 'session view'], ['imputations', 'session view'], ['provenance', 'session view'],
    ]);
    for (const row of rows) expect(row.description, row.name).toMatch(/\w{3}/);
    expect(rows.map((x) => x.name)).toEqual(expect.arrayContaining(['panel', 'quality_drops', 'stg_values', 'meta_catalogue']));
  });

  it('the views hold what they say', () => {
    const labeled = query('--format', 'json', "SELECT city_name, province_name, region, region_name, year, AI FROM panel_labeled WHERE city_code = '320100' AND year = 2015");
    expect(JSON.parse(labeled.stdout)).toMatchObject({ city_name: '南京', province_name: '江苏省', region: 'east', region_name: '东部', year: 2015 });
    const counts = query('--format', 'csv', 'SELECT (SELECT count(*) FROM drops) = (SELECT count(*) FROM quality_drops) AS d, (SELECT count(*) FROM imputations) = (SELECT count(*) FROM quality_imputations) AS i');
    expect(counts.stdout).toBe('d,i\ntrue,true\n');
    const where = query('--format', 'json', "SELECT file, sheet, cell, value, unit FROM provenance WHERE city_code = '320100' AND indicator = 'gdp' AND year = 2015");
    expect(where.status, where.stderr).toBe(0);
    const row = JSON.parse(where.stdout.split('\n')[0]);
    expect(row.file).toMatch(/\.xlsx$/);
    expect(row.cell).toMatch(/^[A-Z]+\d+$/);
  });
});

describe('query CLI: a closed pipe', () => {
  it('ends quietly with status 0 when the reader stops after the first line', async () => {
    const child = spawn(process.execPath, [...nodeArgs('cli/query.ts'), '--warehouse', warehouse, '--format', 'csv',
      'SELECT * FROM stg_values, range(3)'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const firstLine = await new Promise<string>((ok) => {
      let buffered = '';
      child.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        const nl = buffered.indexOf('\n');
        if (nl >= 0) {
          child.stdout.destroy(); // the reader goes away, like `| head -1`
          ok(buffered.slice(0, nl));
        }
      });
    });
    const status = await new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    expect(firstLine).toMatch(/^source_id,layout,file,/);
    expect(status).toBe(0);
    expect(stderr).toBe('');
  });
});
