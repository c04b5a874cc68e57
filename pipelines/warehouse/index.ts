// warehouse: the run's tables into warehouse.duckdb, the panel also as Parquet and Arrow IPC.
// Everything is written into a temporary folder next to the target and renamed into place only when
// complete, so a failed or killed run leaves the previous warehouse as it was.
import type { DuckDBConnection } from '@duckdb/node-api';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { catalogue } from '../../schemas/catalogue.ts';
import { handoffKey, type Stage, type StageContext, type StageReport } from '../runner/stage.ts';
import { sqlIdent, sqlString, type StageDb } from '../core/db.ts';
import { combine } from '../runner/fingerprint.ts';
import { codeFingerprint } from '../runner/code-graph.ts';
import { commitSwap, recoverSwap, removeStaleTemps } from '../runner/swap.ts';
import { faultPoint } from '../runner/faults.ts';
import { HARMONIZED_PARTS, type WarehousePart } from '../harmonize/handoff.ts';
import { compareWithPrevious, writeChangesTable } from './changes.ts';

/** Tables of the run's database that the warehouse keeps, with what they are for. */
export const WAREHOUSE_TABLES: Record<string, string> = {
  dim_city: 'canonical cities (GB/T 2260 code at the end of the panel), province, region, municipality flag',
  dim_province: 'provinces and their region',
  stg_files: 'every raw file read: path, sha256, bytes, sheets, cells, and ignored_rows: rows of text outside the data left unread (a long panel\u2019s watermark or advert trailer, stray cells in undeclared columns)',
  stg_values: 'every staged value with provenance (file, sheet, cell, sha256), its concept tag and its canonical city',
  clean_values: 'indicators in canonical units per unit-year, with how each was obtained (observed/interpolated/carried/missing)',
  quality_imputations: 'every imputed cell',
  quality_drops: 'cities dropped by the drop rule, with the reason',
  quality_coverage: 'per indicator and panel year: units, observed, imputed and missing cells, imputed share',
  quality_unit_slips: 'observed values a power of ten away from their own series (possible unit slips), with the raw cell',
  quality_outside_units: 'printed units whose rows harmonize left out (自治州/盟/地区, province-administered county-level units, abolished units, merged predecessors after their last year, aliases.csv outside): file, unit as printed, code, years, rows, why', meta_user_aliases: 'the lines of the raw folder\u2019s aliases.csv used by this build and the rows each matched (mapping user)', quality_merge_gaps: 'merged cities (济南 with 莱芜): indicator-years left empty because a part had no row, and what became of them',
  stg_sources: 'the source registry of this build: each source\u2019s layout, file pattern, accepted years, precedence and the indicators it feeds',
  quality_discrepancies: 'city-year-indicators reported by more than one source: the value used (highest precedence) next to each other source\u2019s, canonical unit, relative difference',
  quality_concepts: 'per indicator, the concept tag of the values used (户籍 or 常住 population \u2026 as the registry names it; NULL: not stated), by source, with their years',
  quality_years_outside: 'rows of a source outside the panel\u2019s years, not used: source, indicator, first and last year, the years as runs, rows',
  derived: 'model variables in levels for every city (kept flag)',
  panel: 'the analysts\u2019 panel: kept city-years, model variables, heterogeneity groups, levels, winsorized copies',
  meta_catalogue: 'the variable catalogue used for this build; role user: an extra indicator of the source registry, a panel column as it is',
  meta_settings: 'the settings of this build',
  meta_build: 'where the build came from; synthetic = true for the bundled generated sample',
  test_failures: 'rows that failed a data test of severity warn (an error stops the run)',
  changes: 'what this build changed against the previous one: files added/removed/changed, settings, panel rows, revised cells (largest with their raw cells), cities newly kept or dropped',
};

export const PANEL_FILES = ['panel.parquet', 'panel.arrow'];
export const WAREHOUSE_FILE = 'warehouse.duckdb';

/** Tables that need nothing after the clean stage: a run may write them (and checkpoint them) while derive and
 *  transform run, see startWarehouse. */
