/**
 * Stage "ingest": raw spreadsheets → staged values with provenance.
 *
 *   const { values, files, stats } = await ingest({ rawDir: 'raw' });
 *
 * The source registry (schemas/sources.ts; default `<rawDir>/sources.json`) says which files and sheets feed
 * which raw indicators and in which layout; its file patterns are matched against the one list of raw files
 * (pipelines/core/raw-files.ts: regular files inside the raw folder; links out of it, FIFOs, devices are
 * refused) in linear time (./pattern.ts). Every registered file is opened safely (size and zip limits,
 * container checks), parsed once, and read by the adapter of its layout (pipelines/ingest/yearbook.ts, eps.ts,
 * long-panel.ts). Each staged value is one source cell with its provenance (file relative to rawDir, sheet,
 * A1 cell, file sha256). Bad input stops the run with an IngestError: one line naming file, sheet, cell and
 * what was expected. Values are not converted here: `unit` is the unit the file declares; the clean stage
 * converts with UNIT_FACTORS.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import type { WorkBook } from 'xlsx';
import { z } from 'zod';
import { StagedValue } from '../../schemas/staged.ts';
import { STAGED_COLUMNS } from '../runner/part-cache.ts';
import type { ColumnSpec } from '../core/db.ts';
import { indicatorDefinitions, loadRegistry, parseRegistry, sourceIndicators, type Registry, type RegistryInput, type Source } from '../../schemas/sources.ts';
import type { IndicatorDefinition } from '../../schemas/indicators.ts';
import { provinces } from '../../reference/index.ts';
import { DOCUMENTATION_FILE, listRawFiles, readRawFile, USER_ALIASES_FILE, type RawFile } from '../core/raw-files.ts';
import { normLabel } from './cells.ts';
import { ProvinceIndex, type AdapterContext, type YearHeader } from './common.ts';
import { IngestError } from './errors.ts';
import { DEFAULT_LIMITS, decodeCsv, getSheet, parseCsv, readWorkbook, type CsvRecords, type IngestLimits } from './files.ts';
import { csvTable, sheetTable, type Table } from './table.ts';
import { readLayout } from './layouts/index.ts';
import { compilePattern, type PatternGroups } from './pattern.ts';

export { IngestError } from './errors.ts';
export { DEFAULT_LIMITS, type IngestLimits } from './files.ts';

/** The columns of an ingest part (a file's staged values in Parquet): the runner's staged columns and the concept
 *  tag. Declared here so that the version of what reads a file (INGEST_VERSION) covers them. */
export const STAGED_PART_COLUMNS: ColumnSpec[] = [...STAGED_COLUMNS, { name: 'concept', type: 'VARCHAR' }];

export interface IngestOptions {
  /** directory holding the raw files; registry paths are relative to it */
  rawDir: string;
  /** a registry object, or a path to a registry JSON; default `<rawDir>/sources.json` */
  registry?: RegistryInput | Registry | string;
  /** safety limits; unset fields keep DEFAULT_LIMITS */
  limits?: Partial<IngestLimits>;
  /** files parsed concurrently (default 3) */
  concurrency?: number;
  /** called after each file (files done, files in all), for a progress bar */
  onFile?: (done: number, total: number) => void;
}

export interface IngestFilesOptions extends IngestOptions {
  /** Files read before (incremental builds): `key` covers the file's sha256, the registry entries reading it and
   *  the limits. Return the file's record to skip parsing it (its values are kept by the caller), else undefined. */
  reuse?: (key: string) => IngestedFile | undefined;
  /** sha256 of a file the caller has just hashed (the pipeline, for its fingerprint): a file found in `reuse` by
   *  it is not read again */
  knownSha?: (path: string) => string | undefined;
  /** called once with the raw files that no registry source reads (documentation files and the registry aside) */
  onUnclaimed?: (paths: string[]) => void;
  /** called once with the validated registry */
  onRegistry?: (registry: Registry) => void;
}

/** One file of an ingest: its values, or null when `reuse` had them. */
export interface FileOutcome {
  key: string;
  file: IngestedFile;
  values: StagedValue[] | null;
}

export interface IngestedFileResult {
  file: IngestedFile;
  values: StagedValue[];
}

