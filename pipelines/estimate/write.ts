// Writes results/: tables.json, table1..7 as Markdown and CSV, and report.html.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codebookHtml, type Codebook } from './codebook.ts';
import { coefficientPlot, lrCurve } from './figures.ts';
import { gridToCsv, gridToMarkdown, tableGrid } from './grid.ts';
import { gridToHtml, keyValueTable, page } from './html.ts';
import { tableLegend } from './legend.ts';
import type { EstimateSettings } from './settings.ts';
import { paperTables, type TableSpec } from './tables.ts';
import { cellOf, publishedInDeclaredOrder, resultColumn } from './columns.ts';
import { expectedChecks, truthRows } from './truth.ts';
import { PROJECT_ROOT } from '../core/paths.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function publishedResults(): Json {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'pipelines', 'estimate', 'paper-published.json'), 'utf8'));
}

/** `results` as buildResults returns it: the estimates (tables.json) and the panel's codebook (report.html only). */
export function writeReports(outDir: string, results: Json, settings: EstimateSettings, truth?: Json): void {
  const { codebook, ...estimates } = results as Json & { codebook?: Codebook };
  writeFileSync(join(outDir, 'tables.json'), JSON.stringify(estimates, null, 1) + '\n');
  const published = publishedResults();
  const sections: string[] = [];
  const tables = paperTables(settings);
  tables.forEach((spec, i) => {
    const ours = tableGrid(spec, results[spec.key]);
    writeFileSync(join(outDir, `table${i + 1}.md`), gridToMarkdown(ours, tableLegend(spec, settings, false)));
    writeFileSync(join(outDir, `table${i + 1}.csv`), gridToCsv(ours));
    // the published numbers under each cell, matched to the declared columns by id
    sections.push(gridToHtml(ours, tableGrid(spec, publishedInDeclaredOrder(spec, published[spec.key]) as Record<string, unknown>),
      tableLegend(spec, settings, true)));
  });
  sections.push(...extrasSections(results));
  if (truth) {
    sections.push(keyValueTable('Truth vs estimate (bundled synthetic sample: raw/truth.json)',
      ['quantity', 'truth', 'estimate', 'difference', 'note'], truthRows(truth, results, tables)));
    const expected = expectedChecks(truth, results, tables);
    if (expected.length) {
      const worst = Math.max(...expected.map((x) => Math.abs(x.estimate - x.expected)));
      sections.push(keyValueTable(
        `The generator's own estimates on the same panel vs this build (${expected.length} coefficients, largest difference ${worst.toExponential(1)})`,
        ['coefficient', 'generator', 'this build', 'difference'],
        expected.map((x) => [x.quantity, x.expected.toFixed(6), x.estimate.toFixed(6), (x.estimate - x.expected).toExponential(1)])));
    }
  }
  sections.push(figures(results, published, tables));
  if (codebook) sections.push(codebookHtml(codebook));
  const settingsRows = Object.entries({ ...results.meta.settings, ...results.meta.pipeline_settings })
    .map(([k, v]) => [k, JSON.stringify(v)]);
  sections.push(keyValueTable('Settings of this build (choices where the paper is unclear)', ['setting', 'value'], settingsRows));
  const html = page('Zhao & Yang (2025): AI and regional innovation — reproduction report', [
    `Warehouse: ${results.meta.warehouse}. Panel: ${results.meta.obs} city-years, ${results.meta.cities} cities.` +
      (codebook ? ' Every panel column is defined in the codebook at the end of the page.' : ''),
    results.meta.synthetic
      ? 'The bundled data are SYNTHETIC (drawn from raw/TRUTH.md); the numbers below are not the paper\u2019s results and only show the pipeline at work.'
      : 'Built from user-supplied exports.',
  ], sections, results.meta.synthetic ? syntheticBanner(Boolean(truth)) : undefined);
  writeFileSync(join(outDir, 'report.html'), html);
}

/** The warning at the top of a report built from the bundled sample (meta_build: synthetic). */
export function syntheticBanner(withTruth: boolean): string {
  return 'The bundled sample is SYNTHETIC and CALIBRATED to the published tables: the generator (npm run sample, raw/TRUTH.md) ' +
    'chose its parameters so that these estimates land on the paper\u2019s numbers. Agreement with the published numbers (orange) is ' +
    'therefore by construction and says nothing about the paper or the method. The real check is the truth-vs-estimate table' +
    (withTruth ? ' below' : ' (written when raw/truth.json is given)') + ': the estimates against the values the data were drawn from.';
}

