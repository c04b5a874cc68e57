// What a table of the report shows, in words: what the brackets hold, the stars, the standard errors, and (in
// report.html) what the orange published numbers are. Written under every table, in Markdown and HTML.
import { catalogue } from '../../schemas/catalogue.ts';
import type { EstimateSettings } from './settings.ts';
import type { ColumnSpec, TableSpec } from './tables.ts';

/** A vcov option in words: cluster:city_code → "clustered by city (city_code)". */
export function vcovInWords(vcov: string): string {
  if (vcov === 'iid') return 'conventional (homoskedastic)';
  if (vcov === 'hc1') return 'heteroskedasticity-robust (HC1)';
  if (vcov === 'cluster:city_code') return 'clustered by city (city_code)';
  if (vcov.startsWith('cluster:')) return `clustered by ${vcov.slice('cluster:'.length).split('+').join(' and ')}`;
  if (vcov.startsWith('dk:')) return `Driscoll–Kraay with ${vcov.split(':')[1]} lags`;
  return vcov;
}

/** The standard errors of one declared column. */
export function columnVcov(spec: ColumnSpec, settings: EstimateSettings): string {
  if (spec.kind === 'threshold') return settings.thresholdVcov === 'cluster' ? 'cluster:city_code' : 'iid';
  if (spec.kind === 'descriptives') return '';
  return spec.vcov ?? settings.vcov;
}

/** The standard errors of a column in words; a threshold model's conventional errors named as xthreg's. */
export function columnVcovInWords(spec: ColumnSpec, settings: EstimateSettings): string {
  if (spec.kind === 'threshold' && settings.thresholdVcov !== 'cluster') return 'conventional (xthreg\u2019s default: e\u2032e / (N − n − k))';
  return vcovInWords(columnVcov(spec, settings));
}

const STARS = '*** p<0.01, ** p<0.05, * p<0.1';

/** The legend lines of a table. `published`: the report shows the paper's numbers under each cell. */
export function tableLegend(spec: TableSpec, settings: EstimateSettings, published: boolean): string[] {
  const number = /^table(\d+)/.exec(spec.key)?.[1] ?? '';
  if (spec.columns.every((c) => c.kind === 'descriptives')) {
    const described = spec.columns.flatMap((c) => (c.kind === 'descriptives' ? c.variables : []));
    // transforms do not depend on the settings (only formulas do)
    const logged = catalogue({ ecoFormula: 'land_area' }).filter((e) => e.transform !== 'none' && described.includes(e.name)).map((e) => e.name);
    return [
      `Obs, mean, standard deviation (n − 1), minimum and maximum over the panel\u2019s city-years; ${listText(logged)} are logs (the codebook has each definition).`,
      ...(published ? [`Published (orange): the paper\u2019s Table ${number}, as printed.`] : []),
    ];
  }
  const errors = [...new Set(spec.columns.map((c) => columnVcovInWords(c, settings)))];
  const lines = [
    `Coefficients with stars (${STARS}); the t value (coefficient / standard error) in brackets below.`,
    `Standard errors: ${errors.join('; ')}${spec.columns.some((c) => c.kind === 'threshold') ? ' (the paper\u2019s Table 5 t values are of that kind)' : ''}.`,
  ];
  if (spec.columns.some((c) => c.kind === 'threshold')) {
    lines.push(`γ: the estimated thresholds; F (bootstrap p): the sequential tests for one and two thresholds (${settings.bootstrap} replications); ` +
      'AI·regime k: the AI slope between consecutive thresholds. City effects are absorbed (within transformation)' +
      `${settings.thresholdYearEffects ? '; year effects enter as year dummies' : '; no year effects'}.`);
  }
  if (published) {
    lines.push(`Published (orange): the paper\u2019s Table ${number} (Zhao & Yang 2025), the coefficient and its printed t value in brackets, ` +
      'transcribed in pipelines/estimate/paper-published.json; the paper prints no p-values, so its cells carry no stars here. An empty cell: the paper has no such column or row.');
  }
  return lines;
}

const listText = (names: string[]) => (names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join(''));
