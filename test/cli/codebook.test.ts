// `codebook` on the sample warehouse: every panel column is there, its statistics are the panel's (checked against
// DuckDB's own aggregates), and a variable's section has its definition, formula, transform, copies and sources.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStat, formulaInWords } from '../../pipelines/estimate/codebook.ts';
import { StageDb } from '../../pipelines/core/db.ts';
import { privateWarehouse, runScript, stderrLines } from './helpers.ts';

let warehouse: string;
let db: DuckDBInstance;
let con: DuckDBConnection;
let markdown: string;
beforeAll(async () => {
  warehouse = await privateWarehouse();
  db = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
  con = await db.connect();
  const r = runScript('cli/codebook.ts', ['--warehouse', warehouse]);
  expect(r.status, r.stderr).toBe(0);
  markdown = r.stdout;
});
afterAll(() => {
  con?.closeSync();
  db?.closeSync();
});

const rows = async <T>(sql: string, params: string[] = []) => (await con.runAndReadAll(sql, params)).getRowObjectsJS() as T[];
/** The Markdown table row of a column: its cells after the name. */
const rowOf = (name: string) => {
  const line = markdown.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
  return line?.split(' | ').map((c) => c.replace(/^\| |\s\|$/g, '').trim());
};

describe('codebook', () => {
  it('lists every panel column once, with N, mean, sd, min and max as DuckDB computes them', async () => {
    const columns = (await rows<{ column_name: string; column_type: string }>('DESCRIBE panel'));
    expect(columns.length).toBeGreaterThan(60);
    for (const { column_name: name, column_type: type } of columns) {
      const matches = markdown.split('\n').filter((l) => l.startsWith(`| \`${name}\` |`));
      expect(matches, name).toHaveLength(1);
      if (type !== 'DOUBLE') continue;
      const [s] = await rows<{ n: bigint; mean: number; sd: number; min: number; max: number }>(
        `SELECT count("${name}") AS n, avg("${name}") AS mean, stddev_samp("${name}") AS sd, min("${name}") AS min, max("${name}") AS max FROM panel`);
      const cells = rowOf(name)!;
      // column | definition | unit | N | mean | sd | min | max
      expect(cells[3], name).toBe(Number(s.n).toLocaleString('en-US'));
      // summation order may differ from DuckDB's in the last bits: compare what is printed
      for (const [i, x] of [[4, s.mean], [5, s.sd], [6, s.min], [7, s.max]] as const) {
        const printed = Number(cells[i].replaceAll(',', ''));
        expect(Math.abs(printed - x), `${name} column ${i}`).toBeLessThanOrEqual(Math.abs(x) < 1000 ? 0.0005 : 0.05);
      }
    }
    expect(rowOf('year')!.slice(3)).toEqual(['3,252', '2016.5', '3.453', '2011', '2022']);
  });

  it('a variable\u2019s section: definition, formula in words and SQL, unit, transform, the _level and _w copies, raw indicators and sources', async () => {
    const section = markdown.slice(markdown.indexOf('### Huc:'), markdown.indexOf('### Edu:'));
    expect(section).toContain('| formula (SQL) | `students / population` |');
    expect(section).toContain('| formula in words | Huc_level = students (普通高等学校在校学生数, 人) ÷ population (年末户籍人口, 万人) |');
    expect(section).toContain('| unit | 人/万人 |');
    expect(section).toContain('| transform | Huc = ln(Huc_level) |');
    // the sources are the files stg_values read for its inputs
    const files = await rows<{ source_id: string; first: string; last: string; n: bigint }>(
      "SELECT source_id, min(file) AS first, max(file) AS last, count(DISTINCT file) AS n FROM stg_values WHERE indicator = 'students' GROUP BY source_id");
    expect(files).toHaveLength(1);
    expect(section).toContain(`students ← ${files[0].source_id}: ${files[0].first} … ${files[0].last} (${files[0].n} files)`);
    expect(section).toMatch(/population ← yearbook-population-land: .*printed units 万人, 人, scope 全市 \(市辖区 read, not used\)/);
    expect(rowOf('Huc')![2]).toBe('ln(人/万人)');
    expect(rowOf('Huc_level')![1]).toMatch(/before the transform: students .* ÷ population/);
    expect(rowOf('Huc_level')![2]).toBe('人/万人');
    expect(rowOf('Huc_w')![1]).toBe("Huc winsorized at the panel's 1%/99% points (Stata's _pctile rule)");
    // the winsorized copy's bounds are its extremes, and the clipped counts are the panel's
    const [w] = await rows<{ low: number; high: number; below: bigint; above: bigint }>(
      'SELECT min(Huc_w) AS low, max(Huc_w) AS high, count(*) FILTER (WHERE Huc < (SELECT min(Huc_w) FROM panel)) AS below, count(*) FILTER (WHERE Huc > (SELECT max(Huc_w) FROM panel)) AS above FROM panel');
    expect(section).toContain(`Huc_w: clipped to [${formatStat(w.low)}, ${formatStat(w.high)}]; ${w.below} city-years raised to the lower bound, ${w.above} lowered to the upper bound`);
    // a variable that is not logged
    expect(markdown.slice(markdown.indexOf('### Fis:'))).toContain('| transform | Fis = Fis_level (not logged) |');
  });

  it('explains _level and _w, the splits and the provincial series', () => {
    expect(markdown).toContain('`X_level` is the variable before the transform');
    expect(markdown).toContain('`X_w` is X (after the log, where there is one) winsorized at the panel\'s 1%/99% points');
    expect(rowOf('high_data_resources')![1]).toBe('1 if DataRes_level (data resources: telecom revenue per resident) is above the sample mean, else 0 (Table 7 groups)');
    expect(rowOf('prov_ecommerce_volume')![2]).toBe('亿元');
    expect(formulaInWords('prov_ecommerce_volume * 1e4 * express_volume / sum(express_volume) OVER (PARTITION BY province_code, year)'))
      .toBe('the province\'s ecommerce_volume (电子商务交易额, 亿元) × 10⁴ × express_volume (快递业务量, 万件) ÷ the sum of express_volume over the province\'s cities that year');
  });

  it('--out writes the same Markdown to a file', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'codebook-')), 'codebook.md');
    const r = runScript('cli/codebook.ts', ['--warehouse', warehouse, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^codebook: \d+ columns → .*codebook\.md\n$/);
    expect(readFileSync(out, 'utf8')).toBe(markdown);
  });

  it('a warehouse without the catalogue tables is refused with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'codebook-old-'));
    const old = join(dir, 'warehouse.duckdb');
    const stage = await StageDb.open(old);
    await stage.run(`ATTACH '${warehouse}' AS src (READ_ONLY)`);
    await stage.run('CREATE TABLE panel AS SELECT * FROM src.panel');
    stage.close();
    const r = runScript('cli/codebook.ts', ['--warehouse', old]);
    expect(r.status).toBe(2);
    expect(stderrLines(r)).toEqual([`error: the warehouse ${old} has no meta_catalogue, meta_settings, stg_values (an older build); rebuild it with \`npm run pipeline\``]);
  });
});
