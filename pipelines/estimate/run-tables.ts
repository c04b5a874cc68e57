// Runs the declared tables on the warehouse panel and shapes the results like the paper's results file.
import type { LoadedFrame } from '../../econometrics/io/load.ts';
import type { ColumnSpec, TableSpec } from './tables.ts';
import type { EstimateSettings } from './settings.ts';
import type { PanelData } from './panel-data.ts';
import { describe, fitFe, fitIv, fitThreshold, modelFormula } from '../../econometrics/index.ts';

export interface Cell { estimate: number; se: number; t: number; p: number }
export type ColumnResult = Record<string, unknown> & { label: string; obs: number };

function cell(x: unknown): Cell {
  const c = x as Cell;
  return { estimate: c.estimate, se: c.se, t: c.t, p: c.p };
}

const feFormula = (depvar: string, exog: string[], fixedEffects: string[]) => modelFormula({ depvar, exog, fixedEffects });

/** Every panel column a table declaration needs (so a missing one is reported before any model runs). */
export function neededColumns(spec: ColumnSpec): string[] {
  const fromWhere = (w?: string) => (w ? (w.replace(/'[^']*'/g, ' ').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).filter((t) => !SQL_WORDS.has(t.toUpperCase())) : []);
  switch (spec.kind) {
    case 'descriptives': return spec.variables;
    case 'fe': return [spec.depvar, ...spec.regressors, ...spec.fe.flatMap((f) => f.split('^')), ...fromWhere(spec.where), 'city_code'];
    case 'iv': return [spec.depvar, ...spec.exog, spec.endog, ...spec.instruments, ...spec.fe.flatMap((f) => f.split('^')), ...fromWhere(spec.where), 'city_code'];
    case 'threshold': return [spec.depvar, spec.regime, spec.thresholdVar, ...spec.controls, 'city_code', 'year'];
  }
}
const SQL_WORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE', 'BETWEEN', 'LIKE']);

function feColumn(spec: Extract<ColumnSpec, { kind: 'fe' }>, frame: LoadedFrame, settings: EstimateSettings): ColumnResult {
  const fit = fitFe(frame, feFormula(spec.depvar, spec.regressors, spec.fe), { vcov: spec.vcov ?? settings.vcov });
  const out: ColumnResult = { label: spec.label, depvar: spec.depvar, obs: fit.nobs };
  // winsorized copies (AI_w) are reported under the variable's name, as the paper's table does
  const winsorized = spec.regressors.every((r) => r.endsWith('_w'));
  for (const [term, c] of Object.entries(fit.coefficients)) out[winsorized ? term.replace(/_w$/, '') : term] = cell(c);
  if (winsorized) out.winsorized = true;
  Object.assign(out, {
    r2: settings.r2Printed === 'full' ? fit.r2 : fit.r2_within, r2_full: fit.r2, r2_within: fit.r2_within,
    fe: spec.fe, where: spec.where ?? null, dropped: fit.dropped, vcov: fit.vcov, omitted: fit.omitted,
  });
  return out;
}

export async function runColumn(spec: ColumnSpec, data: PanelData, settings: EstimateSettings): Promise<ColumnResult> {
  if (spec.kind === 'descriptives') {
    const rows: Record<string, number[]> = {};
    for (const d of describe(data.full, spec.variables)) rows[d.variable] = [d.obs, d.mean, d.sd, d.min, d.max];
    return { label: spec.label, obs: data.full.nrows, columns: ['obs', 'mean', 'sd', 'min', 'max'], rows };
  }
  if (spec.kind === 'fe') return feColumn(spec, await data.frame(spec.where), settings);
  if (spec.kind === 'iv') {
    const frame = await data.frame(spec.where);
    const formula = modelFormula({ depvar: spec.depvar, exog: spec.exog, fixedEffects: spec.fe, endog: [spec.endog], instruments: spec.instruments });
    const fit = fitIv(frame, formula, { vcov: spec.vcov ?? settings.vcov });
    const second: ColumnResult = { label: spec.label, depvar: spec.depvar, obs: fit.nobs };
    for (const [term, c] of Object.entries(fit.coefficients)) second[term] = cell(c);
    Object.assign(second, {
      ...fit.diagnostics, r2: settings.r2Printed === 'full' ? fit.r2 : fit.r2_within, r2_full: fit.r2, r2_within: fit.r2_within,
    });
    // the first stage as its own regression (coefficients, R² of the full model) for the table's first column
    const firstFit = fitFe(frame, feFormula(spec.endog, [...spec.instruments, ...spec.exog], spec.fe), { vcov: spec.vcov ?? settings.vcov });
    const first: ColumnResult = { label: 'first stage', depvar: spec.endog, obs: firstFit.nobs };
    for (const [term, c] of Object.entries(firstFit.coefficients)) first[term] = cell(c);
    Object.assign(first, {
      r2: settings.r2Printed === 'full' ? firstFit.r2 : firstFit.r2_within, r2_full: firstFit.r2, r2_within: firstFit.r2_within,
      engine_first_stage: fit.first_stage,
    });
    return { label: spec.label, obs: fit.nobs, first_stage: first, second_stage: second };
  }
  // threshold: test up to maxThresholds, keep the largest k whose sequential bootstrap tests all reject
  const base = await data.frame();
  const { frame, names: yearDummies } = spec.yearEffects ? withYearDummies(base) : { frame: base, names: [] };
  const options = {
    formula: feFormula(spec.depvar, [...spec.controls, ...yearDummies], ['city_code']), time: 'year', regime: spec.regime,
    thresholdVar: spec.thresholdVar, method: settings.thresholdMethod, grid: settings.thresholdGrid,
    seed: settings.seed, level: 95, vcov: settings.thresholdVcov === 'cluster' ? 'cluster:city_code' : 'iid',
  } as const;
  const tested = await fitThreshold(frame, { ...options, thresholds: spec.maxThresholds, bootstrap: settings.bootstrap });
  let kept = 0;
  for (const step of tested.steps) {
    // without bootstrap replications there is no test: every requested threshold is kept
    if (step.p === null || step.p < settings.thresholdAlpha) kept = step.k;
    else break;
  }
  const finalK = Math.max(kept, 1);
  const final = finalK === spec.maxThresholds ? tested : await fitThreshold(frame, { ...options, thresholds: finalK, bootstrap: 0 });
  const regimes = Object.entries(final.coefficients).filter(([k]) => k.startsWith(`${spec.regime}#r`)).map(([, c]) => cell(c));
  const cons = final.coefficients['_cons'];
  const controls = Object.fromEntries(spec.controls.filter((c) => final.coefficients[c]).map((c) => [c, cell(final.coefficients[c])]));
  // R² of the full model (city effects included), as the other tables print: the within transformation
  // leaves the residuals of the dummy regression, so 1 − SSR / Σ(y − ȳ)²
  const r2Full = 1 - final.steps[finalK - 1].ssr / centredSumOfSquares(frame.numeric[spec.depvar]);
  return {
    label: spec.label, threshold_var: spec.thresholdVar, regime_var: spec.regime, obs: final.nobs,
    thresholds: final.steps[finalK - 1].thresholds, regimes, _cons: cons ? cell(cons) : null, ...controls,
    n_thresholds_significant: kept,
    r2: settings.r2Printed === 'full' ? r2Full : final.regression.r2_within, r2_full: r2Full, r2_within: final.regression.r2_within,
    se_type: final.se_type, year_effects: spec.yearEffects,
    steps: tested.steps, lr_curve: final.lr_curve, method: final.method,
  };
}

function centredSumOfSquares(x: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
  return ss;
}

/** Year dummies (first year left out) as numeric columns, for models whose only absorbed effect is the unit. */
function withYearDummies(frame: LoadedFrame): { frame: LoadedFrame; names: string[] } {
  const year = frame.numeric.year;
  const years = [...new Set(year)].sort((a, b) => a - b).slice(1);
  const numeric = { ...frame.numeric };
  const names = years.map((y) => {
    const name = `year_${y}`;
    numeric[name] = Float64Array.from(year, (v) => (v === y ? 1 : 0));
    return name;
  });
  return { frame: { ...frame, numeric }, names };
}

export async function runTable(table: TableSpec, data: PanelData, settings: EstimateSettings): Promise<ColumnResult[]> {
  const out: ColumnResult[] = [];
  for (const spec of table.columns) out.push(await runColumn(spec, data, settings));
  return out;
}
