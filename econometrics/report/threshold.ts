// Readable text of a panel threshold model (what `cli threshold` prints without --json), laid out as the
// fe/iv tables (report/etable.ts): header lines, the threshold tests with bootstrap p-values and critical
// values, the thresholds with their confidence sets, then the coefficient table with stars, each regime
// term labelled with its range of the threshold variable. xthreg puts Q = γ in the lower regime (Q ≤ γ),
// hansen in the upper one (Q < γ), and the labels say so.
import type { ThresholdResult } from '../models/threshold.ts';
import { formatNumber as fmt, formatPValue, significanceStars as stars } from './etable.ts';

const STEP_NAMES = ['Single', 'Double', 'Triple'];

/** A threshold (a value of the data): up to 6 significant digits, no trailing zeros. */
export function formatThreshold(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : '.';
}

/** Range of regime j (0-based) given sorted thresholds, in the method's tie convention. */
export function regimeLabel(method: ThresholdResult['method'], q: string, thresholds: number[], j: number): string {
  const [lt, ge] = method === 'hansen' ? ['<', '≤'] : ['≤', '<'];
  const upper = method === 'hansen' ? '≥' : '>';
  const K = thresholds.length;
  const t = thresholds.map(formatThreshold);
  if (j === 0) return `${q} ${lt} ${t[0]}`;
  if (j === K) return `${q} ${upper} ${t[K - 1]}`;
  return `${t[j - 1]} ${ge} ${q} ${lt} ${t[j]}`;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('');
}

export function formatThresholdTable(r: ThresholdResult, title = 'Panel threshold regression (Hansen 1999)'): string {
  const lines: string[] = [];
  const final = r.steps[r.steps.length - 1];
  lines.push(`${title}, ${r.method} conventions`);
  lines.push(
    `Observations: ${r.nobs}   (units ${r.units} x periods ${r.periods}; dropped: ${r.dropped_units} unit${r.dropped_units === 1 ? '' : 's'} not observed in every period)`,
  );
  lines.push(`Fixed effects: ${r.fixed_effects.map((f) => `${f.name} (${f.levels})`).join(', ')}`);
  lines.push(`Threshold variable: ${r.threshold_var}   Regime-dependent: ${r.regime_vars.join(', ')}   Grid: ${r.grid_size} points`);
  lines.push(`Standard errors: ${r.se_type}`);

  // threshold tests
  const testRows = [['Threshold test', 'SSR', 'F', 'P>F', 'Crit. 10%', 'Crit. 5%', 'Crit. 1%']];
  testRows.push(['None', fmt(r.ssr0), '', '', '', '', '']);
  for (const s of r.steps)
    testRows.push([
      STEP_NAMES[s.k - 1],
      fmt(s.ssr),
      fmt(s.F, 2),
      s.p === null ? '.' : s.p.toFixed(3),
      fmt(s.crit?.['10'], 2),
      fmt(s.crit?.['5'], 2),
      fmt(s.crit?.['1'], 2),
    ]);
  const tw = testRows[0].map((_, j) => Math.max(...testRows.map((x) => x[j].length)) + 2);
  tw[0] -= 2;
  const testRule = '-'.repeat(tw.reduce((a, b) => a + b, 0));
  lines.push(testRule, row(testRows[0], tw), testRule, ...testRows.slice(1).map((x) => row(x, tw)), testRule);
  lines.push(
    r.bootstrap > 0
      ? `F: test of k-1 against k thresholds; P>F and critical values from ${r.bootstrap} bootstrap replications`
      : 'F: test of k-1 against k thresholds; no bootstrap (P>F and critical values not computed)',
  );

  // thresholds and confidence sets
  lines.push('', `Thresholds (${r.level}% confidence sets, LR inversion)`);
  for (const s of r.steps) {
    const cells = s.thresholds.map((t, i) => `γ${i + 1} = ${formatThreshold(t)} [${formatThreshold(s.ci[i][0])}, ${formatThreshold(s.ci[i][1])}]`);
    lines.push(`${STEP_NAMES[s.k - 1].padEnd(8)}${cells.join('   ')}`);
  }
  lines.push('');

  // coefficients
  const label = (name: string): string => {
    const m = /^(.*)#r(\d+)$/.exec(name);
    if (!m || !r.regime_vars.includes(m[1])) return name;
    return `${name} (${regimeLabel(r.method, r.threshold_var, final.thresholds, Number(m[2]) - 1)})`;
  };
  const names = Object.keys(r.coefficients);
  const w = Math.max(12, ...names.map((n) => label(n).length)) + 1;
  const header = ''.padEnd(w) + ['Coef.', 'Std.Err.', 't', 'P>|t|'].map((h) => h.padStart(12)).join('');
  const rule = '-'.repeat(header.length + 4);
  lines.push(rule, header, rule);
  for (const name of names) {
    const c = r.coefficients[name];
    lines.push(label(name).padEnd(w) + [fmt(c.estimate), fmt(c.se), fmt(c.t, 2), formatPValue(c.p)].map((s) => s.padStart(12)).join('') + ' ' + stars(c.p));
  }
  lines.push(rule);
  const g = r.regression;
  lines.push(`within R2 ${fmt(g.r2_within)}   sigma_e ${fmt(g.sigma_e)}   F(${g.F_df[0]}, ${g.F_df[1]}) = ${fmt(g.F, 2)}   df ${g.df_resid}`);
  lines.push('* p<0.1, ** p<0.05, *** p<0.01');
  return lines.map((l) => l.trimEnd()).join('\n');
}
