// The codebook of the panel: every column of the warehouse's `panel` with its definition (the catalogue's label,
// its formula in words and in SQL), unit, transform, its `_level` and `_w` copies, the raw indicators and source
// files that feed it, and N, mean, sd, min, max over the panel. Read from the warehouse only (meta_catalogue,
// meta_settings, meta_build, stg_values, panel), so it describes the build that made the panel. `npm run codebook`
// prints it as Markdown; report.html carries it as a section.
import { describe, frameFromColumns } from '../../econometrics/index.ts';
import { RAW_INDICATORS, type RawIndicator } from '../../schemas/indicators.ts';
import { esc } from './html.ts';
import type { WarehouseReader } from './warehouse-reader.ts';

export interface ColumnStats { n: number; mean: number; sd: number; min: number; max: number }

/** One source of a raw indicator in stg_values: which registry entry, files, sheets, printed units and scopes. */
export interface IndicatorSource { indicator: string; sourceId: string; files: string[]; sheets: string[]; units: string[]; scopes: string[]; values: number }

export interface CodebookColumn {
  name: string;
  section: 'variable' | 'split' | 'raw' | 'identifier' | 'other';
  /** the catalogue variable the column belongs to: X, X_level, X_w */
  variable?: string;
  definition: string;
  unit: string;
  /** numeric columns (booleans as 0/1) */
  stats?: ColumnStats;
  /** text columns: non-missing values and distinct values */
  text?: { n: number; distinct: number };
}

export interface CodebookVariable {
  name: string;
  label: string;
  formula: string;
  words: string;
  unit: string;
  transform: string;
  role: string;
  split: string | null;
  inputs: string[];
  /** the `_w` copy's bounds (its smallest and largest value: the clipping points) and how many city-years were clipped */
  winsorized?: { low: number; high: number; clippedLow: number; clippedHigh: number };
}

export interface Codebook {
  cityYears: number;
  cities: number;
  years: [number, number];
  synthetic: boolean;
  /** winsorizing percentiles of the build (meta_settings), e.g. [0.01, 0.99] */
  winsorize: [number, number] | null;
  splitRule: string | null;
  variables: CodebookVariable[];
  /** every panel column, in the panel's order */
  columns: CodebookColumn[];
  sources: Record<string, IndicatorSource[]>;
}

const IDENTIFIERS: Record<string, string> = {
  city_code: 'city code (GB/T 2260, as at the end of the panel; dim_city)',
  city_name: 'city name (dim_city)',
  province: 'province (short name; dim_province)',
  province_code: 'province code (GB/T 2260)',
  region: 'region: east, central or west',
  is_municipality: 'municipality directly under the central government (true = 1)',
  year: 'year of the data (a yearbook edition reports the year before)',
};

const SPLIT_RULES: Record<string, string> = { mean: 'the sample mean', median: 'the sample median', year_median: 'the median of its year' };

const isRaw = (name: string): name is RawIndicator => Object.hasOwn(RAW_INDICATORS, name);

/** The raw indicators a catalogue formula reads (a provincial series `prov_x` counts as x). */
export function formulaInputs(formula: string): string[] {
  const names = (formula.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((t) => t.replace(/^prov_/, '')).filter(isRaw);
  return [...new Set(names)];
}

/** A catalogue formula in words: each raw indicator with its yearbook label and canonical unit, × and ÷ for the
 *  operators, and the provincial window sum (Va's denominator) spelled out. */
export function formulaInWords(formula: string): string {
  const token = /sum\(\s*([A-Za-z_]\w*)\s*\)\s*OVER\s*\(\s*PARTITION BY\s+province_code\s*,\s*year\s*\)|\b\d+(?:\.\d+)?e\d+\b|[A-Za-z_]\w*|\*|\//gi;
  return formula.replace(token, (t, summed: string | undefined) => {
    if (summed) return `the sum of ${summed} over the province's cities that year`;
    if (t === '*') return '×';
    if (t === '/') return '÷';
    if (/^\d/.test(t)) {
      const [mantissa, exponent] = t.toLowerCase().split('e');
      return `${mantissa === '1' ? '' : `${mantissa}×`}10${superscript(exponent)}`;
    }
    if (isRaw(t)) return `${t} (${RAW_INDICATORS[t].label}, ${RAW_INDICATORS[t].unit})`;
    const provincial = t.replace(/^prov_/, '');
    if (t.startsWith('prov_') && isRaw(provincial)) return `the province's ${provincial} (${RAW_INDICATORS[provincial].label}, ${RAW_INDICATORS[provincial].unit})`;
    return t;
  });
}

const superscript = (digits: string) => [...digits].map((d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)] ?? d).join('');

