// `explain table2 col6 AI`: how one cell of a results table was made — the declared model (tables.ts: depvar,
// regressors, fixed effects, vcov, sample filter), the SQL that selects its rows and their number in the
// warehouse, and the coefficient from results/tables.json when the estimation has run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../econometrics/errors.ts';
import { sqlIdent } from '../../econometrics/io/sql.ts';
import { neededColumns } from '../../pipelines/estimate/run-tables.ts';
import { cellOf, resultColumn, type Cell, type Results } from '../../pipelines/estimate/columns.ts';
import { stars } from '../../pipelines/estimate/grid.ts';
import { columnVcov, columnVcovInWords } from '../../pipelines/estimate/legend.ts';
import { EstimateSettings } from '../../pipelines/estimate/settings.ts';
import { paperTables, type ColumnSpec, type TableSpec } from '../../pipelines/estimate/tables.ts';
import type { WarehouseReader } from '../../pipelines/estimate/warehouse-reader.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ModelQuestion { table: TableSpec; position: number; column: ColumnSpec; term: string; results?: Json; resultsFile: string; settings: EstimateSettings }

/** Is this the first argument of a model question (`table2`, `table3_robustness`)? */
export const isTableArgument = (s: string) => /^table\d/i.test(s);

/** Resolve `table2 col6 AI` against the declared tables; the settings (bootstrap, vcov …) are those of the results
 *  when there are results, so the declaration is the one that was run. */
export function resolveModelQuestion(tableText: string, columnText: string, term: string, resultsDir: string): ModelQuestion {
  const resultsFile = join(resultsDir, 'tables.json');
  const results = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Json) : undefined;
  const settings = EstimateSettings.parse(results?.meta?.settings ?? {});
  const tables = paperTables(settings);
  const wanted = tableText.toLowerCase();
  const table = tables.find((t) => t.key === wanted) ?? tables.find((t) => t.key.split('_')[0] === wanted);
  if (!table) throw new InputError(`unknown table '${tableText}' (tables: ${tables.map((t) => `${t.key.split('_')[0]} = ${t.key}`).join(', ')})`);
  const ids = table.columns.map((c) => c.id);
  const byPosition = /^col(\d+)$/i.exec(columnText);
  const position = byPosition ? Number(byPosition[1]) - 1 : ids.indexOf(columnText);
  const column = table.columns[position];
  if (!column) {
    throw new InputError(`table ${table.key} has no column '${columnText}' (by id: ${ids.join(', ')}; or by position col1…col${ids.length})`);
  }
  return { table, position, column, term, results, resultsFile, settings };
}

const formulaText = (depvar: string, regressors: string[], fe: string[], iv?: { endog: string; instruments: string[] }) =>
  `${depvar} ~ ${regressors.join(' + ') || '1'}${fe.length ? ` | ${fe.join(' + ')}` : ''}${iv ? ` | ${iv.endog} ~ ${iv.instruments.join(' + ')}` : ''}`;

/** The result object that holds the column's cells (Table 4 is nested by stage, the others are lists of columns). */
function resultOf(q: ModelQuestion): Json | undefined {
  if (!q.results) return undefined;
  if (q.table.key === 'table4_endogeneity') {
    const t4 = q.results.table4_endogeneity as Json | undefined;
    if (q.column.id === 'selection_ratio') return t4?.selection_ratio;
    // the 2SLS column: the second stage, or the first stage for the instrument's coefficient
    return cellOf(t4?.second_stage, q.term) ? t4?.second_stage : cellOf(t4?.first_stage, q.term) ? t4?.first_stage : t4?.second_stage;
  }
  if (q.column.kind === 'descriptives') return q.results[q.table.key] as Json | undefined;
  return resultColumn(paperTables(q.settings), q.results as Results, q.table.key, q.column.id);
}

/** A coefficient of a threshold column: `AI·regime 2`, `regime2`, `r2`; `gamma1` is a threshold. */
function thresholdCell(result: Json, term: string): { cell?: Cell; threshold?: number } {
  const regime = /^(?:.*regime\s*|r)(\d)$/i.exec(term);
  if (regime) return { cell: (result.regimes as Cell[] | undefined)?.[Number(regime[1]) - 1] };
  const gamma = /^(?:gamma|γ)(\d)$/i.exec(term);
  if (gamma) return { threshold: (result.thresholds as number[] | undefined)?.[Number(gamma[1]) - 1] };
  return { cell: cellOf(result, term) };
}

