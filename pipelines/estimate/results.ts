// Runs every declared table on the warehouse panel and assembles tables.json (keys and nesting of the
// paper's results file) plus the analyses beyond the paper.
import { describe, equalCoefficientsTest, mediation, selectionOnUnobservables } from '../../econometrics/index.ts';
import type { LoadedFrame } from '../../econometrics/io/load.ts';
import type { VcovOption } from '../../econometrics/vcov.ts';
import { MODEL_VARIABLES } from '../../schemas/catalogue.ts';
import { missingCodebookTables, readCodebook } from './codebook.ts';
import { PanelData } from './panel-data.ts';
import { terminalProgress, type Progress } from './progress.ts';
import { neededColumns, runColumn, type ColumnResult } from './run-tables.ts';
import type { EstimateSettings } from './settings.ts';
import { CONTROLS, extraColumns, paperTables, TWO_WAY } from './tables.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PANEL_META_COLUMNS = ['city_code', 'year', 'province', 'region', 'is_municipality', 'high_data_resources', 'high_digital_infra'];

/** Every table from the warehouse. `results` holds tables.json and, under `codebook`, the panel's codebook for
 *  report.html; `progress` shows the long steps (a bar on a terminal's standard error, else nothing). */
export async function buildResults(
  warehouse: string, settings: EstimateSettings, log: (line: string) => void = () => {}, progress: Progress = terminalProgress(),
): Promise<{ results: Json; timings: Record<string, number> }> {
  const tables = paperTables(settings);
  const extras = extraColumns();
  const needed = [...new Set([
    ...PANEL_META_COLUMNS, ...MODEL_VARIABLES,
    ...tables.flatMap((t) => t.columns.flatMap(neededColumns)), ...Object.values(extras).flatMap(neededColumns),
  ])];
  const data = await PanelData.open(warehouse, needed);
  const timings: Record<string, number> = {};
  const vcov = settings.vcov;
  const cluster = settings.vcov.startsWith('cluster:') ? settings.vcov.slice('cluster:'.length) : 'city_code';
  try {
    const results: Json = {
      meta: {
        warehouse, obs: data.full.nrows, cities: data.full.factors.city_code.levels.length,
        settings, pipeline_settings: await data.pipelineSettings(), synthetic: await data.isSynthetic(),
      },
    };
    // a step's units of work: its columns, plus its extra models and bootstraps
    const unitsOf = (key: string, extra = 0) => tables.find((t) => t.key === key)!.columns.length + extra;
    const timed = async <T>(key: string, units: number, f: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      progress.start(key, units);
      let out: T;
      try {
        out = await f();
      } finally {
        progress.stop();
      }
      timings[key] = (performance.now() - t0) / 1000;
      log(`${key.padEnd(24)} ${timings[key].toFixed(2)} s`);
      return out;
    };
    const run = async (key: string) => {
      const spec = tables.find((t) => t.key === key)!;
      const cols: ColumnResult[] = [];
      for (const c of spec.columns) {
        cols.push(await runColumn(c, data, settings));
        progress.tick();
      }
      return cols;
    };

    await timed('table1_descriptives', unitsOf('table1_descriptives'), async () => {
      const vars = (tables[0].columns[0] as { variables: string[] }).variables;
      const rows: Record<string, number[]> = {};
      for (const r of describe(data.full, vars)) rows[r.variable] = [r.obs, r.mean, r.sd, r.min, r.max];
      results.table1_descriptives = { columns: ['obs', 'mean', 'sd', 'min', 'max'], rows };
    });
    await timed('table2_baseline', unitsOf('table2_baseline'), async () => {
      results.table2_baseline = { depvar: 'Inn', fe: ['city', 'year'], vcov: settings.vcov, columns: await run('table2_baseline') };
    });
    await timed('table3_robustness', unitsOf('table3_robustness'), async () => {
      results.table3_robustness = { columns: await run('table3_robustness') };
    });
    await timed('table4_endogeneity', unitsOf('table4_endogeneity'), async () => {
      const [iv, full] = await run('table4_endogeneity');
      const sel = selectionOnUnobservables(data.full, {
        y: 'Inn', x: 'AI', controls: CONTROLS, restrictedControls: [], fixedEffects: TWO_WAY.join(' + '),
      });
      results.table4_endogeneity = {
        instrument: 'internet penetration (IV)',
        first_stage: iv.first_stage, second_stage: iv.second_stage,
        selection_ratio: {
          ...full, ratio: sel.altonji_ratio, beta_restricted: sel.beta_restricted, beta_full: sel.beta_full,
          oster_delta: sel.oster_delta, oster_beta_star: sel.oster_beta_star, oster_rmax: sel.r_max,
          oster_excludes_zero: sel.excludes_zero,
          note: 'ratio = β_F / (β_R − β_F) with β_R from Table 2 (1) and β_F from Table 2 (6); Oster δ for β = 0 and β* at δ = 1, R_max = min(1.3 R², 1) on full-model R²',
        },
      };
    });
    await timed('table5_threshold', unitsOf('table5_threshold'), async () => {
      results.table5_threshold = {
        method: `${settings.thresholdMethod}: fixed-effect panel threshold, ${settings.bootstrap} bootstrap replications, seed ${settings.seed}`,
        columns: await run('table5_threshold'),
      };
    });
    await timed('table6_mediation', unitsOf('table6_mediation', 2), async () => {
      const indirect: Json = {};
      for (const m of ['Va', 'Ind']) {
        const r = mediation(data.full, {
          y: 'Inn', x: 'AI', mediator: m, controls: CONTROLS, fixedEffects: TWO_WAY.join(' + '), vcov,
          bootstrapUnit: cluster, replications: settings.mediationBootstrap, seed: settings.seed,
        });
        indirect[m] = {
          a: r.a.estimate, b: r.b.estimate, indirect: r.indirect, proportion_mediated: r.proportion_mediated,
          sobel_z: r.sobel_z, sobel_p: r.sobel_p, boot_ci: [r.bootstrap.ci_low, r.bootstrap.ci_high],
          boot_se: r.bootstrap.se, boot_reps: r.bootstrap.replications,
        };
        progress.tick();
      }
      results.table6_mediation = { columns: await run('table6_mediation'), indirect };
    });
    await timed('table7_heterogeneity', unitsOf('table7_heterogeneity', 1 + Object.keys(extras).length), async () => {
      const columns = await run('table7_heterogeneity');
      const eastWest = await data.frame("region IN ('east', 'west')");
      const eq = equalCoefficientsTest(withRegionDummy(eastWest), {
        y: 'Inn', x: 'AI', controls: CONTROLS, fixedEffects: TWO_WAY, group: 'is_east', vcov,
      });
      progress.tick();
      const byPeriod: ColumnResult[] = [];
      for (const spec of Object.values(extras)) {
        byPeriod.push(await runColumn(spec, data, settings));
        progress.tick();
      }
      results.table7_heterogeneity = {
        columns,
        east_vs_west: { ...eq, difference_is: 'AI(east) − AI(west)', method: 'pooled interaction with group-specific fixed effects, clustered by city' },
        by_period: byPeriod,
      };
    });
    // the codebook of the panel for report.html (an older warehouse without the catalogue tables has none)
    const wh = data.reader();
    const missing = await missingCodebookTables(wh);
    if (missing.length === 0) results.codebook = await readCodebook(wh);
    else log(`codebook skipped: the warehouse has no ${missing.join(', ')}`);
    return { results, timings };
  } finally {
    data.close();
  }
}

/** A 0/1 column is_east (1 = east) for the east-vs-west equality test. */
function withRegionDummy(frame: LoadedFrame): LoadedFrame {
  const region = frame.factors.region;
  const east = region.levels.indexOf('east');
  const isEast = Float64Array.from(region.codes, (c) => (c === east ? 1 : 0));
  return { ...frame, numeric: { ...frame.numeric, is_east: isEast } };
}
