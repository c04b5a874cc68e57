// Runs the stages in order on one in-memory database. Incremental: a stage whose fingerprint (inputs,
// code, settings) is unchanged is skipped and its cached outputs are loaded only if a later stage needs
// them. Every run is recorded (run_results.json, the warehouse's `runs` table); one run at a time (lock).
import { SingleBar, Presets } from 'cli-progress';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PipelineSettings } from '../../schemas/settings.ts';
import type { StageReport } from './stage.ts';
import { runDataTests, type DataTestResult, type DataTestRun } from '../shared/data-tests.ts';
import { StageDb, sqlString } from '../shared/db.ts';
import { codeHash, combine, listFiles, PROJECT_ROOT, sha256, tableHash } from './fingerprint.ts';
import { DEFAULT_LIMITS } from '../ingest/read.ts';
import { acquireLock } from './lock.ts';
import { SideWork } from './side-work.ts';
import { COMMON_CODE, STAGES, type Stage } from '../stages.ts';
import { abandonWarehouse, EARLY_TABLES, recoverSwap, startWarehouse, WAREHOUSE_FILE, PANEL_FILES, writeRunsTable, type WarehouseDraft } from '../warehouse/index.ts';

export interface PipelineOptions {
  rawDir: string;
  outDir: string;
  /** run up to and including this stage (its prerequisites are the stages before it) */
  stage?: string;
  settings?: Partial<PipelineSettings>;
  /** rebuild every stage, ignoring fingerprints */
  full?: boolean;
  /** print which stages would run and why; change nothing */
  dryRun?: boolean;
  log?: (line: string) => void;
}

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
}

interface StageMeta {
  fingerprint: string;
  parts: { code: string; settings: string; inputs: string };
  inputs: StageRecord['inputs'];
  outputs: StageRecord['outputs'];
  data_tests: DataTestResult[];
  failures: DataTestRun['failures'];
  report: StageReport;
}


/** Files in the raw folder that document the data rather than feed the ingest stage. */
const NOT_INPUTS = /(^|\/)(TRUTH\.md|truth\.json|README[^/]*)$/i;

const fmt = (n: number) => n.toLocaleString('en-US');

export function formatLine(stage: string, r: StageReport, seconds: number): string {
  const cells = r.cells !== undefined ? `  ${fmt(r.cells)} cells` : '';
  return `${stage.padEnd(10)} ${fmt(r.rows).padStart(9)} rows${cells}  ${seconds.toFixed(2)} s${r.detail ? `  (${r.detail})` : ''}`;
}

function versions(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
  const out: Record<string, string> = { node: process.version, project: pkg.version };
  for (const name of Object.keys(pkg.dependencies ?? {})) out[name] = pkg.dependencies[name];
  return out;
}

/** The ingest stage's inputs: every raw file with its sha256. A file over the ingest size limit is not read (the
 *  stage refuses it with one line); it is fingerprinted by size and modification time instead. */
function rawInputs(rawDir: string): StageRecord['inputs'] {
  return listFiles(rawDir, ['.']).filter((f) => !NOT_INPUTS.test(f)).map((path) => {
    const full = join(rawDir, path);
    const st = statSync(full);
    if (st.size > DEFAULT_LIMITS.maxFileBytes) return { path, sha256: `unread:${st.size}:${st.mtimeMs}` };
    return { path, sha256: sha256(readFileSync(full)) };
  });
}

/** The settings each stage reads (its fingerprint covers only these, so a transform setting does not rerun the
 *  clean stage). A stage not listed, and a setting no stage lists, count for every stage. */
const STAGE_SETTINGS: Record<string, Array<keyof PipelineSettings>> = {
  ingest: [],
  harmonize: ['mergePolicy'],
  clean: ['firstYear', 'lastYear', 'edgeCarry', 'maxInterpolatedGap', 'ecoFormula'],
  derive: ['ecoFormula'],
  transform: ['ecoFormula', 'splitRule', 'winsorize'],
};
const LISTED_SETTINGS = new Set<string>(Object.values(STAGE_SETTINGS).flat());