export const EARLY_TABLES = ['stg_values', 'clean_values', 'quality_imputations', 'quality_drops', 'quality_coverage', 'quality_unit_slips', 'stg_files', 'dim_city', 'dim_province'];

/** A warehouse file being written in a temporary folder (attached as `out`). */
export interface WarehouseDraft {
  tmp: string;
  /** parts whose rows the copied previous warehouse holds (null: a new file) */
  update: Set<string> | null;
  counts: Map<string, number>;
  /** tables already written (and checkpointed) */
  written: Set<string>;
  seconds: number;
}

/** Start the warehouse: a temporary folder, the previous warehouse copied into it (or a new file), attached as
 *  `out`, and the given tables written on `on` and checkpointed. */
export async function startWarehouse(ctx: StageContext, on: StageDb, tables: string[]): Promise<WarehouseDraft> {
  const t0 = performance.now();
  const outDir = resolve(ctx.outDir);
  mkdirSync(outDir, { recursive: true });
  recoverSwap(outDir);
  removeStaleTemps(outDir);
  const tmp = join(outDir, `.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  const draft: WarehouseDraft = { tmp, update: null, counts: new Map(), written: new Set(), seconds: 0 };
  try {
    const dbPath = join(tmp, WAREHOUSE_FILE);
    draft.update = ctx.full ? null : await copyPrevious(on, join(outDir, WAREHOUSE_FILE), dbPath);
    if (!draft.update) await on.run(`ATTACH ${sqlString(dbPath)} AS out`);
    if (tables.length) await addToWarehouse(ctx, draft, on, tables);
  } catch (e) {
    await abandonWarehouse(Promise.resolve(draft), on);
    throw e;
  }
  draft.seconds += (performance.now() - t0) / 1000;
  return draft;
}

/** Write tables into a started warehouse and checkpoint them. */
async function addToWarehouse(ctx: StageContext, draft: WarehouseDraft, on: StageDb, tables: string[]): Promise<WarehouseDraft> {
  const t0 = performance.now();
  await writeTables(on, tables, draft, warehouseParts(ctx));
  await on.run('CHECKPOINT out');
  for (const t of tables) draft.written.add(t);
  draft.seconds += (performance.now() - t0) / 1000;
  return draft;
}

/** Give up a started warehouse: detach it and remove its folder (the previous warehouse is untouched). */
export async function abandonWarehouse(draft: Promise<WarehouseDraft>, on: StageDb): Promise<void> {
  const d = await draft.catch(() => undefined);
  await on.run('DETACH out').catch(() => {});
  if (d) rmSync(d.tmp, { recursive: true, force: true });
}

const warehouseParts = (ctx: StageContext) => ctx.handoff.get(HARMONIZED_PARTS) ?? [];

/** The warehouse file started while derive and transform ran (see `early` below). */
const DRAFT = handoffKey<{ draft: Promise<WarehouseDraft>; on: StageDb; taken: boolean }>('warehouse draft');

async function writeTables(on: StageDb, names: string[], draft: WarehouseDraft, parts: WarehousePart[]): Promise<void> {
  if (names.includes('stg_values')) await writeStagedValues(on, parts, draft.update);
  // one round trip for the copies and comments, one for the counts
  await on.run(names.map((t) => [
    t === 'stg_values' ? '' : `CREATE OR REPLACE TABLE out.${sqlIdent(t)} AS SELECT * FROM ${sqlIdent(t)};`,
    `COMMENT ON TABLE out.${sqlIdent(t)} IS ${sqlString(WAREHOUSE_TABLES[t])};`,
  ].join('\n')).join('\n'));
  const [counts] = await on.rows<Record<string, bigint>>(`SELECT ${names.map((t) => `(SELECT count(*) FROM out.${sqlIdent(t)}) AS ${sqlIdent(t)}`).join(', ')}`);
  for (const t of names) draft.counts.set(t, Number(counts[t]));
}

export async function writeWarehouse(ctx: StageContext): Promise<StageReport> {
  const { db, settings } = ctx;
  const outDir = resolve(ctx.outDir);
  // a run may have started the file while the stages before ran (the early tables written)
  const started = ctx.handoff.get(DRAFT);
  if (started) started.taken = true;
  const draft = started ? await started.draft : await startWarehouse(ctx, db, []);
  const { tmp } = draft;
  const side = await db.sideConnection();
  try {
    await db.createAndAppend(
      'meta_catalogue',
      [
        { name: 'name', type: 'VARCHAR' }, { name: 'label', type: 'VARCHAR' }, { name: 'formula', type: 'VARCHAR' },
        { name: 'unit', type: 'VARCHAR' }, { name: 'transform', type: 'VARCHAR' }, { name: 'role', type: 'VARCHAR' },
        { name: 'required', type: 'BOOLEAN' }, { name: 'split', type: 'VARCHAR' },
      ],
      catalogue(settings).map((e) => ({ ...e, split: e.split ?? null })),
    );
    // the registry's extra indicators: panel columns as they are, never required
    await db.run(`INSERT INTO meta_catalogue SELECT indicator, label, indicator, unit, 'none', 'user', false, NULL
                  FROM ref_indicators WHERE user_defined ORDER BY position`);
    await db.createAndAppend(
      'meta_settings',
      [{ name: 'setting', type: 'VARCHAR' }, { name: 'value', type: 'VARCHAR' }],
      Object.entries(settings).map(([setting, value]) => ({ setting, value: JSON.stringify(value) })),
    );

    await db.createAndAppend('meta_build', [{ name: 'key', type: 'VARCHAR' }, { name: 'value', type: 'VARCHAR' }], [
      { key: 'raw_dir', value: ctx.rawDir },
      { key: 'synthetic', value: String(isSyntheticSample(ctx.rawDir)) },
    ]);
    await db.run('CREATE TABLE IF NOT EXISTS test_failures (stage VARCHAR, test VARCHAR, severity VARCHAR, row_json VARCHAR)');
    // against the published warehouse, still the previous one until the swap
    const previous = join(outDir, WAREHOUSE_FILE);
    const changes = await compareWithPrevious(db, previous, existsSync(previous), settings);
    await writeChangesTable(db, changes);
    ctx.run.record.changes = changes;
    const parts = warehouseParts(ctx);
    // the tables are written on two connections at once (the machine has two cores): the large raw and clean
    // values (unless written early) on this one, the panel side on the other
    const rest = (list: string[]) => list.filter((t) => !draft.written.has(t));
    const late = Object.keys(WAREHOUSE_TABLES).filter((t) => !EARLY_TABLES.includes(t));
    await settled([
      rest(EARLY_TABLES).length ? writeTables(db, rest(EARLY_TABLES), draft, parts) : Promise.resolve(),
      writeTables(side, rest(late), draft, parts),
    ]);
    const tables = Object.fromEntries(Object.keys(WAREHOUSE_TABLES).map((t) => [t, draft.counts.get(t)!]));
    // the runs table: every run in the cache's log (failed ones included) and this one, as of this commit point
    const { log: runsLog, record } = ctx.run;
    const snapshot = join(tmp, 'run.jsonl');
    writeFileSync(snapshot, JSON.stringify({ ...record, ended_at: new Date().toISOString() }) + '\n');
    await writeRunsTable(db, 'out', [...(existsSync(runsLog) ? [runsLog] : []), snapshot]);
    await db.createAndAppend('meta_parts', [{ name: 'part', type: 'VARCHAR' }, { name: 'file', type: 'VARCHAR' }, { name: 'file_sha256', type: 'VARCHAR' }],
      parts.map((p) => ({ part: combine([WRITER, p.part]), file: p.file, file_sha256: p.file_sha256 })));
    await db.run('CREATE OR REPLACE TABLE out.meta_parts AS SELECT * FROM meta_parts');
    await db.run(`COMMENT ON TABLE out.meta_parts IS 'the ingest parts (raw files) whose values stg_values holds; lets the next build update it in place'`);
    // a table of an earlier version of the pipeline (or made by hand) is not carried into this build
    const keep = new Set([...Object.keys(WAREHOUSE_TABLES), 'meta_parts', 'runs']);
    for (const { name } of await db.rows<{ name: string }>("SELECT table_name AS name FROM duckdb_tables() WHERE database_name = 'out'")) {
      if (!keep.has(name)) await db.run(`DROP TABLE out.${sqlIdent(name)}`);
    }
    for (const { name } of await db.rows<{ name: string }>("SELECT view_name AS name FROM duckdb_views() WHERE database_name = 'out' AND NOT internal")) {
      await db.run(`DROP VIEW out.${sqlIdent(name)}`);
    }
    // DETACH writes the database file (its checkpoint is most of this stage); the panel files are written
    // meanwhile on the other connection
    await settled([
      db.run('DETACH out'),
      side.run(`COPY panel TO ${sqlString(join(tmp, 'panel.parquet'))} (FORMAT parquet, COMPRESSION zstd)`)
        .then(() => panelAsArrowIpc(side.con))
        .then((ipc) => writeFileSync(join(tmp, 'panel.arrow'), ipc)),
    ]);

    faultPoint('warehouse:temp-written');
    // Commit point: the journal names the complete new files; from here on a killed run is rolled forward
    // by the next one (recoverSwap), before it, the previous warehouse stays as it was.
    commitSwap(outDir, tmp, [...PANEL_FILES, WAREHOUSE_FILE]);
    const early = draft.written.size ? `; ${draft.written.size} of them written while the stages before ran (${draft.seconds.toFixed(2)} s)` : '';
    return { rows: tables.panel, tables, detail: `${Object.keys(tables).length} tables → ${join(ctx.outDir, WAREHOUSE_FILE)}${early}` };
  } catch (e) {
    await db.run('DETACH out').catch(() => {});
    throw e;
  } finally {
    side.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Wait for every one of the tasks (a connection must not be closed under a running query), then throw the
 *  first failure. */
async function settled(tasks: Array<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The `runs` table of a warehouse (attached as `schema`) from run logs (JSON lines, one run each). */
export async function writeRunsTable(db: StageDb, schema: string, logs: string[]): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${schema}.runs AS
    SELECT run_id, started_at::TIMESTAMP AS started_at, ended_at::TIMESTAMP AS ended_at, status, "full",
           to_json(stages)::VARCHAR AS stages, to_json(versions)::VARCHAR AS versions, error
    FROM read_json([${logs.map(sqlString).join(', ')}], format = 'newline_delimited', union_by_name = true)`);
  await db.run(`COMMENT ON TABLE ${schema}.runs IS 'every pipeline run: id, start/end, status, per-stage status, fingerprint, inputs, outputs, data tests, seconds; tool and dependency versions'`);
}

