/**
 * The dry run's checks (`npm run pipeline -- --dry-run`): everything that can be known without building. The
 * registry against its schema, every declared file and sheet present, headers, columns and units found (each file
 * is read by its layout's reader, as the build reads it, without writing anything), and the coverage of the
 * indicators the panel needs: which source feeds which years, and which panel years would be left out or stop the
 * build. Every problem is collected, not only the first. Units are not placed on cities here (harmonize does that
 * when building and lists every unit it cannot place in one run).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { catalogue, requiredIndicators } from '../../schemas/catalogue.ts';
import type { PipelineSettings } from '../../schemas/settings.ts';
import { indicatorDefinitions, type Registry } from '../../schemas/sources.ts';
import type { StagedValue } from '../../schemas/staged.ts';
import { provinces } from '../../reference/index.ts';
import { readRawFile } from '../core/raw-files.ts';
import { ProvinceIndex } from './common.ts';
import { IngestError } from './errors.ts';
import { DEFAULT_LIMITS, type IngestLimits } from './files.ts';
import { checkYearHeaders, duplicateError, parseFile, planFiles, resolveRegistry, type IngestedFile, type IngestOptions } from './read.ts';

export interface DryRunFile {
  path: string;
  sources: string[];
  values: number;
  ignored_rows: number;
  /** a read of this file failed */
  failed: boolean;
}

export interface DryRunFeed {
  source: string;
  precedence: number | null;
  concept: string | null;
  /** the years with at least one value, as runs: "2011–2022" */
  years: string;
  first: number;
  last: number;
  values: number;
}

export interface DryRunCoverage {
  indicator: string;
  /** a model variable needs it in every panel year (the drop rule) */
  required: boolean;
  /** declared by the registry (extra_indicators) */
  user: boolean;
  feeds: DryRunFeed[];
}

export interface DryRunReport {
  registry: string;
  sources: number;
  files: DryRunFile[];
  coverage: DryRunCoverage[];
  /** the panel's years as the build would make them (null when the registry could not be read) */
  panel: { first: number; last: number; leftOut: Array<{ year: number; indicators: string[] }> } | null;
  /** raw files no source reads */
  unclaimed: string[];
  /** what would stop the build, one line each */
  problems: string[];
  /** what may stop it, depending on what the units are (placed when building) */
  warnings: string[];
}

/** Run every check the dry run makes. Never throws for bad input: problems are listed in the report. */
export async function checkRaw(opts: { rawDir: string; settings: PipelineSettings; registry?: IngestOptions['registry']; limits?: Partial<IngestLimits> }): Promise<DryRunReport> {
  const limits: IngestLimits = { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) };
  const report: DryRunReport = { registry: '', sources: 0, files: [], coverage: [], panel: null, unclaimed: [], problems: [], warnings: [] };
  const problems = new Set<string>();
  if (!existsSync(opts.rawDir)) {
    report.problems.push(new IngestError({ file: opts.rawDir }, 'expected a folder with the raw files, not found').message.replace(/^ingest: /, ''));
    return report;
  }
  let registry: Registry;
  try {
    const resolved = resolveRegistry(opts);
    registry = resolved.registry;
    report.registry = resolved.registryPath;
  } catch (e) {
    report.problems.push((e as Error).message.replace(/^ingest: /, ''));
    return report;
  }
  report.sources = registry.sources.length;
  const plan = planFiles(registry, opts.rawDir, report.registry, opts.registry);
  for (const p of plan.problems) problems.add(p.message);
  report.unclaimed = plan.unclaimed;

  // every file read as the build reads it; a failing source is listed and the others still read
  const prov = new ProvinceIndex(provinces());
  const values: StagedValue[] = [];
  const records: IngestedFile[] = [];
  for (const task of plan.tasks) {
    const file: DryRunFile = { path: task.path, sources: task.reads.map((r) => r.src.id), values: 0, ignored_rows: 0, failed: false };
    report.files.push(file);
    try {
      if (task.file.size > limits.maxFileBytes) {
        throw new IngestError({ file: task.path }, `expected at most ${limits.maxFileBytes} bytes (limits.maxFileBytes), the file has ${task.file.size}`);
      }
      const buf = readRawFile(task.file, limits.maxFileBytes);
      const sha256 = createHash('sha256').update(buf).digest('hex');
      const result = parseFile(task, buf, sha256, limits, prov, (_src, e) => {
        file.failed = true;
        problems.add(e.message);
      });
      records.push(result.file);
      values.push(...result.values);
      file.values = result.values.length;
      file.ignored_rows = result.file.ignored_rows ?? 0;
    } catch (e) {
      file.failed = true;
      problems.add(e instanceof Error ? e.message : String(e));
    }
  }
  try {
    checkYearHeaders(records, plan.tasks);
  } catch (e) {
    problems.add((e as Error).message);
  }
  const twice = duplicates(registry, values);
  for (const p of twice.problems) problems.add(p);
  report.warnings = twice.warnings;

  const definitions = indicatorDefinitions(registry);
  const required = new Set<string>(requiredIndicators(catalogue(opts.settings)));
  report.coverage = coverage(registry, values, definitions, required);
  for (const c of report.coverage) {
    if (c.required && c.feeds.length === 0) {
      problems.add(`no source feeds ${c.indicator} (${definitions[c.indicator].label}), which the panel needs in every year: every city would be dropped`);
    }
  }
  // an indicator without any source is reported above; the years are judged on the others
  const fed = new Set(report.coverage.filter((c) => c.feeds.length > 0).map((c) => c.indicator));
  const years = panelYears(values, definitions, new Set([...required].filter((i) => fed.has(i))), opts.settings);
  report.panel = years.panel;
  for (const p of years.problems) problems.add(p);
  // each line names its file, sheet and cell already: the stage's prefix adds nothing in a list
  report.problems = [...problems].map((p) => p.replace(/^ingest: /, ''));
  return report;
}