/** What the transform stage does to a variable's level. */
export function transformText(name: string, transform: string): string {
  if (transform === 'ln') return `${name} = ln(${name}_level)`;
  if (transform === 'ln1p') return `${name} = ln(1 + ${name}_level)`;
  return `${name} = ${name}_level (not logged)`;
}

const percent = (p: number) => `${Math.round(p * 1000) / 10}%`;

/** The warehouse tables the codebook reads. */
export const CODEBOOK_TABLES = ['panel', 'meta_catalogue', 'meta_settings', 'stg_values'];

/** The codebook's tables this warehouse lacks (an older build). */
export async function missingCodebookTables(wh: WarehouseReader): Promise<string[]> {
  const missing: string[] = [];
  for (const t of CODEBOOK_TABLES) if (!(await wh.hasTable(t))) missing.push(t);
  return missing;
}

export async function readCodebook(wh: WarehouseReader): Promise<Codebook> {
  const catalogue = await wh.rows<{ name: string; label: string; formula: string; unit: string; transform: string; role: string; split: string | null }>(
    `SELECT name, label, formula, unit, transform, role, split FROM ${wh.table('meta_catalogue')}`);
  const settings = new Map((await wh.rows<{ setting: string; value: string }>(`SELECT setting, value FROM ${wh.table('meta_settings')}`))
    .map((r) => [r.setting, JSON.parse(r.value) as unknown]));
  const synthetic = (await wh.hasTable('meta_build'))
    && (await wh.rows(`SELECT 1 FROM ${wh.table('meta_build')} WHERE key = ? AND value = ?`, ['synthetic', 'true'])).length > 0;
  const winsorSetting = settings.get('winsorize');
  const winsorize = Array.isArray(winsorSetting) && winsorSetting.length === 2 ? [Number(winsorSetting[0]), Number(winsorSetting[1])] as [number, number] : null;
  const splitRule = typeof settings.get('splitRule') === 'string' ? String(settings.get('splitRule')) : null;

  const panelRows = await wh.rows<Record<string, unknown>>(`SELECT * FROM ${wh.table('panel')} ORDER BY city_code, year`);
  const names = (await wh.rows<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${wh.table('panel')})`)).map((r) => r.column_name);
  const stats = columnStats(panelRows, names);

  const sources: Record<string, IndicatorSource[]> = {};
  for (const s of await wh.rows<{ indicator: string; source_id: string; files: string[]; sheets: string[]; units: string[]; scopes: string[]; n: number }>(
    `SELECT indicator, source_id, list_sort(list(DISTINCT file)) AS files, list_sort(list(DISTINCT sheet)) AS sheets,
            list_sort(list(DISTINCT unit)) AS units, list_sort(list(DISTINCT coalesce(scope, ''))) AS scopes, count(*)::INTEGER AS n
     FROM ${wh.table('stg_values')} GROUP BY indicator, source_id ORDER BY indicator, source_id`)) {
    (sources[s.indicator] ??= []).push({ indicator: s.indicator, sourceId: s.source_id, files: s.files, sheets: s.sheets, units: s.units, scopes: s.scopes.filter(Boolean), values: s.n });
  }

  const byName = new Map(catalogue.map((c) => [c.name, c]));
  const bySplit = new Map(catalogue.filter((c) => c.split).map((c) => [c.split!, c]));
  const winsorText = winsorize ? `${percent(winsorize[0])}/${percent(winsorize[1])}` : '';
  const variables: CodebookVariable[] = catalogue.map((c) => {
    const v: CodebookVariable = { ...c, words: formulaInWords(c.formula), inputs: formulaInputs(c.formula) };
    const w = `${c.name}_w`;
    const copy = stats.get(w);
    if (copy && 'min' in copy && stats.has(c.name)) {
      const { min: low, max: high } = copy;
      const x = panelRows.map((r) => Number(r[c.name]));
      v.winsorized = { low, high, clippedLow: x.filter((a) => a < low).length, clippedHigh: x.filter((a) => a > high).length };
    }
    return v;
  });

  const columns: CodebookColumn[] = names.map((name) => {
    const base = /^(.*?)(_level|_w)?$/.exec(name)!;
    const entry = byName.get(name) ?? (base[2] ? byName.get(base[1]) : undefined);
    const column: CodebookColumn = { name, section: 'other', definition: 'not described by the catalogue', unit: '' };
    if (IDENTIFIERS[name]) Object.assign(column, { section: 'identifier', definition: IDENTIFIERS[name] });
    else if (entry) {
      const words = formulaInWords(entry.formula);
      column.section = 'variable';
      column.variable = entry.name;
      // X and X_w of a logged variable are logs of the unit; X_level is in the unit
      const logged = base[2] !== '_level' && entry.transform !== 'none' && entry.unit !== '';
      column.unit = logged ? `${entry.transform === 'ln1p' ? 'ln(1 + ' : 'ln('}${entry.unit})` : entry.unit;
      column.definition = !base[2] || name === entry.name
        ? (entry.transform === 'none' ? `${entry.label}: ${words}` : `${entry.transform}(${entry.name}_level): the log of ${entry.label}`)
        : base[2] === '_level' ? `${entry.label} before the transform: ${words}`
        : `${entry.name} winsorized at the panel's ${winsorText || 'percentile'} points (Stata's _pctile rule)`;
    } else if (bySplit.has(name)) {
      const of = bySplit.get(name)!;
      Object.assign(column, { section: 'split', variable: of.name,
        definition: `1 if ${of.name}_level (${of.label}) is above ${SPLIT_RULES[splitRule ?? ''] ?? 'the split rule\u2019s cut'}, else 0 (Table 7 groups)` });
    } else if (isRaw(name)) {
      Object.assign(column, { section: 'raw', unit: RAW_INDICATORS[name].unit,
        definition: `${RAW_INDICATORS[name].label}: the raw indicator in its canonical unit after cleaning (merged predecessors added, gaps filled)` });
    } else if (name.startsWith('prov_') && isRaw(name.slice(5))) {
      const raw = RAW_INDICATORS[name.slice(5) as RawIndicator];
      Object.assign(column, { section: 'raw', unit: raw.unit, definition: `${raw.label} of the province (provincial series) in its canonical unit` });
    }
    const s = stats.get(name);
    if (s && 'mean' in s) column.stats = s;
    else if (s) column.text = s;
    return column;
  });

  const years = (stats.get('year') as ColumnStats | undefined) ?? { min: NaN, max: NaN };
  return {
    cityYears: panelRows.length,
    cities: new Set(panelRows.map((r) => r.city_code)).size,
    years: [years.min, years.max],
    synthetic, winsorize, splitRule, variables, columns, sources,
  };
}

/** N, mean, sd (n − 1), min, max of each numeric column (booleans as 0/1) in city-year order, computed as Table 1
 *  computes them; text columns get their counts. */
function columnStats(rows: Array<Record<string, unknown>>, names: string[]): Map<string, ColumnStats | { n: number; distinct: number }> {
  const out = new Map<string, ColumnStats | { n: number; distinct: number }>();
  const numeric: Record<string, Float64Array> = {};
  for (const name of names) {
    const values = rows.map((r) => r[name]);
    const present = values.filter((v) => v !== null && v !== undefined);
    if (present.every((v) => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')) {
      numeric[name] = Float64Array.from(values, (v) => (v === null || v === undefined ? NaN : Number(v)));
    } else {
      out.set(name, { n: present.length, distinct: new Set(present.map(String)).size });
    }
  }
  const frame = frameFromColumns({ numeric, factors: {} });
  for (const d of describe(frame, Object.keys(numeric))) out.set(d.variable, { n: d.obs, mean: d.mean, sd: d.sd, min: d.min, max: d.max });
  return out;
}

// ---- rendering ----

/** A number as the codebook prints it: three decimals below 1,000, grouped digits above. */
export function formatStat(x: number, grouped = true): string {
  if (!Number.isFinite(x)) return '';
  if (!grouped) return String(Number(x.toFixed(3)));
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  return Math.abs(x) < 1000 ? x.toFixed(3) : x.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** The files of a source, shortened when an edition series (…2012.xlsx … …2023.xlsx) is long. */
export function filesText(files: string[]): string {
  return files.length > 2 ? `${files[0]} … ${files.at(-1)} (${files.length} files)` : files.join(', ');
}

export function sourceText(s: IndicatorSource): string {
  const used = s.scopes.filter((x) => x === '全市');
  const unused = s.scopes.filter((x) => x !== '全市');
  const scope = s.scopes.length === 0 ? '' : `, scope ${used.join('')}${unused.length ? `${used.length ? ' (' : ''}${unused.join(', ')} read, not used${used.length ? ')' : ''}` : ''}`;
  const sheets = s.sheets.filter(Boolean);
  const sheetText = sheets.length ? `, sheet${sheets.length > 1 ? 's' : ''} ${sheets.join(', ')}` : '';
  return `${s.sourceId}: ${filesText(s.files)}${sheetText}, printed unit${s.units.length > 1 ? 's' : ''} ${s.units.join(', ')}${scope}`;
}

/** The intro lines: what the copies are and where the numbers come from. */
export function codebookIntro(cb: Codebook): string[] {
  const w = cb.winsorize ? `${percent(cb.winsorize[0])}/${percent(cb.winsorize[1])}` : 'percentile';
  return [
    `The panel: ${cb.cityYears.toLocaleString('en-US')} city-years, ${cb.cities} cities, ${cb.years[0]}–${cb.years[1]}.${cb.synthetic ? ' Built from the bundled SYNTHETIC sample.' : ''}`,
    'Each catalogue variable X comes with two copies: `X_level` is the variable before the transform (the value of the catalogue formula, in the unit given; for a logged variable, the number before the log), and ' +
      `\`X_w\` is X (after the log, where there is one) winsorized at the panel's ${w} points (Stata's _pctile rule, as winsor2): values beyond them are set to them. Table 3's "winsorize 1%" column uses the \`_w\` copies.`,
    'N, mean, sd (n − 1), min and max are computed from the panel (every kept city-year), as Table 1 computes them. Sources are the registry entries (source ids) and files of `stg_values` that feed each raw indicator; values in other printed units are converted to the canonical unit in the clean stage.',
  ];
}

