// Readable text regression table (what the CLI prints without --json).
import type { FitResult } from '../models/common.ts';
import type { IvResult } from '../models/feiv.ts';

function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '.';
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-4)) return x.toExponential(digits - 1);
  return x.toFixed(digits);
}

/**
 * An analytic p-value for printing: `digits` decimals, exponent form below 1e-4 (a tiny p never prints as
 * 0.000), and "<1e-300" only when the tail underflowed double precision.
 */
export function formatPValue(p: number | null | undefined, digits = 3): string {
  if (p === 0) return '<1e-300';
  return fmt(p, digits);
}

function stars(p: number): string {
  return p < 0.01 ? '***' : p < 0.05 ? '**' : p < 0.1 ? '*' : '';
}

function pad(s: string, w: number, left = false): string {
  return left ? s.padEnd(w) : s.padStart(w);
}

/** The number format and significance stars of the regression tables (for the other reports). */
export { fmt as formatNumber, stars as significanceStars };

/** A regression table: coefficients with SE, t, p, 95% CI, then fit statistics and (IV) diagnostics. */
export function formatTable(res: FitResult | IvResult, title = 'Regression'): string {
  const lines: string[] = [];
  const vc = res.vcov;
  const multiwayText = (m: NonNullable<typeof vc.multiway>) =>
    `clustered by ${Object.entries(m.clusters).map(([v, g]) => `${v} (${g})`).join(' and ')} (Cameron-Gelbach-Miller` +
    `${m.eigenvalue_fix ? '; negative eigenvalues set to 0' : ''})`;
  const vcText =
    vc.type === 'cluster'
      ? vc.multiway ? multiwayText(vc.multiway) : `clustered by ${vc.cluster} (${vc.clusters} clusters)`
      : vc.type === 'dk' && vc.driscoll_kraay
        ? `Driscoll-Kraay (period ${vc.driscoll_kraay.time}, ${vc.driscoll_kraay.periods} periods, ${vc.driscoll_kraay.lags} lag${vc.driscoll_kraay.lags === 1 ? '' : 's'}, Bartlett)`
        : vc.type === 'hc1' ? 'robust (HC1)' : 'iid';
  lines.push(title);
  const zeroWeight = res.dropped.zero_weight !== undefined ? `, ${res.dropped.zero_weight} of weight 0` : '';
  lines.push(`Observations: ${res.nobs}   (dropped: ${res.dropped.missing} missing${zeroWeight}, ${res.dropped.singletons} singletons)`);
  if (res.weights) lines.push(`Analytic weights: ${res.weights.variable} (sum ${fmt(res.weights.sum)})`);
  if ('estimator' in res && res.estimator.type !== '2sls') {
    const e = res.estimator;
    lines.push(`Estimator: ${e.type === 'liml' ? 'LIML' : `Fuller (a = ${e.fuller_alpha})`}, k = ${fmt(e.k, 6)}, lambda = ${fmt(e.lambda, 6)}`);
  }
  if (res.fixed_effects.length)
    lines.push(`Fixed effects: ${res.fixed_effects.map((f) => `${f.name} (${f.levels})`).join(', ')}`);
  lines.push(`Standard errors: ${vcText}`);
  if (vc.dof_rule === 'pairwise')
    lines.push("Absorbed degrees of freedom: reghdfe's pairwise rule (the exact rank was too costly; K may be too large)");
  const names = Object.keys(res.coefficients);
  const w = Math.max(12, ...names.map((n) => n.length)) + 1;
  const header = pad('', w, true) + ['Coef.', 'Std.Err.', 't', 'P>|t|', '[95% Conf.', 'Interval]'].map((h) => pad(h, 12)).join('');
  const rule = '-'.repeat(header.length);
  lines.push(rule, header, rule);
  for (const name of names) {
    const c = res.coefficients[name];
    lines.push(
      pad(name, w, true) +
        [fmt(c.estimate), fmt(c.se), fmt(c.t, 2), formatPValue(c.p), fmt(c.ci_low), fmt(c.ci_high)].map((s) => pad(s, 12)).join('') +
        ' ' + stars(c.p),
    );
  }
  for (const name of res.omitted) lines.push(pad(name, w, true) + pad('0', 12) + '  (omitted because of collinearity)');
  lines.push(rule);
  lines.push(`R2 ${fmt(res.r2)}   within R2 ${fmt(res.r2_within)}   adj. R2 ${fmt(res.r2_adj)}   RMSE ${fmt(res.rmse)}   SSR ${fmt(res.ssr)}`);
  if ('diagnostics' in res) {
    const d = res.diagnostics;
    for (const [name, fs] of Object.entries(res.first_stage))
      lines.push(`First stage ${name}: F = ${fmt(fs.F, 3)} (p = ${formatPValue(fs.F_p, 4)}), partial R2 = ${fmt(fs.partial_r2)}`);
    lines.push(`Kleibergen-Paap rk LM: ${fmt(d.kp_rk_lm, 3)} (p = ${formatPValue(d.kp_rk_lm_p, 4)})`);
    lines.push(`Kleibergen-Paap rk Wald F: ${fmt(d.kp_rk_wald_f, 3)}   Cragg-Donald Wald F: ${fmt(d.cragg_donald_f, 3)}`);
    const sy = res.stock_yogo;
    lines.push(
      sy?.iv_size
        ? `Stock-Yogo 2SLS maximal IV size critical values: 10% ${sy.iv_size['10']}, 15% ${sy.iv_size['15']}, 20% ${sy.iv_size['20']}, 25% ${sy.iv_size['25']}`
        : 'Stock-Yogo 2SLS maximal IV size critical values: not tabulated',
    );
    if (sy?.relative_bias)
      lines.push(`Stock-Yogo 2SLS maximal relative bias critical values: 5% ${sy.relative_bias['5']}, 10% ${sy.relative_bias['10']}, 20% ${sy.relative_bias['20']}, 30% ${sy.relative_bias['30']}`);
    const o = res.overid;
    const overidName = res.vcov.type === 'iid' ? 'Sargan statistic' : 'Hansen J statistic';
    lines.push(
      o
        ? `${overidName} (overidentification test of all instruments): ${fmt(o.stat, 3)}   Chi-sq(${o.df}) p = ${formatPValue(o.p, 4)}`
        : `${overidName}: equation exactly identified`,
    );
    const ar = res.anderson_rubin;
    lines.push(`Anderson-Rubin test (endogenous coefficients = 0): F(${ar.df1}, ${ar.df2}) = ${fmt(ar.F, 3)} (p = ${formatPValue(ar.p, 4)})`);
    if (ar.confidence_set) {
      const cs = ar.confidence_set;
      const bound = (x: number | null, side: -1 | 1) => (x === null ? (side < 0 ? '-inf' : '+inf') : fmt(x));
      const text = cs.intervals.length ? cs.intervals.map(([a, b]) => `[${bound(a, -1)}, ${bound(b, 1)}]`).join(' U ') : 'empty';
      lines.push(`Anderson-Rubin ${Math.round(cs.level * 100)}% confidence set (${cs.method === 'grid' ? 'grid inversion' : 'closed form'}): ${text}`);
    }
    const en = res.endogeneity;
    lines.push(`Endogeneity test (control function): F(${en.df1}, ${en.df2}) = ${fmt(en.F, 3)} (p = ${formatPValue(en.p, 4)})`);
  }
  lines.push('* p<0.1, ** p<0.05, *** p<0.01');
  return lines.join('\n');
}