/** Parts written by another version of this writer are not reused. */
const WRITER = codeFingerprint(import.meta.url);

/** Where the previous warehouse can be updated in place: its copy attached as `out`, and the parts its stg_values
 *  holds. Null when there is none or it cannot be read (the build then writes a new file). */
async function copyPrevious(on: StageDb, previous: string, target: string): Promise<Set<string> | null> {
  if (!existsSync(previous)) return null;
  try {
    copyFileSync(previous, target);
    if (existsSync(previous + '.wal')) copyFileSync(previous + '.wal', target + '.wal');
    await on.run(`ATTACH ${sqlString(target)} AS out`);
  } catch {
    rmSync(target, { force: true });
    rmSync(target + '.wal', { force: true });
    return null;
  }
  try {
    const rows = await on.rows<{ part: string }>('SELECT part FROM out.meta_parts');
    return new Set(rows.map((r) => r.part));
  } catch {
    return new Set(); // no meta_parts: every table is written anew
  }
}

/** stg_values: in an update, the rows of the files that left are deleted and those of new files appended (the
 *  other files' rows are the same values); otherwise written whole. Rows are in file and cell order, except
 *  that an update appends new files at the end. */
async function writeStagedValues(db: StageDb, parts: WarehousePart[], previous: Set<string> | null): Promise<void> {
  const id = (p: WarehousePart) => combine([WRITER, p.part]);
  const kept = previous ? parts.filter((p) => previous.has(id(p))) : [];
  if (!previous || kept.length === 0) {
    await db.run('CREATE OR REPLACE TABLE out.stg_values AS SELECT * EXCLUDE (ord) FROM harmonized ORDER BY ord');
    return;
  }
  const current = new Set(parts.map(id));
  const prevParts = await db.rows<Omit<WarehousePart, 'path'>>('SELECT part, file, file_sha256 FROM out.meta_parts');
  // a sha256 is 64 characters: sha256 followed by the path is unambiguous
  const pairs = (list: Array<Omit<WarehousePart, 'path'>>) => list.map((p) => p.file_sha256 + p.file);
  const gone = prevParts.filter((p) => !current.has(p.part));
  const added = parts.filter((p) => !previous.has(id(p)));
  const { listValue } = await import('@duckdb/node-api');
  if (gone.length) await db.run(`DELETE FROM out.stg_values WHERE list_contains(?::VARCHAR[], file_sha256 || file)`, [listValue(pairs(gone))]);
  // the new files' rows straight from their harmonized parts
  for (const p of added) {
    await db.run(`INSERT INTO out.stg_values SELECT * EXCLUDE (file_row_number) FROM read_parquet(${sqlString(p.path)}, file_row_number = true) ORDER BY file_row_number`);
  }
}

