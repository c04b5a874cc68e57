// A table as a grid of strings, in the paper's layout: coefficient with stars, t in brackets below,
// Controls and fixed-effect rows, Obs and R². The same grid renders to Markdown, CSV and HTML, for our
// estimates and for the published numbers alike; the legend (legend.ts) goes under it.
import { CONTROLS, type ColumnSpec, type TableSpec } from './tables.ts';

export interface Grid {
  title: string;
  header: string[];
  rows: Array<{ label: string; cells: string[]; kind?: 'coef' | 't' | 'info' }>;
  notes: string[];
}

type AnyCell = { estimate: number; t: number; p?: number } | [number, number | null] | null | undefined;

function norm(c: unknown): { estimate: number; t: number | null; p?: number } | null {
  if (c === null || c === undefined) return null;
  if (Array.isArray(c)) return { estimate: c[0] as number, t: (c[1] as number | null) ?? null };
  const o = c as { estimate?: number; t?: number; p?: number };
  if (typeof o.estimate !== 'number') return null;
  return { estimate: o.estimate, t: o.t ?? null, p: o.p };
}

export function stars(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return '';
  return p < 0.01 ? '***' : p < 0.05 ? '**' : p < 0.1 ? '*' : '';
}

const num = (x: unknown, digits = 4) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '');
const int = (x: unknown) => (typeof x === 'number' ? x.toLocaleString('en-US') : '');

function coefRows(rows: Grid['rows'], terms: string[], columns: Array<Record<string, unknown>>): void {
  for (const term of terms) {
    const cells = columns.map((c) => norm(c[term] as AnyCell));
    if (cells.every((c) => c === null)) continue;
    rows.push({ label: term, kind: 'coef', cells: cells.map((c) => (c ? `${num(c.estimate)}${stars(c.p)}` : '')) });
    rows.push({ label: '', kind: 't', cells: cells.map((c) => (c && c.t !== null ? `[${num(c.t, 2)}]` : '')) });
  }
}

/** Whether a declared column has every control (or its winsorized copy) among its regressors. */
function hasControls(spec: ColumnSpec | undefined): boolean {
  const regressors = spec?.kind === 'fe' ? spec.regressors : spec?.kind === 'iv' ? spec.exog : spec?.kind === 'threshold' ? spec.controls : [];
  return CONTROLS.every((c) => regressors.includes(c) || regressors.includes(`${c}_w`));
}

/** "Controls: Yes" for a table that does not print the controls' coefficients (the paper's Tables 3 and 5). */
function controlsRow(rows: Grid['rows'], spec: TableSpec, columns: unknown[]): void {
  if (spec.controlsRow) rows.push({ label: 'Controls', kind: 'info', cells: columns.map((_, i) => (hasControls(spec.columns[i]) ? 'Yes' : 'No')) });
}

function feRows(rows: Grid['rows'], columns: Array<Record<string, unknown>>): void {
  const has = (c: Record<string, unknown>, f: string) => ((c.fe as string[] | undefined) ?? ['city_code', 'year']).includes(f);
  rows.push({ label: 'City effects', kind: 'info', cells: columns.map((c) => (has(c, 'city_code') || has(c, 'city') ? 'Yes' : 'No')) });
  rows.push({ label: 'Year effects', kind: 'info', cells: columns.map((c) => (has(c, 'year') ? 'Yes' : 'No')) });
  if (columns.some((c) => has(c, 'province') || has(c, 'province^year') || has(c, 'province#year')))
    rows.push({ label: 'Province, province×year effects', kind: 'info', cells: columns.map((c) => (has(c, 'province') ? 'Yes' : 'No')) });
}

function footer(rows: Grid['rows'], columns: Array<Record<string, unknown>>): void {
  rows.push({ label: 'Obs', kind: 'info', cells: columns.map((c) => int(c.obs)) });
  rows.push({ label: 'R²', kind: 'info', cells: columns.map((c) => num(c.r2, 3)) });
}