/** One value per region-year within a source (the build's rule); across sources only with a precedence each. The
 *  same printed unit and year from two such sources is a problem; two such sources sharing an indicator's years
 *  are a warning (the build compares them after placing the units: a yearbook prints names, a vendor codes). */
function duplicates(registry: Registry, values: StagedValue[]): { problems: string[]; warnings: string[] } {
  const out: string[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, StagedValue>();
  const bySource = new Set<string>();
  for (const v of values) {
    const key = `${v.source_id}\u0000${v.indicator}\u0000${v.scope ?? ''}\u0000${v.code_raw ?? ''}\u0000${v.name_raw}\u0000${v.year}`;
    const first = seen.get(key);
    if (first && !bySource.has(v.source_id)) {
      bySource.add(v.source_id);
      out.push(duplicateError(first, v).message);
    }
    seen.set(key, first ?? v);
  }
  // the same printed unit and year from several sources (the build compares them after placing the units)
  const precedence = new Map(registry.sources.map((s) => [s.id, s.precedence ?? null]));
  const sourcesOf = new Map<string, { sources: Set<string>; example: StagedValue }>();
  for (const v of values) {
    if (v.scope === '市辖区') continue;
    const key = `${v.indicator}\u0000${v.code_raw ?? v.name_raw}\u0000${v.year}`;
    const entry = sourcesOf.get(key) ?? { sources: new Set<string>(), example: v };
    entry.sources.add(v.source_id);
    sourcesOf.set(key, entry);
  }
  const distinct = (list: string[]) => {
    const declared = list.map((x) => precedence.get(x) ?? null);
    return declared.every((p) => p !== null) && new Set(declared).size === declared.length;
  };
  const spans = new Map<string, Map<string, Set<number>>>();
  for (const v of values) {
    if (v.scope === '市辖区') continue;
    const bySource = spans.get(v.indicator) ?? new Map<string, Set<number>>();
    if (!bySource.has(v.source_id)) bySource.set(v.source_id, new Set());
    bySource.get(v.source_id)!.add(v.year);
    spans.set(v.indicator, bySource);
  }
  for (const [indicator, bySource] of spans) {
    const ids = [...bySource.keys()].sort();
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
      const shared = [...bySource.get(ids[i])!].filter((y) => bySource.get(ids[j])!.has(y)).sort((a, b) => a - b);
      if (shared.length && !distinct([ids[i], ids[j]])) {
        warnings.push(`${indicator}: sources ${ids[i]} and ${ids[j]} both have ${yearRuns(shared)} without a different "precedence" each: `
          + 'the build stops where both report one city-year');
      }
    }
  }
  const reported = new Set<string>();
  for (const { sources, example } of sourcesOf.values()) {
    if (sources.size < 2) continue;
    const list = [...sources].sort();
    if (distinct(list)) continue;
    const declared = list.map((x) => precedence.get(x) ?? null);
    const id = `${example.indicator} ${list.join(',')}`;
    if (reported.has(id)) continue;
    reported.add(id);
    out.push(`${example.indicator}: sources ${list.join(', ')} both report ${example.name_raw}${example.code_raw ? ` (${example.code_raw})` : ''} ${example.year} `
      + `(precedence ${declared.map((p) => p ?? 'none').join(', ')}): give each a different "precedence" in the registry (the highest is used)`);
  }
  const certain = new Set(out.flatMap((p) => (/^(\w+): sources/.exec(p) ?? []).slice(1)));
  return { problems: out, warnings: warnings.filter((w) => !certain.has(w.split(':')[0])) };
}

