// The ingest stage: every file the source registry declares, read into per-file Parquet parts (a file seen
// before is not read again); `staged` is a view over them. Every value keeps file, sheet, cell and sha256.
import { join } from 'node:path';
import { combine } from '../runner/fingerprint.ts';
import { codeFingerprint } from '../runner/code-graph.ts';
import { PartCache, partsView } from '../runner/part-cache.ts';
import type { Stage, StageContext, StageReport } from '../runner/stage.ts';
import { sqlFile, type ColumnSpec } from '../core/db.ts';
import { indicatorDefinitions, sourceIndicators, type Registry, type Source } from '../../schemas/sources.ts';
import { USER_ALIASES_FILE } from '../core/raw-files.ts';
import { STAGED_PARTS, type StagedPart } from './handoff.ts';
import { DEFAULT_LIMITS } from './files.ts';
import { duplicateError, ingestFiles, STAGED_PART_COLUMNS, type IngestedFile } from './read.ts';

/** The version of what reads a file: a part made by other code is not reused. */
export const INGEST_VERSION = codeFingerprint(new URL('./read.ts', import.meta.url).href);

async function runIngest(ctx: StageContext): Promise<StageReport> {
  const { db } = ctx;
  const parts = new PartCache<IngestedFile>(join(ctx.outDir, '.cache', 'ingest-files'), INGEST_VERSION);
  // a full rebuild reads every file again
  let unclaimed: string[] = [];
  let registry: Registry | undefined;
  const results = await ingestFiles({
    rawDir: ctx.rawDir, reuse: ctx.full ? undefined : (key) => parts.meta(key), knownSha: (path) => ctx.rawFiles.get(path), onFile: ctx.progress,
    onUnclaimed: (paths) => { unclaimed = paths; },
    onRegistry: (r) => { registry = r; },
  });
  for (const r of results) if (r.values) await parts.writeRows(db, r.key, STAGED_PART_COLUMNS, r.values as unknown as Record<string, unknown>[], r.file);
  parts.prune(results.map((r) => r.key));
  const list: StagedPart[] = results.map((r) => ({ key: r.key, path: parts.partPath(r.key), file: r.file.path, sha256: r.file.sha256 }));
  await db.run(partsView('staged', list.map((p) => p.path), STAGED_PART_COLUMNS));
  const [dup] = await db.rows<Parameters<typeof duplicateError>[1] & { first_file: string; first_sheet: string; first_cell: string }>(sqlFile('ingest/duplicates.sql'));
  if (dup) throw duplicateError({ file: dup.first_file, sheet: dup.first_sheet, cell: dup.first_cell }, dup);
  ctx.handoff.set(STAGED_PARTS, list);
  await db.createAndAppend(
    'stg_files',
    [{ name: 'path', type: 'VARCHAR' }, { name: 'sha256', type: 'VARCHAR' }, { name: 'bytes', type: 'INTEGER' },
     { name: 'sheets', type: 'INTEGER' }, { name: 'cells', type: 'INTEGER' }, { name: 'ignored_rows', type: 'INTEGER' }],
    results.map((r) => ({ ...r.file, ignored_rows: r.file.ignored_rows ?? 0 })),
  );
  const ignored = results.reduce((s, r) => s + (r.file.ignored_rows ?? 0), 0);
  // what later stages need of the registry: each source's precedence (clean chooses between sources with it)
  await db.createAndAppend('stg_sources', SOURCE_COLUMNS, registry!.sources.map(sourceRow));
  // and every indicator it can feed, the fixed ones first, then its extra_indicators (later stages' list)
  await db.createAndAppend('stg_indicators', INDICATOR_COLUMNS, Object.entries(indicatorDefinitions(registry!))
    .map(([indicator, d], position) => ({ indicator, position, ...d, user_defined: d.user })));
  const values = results.reduce((s, r) => s + r.file.values, 0);
  const cells = results.reduce((s, r) => s + r.file.cells, 0);
  const read = results.filter((r) => r.values).length;
  return {
    rows: values, cells, tables: { staged: values, stg_files: results.length, stg_sources: registry!.sources.length, stg_indicators: await db.count('stg_indicators') },
    // a view over the parts, identified by their cache keys (each covers a file's bytes, registry entries, limits)
    // the user's aliases.csv decides how harmonize reads these values: a changed file is a changed input
    hashes: { staged: { hash: combine([INGEST_VERSION, list.map((p) => p.key), ctx.rawFiles.get(USER_ALIASES_FILE) ?? null]), rows: values } },
    detail: `${results.length} files, ${read} read, ${results.length - read} unchanged${ignoredNote(ignored)}${unclaimedWarning(unclaimed)}`,
  };
}

export const INDICATOR_COLUMNS: ColumnSpec[] = [
  { name: 'indicator', type: 'VARCHAR' }, { name: 'position', type: 'INTEGER' }, { name: 'label', type: 'VARCHAR' },
  { name: 'unit', type: 'VARCHAR' }, { name: 'level', type: 'VARCHAR' }, { name: 'kind', type: 'VARCHAR' },
  { name: 'description', type: 'VARCHAR' }, { name: 'user_defined', type: 'BOOLEAN' },
];

const SOURCE_COLUMNS: ColumnSpec[] = [
  { name: 'source_id', type: 'VARCHAR' }, { name: 'layout', type: 'VARCHAR' }, { name: 'file', type: 'VARCHAR' },
  { name: 'years_from', type: 'INTEGER' }, { name: 'years_to', type: 'INTEGER' }, { name: 'precedence', type: 'INTEGER' },
  { name: 'indicators', type: 'VARCHAR' },
];

/** One registry source as a row of stg_sources. */
function sourceRow(s: Source): Record<string, unknown> {
  return {
    source_id: s.id, layout: s.layout, file: s.file, years_from: s.years.from, years_to: s.years.to,
    precedence: s.precedence ?? null, indicators: sourceIndicators(s).join(', '),
  };
}

/** Trailer rows (watermarks, adverts, notes after a long panel's data) and stray text left unread. */
export function ignoredNote(rows: number): string {
  if (rows === 0) return '';
  return `; ${rows} row${rows === 1 ? '' : 's'} of text outside the data ignored (watermarks, notes: stg_files.ignored_rows)`;
}

/** The files of the raw folder that no registry source reads, in the stage's one line. */
export function unclaimedWarning(paths: string[]): string {
  if (paths.length === 0) return '';
  const shown = paths.slice(0, 5).join(', ') + (paths.length > 5 ? ` (+${paths.length - 5} more)` : '');
  return `; warning: ${paths.length} file${paths.length === 1 ? '' : 's'} no registry source reads: ${shown}`;
}

export const ingestStage: Stage = {
  name: 'ingest', does: 'read the raw spreadsheets declared in the source registry', module: import.meta.url,
  inputs: 'raw', maxRawFileBytes: DEFAULT_LIMITS.maxFileBytes, outputs: ['staged', 'stg_files', 'stg_sources', 'stg_indicators'], settings: [],
  run: runIngest,
  restore: async (ctx) => { await runIngest(ctx); },
  // every staged value is checked against its zod contract (schemas/staged.ts) inside the stage
  tests: [
    { name: 'stg_files_unique_path', table: 'stg_files', severity: 'error', kind: 'unique', columns: ['path'] },
  ],
};
