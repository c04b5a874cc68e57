// Truth vs estimate for the bundled synthetic sample: what raw/truth.json says the data were drawn to give,
// next to what this build estimated.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const f = (x: unknown, d = 4) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '—');

export interface TruthCheck { quantity: string; truth: number; estimate: number; se?: number; note?: string }

export function truthChecks(truth: Json, results: Json): TruthCheck[] {
  const t = truth.targets ?? {};
  const inn = t.inn ?? {};
  const checks: TruthCheck[] = [];
  const add = (quantity: string, truthValue: unknown, cell: Json | undefined, note?: string) => {
    if (typeof truthValue !== 'number' || !cell || typeof cell.estimate !== 'number') return;
    checks.push({ quantity, truth: truthValue, estimate: cell.estimate, se: cell.se, note });
  };
  const t2 = results.table2_baseline?.columns?.[5] ?? {};
  for (const v of ['AI', 'Eco', 'Huc', 'Edu', 'Fis', 'Gov']) add(`Table 2 (6): ${v}`, inn[`t2c6_${v}`], t2[v]);
  add('Table 3 drop 2020–2022: AI', inn.t3_drop_2020_2022, results.table3_robustness?.columns?.[0]?.AI);
  add('Table 3 patent applications: AI', t.inn1_ai, results.table3_robustness?.columns?.[2]?.AI);
  add('Table 4 first stage: IV', t.first_stage_iv, results.table4_endogeneity?.first_stage?.IV);
  add('Table 4 2SLS: AI', inn.t4_2sls_AI, results.table4_endogeneity?.second_stage?.AI);
  const t5 = (results.table5_threshold?.columns ?? []) as Json[];
  const ai = t5.find((c) => c.threshold_var === 'AI');
  (t.thresholds as number[] | undefined)?.forEach((g, i) => {
    const est = ai?.thresholds?.[i];
    if (typeof est === 'number') checks.push({ quantity: `Table 5 AI threshold γ${i + 1}`, truth: g, estimate: est, note: `distance ${Math.abs(est - g).toFixed(4)}` });
  });
  for (const [q, key] of [['Va', 'va_threshold'], ['Ind', 'ind_threshold']] as const) {
    const col = t5.find((c) => c.threshold_var === q);
    const g = truth.expected_estimates?.table5?.[key];
    if (typeof g === 'number' && typeof col?.thresholds?.[0] === 'number')
      checks.push({ quantity: `Table 5 ${q} threshold γ1`, truth: g, estimate: col.thresholds[0], note: `distance ${Math.abs(col.thresholds[0] - g).toFixed(4)}` });
  }
  const t6 = (results.table6_mediation?.columns ?? []) as Json[];
  add('Table 6 AI → Va', t.ai_to_va, t6[1]?.AI);
  add('Table 6 Va → Inn', inn.t6c3_Va, t6[2]?.Va);
  add('Table 6 AI → Ind', t.ai_to_ind, t6[3]?.AI);
  add('Table 6 Ind → Inn', inn.t6c5_Ind, t6[4]?.Ind);
  const t7 = (results.table7_heterogeneity?.columns ?? []) as Json[];
  const keys = ['t7_east', 't7_central', 't7_west', 't7_high_datares', 't7_low_datares', 't7_high_diginfra', 't7_low_diginfra'];
  keys.forEach((k, i) => add(`Table 7 ${t7[i]?.label ?? k}: AI`, inn[k], t7[i]?.AI));
  return checks;
}

export function truthRows(truth: Json, results: Json): string[][] {
  return truthChecks(truth, results).map((c) => {
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
export function expectedChecks(truth: Json, results: Json): Array<{ quantity: string; expected: number; estimate: number }> {
  const e = truth.expected_estimates ?? {};
  const out: Array<{ quantity: string; expected: number; estimate: number }> = [];
  const pair = (quantity: string, expected: Json | undefined, column: Json | undefined, terms?: string[]) => {
    if (!expected?.coef || !column) return;
    for (const [term, value] of Object.entries(expected.coef as Record<string, number>)) {
      if (terms && !terms.includes(term)) continue;
      const cell = column[term];
      if (cell && typeof cell.estimate === 'number') out.push({ quantity: `${quantity}: ${term}`, expected: value, estimate: cell.estimate });
    }
  };
  ((e.table2 ?? []) as Json[]).forEach((c, i) => pair(`Table 2 (${i + 1})`, c, results.table2_baseline?.columns?.[i]));
  const t3 = results.table3_robustness?.columns ?? [];
  ['drop_2020_2022', 'winsorize_1pct', 'patent_applications', 'drop_municipalities', 'province_year_fe']
    .forEach((k, i) => pair(`Table 3 ${k}`, e.table3?.[k], t3[i]));
  pair('Table 4 first stage', e.table4?.first_stage, results.table4_endogeneity?.first_stage);
  pair('Table 4 second stage', e.table4?.second_stage, results.table4_endogeneity?.second_stage);
  const t6 = results.table6_mediation?.columns ?? [];
  ['inn', 'va_on_ai', 'inn_on_ai_va', 'ind_on_ai', 'inn_on_ai_ind'].forEach((k, i) => pair(`Table 6 ${k}`, e.table6?.[k], t6[i]));
  const t7 = results.table7_heterogeneity?.columns ?? [];
  ['east', 'central', 'west', 'high_data_resources', 'low_data_resources', 'high_digital_infrastructure', 'low_digital_infrastructure']
    .forEach((k, i) => pair(`Table 7 ${k}`, e.table7?.[k], t7[i]));
  return out;
}