export async function explainModel(wh: WarehouseReader, q: ModelQuestion, warehousePath: string): Promise<string[]> {
  const c = q.column;
  const out = [`${q.table.title}, column ${q.position + 1} of ${q.table.columns.length}: ${c.label} (id ${c.id}), term ${q.term}`, ''];
  const where = 'where' in c ? c.where : undefined;
  let engine: string | undefined;
  switch (c.kind) {
    case 'descriptives':
      out.push('what: descriptive statistics (obs, mean, sd with n − 1, min, max) of every panel row');
      break;
    case 'fe': {
      const formula = formulaText(c.depvar, c.regressors, c.fe);
      out.push('model: fixed-effects OLS (feols)', `  depvar: ${c.depvar}`, `  regressors: ${c.regressors.join(', ')}`,
        `  fixed effects: ${c.fe.join(', ')}`, `  formula: ${formula}`);
      engine = `npm run --silent cli -- fe --warehouse ${warehousePath} --table panel --formula "${formula}" --vcov ${columnVcov(c, q.settings)}${where ? ` --where "${where}"` : ''}`;
      break;
    }
    case 'iv': {
      const formula = formulaText(c.depvar, c.exog, c.fe, { endog: c.endog, instruments: c.instruments });
      out.push('model: two-stage least squares with fixed effects (feiv)', `  depvar: ${c.depvar}`, `  exogenous regressors: ${c.exog.join(', ')}`,
        `  endogenous: ${c.endog}, instrumented by ${c.instruments.join(', ')} (first stage: ${c.endog} on ${[...c.instruments, ...c.exog].join(', ')})`,
        `  fixed effects: ${c.fe.join(', ')}`, `  formula: ${formula}`);
      engine = `npm run --silent cli -- iv --warehouse ${warehousePath} --table panel --formula "${formula}" --vcov ${columnVcov(c, q.settings)}${where ? ` --where "${where}"` : ''}`;
      break;
    }
    case 'threshold':
      out.push(`model: fixed-effect panel threshold (${q.settings.thresholdMethod}), up to ${c.maxThresholds} thresholds, the number kept by ` +
        `bootstrap tests (${q.settings.bootstrap} replications, seed ${q.settings.seed}, kept when p < ${q.settings.thresholdAlpha})`,
        `  depvar: ${c.depvar}`, `  regime-dependent slope: ${c.regime}; threshold variable: ${c.thresholdVar}`,
        `  controls: ${c.controls.join(', ')}${c.yearEffects ? '; year dummies (year effects)' : ''}`, '  fixed effects: city_code (absorbed by the within transformation)');
      break;
  }
  if (c.kind !== 'descriptives') out.push(`  standard errors: ${columnVcovInWords(c, q.settings)}${c.kind === 'threshold' ? '' : ` (vcov ${columnVcov(c, q.settings)})`}`);
  out.push(`  sample filter (where): ${where ?? 'none: every panel row'}`);

  const columns = [...new Set([...(c.kind === 'descriptives' ? [] : ['city_code', 'year']), ...neededColumns(c)])];
  const select = `SELECT ${columns.map(sqlIdent).join(', ')} FROM panel${where ? ` WHERE ${where}` : ''} ORDER BY city_code, year`;
  const [count] = await wh.rows<{ n: number; cities: number }>(
    `SELECT count(*)::INTEGER AS n, count(DISTINCT city_code)::INTEGER AS cities FROM ${wh.table('panel')}${where ? ` WHERE ${where}` : ''}`);
  out.push('', `rows: N = ${count.n} city-years of ${count.cities} cities, selected by`, `  ${select}`);

  const result = resultOf(q);
  if (!result) {
    out.push('', `coefficient: not estimated yet (no ${q.resultsFile}; \`npm run estimate\` writes it)`);
  } else if (c.kind === 'descriptives') {
    const row = (result.rows as Record<string, number[]> | undefined)?.[q.term];
    if (!row) throw new InputError(`Table 1 describes ${Object.keys(result.rows ?? {}).join(', ')}, not '${q.term}'`);
    out.push('', `${q.term}: obs ${row[0]}, mean ${row[1]}, sd ${row[2]}, min ${row[3]}, max ${row[4]} (${q.resultsFile})`);
  } else {
    const { cell, threshold } = c.kind === 'threshold' ? thresholdCell(result, q.term) : { cell: cellOf(result, q.term), threshold: undefined };
    if (threshold !== undefined) out.push('', `threshold ${q.term} = ${threshold} (${q.resultsFile})`);
    else if (!cell) {
      const terms = Object.keys(result).filter((k) => cellOf(result, k));
      throw new InputError(`column ${c.id} of ${q.table.key} has no coefficient '${q.term}' (terms: ${[...terms, ...(c.kind === 'threshold' ? ['regime1…', 'gamma1…'] : [])].join(', ')})`);
    } else {
      out.push('', `${q.term}: coefficient ${cell.estimate}${stars(cell.p)}, se ${cell.se}, t ${cell.t}, p ${cell.p} (${q.resultsFile})`);
    }
    const dropped = result.dropped as { missing?: number; singletons?: number } | undefined;
    out.push(`  N used by the estimate: ${result.obs}${dropped?.singletons ? ` (${dropped.singletons} singleton observations dropped, as reghdfe does)` : ''}`);
  }
  if (engine) out.push('', 'the same model with the engine:', `  ${engine}`);
  return out;
}
