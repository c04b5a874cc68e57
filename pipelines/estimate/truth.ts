// Truth vs estimate for the bundled synthetic sample: what raw/truth.json says the data were drawn to give,
// next to what this build estimated.
import { cellOf, resultColumn, type Cell, type ColumnResult, type Results } from './columns.ts';
import type { TableSpec } from './tables.ts';

/** raw/truth.json: targets and the generator's own estimates (its shape is the generator's, read defensively). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Truth = Record<string, any>;

const f = (x: unknown, d = 4) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '—');

export interface TruthCheck { quantity: string; truth: number; estimate: number; se?: number; note?: string }

export function truthChecks(truth: Truth, results: Results, tables: readonly TableSpec[]): TruthCheck[] {
  const col = (key: string, id: string) => resultColumn(tables, results, key, id);
  const t = truth.targets ?? {};
  const inn = t.inn ?? {};
  const checks: TruthCheck[] = [];
  const add = (quantity: string, truthValue: unknown, cell: Cell | undefined, note?: string) => {
    if (typeof truthValue !== 'number' || !cell) return;
    checks.push({ quantity, truth: truthValue, estimate: cell.estimate, se: cell.se, note });
  };
  const t2 = col('table2_baseline', 'c6');
  for (const v of ['AI', 'Eco', 'Huc', 'Edu', 'Fis', 'Gov']) add(`Table 2 (6): ${v}`, inn[`t2c6_${v}`], cellOf(t2, v));
  add('Table 3 drop 2020–2022: AI', inn.t3_drop_2020_2022, cellOf(col('table3_robustness', 'drop_2020_2022'), 'AI'));
  add('Table 3 patent applications: AI', t.inn1_ai, cellOf(col('table3_robustness', 'patent_applications'), 'AI'));
  const t4 = results.table4_endogeneity as Record<string, Record<string, unknown> | undefined> | undefined;
  add('Table 4 first stage: IV', t.first_stage_iv, cellOf(t4?.first_stage, 'IV'));
  add('Table 4 2SLS: AI', inn.t4_2sls_AI, cellOf(t4?.second_stage, 'AI'));
  const thresholdsOf = (id: string) => col('table5_threshold', id)?.thresholds as number[] | undefined;
  (t.thresholds as number[] | undefined)?.forEach((g, i) => {
    const est = thresholdsOf('threshold_AI')?.[i];
    if (typeof est === 'number') checks.push({ quantity: `Table 5 AI threshold γ${i + 1}`, truth: g, estimate: est, note: `distance ${Math.abs(est - g).toFixed(4)}` });
  });
  for (const [q, key] of [['Va', 'va_threshold'], ['Ind', 'ind_threshold']] as const) {
    const first = thresholdsOf(`threshold_${q}`)?.[0];
    const g = truth.expected_estimates?.table5?.[key];
    if (typeof g === 'number' && typeof first === 'number')
      checks.push({ quantity: `Table 5 ${q} threshold γ1`, truth: g, estimate: first, note: `distance ${Math.abs(first - g).toFixed(4)}` });
  }
  add('Table 6 AI → Va', t.ai_to_va, cellOf(col('table6_mediation', 'va_on_ai'), 'AI'));
  add('Table 6 Va → Inn', inn.t6c3_Va, cellOf(col('table6_mediation', 'inn_on_ai_va'), 'Va'));
  add('Table 6 AI → Ind', t.ai_to_ind, cellOf(col('table6_mediation', 'ind_on_ai'), 'AI'));
  add('Table 6 Ind → Inn', inn.t6c5_Ind, cellOf(col('table6_mediation', 'inn_on_ai_ind'), 'Ind'));
  const t7: Array<[string, string]> = [['t7_east', 'east'], ['t7_central', 'central'], ['t7_west', 'west'], ['t7_high_datares', 'high_data_resources'],
    ['t7_low_datares', 'low_data_resources'], ['t7_high_diginfra', 'high_digital_infrastructure'], ['t7_low_diginfra', 'low_digital_infrastructure']];
  for (const [k, id] of t7) {
    const c = col('table7_heterogeneity', id);
    add(`Table 7 ${c?.label ?? k}: AI`, inn[k], cellOf(c, 'AI'));
  }
  return checks;
}

export function truthRows(truth: Truth, results: Results, tables: readonly TableSpec[]): string[][] {
  return truthChecks(truth, results, tables).map((c) => {
    const diff = c.estimate - c.truth;
    const within = c.se !== undefined ? (Math.abs(diff) <= 2 * c.se ? 'within 2 se' : `${(Math.abs(diff) / c.se).toFixed(1)} se away`) : '';
    return [c.quantity, f(c.truth), f(c.estimate), f(diff), [within, c.note].filter(Boolean).join('; ')];
  });
}

/**
 * The generator's own estimates on the panel its files imply (truth.json expected_estimates, computed by an
 * independent least-squares code in generator/truth/checks.ts), next to this build's: an end-to-end check of
 * ingest → harmonize → clean → derive → transform → engine.
 */
export function expectedChecks(truth: Truth, results: Results, tables: readonly TableSpec[]): Array<{ quantity: string; expected: number; estimate: number }> {
  const e = truth.expected_estimates ?? {};
  const out: Array<{ quantity: string; expected: number; estimate: number }> = [];
  const pair = (quantity: string, expected: { coef?: Record<string, number> } | undefined, column: Record<string, unknown> | undefined) => {
    if (!expected?.coef || !column) return;
    for (const [term, value] of Object.entries(expected.coef)) {
      const cell = cellOf(column, term);
      if (cell) out.push({ quantity: `${quantity}: ${term}`, expected: value, estimate: cell.estimate });
    }
  };
  const col = (key: string, id: string): ColumnResult | undefined => resultColumn(tables, results, key, id);
  // the generator names Table 3, 6 and 7 columns by the ids of the declarations; Table 2 by position (1)–(6)
  ((e.table2 ?? []) as Array<{ coef?: Record<string, number> }>).forEach((c, i) => pair(`Table 2 (${i + 1})`, c, col('table2_baseline', `c${i + 1}`)));
  for (const id of Object.keys(e.table3 ?? {})) pair(`Table 3 ${id}`, e.table3[id], col('table3_robustness', id));
  const t4 = results.table4_endogeneity as Record<string, Record<string, unknown> | undefined> | undefined;
  pair('Table 4 first stage', e.table4?.first_stage, t4?.first_stage);
  pair('Table 4 second stage', e.table4?.second_stage, t4?.second_stage);
  for (const id of Object.keys(e.table6 ?? {})) pair(`Table 6 ${id}`, e.table6[id], col('table6_mediation', id));
  for (const id of Object.keys(e.table7 ?? {})) pair(`Table 7 ${id}`, e.table7[id], col('table7_heterogeneity', id));
  return out;
}