// a year is printed as a year (2011, not 2,011)
const statCells = (c: CodebookColumn) => (c.stats
  ? [c.stats.n.toLocaleString('en-US'), ...[c.stats.mean, c.stats.sd, c.stats.min, c.stats.max].map((x) => formatStat(x, c.name !== 'year'))]
  : c.text ? [c.text.n.toLocaleString('en-US'), `${c.text.distinct} distinct`, '', '', ''] : ['', '', '', '', '']);

/** The facts of one catalogue variable as label/value pairs (the same in Markdown and HTML). */
export function variableFacts(cb: Codebook, v: CodebookVariable): Array<[string, string]> {
  const sources = v.inputs.flatMap((i) => (cb.sources[i] ?? []).map((s) => `${i} ← ${sourceText(s)}`));
  const facts: Array<[string, string]> = [
    ['definition', v.label],
    ['formula in words', `${v.name}_level = ${v.words}`],
    ['formula (SQL)', v.formula],
    ['unit', v.unit || '(a ratio: no unit)'],
    ['transform', transformText(v.name, v.transform)],
    ['role', v.role === 'split' ? `splits Table 7 (${v.split})` : 'model variable'],
    ['raw indicators', v.inputs.map((i) => `${i} (${RAW_INDICATORS[i as RawIndicator].label}, ${RAW_INDICATORS[i as RawIndicator].unit})`).join('; ')],
    ['sources', sources.join('; ') || '—'],
  ];
  if (v.winsorized) {
    facts.push(['winsorized copy', `${v.name}_w: clipped to [${formatStat(v.winsorized.low)}, ${formatStat(v.winsorized.high)}]; ` +
      `${v.winsorized.clippedLow} city-years raised to the lower bound, ${v.winsorized.clippedHigh} lowered to the upper bound`]);
  }
  return facts;
}

