// The estimation stage on the warehouse of the bundled sample: acceptance figures, outputs, errors.
import { nodeArgs } from '../../helpers/command.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StageDb } from '../../../pipelines/core/db.ts';
import { buildResults } from '../../../pipelines/estimate/results.ts';
import { EstimateSettings } from '../../../pipelines/estimate/settings.ts';
import { paperTables, type ColumnSpec } from '../../../pipelines/estimate/tables.ts';
import { publishedInDeclaredOrder, resultColumn } from '../../../pipelines/estimate/columns.ts';
import { expectedChecks, truthChecks } from '../../../pipelines/estimate/truth.ts';
import { publishedResults, writeReports } from '../../../pipelines/estimate/write.ts';
import { SAMPLE_RAW, sampleWarehouse } from '../../helpers/sample-warehouse.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let results: Json;
let warehouse: string;
const resultsDir = mkdtempSync(join(tmpdir(), 'results-'));
const truth = JSON.parse(readFileSync(join(SAMPLE_RAW, 'truth.json'), 'utf8'));
const TABLES = paperTables(EstimateSettings.parse({ mediationBootstrap: 100 }));

beforeAll(async () => {
  const { outDir } = await sampleWarehouse();
  warehouse = join(outDir, 'warehouse.duckdb');
  const settings = EstimateSettings.parse({ mediationBootstrap: 100 });
  ({ results } = await buildResults(warehouse, settings));
  writeReports(resultsDir, results, settings, truth);
});

describe('estimation stage', () => {
  it('uses the samples the paper reports', () => {
    expect(results.table2_baseline.columns.map((c: Json) => c.obs)).toEqual([3252, 3252, 3252, 3252, 3252, 3252]);
    const t3 = results.table3_robustness.columns;
    expect(t3[0].obs).toBe(2439);
    expect(t3[3].obs).toBe(3204);
    expect(results.table7_heterogeneity.columns.slice(0, 3).map((c: Json) => c.obs)).toEqual([1200, 1200, 852]);
    // the high/low groups split observations; a city with one observation in a group is a singleton (dropped as reghdfe does)
    const t7 = results.table7_heterogeneity.columns;
    const used = (c: Json) => c.obs + c.dropped.singletons;
    expect(used(t7[3]) + used(t7[4])).toBe(3252);
    expect(used(t7[5]) + used(t7[6])).toBe(3252);
  });

  it('finds the AI effect of truth.json: Table 2 column 6 within two standard errors', () => {
    const ai = results.table2_baseline.columns[5].AI;
    expect(Math.abs(ai.estimate - truth.targets.inn.t2c6_AI)).toBeLessThan(2 * ai.se);
  });

  it('finds two AI thresholds near the truth', () => {
    const col = results.table5_threshold.columns.find((c: Json) => c.threshold_var === 'AI');
    expect(col.n_thresholds_significant).toBe(2);
    const [g1, g2] = col.thresholds;
    const [t1, t2] = truth.targets.thresholds;
    // "neighbourhood": within a quarter of a standard deviation of AI (sd ≈ 1.8)
    expect(Math.abs(g1 - t1)).toBeLessThan(0.45);
    expect(Math.abs(g2 - t2)).toBeLessThan(0.45);
  });

  it('reproduces the generator\'s own estimates on the panel its files imply (independent least squares)', () => {
    const checks = expectedChecks(truth, results, TABLES);
    expect(checks.length).toBeGreaterThan(100);
    for (const c of checks) {
      // two documented differences of method: the generator winsorizes at type-7 quantiles (here Stata's
      // _pctile, as winsor2), and its own derivation carries 三沙's 2012 express volume into 2011, before the
      // city existed, which moves Hainan's 2011 Va denominator (the pipeline uses no value before a city's
      // first year) — so Va-based columns agree to 2e-3, the rest to the generator's 6 printed decimals
      if (c.quantity.startsWith('Table 3 winsorize_1pct')) continue;
      const vaBased = /^Table 6 (va_on_ai|inn_on_ai_va)/.test(c.quantity);
      const tol = vaBased ? 2e-3 : 2e-6 + 1e-5 * Math.abs(c.expected);
      expect(Math.abs(c.estimate - c.expected), c.quantity).toBeLessThan(tol);
    }
  });

  it('reports the IV diagnostics, the selection ratio with Oster δ, and the extras', () => {
    const t4 = results.table4_endogeneity;
    for (const k of ['kp_rk_lm', 'kp_rk_lm_p', 'kp_rk_wald_f', 'stock_yogo_10pct']) expect(Number.isFinite(t4.second_stage[k])).toBe(true);
    expect(t4.second_stage.stock_yogo_10pct).toBe(16.38);
    const sel = t4.selection_ratio;
    const b1 = results.table2_baseline.columns[0].AI.estimate;
    const b6 = results.table2_baseline.columns[5].AI.estimate;
    expect(sel.ratio).toBeCloseTo(b6 / (b1 - b6), 10);
    expect(Number.isFinite(sel.oster_delta)).toBe(true);
    for (const m of ['Va', 'Ind']) {
      const ind = results.table6_mediation.indirect[m];
      expect(ind.indirect).toBeCloseTo(ind.a * ind.b, 12);
      expect(ind.boot_ci[0]).toBeLessThan(ind.boot_ci[1]);
    }
    expect(Number.isFinite(results.table7_heterogeneity.east_vs_west.p)).toBe(true);
    expect(results.table7_heterogeneity.by_period.map((c: Json) => c.obs)).toEqual([271 * 6, 271 * 6]);
  });

  it('writes tables.json with the keys of the paper\u2019s results, and every table as Markdown and CSV', () => {
    const written = JSON.parse(readFileSync(join(resultsDir, 'tables.json'), 'utf8'));
    const paperKeys = Object.keys(publishedResults()).filter((k) => k.startsWith('table'));
    expect(Object.keys(written).filter((k) => k.startsWith('table'))).toEqual(paperKeys);
    for (let i = 1; i <= 7; i++) {
      expect(existsSync(join(resultsDir, `table${i}.md`))).toBe(true);
      expect(readFileSync(join(resultsDir, `table${i}.csv`), 'utf8').split('\n').length).toBeGreaterThan(3);
    }
    const cell = written.table2_baseline.columns[5].AI;
    expect(Object.keys(cell).sort()).toEqual(['estimate', 'p', 'se', 't']);
    expect(readFileSync(join(resultsDir, 'table2.md'), 'utf8')).toMatch(/\| AI \| [0-9.]+\**/);
  });

  it('writes a self-contained report.html with the published numbers, truth and figures', () => {
    const html = readFileSync(join(resultsDir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/);
    expect(html).toContain('class="pub"');
    expect(html).toContain('Truth vs estimate');
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(5);
    expect(html).toContain('SYNTHETIC');
    expect(truthChecks(truth, results, TABLES).length).toBeGreaterThan(10);
  });

  it('stops with one line and exit code 2 when the warehouse lacks a column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-wh-'));
    const bad = join(dir, 'warehouse.duckdb');
    const db = await StageDb.open(bad);
    await db.run(`ATTACH '${warehouse}' AS src (READ_ONLY)`);
    await db.run('CREATE TABLE panel AS SELECT * EXCLUDE (IV) FROM src.panel');
    db.close();
    const root = resolve(import.meta.dirname, '..', '..', '..');
    const r = spawnSync(process.execPath, [...nodeArgs('cli/estimate.ts'), '--warehouse', bad, '--out', join(dir, 'res')], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("error: warehouse table 'panel' lacks column IV");
  });
});