export interface IngestedFile {
  path: string;        // relative to rawDir, '/' separated
  sha256: string;
  bytes: number;
  sheets: number;      // sheets read (1 for a CSV)
  cells: number;       // non-empty cells in the sheets read
  values: number;      // staged values from this file
  sources: string[];   // registry ids that read it
  /** rows with text that no reader read: a long panel's trailer (watermarks, adverts, notes after the data) and
   *  rows with text only in undeclared columns */
  ignored_rows?: number;
  /** the year columns of its EPS sheets (checked against the dated files after every file is read) */
  year_headers?: YearHeader[];
}

export interface IngestResult {
  values: StagedValue[];
  files: IngestedFile[];
  /** raw files that no registry source reads */
  unclaimed: string[];
  stats: { files: number; sheets: number; cells: number; values: number; seconds: number };
}

/** Hidden (1) or very hidden (2) in the workbook's sheet list. */
function isHidden(book: WorkBook, name: string): boolean {
  return Boolean(book.Workbook?.Sheets?.find((s) => s.name === name)?.Hidden);
}

const quoted = (names: string[]) => names.map((n) => `'${n}'`).join(', ').slice(0, 200);

/** The one visible sheet whose name is the registered one (or one of its alternatives), compared with spaces
 *  removed. Hidden sheets are never read: an export often keeps a stale copy of a table hidden next to the
 *  current one. Two visible matches are ambiguous, only a hidden match is refused as such. */
function pickSheet(book: WorkBook, src: Source, file: string): string {
  if (src.sheet === undefined) {
    // a long panel without a registered sheet: its first visible sheet
    const first = book.SheetNames.find((n) => !isHidden(book, n));
    if (first === undefined) throw new IngestError({ file }, `expected a visible sheet (source '${src.id}'), every sheet is hidden: ${quoted(book.SheetNames)}`);
    return first;
  }
  const wanted = Array.isArray(src.sheet) ? src.sheet : [src.sheet];
  const alternatives = new Set(wanted.map(normLabel));
  const matching = book.SheetNames.filter((n) => alternatives.has(normLabel(n)));
  const visible = matching.filter((n) => !isHidden(book, n));
  const w = wanted.join("' or '");
  if (visible.length === 1) return visible[0];
  if (visible.length > 1) {
    throw new IngestError({ file }, `expected one sheet '${w}' (source '${src.id}'), found ${visible.length} whose names differ only in spaces or brackets: ${quoted(visible)}; remove or rename all but one`);
  }
  if (matching.length > 0) {
    throw new IngestError({ file, sheet: matching[0] }, `expected a visible sheet '${w}' (source '${src.id}'), the only match is hidden (hidden sheets are never read: unhide it if it is the current table)`);
  }
  throw new IngestError({ file }, `expected a sheet '${w}' (source '${src.id}'), the workbook has: ${quoted(book.SheetNames)}`);
}

function yearFromName(src: Source, g: PatternGroups, file: string): number | null {
  let year: number | null = null;
  if (g.edition !== undefined && src.layout === 'yearbook') year = Number(g.edition) - src.edition_offset;
  else if (g.year !== undefined) year = Number(g.year);
  if (year !== null && (year < src.years.from || year > src.years.to)) {
    const what = g.edition !== undefined ? `edition ${g.edition} (data year ${year})` : `data year ${year}`;
    throw new IngestError({ file }, `expected a data year within the registry range ${src.years.from}–${src.years.to} of source '${src.id}', the file name says ${what}`);
  }
  return year;
}

function checkDims(t: Table, limits: IngestLimits): void {
  if (t.rows > limits.maxRows) throw new IngestError({ file: t.file, sheet: t.sheet || undefined }, `expected at most ${limits.maxRows} rows (limits.maxRows), its data reach row ${t.rows}`);
  if (t.cols > limits.maxCols) throw new IngestError({ file: t.file, sheet: t.sheet || undefined }, `expected at most ${limits.maxCols} columns (limits.maxCols), its data reach column ${t.cols}`);
}

export interface FileTask {
  path: string;
  file: RawFile;
  reads: Array<{ src: Source; year: number | null }>;
  /** the definitions of the indicators its sources feed (their canonical units decide which units are accepted) */
  indicators: Record<string, IndicatorDefinition>;
}