async function panelAsArrowIpc(con: DuckDBConnection): Promise<Uint8Array> {
  const reader = await con.runAndReadAll('SELECT * FROM panel ORDER BY city_code, year');
  const names = reader.columnNames();
  const columns = reader.getColumnsJS();
  const arrays: Record<string, Float64Array | Int32Array | string[] | boolean[]> = {};
  names.forEach((name, i) => {
    const col = columns[i] as unknown[];
    const type = reader.columnType(i).toString();
    if (type === 'VARCHAR') arrays[name] = col.map((v) => (v === null ? '' : String(v)));
    else if (type === 'BOOLEAN') arrays[name] = col.map((v) => Boolean(v));
    else if (type === 'INTEGER') arrays[name] = Int32Array.from(col as number[]);
    else arrays[name] = Float64Array.from(col.map((v) => (v === null ? NaN : Number(v))));
  });
  const { tableFromArrays, tableToIPC } = await import('apache-arrow');
  return tableToIPC(tableFromArrays(arrays), 'file');
}

/** The bundled sample carries raw/truth.json with "synthetic": true; real exports do not. */
function isSyntheticSample(rawDir: string): boolean {
  const path = join(rawDir, 'truth.json');
  if (!existsSync(path)) return false;
  try {
    return JSON.parse(readFileSync(path, 'utf8')).synthetic === true;
  } catch {
    return false;
  }
}