describe('columns are found by id, not position', () => {
  it('a column inserted into a declaration shifts neither truth checks nor published numbers', () => {
    const inserted: ColumnSpec = { id: 'new_first', kind: 'fe', label: 'inserted', depvar: 'Inn', regressors: ['AI'], fe: ['city_code'] };
    const tables = structuredClone(TABLES);
    const modified = structuredClone(results);
    for (const key of ['table2_baseline', 'table3_robustness', 'table6_mediation', 'table7_heterogeneity']) {
      tables.find((t) => t.key === key)!.columns.unshift(inserted);
      // what a run of the modified declaration gives: a new first column, every other unchanged
      modified[key].columns.unshift({ label: 'inserted', obs: 1, AI: { estimate: 99, se: 1, t: 99, p: 0 } });
    }
    expect(truthChecks(truth, modified, tables)).toEqual(truthChecks(truth, results, TABLES));
    expect(expectedChecks(truth, modified, tables)).toEqual(expectedChecks(truth, results, TABLES));
    expect(resultColumn(tables, modified, 'table3_robustness', 'patent_applications')!.label).toBe('patent applications as depvar');
    const published = publishedResults();
    const t3 = tables.find((t) => t.key === 'table3_robustness')!;
    const aligned = publishedInDeclaredOrder(t3, published.table3_robustness)!.columns!;
    expect(aligned[0].label).toBe('');
    // the paper's 0.2171 (patent applications) stays under the patent-applications column
    expect(aligned[3].AI).toEqual([0.2171, 4.28]);
    expect(aligned.slice(1).map((c) => c.id)).toEqual(TABLES.find((t) => t.key === 'table3_robustness')!.columns.map((c) => c.id));
  });
});