const STAT_HEADER = ['column', 'definition', 'unit', 'N', 'mean', 'sd', 'min', 'max'];

const SECTIONS: Array<[CodebookColumn['section'], string]> = [
  ['split', 'Heterogeneity groups'],
  ['raw', 'Raw indicators (canonical units, after cleaning)'],
  ['identifier', 'Identifiers'],
  ['other', 'Other columns'],
];

export function codebookMarkdown(cb: Codebook, title = 'Codebook of the panel'): string {
  const md = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const line = (cells: string[]) => `| ${cells.map(md).join(' | ')} |`;
  // the statistics (N … max) right-aligned
  const table = (header: string[], rows: string[][]) => [
    line(header), `| ${header.map((h) => (['N', 'mean', 'sd', 'min', 'max'].includes(h) ? '---:' : '---')).join(' | ')} |`, ...rows.map(line)];
  const out = [`# ${title}`, '', ...codebookIntro(cb).flatMap((p) => [p, ''])];
  out.push('## Catalogue variables', '');
  for (const v of cb.variables) {
    out.push(`### ${v.name}: ${v.label}`, '');
    out.push(...table(['', ''], variableFacts(cb, v).map(([k, val]) => [k, k === 'formula (SQL)' ? `\`${val}\`` : val])), '');
    const cols = cb.columns.filter((c) => c.variable === v.name && c.section === 'variable');
    out.push(...table(STAT_HEADER, cols.map((c) => [`\`${c.name}\``, c.definition, c.unit, ...statCells(c)])), '');
  }
  for (const [section, heading] of SECTIONS) {
    const cols = cb.columns.filter((c) => c.section === section);
    if (cols.length === 0) continue;
    out.push(`## ${heading}`, '');
    if (section === 'raw') {
      out.push(...table([...STAT_HEADER, 'sources'], cols.map((c) => {
        const indicator = c.name.replace(/^prov_/, '');
        return [`\`${c.name}\``, c.definition, c.unit, ...statCells(c), (cb.sources[indicator] ?? []).map(sourceText).join('; ')];
      })), '');
    } else {
      out.push(...table(STAT_HEADER, cols.map((c) => [`\`${c.name}\``, c.definition, c.unit, ...statCells(c)])), '');
    }
  }
  return out.join('\n');
}