/** Build the grid of one table from a results object shaped like tables.json / the paper's results file. */
export function tableGrid(spec: TableSpec, result: Record<string, unknown>): Grid {
  const rows: Grid['rows'] = [];
  const grid: Grid = { title: spec.title, header: [], rows, notes: [...spec.notes] };
  if (spec.key === 'table1_descriptives') {
    grid.header = ['Variable', 'Obs', 'Mean', 'Sd', 'Min', 'Max'];
    for (const [v, vals] of Object.entries(result.rows as Record<string, number[]>))
      rows.push({ label: v, kind: 'info', cells: [int(vals[0]), num(vals[1], 3), num(vals[2], 3), num(vals[3], 3), num(vals[4], 3)] });
    return grid;
  }
  if (spec.key === 'table4_endogeneity') {
    const cols = [result.first_stage, result.second_stage, result.selection_ratio] as Array<Record<string, unknown>>;
    grid.header = ['', 'First stage (AI)', 'Second stage (Inn)', 'Selection ratio (Inn)'];
    coefRows(rows, spec.rows, cols);
    feRows(rows, cols);
    const s = cols[1] ?? {};
    const sel = cols[2] ?? {};
    rows.push({ label: 'KP rk LM (p)', kind: 'info', cells: ['', `${num(s.kp_rk_lm, 3)} (${num(s.kp_rk_lm_p, 3)})`, ''] });
    rows.push({ label: 'KP rk Wald F', kind: 'info', cells: ['', num(s.kp_rk_wald_f, 3), ''] });
    rows.push({ label: 'Stock–Yogo 10%', kind: 'info', cells: ['', num(s.stock_yogo_10pct, 2), ''] });
    rows.push({ label: 'Selection ratio', kind: 'info', cells: ['', '', num(sel.ratio, 4)] });
    if (sel.oster_delta !== undefined) rows.push({ label: 'Oster δ', kind: 'info', cells: ['', '', num(sel.oster_delta, 4)] });
    footer(rows, cols);
    return grid;
  }
  const columns = (result.columns as Array<Record<string, unknown>>) ?? [];
  if (spec.key === 'table5_threshold') {
    grid.header = ['', ...columns.map((c) => `threshold: ${String(c.threshold_var)}`)];
    const k = Math.max(...columns.map((c) => ((c.thresholds as number[]) ?? []).length), 0);
    for (let i = 0; i < k; i++)
      rows.push({ label: `γ${i + 1}`, kind: 'info', cells: columns.map((c) => num((c.thresholds as number[])[i])) });
    const regimes = Math.max(...columns.map((c) => ((c.regimes as unknown[]) ?? []).length), 0);
    const regimeTerms = Array.from({ length: regimes }, (_, i) => `AI·regime ${i + 1}`);
    const asTerms = columns.map((c) => Object.fromEntries(((c.regimes as unknown[]) ?? []).map((r, i) => [regimeTerms[i], r])));
    coefRows(rows, regimeTerms, asTerms);
    coefRows(rows, ['_cons'], columns);
    // city effects absorbed by the within transformation, year effects (if any) as dummies
    const thresholdSpec = (i: number) => spec.columns[i] as Extract<ColumnSpec, { kind: 'threshold' }> | undefined;
    controlsRow(rows, spec, columns);
    rows.push({ label: 'City effects', kind: 'info', cells: columns.map(() => 'Yes') });
    rows.push({ label: 'Year effects', kind: 'info', cells: columns.map((_, i) => (thresholdSpec(i)?.yearEffects ? 'Yes' : 'No')) });
    // the threshold tests behind the number of thresholds, and the LR confidence sets
    const steps = Math.max(...columns.map((c) => ((c.steps as unknown[]) ?? []).length), 0);
    for (let k = 1; k <= steps; k++) {
      const step = (c: Record<string, unknown>) => ((c.steps as Array<Record<string, unknown>>) ?? [])[k - 1];
      rows.push({ label: `F, ${k} threshold${k > 1 ? 's' : ''} (bootstrap p)`, kind: 'info', cells: columns.map((c) => {
        const st = step(c);
        return st ? `${num(st.F, 2)} (${num(st.p, 3)})` : '';
      }) });
    }
    for (let i = 0; i < k; i++) {
      rows.push({ label: `γ${i + 1} 95% CI`, kind: 'info', cells: columns.map((c) => {
        const kept = ((c.thresholds as number[]) ?? []).length;
        const ci = ((c.steps as Array<{ ci?: number[][] }>) ?? [])[kept - 1]?.ci?.[i];
        return ci && i < kept ? `[${num(ci[0])}, ${num(ci[1])}]` : '';
      }) });
    }
    footer(rows, columns);
    return grid;
  }
  grid.header = ['', ...columns.map((c, i) => String(c.label ?? `(${i + 1})`))];
  coefRows(rows, spec.rows, columns);
  controlsRow(rows, spec, columns);
  feRows(rows, columns);
  footer(rows, columns);
  return grid;
}

/** The grid as Markdown, with its legend (legend.ts) and notes below. */
export function gridToMarkdown(g: Grid, legend: string[] = []): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const out = [`## ${g.title}`, '', line(g.header), line(g.header.map(() => '---')), ...g.rows.map((r) => line([r.label, ...r.cells]))];
  if (legend.length) out.push('', legend.join(' '));
  for (const n of g.notes) out.push('', n);
  return out.join('\n') + '\n';
}

export function gridToCsv(g: Grid): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [g.header, ...g.rows.map((r) => [r.label, ...r.cells])].map((r) => r.map(q).join(',')).join('\n') + '\n';
}