describe('report.html says what it shows', () => {
  const html = () => readFileSync(join(resultsDir, 'report.html'), 'utf8');
  /** The report's section of table N: its title, table, legend and notes. */
  const tableSection = (n: number) => html().split('<section>').find((s) => s.startsWith(`<h2>Table ${n}.`))!;
  const legendOf = (n: number) => /<div class="table-legend">(.*?)<\/div>/.exec(tableSection(n))?.[1] ?? '';

  it('a legend under every table: brackets, stars, standard errors, published', () => {
    for (let n = 1; n <= 7; n++) {
      expect(legendOf(n), `Table ${n}`).toContain('Published (orange): the paper\u2019s Table ' + n);
      if (n === 1) continue;
      expect(legendOf(n), `Table ${n}`).toContain('the t value (coefficient / standard error) in brackets below');
      expect(legendOf(n), `Table ${n}`).toContain('*** p&lt;0.01, ** p&lt;0.05, * p&lt;0.1');
      expect(legendOf(n), `Table ${n}`).toContain(n === 5 ? 'Standard errors: conventional (xthreg' : 'Standard errors: clustered by city (city_code).');
    }
    // descriptive statistics have no t values
    expect(legendOf(1)).toContain('Obs, mean, standard deviation (n − 1), minimum and maximum');
    expect(legendOf(1)).not.toMatch(/t value|p&lt;/);
    const table1 = readFileSync(join(resultsDir, 'table1.md'), 'utf8');
    expect(table1).not.toMatch(/t-values|t value|brackets|p<0\.01/);
    expect(readFileSync(join(resultsDir, 'table2.md'), 'utf8')).toContain('Coefficients with stars (*** p<0.01, ** p<0.05, * p<0.1); the t value (coefficient / standard error) in brackets below. Standard errors: clustered by city (city_code).');
    // the Markdown tables have no published numbers, so their legend does not mention them
    expect(readFileSync(join(resultsDir, 'table5.md'), 'utf8')).not.toContain('Published');
  });

  it('Tables 3 and 5 show Controls and Year effects rows, as the paper does', () => {
    const t3 = readFileSync(join(resultsDir, 'table3.md'), 'utf8');
    expect(t3).toContain('| Controls | Yes | Yes | Yes | Yes | Yes |');
    expect(t3).toContain('| Year effects | Yes | Yes | Yes | Yes | Yes |');
    const t5 = readFileSync(join(resultsDir, 'table5.md'), 'utf8');
    expect(t5).toContain('| Controls | Yes | Yes | Yes |');
    expect(t5).toContain('| City effects | Yes | Yes | Yes |');
    expect(t5).toContain('| Year effects | Yes | Yes | Yes |');
    expect(tableSection(5)).toContain('<th>Controls</th>');
    // Table 2 prints its controls as rows: no Controls row there
    expect(readFileSync(join(resultsDir, 'table2.md'), 'utf8')).not.toContain('| Controls |');
  });

  it('a banner: the synthetic sample is calibrated to the published tables, the truth table is the check', () => {
    expect(html()).toMatch(/<p class="banner"><strong>The bundled sample is SYNTHETIC and CALIBRATED to the published tables: .*Agreement with the published numbers \(orange\) is therefore by construction.*The real check is the truth-vs-estimate table below/);
    // only when meta_build says synthetic
    const other = mkdtempSync(join(tmpdir(), 'results-real-'));
    writeReports(other, { ...results, meta: { ...results.meta, synthetic: false } }, EstimateSettings.parse({ mediationBootstrap: 100 }));
    const real = readFileSync(join(other, 'report.html'), 'utf8');
    expect(real).not.toContain('class="banner"');
    expect(real).not.toContain('CALIBRATED');
  });

  it('the codebook is a section of the report, and not part of tables.json', async () => {
    const section = html().split('<section').find((s) => s.startsWith(' id="codebook"'))!;
    expect(section).toContain('<h2>Codebook: every column of the panel</h2>');
    const db = await StageDb.open(':memory:');
    await db.run(`ATTACH '${warehouse}' AS wh (READ_ONLY)`);
    const columns = await db.rows<{ column_name: string }>('SELECT column_name FROM (DESCRIBE wh.panel)');
    db.close();
    for (const { column_name: name } of columns) expect(section, name).toContain(`<th><code>${name}</code></th>`);
    expect(section).toContain('<code>students / population</code>');
    const written = JSON.parse(readFileSync(join(resultsDir, 'tables.json'), 'utf8'));
    expect(written.codebook).toBeUndefined();
    // the codebook's moments are Table 1's
    const ai = results.codebook.columns.find((c: Json) => c.name === 'AI');
    expect([ai.stats.n, ai.stats.mean, ai.stats.sd, ai.stats.min, ai.stats.max]).toEqual(results.table1_descriptives.rows.AI);
  });
});