export function stageSettings(stage: string, settings: PipelineSettings): Partial<PipelineSettings> {
  const read = STAGE_SETTINGS[stage];
  if (!read) return settings;
  return Object.fromEntries(Object.entries(settings).filter(([k]) => read.includes(k as keyof PipelineSettings) || !LISTED_SETTINGS.has(k)));
}

function readMeta(cacheDir: string, stage: string): StageMeta | undefined {
  const path = join(cacheDir, `${stage}.json`);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeJsonAtomic(path: string, value: unknown): void {
  writeFileSync(path + '.new', JSON.stringify(value, null, 1) + '\n');
  renameSync(path + '.new', path);
}

function whyRun(meta: StageMeta | undefined, parts: StageMeta['parts'], outputsPresent: boolean, full: boolean, inputs: StageRecord['inputs']): string | null {
  if (full) return 'full rebuild requested';
  if (!meta) return 'no previous build';
  const why: string[] = [];
  if (meta.parts.code !== parts.code) why.push('code or SQL changed');
  if (meta.parts.settings !== parts.settings) why.push('settings changed');
  if (meta.parts.inputs !== parts.inputs) {
    const before = new Map(meta.inputs.map((i) => [i.path ?? i.table, i.sha256 ?? i.hash]));
    const now = new Map(inputs.map((i) => [i.path ?? i.table, i.sha256 ?? i.hash]));
    const added = [...now.keys()].filter((k) => !before.has(k));
    const removed = [...before.keys()].filter((k) => !now.has(k));
    const changed = [...now.keys()].filter((k) => before.has(k) && before.get(k) !== now.get(k));
    if (added.length) why.push(`new input ${added.slice(0, 3).join(', ')}${added.length > 3 ? ` (+${added.length - 3})` : ''}`);
    if (removed.length) why.push(`input removed ${removed.slice(0, 3).join(', ')}`);
    if (changed.length) why.push(`input changed ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` (+${changed.length - 3})` : ''}`);
  }
  if (why.length === 0 && !outputsPresent) why.push('previous output missing');
  return why.length ? why.join('; ') : null;
}

export async function runPipeline(options: PipelineOptions): Promise<RunRecord> {
  const settings = PipelineSettings.parse(options.settings ?? {});
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const last = options.stage ?? STAGES[STAGES.length - 1].name;
  const upTo = STAGES.findIndex((s) => s.name === last);
  if (upTo < 0) throw new Error(`unknown stage '${last}' (stages: ${STAGES.map((s) => s.name).join(', ')})`);
  const outDir = resolve(options.outDir);
  const rawDir = resolve(options.rawDir);
  const cacheDir = join(outDir, '.cache');
  const dry = options.dryRun ?? false;

  const run: RunRecord = {
    run_id: randomUUID(), started_at: new Date().toISOString(), ended_at: '', status: dry ? 'dry-run' : 'success',
    raw_dir: options.rawDir, out_dir: options.outDir, full: options.full ?? false, settings, stages: [], recovered: [],
    versions: versions(), error: null,
  };
  if (!existsSync(rawDir)) throw Object.assign(new Error(`raw folder not found: ${options.rawDir}`), { name: 'DataError' });

  const lock = dry ? undefined : acquireLock(outDir);
  if (lock?.recoveredFrom) run.recovered.push(`stale lock of pid ${lock.recoveredFrom.pid} (started ${lock.recoveredFrom.started})`);
  if (!dry && recoverSwap(outDir)) run.recovered.push('completed the warehouse swap of a run killed after its commit point');

  const db = dry ? undefined : await StageDb.open();
  // one thread: with several, the order in which DuckDB adds up doubles (window sums over a join, merged
  // predecessors) depends on scheduling and the last bits of Va and others changed from build to build
  await db?.run('SET threads = 1');
  const hashes = new Map<string, StageRecord['outputs'][number]>();
  const producer = new Map<string, Stage>();
  for (const s of STAGES) for (const t of s.outputs) producer.set(t, s);
  const loaded = new Set<string>();
  const metas = new Map<string, StageMeta>();

  // tables live in the run's database; `memory` carries what stages tell each other besides tables (part lists,
  // output hashes a stage knows without hashing rows)
  const memory = new Map<string, unknown>();
  // data tests, stage cache writes and log lines run on a second connection while the next stage runs; waited for
  // before the warehouse stage and at the end
  const side = db ? await db.sideConnection() : undefined;
  const sideWork = new SideWork();
  const later = (work: () => Promise<void> | void) => sideWork.later(work);
  const say = (line: string) => later(() => log(line));
  let draft: Promise<WarehouseDraft> | undefined;
  let draftDb: StageDb | undefined;
  memory.set('runs#log', join(cacheDir, 'runs.jsonl'));
  memory.set('runs#current', run);
  const cachePath = (stage: string, output: string) =>
    join(cacheDir, stage, `${output}.parquet`);
  const ensureLoaded = async (output: string) => {
    if (loaded.has(output)) return;
    const from = producer.get(output)!;
    const path = cachePath(from.name, output);
    if (from.restore) {
      for (const t of from.inputs) await ensureLoaded(t);
      await from.restore({ db: db!, settings, rawDir, outDir, progress: () => {}, memory });
      for (const t of from.outputs) loaded.add(t);
    } else await db!.run(`CREATE OR REPLACE TABLE ${output} AS SELECT * FROM read_parquet(${sqlString(path)})`);
    loaded.add(output);
  };

  try {
    for (const stage of STAGES.slice(0, upTo + 1)) {
      // the warehouse writes the data-test failures of every stage: their side work must be done, and must have
      // passed, before it is even recorded as started
      if (stage.name === 'warehouse' && !dry) await sideWork.drain();
      if (sideWork.error) throw sideWork.error;
      const inputs: StageRecord['inputs'] = stage.name === 'ingest'
        ? rawInputs(rawDir)
        : stage.inputs.map((t) => ({ table: t, hash: hashes.get(t)?.hash, rows: hashes.get(t)?.rows }));
      // the ingest stage need not read a file again to find its part
      if (stage.name === 'ingest') memory.set('raw#sha256', new Map(inputs.map((i) => [i.path!.normalize('NFC'), i.sha256!])));
      const parts = {
        // stages.ts wires the stages and declares their data tests (data-tests.ts compiles them): part of every stage
        code: codeHash([...COMMON_CODE, 'pipelines/stages.ts', 'pipelines/data-tests.ts', ...stage.code]),
        // ingest reads files as the registry says; no pipeline setting changes what it stages
        settings: stage.name === 'ingest' ? 'none' : combine(stageSettings(stage.name, settings)),
        inputs: combine(inputs.map((i) => [i.path ?? i.table, i.sha256 ?? i.hash])),
      };
      const fingerprint = combine(parts);
      const meta = readMeta(cacheDir, stage.name);
      const outputsPresent = stage.name === 'warehouse'
        ? [WAREHOUSE_FILE, ...PANEL_FILES].every((f) => existsSync(join(outDir, f)))
        : stage.restore !== undefined || stage.outputs.every((t) => existsSync(cachePath(stage.name, t)));
      const reason = whyRun(meta, parts, outputsPresent, run.full, inputs);
      const record: StageRecord = { stage: stage.name, status: 'ran', reason: reason ?? 'unchanged', fingerprint, seconds: 0, inputs, outputs: [], data_tests: [] };
      run.stages.push(record);

      if (reason === null) {
        record.status = dry ? 'would skip' : 'skipped';
        record.outputs = meta!.outputs;
        record.data_tests = meta!.data_tests;
        for (const o of meta!.outputs) hashes.set(o.table, o);
        metas.set(stage.name, meta!);
        say(`${stage.name.padEnd(10)} skipped (unchanged)`);
        continue;
      }
      if (dry) {
        record.status = 'would run';
        for (const t of stage.outputs) hashes.set(t, { table: t, rows: -1, hash: `pending:${fingerprint}` });
        say(`${stage.name.padEnd(10)} would run: ${reason}`);
        continue;
      }

      for (const t of stage.inputs) await ensureLoaded(t);
      // tables of earlier stages that its data tests look up (e.g. panel → dim_city) are needed as well:
      // when this stage reruns alone, they are only in the cache
      for (const t of testedTables(stage, producer)) await ensureLoaded(t);
      if (stage.name === 'warehouse') await collectTestFailures(db!, metas);

      let bar: SingleBar | undefined;
      const progress = (done: number, total: number) => {
        if (!process.stdout.isTTY || total < 2) return;
        if (!bar) {
          bar = new SingleBar({ format: `${stage.name.padEnd(10)} [{bar}] {value}/{total}`, clearOnComplete: true }, Presets.shades_classic);
          bar.start(total, 0);
        }
        bar.update(done);
      };
      const t0 = performance.now();
      let report: StageReport;
      try {
        report = await stage.run({ db: db!, settings, rawDir, outDir, full: run.full, progress, memory });
        for (const t of stage.outputs) loaded.add(t);
      } catch (e) {
        record.status = 'failed';
        record.error = (e as Error).message;
        throw e;
      } finally {
        bar?.stop();
      }
      let runSeconds = (performance.now() - t0) / 1000;
      if (stage.name === 'warehouse' && draft) runSeconds += (await draft).seconds;
      record.seconds = runSeconds;
      record.report = report;
      mkdirSync(join(cacheDir, stage.name), { recursive: true });
      // the outputs are overwritten in place: without its meta a half-written cache is never taken as valid
      // (a run killed here would otherwise leave the old meta next to new or partial outputs)
      rmSync(join(cacheDir, `${stage.name}.json`), { force: true });
      // output hashes now: the next stage's fingerprint is made of them
      const copies: string[] = [];
      for (const t of stage.outputs) {
        // a stage that can restore its outputs is not cached; it may name an output's hash and rows itself (`<t>#hash`, `<t>#rows`)
        const known = memory.get(`${t}#hash`) as string | undefined;
        const knownRows = memory.get(`${t}#rows`) as number | undefined;
        const h = known === undefined ? { table: t, ...(await tableHash(db!, t)) } : { table: t, rows: knownRows ?? await db!.count(t), hash: known };
        if (!stage.restore) copies.push(t);
        record.outputs.push(h);
        hashes.set(t, h);
      }
      // the warehouse will run (what it reads from clean and before changed): its file is started now, with the
      // tables that need nothing after clean written while derive and transform run
      if (stage.name === 'clean' && upTo === STAGES.length - 1 && warehouseWillRun(readMeta(cacheDir, 'warehouse'), hashes, run.full)) {
        for (const t of ['harmonized', 'stg_files', 'dim_city', 'dim_province']) await ensureLoaded(t);
        const ctx = { db: db!, settings, rawDir, outDir, full: run.full, progress: () => {}, memory };
        // on a connection of its own: the side queue has this stage's tests to run meanwhile
        draftDb = await db!.sideConnection();
        draft = startWarehouse(ctx, draftDb, EARLY_TABLES);
        draft.catch((e: Error) => sideWork.fail(e));
        memory.set('warehouse#draft', draft);
      }
      later(async () => {
        const t1 = performance.now();
        let tests: DataTestRun;
        try {
          tests = await runDataTests(side!, stage.name, stage.tests);
        } catch (e) {
          record.status = 'failed';
          record.error = (e as Error).message;
          const failedTests = (e as { dataTests?: DataTestRun }).dataTests;
          if (failedTests) record.data_tests = failedTests.results;
          throw e;
        }
        record.seconds = runSeconds + (performance.now() - t1) / 1000;
        record.data_tests = tests.results;
        for (const t of copies) await side!.run(`COPY ${t} TO ${sqlString(cachePath(stage.name, t))} (FORMAT parquet)`);
        const newMeta: StageMeta = { fingerprint, parts, inputs, outputs: record.outputs, data_tests: tests.results, failures: tests.failures, report };
        writeJsonAtomic(join(cacheDir, `${stage.name}.json`), newMeta);
        metas.set(stage.name, newMeta);
        const warned = tests.results.filter((r) => r.status === 'warn');
        log(formatLine(stage.name, report, record.seconds) + (warned.length ? `  [warn: ${warned.map((w) => `${w.name} ${w.failing_rows}`).join(', ')}]` : ''));
      });
    }
    await sideWork.drain();
  } catch (e) {
    // a failure found by the side work (a data test) belongs to an earlier stage than one the main line hit since
    await sideWork.settle();
    const first = sideWork.error ?? (e as Error);
    run.status = 'failed';
    run.error = first.message;
    throw first;
  } finally {
    await sideWork.settle();
    // a warehouse started early that the run did not get to finish
    if (draft) await draft.catch(() => {});
    if (memory.has('warehouse#draft')) await abandonWarehouse(memory.get('warehouse#draft') as Promise<WarehouseDraft>, draftDb!);
    draftDb?.close();
    run.ended_at = new Date().toISOString();
    side?.close();
    db?.close();
    if (!dry) {
      try {
        mkdirSync(cacheDir, { recursive: true });
        appendFileSync(join(cacheDir, 'runs.jsonl'), JSON.stringify(run) + '\n');
        // a run that wrote the warehouse has recorded itself there (as of its commit point)
        const wrote = run.stages.some((s) => s.stage === 'warehouse' && s.status === 'ran');
        if (run.status === 'success' && !wrote && existsSync(join(outDir, WAREHOUSE_FILE)) && upTo === STAGES.length - 1) {
          try {
            await recordRuns(join(outDir, WAREHOUSE_FILE), join(cacheDir, 'runs.jsonl'));
          } catch (e) {
            // the new warehouse is in place; a reader that opened it this instant holds its file lock
            log(`warehouse  runs table not updated (${(e as Error).message.split('\n')[0]}); the next run records it`);
          }
        }
        writeJsonAtomic(join(outDir, 'run_results.json'), run);
      } finally {
        lock?.release();
      }
    }
  }
  return run;
}

/** Whether the warehouse stage will run whatever derive and transform make: a full rebuild, no previous build, or
 *  an input of its early tables changed (the stage's fingerprint covers its inputs). */
function warehouseWillRun(meta: StageMeta | undefined, hashes: Map<string, StageRecord['outputs'][number]>, full: boolean): boolean {
  if (full || !meta) return true;
  const before = new Map(meta.inputs.map((i) => [i.table, i.hash]));
  const sources = EARLY_TABLES.map((t) => (t === 'stg_values' ? 'harmonized' : t));
  return sources.some((t) => hashes.get(t)?.hash !== before.get(t));
}

/** Tables made by earlier stages that the data tests of `stage` read. */
function testedTables(stage: Stage, producer: Map<string, Stage>): string[] {
  const names = new Set<string>();
  for (const t of stage.tests) {
    names.add(t.table);
    if (t.kind === 'relationship') for (const to of t.to) names.add(to.table);
    if (t.kind === 'sql') for (const name of producer.keys()) if (new RegExp(`\\b${name}\\b`).test(t.sql)) names.add(name);
  }
  return [...names].filter((n) => producer.has(n) && producer.get(n) !== stage);
}

/** Warn-level failing rows of every stage of this build, for the warehouse's test_failures table. */
async function collectTestFailures(db: StageDb, metas: Map<string, StageMeta>): Promise<void> {
  const rows = [...metas.values()].flatMap((m) => m.failures ?? []);
  await db.createAndAppend('test_failures', [
    { name: 'stage', type: 'VARCHAR' }, { name: 'test', type: 'VARCHAR' }, { name: 'severity', type: 'VARCHAR' }, { name: 'row_json', type: 'VARCHAR' },
  ], rows);
}

/** After a run that did not write the warehouse (nothing changed): add it to the warehouse's `runs` table. */
async function recordRuns(warehouse: string, runsLog: string): Promise<void> {
  const db = await StageDb.open(warehouse);
  try {
    await db.run('BEGIN TRANSACTION');
    await writeRunsTable(db, 'main', [runsLog]);
    await db.run('COMMIT');
  } finally {
    db.close();
  }
}