async function ingestFile(
  task: FileTask,
  limits: IngestLimits,
  prov: ProvinceIndex,
  reuse?: (key: string) => IngestedFile | undefined,
  knownSha?: (path: string) => string | undefined,
): Promise<FileOutcome> {
  const keyOf = (sha256: string) => createHash('sha256').update(JSON.stringify([task.path, sha256, task.reads, task.indicators, limits])).digest('hex');
  const hashed = knownSha?.(task.path);
  if (hashed && reuse) {
    const key = keyOf(hashed);
    const known = reuse(key);
    if (known) return { key, file: known, values: null };
  }
  if (task.file.size > limits.maxFileBytes) {
    throw new IngestError({ file: task.path }, `expected at most ${limits.maxFileBytes} bytes (limits.maxFileBytes), the file has ${task.file.size}`);
  }
  const buf = readRawFile(task.file, limits.maxFileBytes);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const key = keyOf(sha256);
  const known = reuse?.(key);
  if (known) return { key, file: known, values: null };
  return { key, ...parseFile(task, buf, sha256, limits, prov) };
}

/** Parse one file with the readers of its sources. `onReadError`: a source whose read fails is reported there and
 *  the file's other sources are still read (the dry run lists every problem); without it the first error stops. */
export function parseFile(
  task: FileTask, buf: Buffer, sha256: string, limits: IngestLimits, prov: ProvinceIndex,
  onReadError?: (src: Source, e: IngestError) => void,
): IngestedFileResult {
  const values: StagedValue[] = [];
  const yearHeaders: YearHeader[] = [];
  // per sheet: two sources reading one table see the same trailer
  const ignoredRows = new Map<string, number>();
  const tables = new Map<string, Table>();
  const isCsv = /\.(csv|txt)$/i.test(task.path);
  let csvRecords: CsvRecords | null = null;
  let wb: ReturnType<typeof readWorkbook> | null = null;
  const open = (): void => {
    if (isCsv) {
      if (csvRecords === null) {
        const enc = task.reads.find((r) => r.src.layout === 'long')?.src;
        csvRecords = parseCsv(decodeCsv(buf, task.path, enc && enc.layout === 'long' ? enc.encoding : 'auto'), task.path, limits);
      }
    } else if (wb === null) wb = readWorkbook(buf, task.path, limits);
  };
  const tableFor = (src: Source): Table => {
    open();
    if (isCsv) {
      const t = tables.get('') ?? csvTable(task.path, csvRecords!);
      tables.set('', t);
      checkDims(t, limits);
      return t;
    }
    const name = pickSheet(wb!, src, task.path);
    const book = wb!;
    const cached = tables.get(name);
    if (cached) return cached;
    const ws = getSheet(book, name);
    if (!ws) throw new IngestError({ file: task.path, sheet: name }, 'expected a worksheet, got a chart or an unreadable sheet');
    const t = sheetTable(task.path, name, ws);
    checkDims(t, limits);
    tables.set(name, t);
    return t;
  };
  const read = (src: Source, year: number | null): void => {
    const t = tableFor(src);
    const ctx: AdapterContext = {
      sourceId: src.id,
      file: task.path,
      sha256,
      yearFromName: year,
      years: src.years,
      indicators: task.indicators,
      provinces: prov,
      emit: (v) => values.push(v),
      yearHeader: (h) => yearHeaders.push(h),
      ignoredRows: (n) => { ignoredRows.set(t.sheet, Math.max(n, ignoredRows.get(t.sheet) ?? 0)); },
    };
    readLayout(t, src, ctx);
  };
  for (const { src, year } of task.reads) {
    if (!onReadError) {
      read(src, year);
      continue;
    }
    const before = values.length;
    try {
      read(src, year);
    } catch (e) {
      if (!(e instanceof IngestError)) throw e;
      values.length = before; // nothing of a failed read
      onReadError(src, e);
    }
  }
  let cells = 0;
  for (const t of tables.values()) cells += t.cells();
  return {
    file: {
      path: task.path,
      sha256,
      bytes: buf.length,
      sheets: tables.size,
      cells,
      values: values.length,
      ignored_rows: [...ignoredRows.values()].reduce((a, b) => a + b, 0),
      sources: [...new Set(task.reads.map((r) => r.src.id))],
      year_headers: yearHeaders,
    },
    values,
  };
}

const StagedValues = z.array(StagedValue);

/** The registry of an ingest: the option's object or file, else `<rawDir>/sources.json`; a bad one is an
 *  IngestError naming it. */