export const warehouseStage: Stage = {
  name: 'warehouse', does: 'write warehouse.duckdb, panel.parquet, panel.arrow atomically', module: import.meta.url,
  inputs: ['dim_city', 'dim_province', 'stg_files', 'harmonized', 'clean_values', 'quality_imputations', 'quality_drops', 'quality_coverage', 'quality_unit_slips', 'derived', 'panel', 'quality_outside_units', 'meta_user_aliases', 'quality_merge_gaps', 'quality_years_outside', 'stg_sources', 'quality_discrepancies', 'ref_indicators', 'quality_concepts'],
  outputs: [], settings: [], tests: [],
  publishes: [WAREHOUSE_FILE, ...PANEL_FILES],
  run: writeWarehouse,
  // the tables that need nothing after clean are written (and checkpointed) while derive and transform run,
  // on a connection of their own
  early: {
    after: 'clean',
    reads: ['harmonized', 'stg_files', 'dim_city', 'dim_province', 'clean_values', 'quality_imputations', 'quality_drops', 'quality_coverage', 'quality_unit_slips', 'quality_outside_units', 'meta_user_aliases', 'quality_merge_gaps'],
    start(ctx, on) {
      const draft = startWarehouse(ctx, on, EARLY_TABLES);
      ctx.handoff.set(DRAFT, { draft, on, taken: false });
      return draft;
    },
    async abandon(ctx) {
      const started = ctx.handoff.take(DRAFT);
      if (!started) return;
      // the stage took it over: its own failure handling removed the temporary folder
      if (started.taken) await started.draft.catch(() => {});
      else await abandonWarehouse(started.draft, started.on);
      started.on.close();
    },
  },
};