/** The codebook as a section of report.html. */
export function codebookHtml(cb: Codebook): string {
  const code = (s: string) => `<code>${esc(s)}</code>`;
  const inline = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');
  const statRow = (c: CodebookColumn, extra: string[] = []) =>
    `<tr><th>${code(c.name)}</th><td class="text">${esc(c.definition)}</td><td>${esc(c.unit)}</td>${statCells(c).map((x) => `<td>${esc(x)}</td>`).join('')}${extra.map((x) => `<td class="text">${esc(x)}</td>`).join('')}</tr>`;
  const head = (cells: string[]) => `<thead><tr>${cells.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`;
  const parts = [`<section id="codebook"><h2>Codebook: every column of the panel</h2>`, ...codebookIntro(cb).map((p) => `<p class="note">${inline(p)}</p>`)];
  for (const v of cb.variables) {
    parts.push(`<h3>${esc(v.name)}: ${esc(v.label)}</h3><table class="facts"><tbody>` +
      variableFacts(cb, v).map(([k, val]) => `<tr><th>${esc(k)}</th><td class="text">${k === 'formula (SQL)' ? code(val) : esc(val)}</td></tr>`).join('') + '</tbody></table>');
    const cols = cb.columns.filter((c) => c.variable === v.name && c.section === 'variable');
    parts.push(`<table>${head(STAT_HEADER)}<tbody>${cols.map((c) => statRow(c)).join('')}</tbody></table>`);
  }
  for (const [section, heading] of SECTIONS) {
    const cols = cb.columns.filter((c) => c.section === section);
    if (cols.length === 0) continue;
    const withSources = section === 'raw';
    parts.push(`<h3>${esc(heading)}</h3><table>${head(withSources ? [...STAT_HEADER, 'sources'] : STAT_HEADER)}<tbody>` +
      cols.map((c) => statRow(c, withSources ? [(cb.sources[c.name.replace(/^prov_/, '')] ?? []).map(sourceText).join('; ')] : [])).join('') + '</tbody></table>');
  }
  parts.push('</section>');
  return parts.join('\n');
}
