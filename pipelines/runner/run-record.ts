// What a run records about itself: run_results.json, the cache's runs.jsonl and the warehouse's `runs` table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineSettings } from '../../schemas/settings.ts';
import type { DataTestResult } from '../core/data-tests.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import type { StageReport } from './stage.ts';

export interface StageRecord {
  stage: string;
  status: 'ran' | 'skipped' | 'failed' | 'would run' | 'would skip';
  reason: string;
  fingerprint: string;
  seconds: number;
  inputs: Array<{ path?: string; table?: string; sha256?: string; hash?: string; rows?: number }>;
  outputs: Array<{ table: string; rows: number; hash: string }>;
  data_tests: DataTestResult[];
  report?: StageReport;
  error?: string;
}

export interface RunRecord {
  run_id: string;
  started_at: string;
  ended_at: string;
  status: 'success' | 'failed' | 'dry-run';
  raw_dir: string;
  out_dir: string;
  full: boolean;
  settings: PipelineSettings;
  stages: StageRecord[];
  recovered: string[];
  versions: Record<string, string>;
  error: string | null;
  /** what this build changed against the previous one (set by the publishing stage, or unchanged when it was
   *  skipped); absent in a dry run, a failed run or a run that stops before the warehouse */
  changes?: BuildChanges;
}

/** One cell whose value differs from the previous build (both observed), with the raw cells behind each value. */
export interface CellRevision {
  city_code: string;
  city_name: string;
  year: number;
  indicator: string;
  old_value: number;
  new_value: number;
  /** |new − old| / |old| */
  relative_change: number;
  /** raw cells of the new value, "file sheet!cell" (several, '; '-separated, for a merged city) */
  source: string;
  /** raw cells of the previous value */
  old_source: string;
}

export interface CityChange {
  city_code: string;
  city_name: string;
  /** why a newly dropped city was dropped (quality_drops), else null */
  reason: string | null;
}

/** What a build changed against the previous build of the same warehouse folder. */
export interface BuildChanges {
  /** 'none': a first build, or a previous warehouse that could not be read (see note) */
  compared_with: 'previous build' | 'none';
  note: string | null;
  nothing_changed: boolean;
  /** raw files by path (stg_files): new, gone, other bytes */
  files: { added: string[]; removed: string[]; changed: string[] };
  settings: Array<{ setting: string; before: string | null; after: string | null }>;
  /** panel rows (city-years) */
  panel: { rows_before: number | null; rows_after: number | null; rows_added: number; rows_dropped: number; values_changed: boolean };
  /** observed cells of clean_values whose value changed: how many per indicator, the largest relative changes */
  revisions: { cells: number; by_indicator: Record<string, number>; largest: CellRevision[] };
  /** cities entering or leaving the panel */
  cities: { newly_kept: CityChange[]; newly_dropped: CityChange[] };
}

/** A build whose publishing stage had nothing to do: the warehouse is the previous one. */
export function unchangedBuild(panelRows: number | null): BuildChanges {
  return {
    compared_with: 'previous build', note: 'nothing to do: every input as in the previous build', nothing_changed: true,
    files: { added: [], removed: [], changed: [] }, settings: [],
    panel: { rows_before: panelRows, rows_after: panelRows, rows_added: 0, rows_dropped: 0, values_changed: false },
    revisions: { cells: 0, by_indicator: {}, largest: [] }, cities: { newly_kept: [], newly_dropped: [] },
  };
}

const list = (items: string[], max = 5) => (items.length > max ? `${items.slice(0, max).join(', ')} (+${items.length - max} more)` : items.join(', '));
const signed = (n: number) => (n >= 0 ? `+${fmt(n)}` : `−${fmt(-n)}`);
const num = (x: number) => (Number.isInteger(x) ? fmt(x) : Number(x.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 6 }));

/** The printed summary of a build's changes: a few lines, each starting with "changes". */
export function formatChanges(c: BuildChanges): string[] {
  const head = 'changes   ';
  const pad = ' '.repeat(head.length);
  if (c.compared_with === 'none') return [`${head} ${c.note ?? 'nothing to compare with'}; panel ${c.panel.rows_after === null ? '?' : fmt(c.panel.rows_after)} rows`];
  if (c.nothing_changed) return [`${head} nothing changed since the previous build (panel ${c.panel.rows_after === null ? '?' : fmt(c.panel.rows_after)} rows)`];
  const lines: string[] = [];
  const f = c.files;
  const files = [
    f.added.length ? `${f.added.length} added (${list(f.added)})` : '',
    f.changed.length ? `${f.changed.length} changed (${list(f.changed)})` : '',
    f.removed.length ? `${f.removed.length} removed (${list(f.removed)})` : '',
  ].filter(Boolean);
  lines.push(`files: ${files.length ? files.join('; ') : 'none changed'}`);
  if (c.settings.length) lines.push(`settings: ${c.settings.map((s) => `${s.setting} ${s.before ?? '(unset)'} → ${s.after ?? '(unset)'}`).join(', ')}`);
  const p = c.panel;
  lines.push(`panel: ${p.rows_before === null ? '?' : fmt(p.rows_before)} → ${p.rows_after === null ? '?' : fmt(p.rows_after)} rows (${signed(p.rows_added)} added, ${fmt(p.rows_dropped)} dropped)`
    + `${p.values_changed ? '' : ', values unchanged'}`);
  const cityList = (l: CityChange[]) => (l.length ? list(l.map((x) => `${x.city_name} ${x.city_code}${x.reason ? ` (${x.reason})` : ''}`)) : 'none');
  if (c.cities.newly_kept.length || c.cities.newly_dropped.length) {
    lines.push(`cities newly kept: ${cityList(c.cities.newly_kept)}; newly dropped: ${cityList(c.cities.newly_dropped)}`);
  }
  const r = c.revisions;
  lines.push(`revised cells: ${fmt(r.cells)}${r.cells ? ` (${Object.entries(r.by_indicator).map(([k, n]) => `${k} ${fmt(n)}`).join(', ')})` : ''}`);
  for (const x of r.largest.slice(0, 3)) {
    lines.push(`  ${x.city_name} ${x.year} ${x.indicator}: ${num(x.old_value)} → ${num(x.new_value)} (${(100 * x.relative_change).toFixed(1)}%) at ${x.source}, was ${x.old_source}`);
  }
  return lines.map((l, i) => `${i === 0 ? head : pad} ${l}`);
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The one log line of a stage that ran. */
export function formatLine(stage: string, r: StageReport, seconds: number): string {
  const cells = r.cells !== undefined ? `  ${fmt(r.cells)} cells` : '';
  return `${stage.padEnd(10)} ${fmt(r.rows).padStart(9)} rows${cells}  ${seconds.toFixed(2)} s${r.detail ? `  (${r.detail})` : ''}`;
}

/** Node, the project and its dependencies as package.json pins them. */
export function versions(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
  const out: Record<string, string> = { node: process.version, project: pkg.version };
  for (const name of Object.keys(pkg.dependencies ?? {})) out[name] = pkg.dependencies[name];
  return out;
}