/**
 * Several models side by side, as in a paper table (fixest `etable` / Stata `esttab`): one column per
 * model with the estimate and stars, the standard error in parentheses below, then N, R², within R²,
 * the fixed effects and the vcov of each model.
 */
export function formatEtable(
  results: (FitResult | IvResult)[],
  opts: { titles?: string[]; digits?: number; order?: string[] } = {},
): string {
  const digits = opts.digits ?? 3;
  const titles = opts.titles ?? results.map((_, i) => `(${i + 1})`);
  const terms: string[] = [];
  for (const t of opts.order ?? []) if (results.some((r) => t in r.coefficients)) terms.push(t);
  for (const r of results) for (const t of Object.keys(r.coefficients)) if (!terms.includes(t) && t !== '_cons') terms.push(t);
  if (results.some((r) => '_cons' in r.coefficients) && !terms.includes('_cons')) terms.push('_cons');
  const cells = (r: FitResult | IvResult, t: string): [string, string] => {
    const c = r.coefficients[t];
    if (!c) return ['', ''];
    return [c.estimate.toFixed(digits) + stars(c.p), `(${c.se.toFixed(digits)})`];
  };
  const rows: string[][] = [['', ...titles]];
  for (const t of terms) {
    const pairs = results.map((r) => cells(r, t));
    rows.push([t, ...pairs.map((p) => p[0])]);
    rows.push(['', ...pairs.map((p) => p[1])]);
  }
  const sep = rows.length;
  rows.push(['N', ...results.map((r) => String(r.nobs))]);
  rows.push(['R2', ...results.map((r) => r.r2.toFixed(digits))]);
  rows.push(['Within R2', ...results.map((r) => (r.fixed_effects.length ? r.r2_within.toFixed(digits) : ''))]);
  const feNames = [...new Set(results.flatMap((r) => r.fixed_effects.map((f) => f.name)))];
  for (const fe of feNames) rows.push([`FE: ${fe}`, ...results.map((r) => (r.fixed_effects.some((f) => f.name === fe) ? 'Yes' : 'No'))]);
  rows.push(['SE', ...results.map((r) => (r.vcov.type === 'cluster' ? `cluster ${r.vcov.cluster}` : r.vcov.type === 'dk' ? `DK(${r.vcov.driscoll_kraay?.lags})` : r.vcov.type))]);
  if (results.some((r) => 'diagnostics' in r)) {
    rows.push(['KP rk LM', ...results.map((r) => ('diagnostics' in r ? r.diagnostics.kp_rk_lm.toFixed(digits) : ''))]);
    rows.push(['KP rk Wald F', ...results.map((r) => ('diagnostics' in r ? r.diagnostics.kp_rk_wald_f.toFixed(digits) : ''))]);
  }
  const widths = rows[0].map((_, j) => Math.max(...rows.map((row) => row[j].length)) + 2);
  const line = (row: string[]) => row.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('');
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0));
  const out = [rule, line(rows[0]), rule, ...rows.slice(1, sep).map(line), rule, ...rows.slice(sep).map(line), rule];
  out.push('Standard errors in parentheses. * p<0.1, ** p<0.05, *** p<0.01');
  return out.join('\n');
}