/** Which source feeds which years of each indicator (values present, not empty cells). */
function coverage(registry: Registry, values: StagedValue[], definitions: Record<string, { user: boolean }>, required: Set<string>): DryRunCoverage[] {
  const years = new Map<string, Map<string, { years: Set<number>; values: number; concept: string | null }>>();
  for (const v of values) {
    if (v.value === null || v.scope === '市辖区') continue;
    const bySource = years.get(v.indicator) ?? new Map();
    const feed = bySource.get(v.source_id) ?? { years: new Set<number>(), values: 0, concept: v.concept ?? null };
    feed.years.add(v.year);
    feed.values++;
    bySource.set(v.source_id, feed);
    years.set(v.indicator, bySource);
  }
  const precedence = new Map(registry.sources.map((s) => [s.id, s.precedence ?? null]));
  const fed = new Set(registry.sources.flatMap((s) => (s.layout === 'eps' ? [s.indicator] : s.indicators.map((i) => i.indicator))));
  return Object.entries(definitions)
    .filter(([name]) => required.has(name) || fed.has(name))
    .map(([indicator, d]) => ({
      indicator, required: required.has(indicator), user: d.user,
      feeds: [...(years.get(indicator) ?? new Map<string, { years: Set<number>; values: number; concept: string | null }>()).entries()]
        .map(([source, f]) => {
          const sorted = [...f.years].sort((a, b) => a - b);
          return { source, precedence: precedence.get(source) ?? null, concept: f.concept, years: yearRuns(sorted), first: sorted[0], last: sorted.at(-1)!, values: f.values };
        })
        .sort((a, b) => (b.precedence ?? -Infinity) - (a.precedence ?? -Infinity) || a.source.localeCompare(b.source)),
    }));
}

/** The panel's years as the clean stage makes them, from the printed units: a year in which no source of a
 *  required indicator reports at least minYearCoverage of the units it reports in the panel years is short;
 *  trailing short years are left out (when lastYear is not set), any other short year stops the build. */
function panelYears(values: StagedValue[], definitions: Record<string, { level: string }>, required: Set<string>, settings: PipelineSettings): {
  panel: DryRunReport['panel']; problems: string[];
} {
  const first = settings.firstYear;
  const cityYears = values.filter((v) => v.value !== null && definitions[v.indicator]?.level === 'city').map((v) => v.year);
  const candidateLast = settings.lastYear ?? (cityYears.length ? Math.max(...cityYears) : first);
  if (candidateLast < first) return { panel: null, problems: [`no city-level values from ${first} on (firstYear ${first}): nothing to build`] };
  // per indicator, source and year: units with a value; per indicator and source: units in any panel year
  const units = new Map<string, Set<string>>();
  const observed = new Map<string, Set<string>>();
  for (const v of values) {
    if (!required.has(v.indicator) || v.scope === '市辖区' || v.year < first || v.year > candidateLast) continue;
    const unit = v.code_raw ?? v.name_raw;
    const all = `${v.indicator}\u0000${v.source_id}`;
    if (!units.has(all)) units.set(all, new Set());
    units.get(all)!.add(unit);
    if (v.value === null) continue;
    const key = `${all}\u0000${v.year}`;
    if (!observed.has(key)) observed.set(key, new Set());
    observed.get(key)!.add(unit);
  }
  const share = (indicator: string, year: number): number => {
    let best = 0;
    for (const [key, all] of units) {
      if (!key.startsWith(`${indicator}\u0000`)) continue;
      best = Math.max(best, (observed.get(`${key}\u0000${year}`)?.size ?? 0) / all.size);
    }
    return best;
  };
  const short = (year: number) => [...required].filter((i) => share(i, year) < settings.minYearCoverage).sort();
  const leftOut: Array<{ year: number; indicators: string[] }> = [];
  let last = candidateLast;
  while (settings.lastYear === undefined && last > first && short(last).length > 0) {
    leftOut.unshift({ year: last, indicators: short(last) });
    last--;
  }
  const problems: string[] = [];
  for (let y = first; y <= last; y++) {
    const lacking = short(y);
    if (lacking.length === 0) continue;
    problems.push(`year ${y}: ${lacking.join(', ')} reported for fewer than ${Math.round(100 * settings.minYearCoverage)}% of their units: `
      + 'a whole year is never interpolated, the build would stop (an edition or export missing? or --years to end the panel earlier)');
  }
  return { panel: { first, last, leftOut }, problems };
}