export function resolveRegistry(opts: Pick<IngestOptions, 'rawDir' | 'registry'>): { registry: Registry; registryPath: string } {
  const registryPath = typeof opts.registry === 'string' ? opts.registry : join(opts.rawDir, 'sources.json');
  try {
    if (opts.registry === undefined) {
      if (!existsSync(registryPath)) throw new Error('expected the source registry (sources.json in the raw folder, or the registry option), not found');
      return { registry: loadRegistry(registryPath), registryPath };
    }
    if (typeof opts.registry === 'string') return { registry: loadRegistry(opts.registry), registryPath };
    return { registry: parseRegistry(opts.registry), registryPath };
  } catch (e) {
    throw new IngestError({ file: typeof opts.registry === 'object' ? '(registry option)' : registryPath }, (e as Error).message.replace(/^source registry \S+: /, 'source registry: '));
  }
}

/** Which files each source reads: one task per file, in path order. A source without a file (not optional) and a
 *  file name whose year is outside its source's range are problems, in registry order. */
export function planFiles(registry: Registry, rawDir: string, registryPath: string, registryOption?: IngestOptions['registry']): {
  tasks: FileTask[]; problems: IngestError[]; unclaimed: string[]; matched: Map<string, string[]>;
} {
  const definitions = indicatorDefinitions(registry);
  const all = listRawFiles(rawDir);
  const tasks = new Map<string, FileTask>();
  const problems: IngestError[] = [];
  const matched = new Map<string, string[]>();
  for (const src of registry.sources) {
    const match = compilePattern(src.file);
    const files: string[] = [];
    for (const file of all) {
      const groups = match(file.path);
      if (!groups) continue;
      files.push(file.path);
      let year: number | null;
      try {
        year = yearFromName(src, groups, file.path);
      } catch (e) {
        if (!(e instanceof IngestError)) throw e;
        problems.push(e);
        continue;
      }
      const task = tasks.get(file.path) ?? { path: file.path, file, reads: [], indicators: {} };
      task.reads.push({ src, year });
      for (const name of sourceIndicators(src)) task.indicators[name] = definitions[name];
      tasks.set(file.path, task);
    }
    matched.set(src.id, files);
    if (files.length === 0 && !src.optional) {
      problems.push(new IngestError({ file: src.file }, `expected at least one file matching the pattern of source '${src.id}' under ${rawDir}, found none (set "optional": true to allow)`));
    }
  }
  // a file no source reads is not an error (notes, an old export), but it must not go unnoticed
  const registryFile = typeof registryOption === 'string' || registryOption === undefined ? resolve(registryPath) : '';
  const unclaimed = all.filter((f) => !tasks.has(f.path) && !DOCUMENTATION_FILE.test(f.path) && f.path !== USER_ALIASES_FILE && resolve(rawDir, f.path) !== registryFile);
  const ordered = [...tasks.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { tasks: ordered, problems, unclaimed: unclaimed.map((f) => f.path), matched };
}

/** Read every registered file (or take it from `reuse`); fresh values are checked against their contract. Values
 *  are not checked across files here: see ingest() (in memory) and the pipeline's ingest stage (in DuckDB). */
export async function ingestFiles(opts: IngestFilesOptions): Promise<FileOutcome[]> {
  const limits: IngestLimits = { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) };
  if (!existsSync(opts.rawDir)) throw new IngestError({ file: opts.rawDir }, 'expected a folder with the raw files, not found');
  const { registry, registryPath } = resolveRegistry(opts);
  opts.onRegistry?.(registry);

  const plan = planFiles(registry, opts.rawDir, registryPath, opts.registry);
  if (plan.problems.length > 0) throw plan.problems[0];
  opts.onUnclaimed?.(plan.unclaimed);

  const prov = new ProvinceIndex(provinces());
  const limit = pLimit(Math.max(1, opts.concurrency ?? 3));
  const ordered = plan.tasks;
  let done = 0;
  const results = await Promise.all(ordered.map((task) => limit(async () => {
    const r = await ingestFile(task, limits, prov, opts.reuse, opts.knownSha);
    opts.onFile?.(++done, ordered.length);
    return r;
  })));

  checkYearHeaders(results.map((r) => r.file), ordered);

  const fresh: StagedValue[] = [];
  for (const r of results) if (r.values) for (const v of r.values) fresh.push(v);
  const check = StagedValues.safeParse(fresh);
  if (!check.success) {
    const issue = check.error.issues[0];
    const bad = fresh[Number(issue.path[0])];
    throw new IngestError(
      { file: bad?.file ?? '?', sheet: bad?.sheet || undefined, cell: bad?.cell },
      `staged value breaks the contract at ${issue.path.slice(1).join('.')}: ${issue.message}`,
    );
  }
  return results;
}