function extrasSections(results: Json): string[] {
  const out: string[] = [];
  const f = (x: unknown, d = 4) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : String(x ?? ''));
  const ind = results.table6_mediation?.indirect as Json | undefined;
  if (ind) {
    out.push(keyValueTable('Indirect effects (beyond the paper)', ['mediator', 'a (AI→M)', 'b (M→Inn)', 'a·b', 'Sobel z', 'Sobel p', 'bootstrap 95% CI', 'replications'],
      Object.entries(ind).map(([m, r]) => [m, f(r.a), f(r.b), f(r.indirect), f(r.sobel_z, 3), f(r.sobel_p, 4),
        `[${f(r.boot_ci?.[0])}, ${f(r.boot_ci?.[1])}]`, f(r.boot_reps, 0)])));
  }
  const eq = results.table7_heterogeneity?.east_vs_west as Json | undefined;
  if (eq) {
    out.push(keyValueTable('Equal AI coefficients, east vs west (beyond the paper)', ['test', 'difference', 'se', 't', 'p'],
      [['AI(east) − AI(west), pooled interaction, clustered by city', f(eq.difference), f(eq.se), f(eq.t, 3), f(eq.p, 4)]]));
  }
  const split = results.table7_heterogeneity?.by_period as Json[] | undefined;
  if (split) {
    out.push(keyValueTable('Before and after 2016 (the abstract\u2019s split, beyond the paper)', ['sample', 'AI', 't', 'p', 'obs'],
      split.map((c) => [c.label, f(c.AI?.estimate), f(c.AI?.t, 2), f(c.AI?.p, 4), f(c.obs, 0)])));
  }
  const sel = results.table4_endogeneity?.selection_ratio as Json | undefined;
  if (sel) {
    out.push(keyValueTable('Selection on unobservables', ['measure', 'value', 'from'],
      [['Altonji–Elder–Taber ratio β_F/(β_R − β_F)', f(sel.ratio), `β_R = ${f(sel.beta_restricted)} (Table 2 col 1), β_F = ${f(sel.beta_full)} (col 6)`],
       ['Oster (2019) δ for β = 0', f(sel.oster_delta), `R_max = ${f(sel.oster_rmax, 3)}, within R²`],
       ['Oster β* at δ = 1', f(sel.oster_beta_star), '']]));
  }
  return out;
}

function figures(results: Json, published: Json, tables: readonly TableSpec[]): string {
  const figs: string[] = [];
  for (const col of (results.table5_threshold?.columns ?? []) as Json[]) {
    for (const [i, curve] of ((col.lr_curve ?? []) as Json[]).entries()) {
      figs.push(lrCurve(`LR(γ) — threshold variable ${col.threshold_var}, threshold ${i + 1}`, curve.grid, curve.lr,
        curve.critical ?? -2 * Math.log(1 - Math.sqrt(0.95)), col.thresholds?.[i] ?? NaN));
    }
  }
  const aiRow = (label: string, c: Json, pub?: Json) => ({
    label, estimate: c.AI.estimate, low: c.AI.estimate - 1.96 * c.AI.se, high: c.AI.estimate + 1.96 * c.AI.se,
    published: Array.isArray(pub?.AI) ? pub.AI[0] : undefined,
  });
  // every declared column with an AI cell, its published counterpart found by id
  const aiRows = (key: string, label: (c: Json, i: number) => string) => {
    const spec = tables.find((t) => t.key === key)!;
    const pub = publishedInDeclaredOrder(spec, published[key])?.columns ?? [];
    return spec.columns.flatMap((s, i) => {
      const c = resultColumn(tables, results, key, s.id);
      return c && cellOf(c, 'AI') ? [aiRow(label(c, i), c, pub[i])] : [];
    });
  };
  const rows23 = [...aiRows('table2_baseline', (_, i) => `Table 2 (${i + 1})`), ...aiRows('table3_robustness', (c) => `Table 3: ${c.label}`)]
    .filter((r) => Number.isFinite(r.estimate));
  if (rows23.length) figs.push(coefficientPlot('AI coefficient across Table 2 and Table 3 columns', rows23));
  const rows7 = aiRows('table7_heterogeneity', (c) => String(c.label));
  if (rows7.length) figs.push(coefficientPlot('Heterogeneity: AI coefficient by group (Table 7)', rows7));
  return `<section><h2>Figures</h2><div class="figs">${figs.join('\n')}</div></section>`;
}