/** Years as runs: [2011, 2012, 2013, 2015] → "2011–2013, 2015". */
export function yearRuns(years: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < years.length; ) {
    let j = i;
    while (j + 1 < years.length && years[j + 1] === years[j] + 1) j++;
    runs.push(i === j ? String(years[i]) : `${years[i]}–${years[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
}

/** Terminal width of a text: CJK and full-width characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));

/** Rows as aligned columns, two spaces apart. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => `  ${r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The dry run's report as lines a person reads. */
export function formatDryRun(r: DryRunReport): string[] {
  const out: string[] = [];
  out.push(`dry run: the registry ${r.registry || '(not read)'}: ${r.sources} source${r.sources === 1 ? '' : 's'}, ${r.files.length} file${r.files.length === 1 ? '' : 's'} to read`);
  if (r.files.length) {
    out.push('', 'files');
    out.push(...table(['file', 'sources', 'values', 'ignored rows', 'read'], r.files.map((f) => [
      f.path, f.sources.length > 2 ? `${f.sources[0]} +${f.sources.length - 1}` : f.sources.join(', '), f.values.toLocaleString('en-US'), String(f.ignored_rows), f.failed ? 'PROBLEM' : 'ok',
    ])));
  }
  if (r.unclaimed.length) out.push('', `files no source reads (left alone): ${r.unclaimed.join(', ')}`);
  if (r.coverage.length) {
    const span = r.panel ? ` (panel ${r.panel.first}–${r.panel.last})` : '';
    out.push('', `coverage: which source feeds which years of each indicator${span}`);
    const rows: string[][] = [];
    for (const c of r.coverage) {
      const role = c.required ? 'required' : c.user ? 'extra' : 'not needed';
      if (c.feeds.length === 0) rows.push([c.indicator, role, '(no source)', '', '', '']);
      c.feeds.forEach((f, i) => rows.push([i === 0 ? c.indicator : '', i === 0 ? role : '', f.source, f.precedence === null ? '-' : String(f.precedence), f.concept ?? '-', f.years]));
    }
    out.push(...table(['indicator', 'role', 'source', 'precedence', 'concept', 'years with values'], rows));
  }
  if (r.panel) {
    const needed = r.coverage.filter((c) => c.required && c.feeds.length > 0).map((c) => c.indicator);
    const lacking = (list: string[]) => {
      if (list.length <= 4) return list.join(', ');
      const others = needed.filter((i) => !list.includes(i));
      return `${list.length} of the ${needed.length} required indicators${others.length && others.length <= 3 ? `, all but ${others.join(', ')}` : ''}`;
    };
    const left = r.panel.leftOut.map((l) => `${l.year} left out (no data yet for ${lacking(l.indicators)})`).join('; ');
    out.push('', `panel years: ${r.panel.first}–${r.panel.last}${left ? `; ${left}` : ''}`);
  }
  out.push('');
  for (const w of r.warnings) out.push(`warning: ${w}`);
  if (r.problems.length === 0) out.push('no problems found: every file was read, every required indicator has a source');
  else {
    out.push(`${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}: the build would stop`);
    for (const p of r.problems) out.push(`  ${p}`);
  }
  return out;
}