/** The year columns of an EPS export against the years the dated files give (yearbook editions, per-year files):
 *  a header that starts later and ends later (or starts and ends earlier) than they do is their years moved —
 *  a year header shifted by one puts every value under the next year. An export covering fewer years, or
 *  reaching a year ahead of the latest edition, is accepted. Checked here, across files, on every run: the
 *  ranges of files not read again come from their cached records. */
export function checkYearHeaders(files: IngestedFile[], tasks: FileTask[]): void {
  const dated = tasks.flatMap((t) => t.reads.flatMap((r) => (r.year === null ? [] : [{ year: r.year, path: t.path }])));
  if (dated.length === 0) return;
  const earliest = dated.reduce((a, b) => (b.year < a.year ? b : a));
  const latest = dated.reduce((a, b) => (b.year > a.year ? b : a));
  const [from, to] = [earliest.year, latest.year];
  for (const f of files) {
    for (const h of f.year_headers ?? []) {
      if ((h.first > from && h.last > to) || (h.first < from && h.last < to)) {
        const shift = h.first - from;
        throw new IngestError(
          { file: f.path, sheet: h.sheet, cell: h.cell },
          `expected the year columns to line up with the data years of the dated files, ${from} (${earliest.path}) to ${to} (${latest.path}); the header runs ${h.first}–${h.last}: shifted by ${shift > 0 ? '+' : ''}${shift} year${Math.abs(shift) === 1 ? '' : 's'}?`,
        );
      }
    }
  }
}

/** The one-value-per-region-year rule: the key of a staged value, and the error for its second occurrence
 *  (ingest() checks it in memory, the pipeline's ingest stage in SQL, with the same message). */
export function duplicateError(
  first: Pick<StagedValue, 'file' | 'sheet' | 'cell'>,
  v: Pick<StagedValue, 'file' | 'sheet' | 'cell' | 'name_raw' | 'code_raw' | 'year' | 'indicator' | 'scope'>,
): IngestError {
  const at = first.file === v.file ? `${first.sheet ? `${first.sheet}!` : ''}${first.cell}` : `${first.file} ${first.sheet}!${first.cell}`;
  return new IngestError(
    { file: v.file, sheet: v.sheet || undefined, cell: v.cell },
    `expected one value per region-year, got a duplicate: ${v.name_raw}${v.code_raw ? ` (${v.code_raw})` : ''} ${v.year} ${v.indicator}${v.scope ? ` ${v.scope}` : ''} is already at ${at}`,
  );
}

/** Every registered file read into memory: values with provenance, one record per file. */
export async function ingest(opts: IngestOptions): Promise<IngestResult> {
  const t0 = performance.now();
  let unclaimed: string[] = [];
  const results = await ingestFiles({ ...opts, onUnclaimed: (paths) => { unclaimed = paths; } });
  const values: StagedValue[] = [];
  for (const r of results) for (const v of r.values!) values.push(v);

  // one value per (source, indicator, scope, region code + name, year)
  const seen = new Map<string, StagedValue>();
  for (const v of values) {
    const key = `${v.source_id}\u0000${v.indicator}\u0000${v.scope ?? ''}\u0000${v.code_raw ?? ''}\u0000${v.name_raw}\u0000${v.year}`;
    const first = seen.get(key);
    if (first) throw duplicateError(first, v);
    seen.set(key, v);
  }

  const files = results.map((r) => r.file);
  const seconds = (performance.now() - t0) / 1000;
  return {
    values,
    files,
    unclaimed,
    stats: {
      files: files.length,
      sheets: files.reduce((s, f) => s + f.sheets, 0),
      cells: files.reduce((s, f) => s + f.cells, 0),
      values: values.length,
      seconds,
    },
  };
}

/** One progress line: "ingest: 16 files, 62 sheets, 251,234 cells → 110,321 values in 2.1 s". */
export function formatIngestStats(s: IngestResult['stats']): string {
  return `ingest: ${s.files} files, ${s.sheets} sheets, ${s.cells.toLocaleString('en-US')} cells → ${s.values.toLocaleString('en-US')} values in ${s.seconds.toFixed(1)} s`;
}
