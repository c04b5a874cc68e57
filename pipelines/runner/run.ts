// Runs the stages in order on one in-memory database. Incremental: a stage whose fingerprint (inputs, code,
// settings) is unchanged is skipped and its cached outputs are loaded only if a later stage needs them. Every
// run is recorded (run_results.json, the warehouse's `runs` table); one run at a time (lock).
import type { SingleBar } from 'cli-progress';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PipelineSettings } from '../../schemas/settings.ts';
import { runDataTests, type DataTestRun } from '../core/data-tests.ts';
import type { StageDb } from '../core/db.ts';
import { sqlIdent, sqlString } from '../../econometrics/io/sql.ts';
import { STAGES } from '../stages.ts';
import { combine, tableHash } from './fingerprint.ts';
import { acquireLock } from './lock.ts';
import { fingerprintParts, publishedHashes, rawInputs, readMeta, whyRun, writeJsonAtomic, type StageMeta } from './plan.ts';
import { formatLine, unchangedBuild, versions, type RunRecord, type StageRecord } from './run-record.ts';
import { SideWork } from './side-work.ts';
import { Handoff, type Stage, type StageContext, type StageReport } from './stage.ts';
import { recoverSwap } from './swap.ts';
import { faultPoint } from './faults.ts';

export type { BuildChanges, RunRecord, StageRecord } from './run-record.ts';

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
  /** a progress bar for long stages when stdout is a terminal (default true) */
  progress?: boolean;
  /** called with the run's final record, also when the run fails (not when it cannot start: no raw folder, the
   *  lock taken) */
  onRecord?: (record: RunRecord) => void;
}

/** Settings no stage declares count for every stage. */
function unclaimedSettings(stages: readonly Stage[]): Array<keyof PipelineSettings> {
  const claimed = new Set(stages.flatMap((s) => s.settings));
  return (Object.keys(PipelineSettings.shape) as Array<keyof PipelineSettings>).filter((k) => !claimed.has(k));
}

/** One run: its database, what the stages produced so far, and the work that runs beside the stages. */
class Run {
  readonly hashes = new Map<string, StageRecord['outputs'][number]>();
  readonly producer = new Map<string, Stage>();
  readonly loaded = new Set<string>();
  readonly metas = new Map<string, StageMeta>();
  readonly handoff = new Handoff();
  readonly sideWork = new SideWork();
  rawFiles = new Map<string, string>();
  readonly cacheDir: string;
  readonly unclaimed: Array<keyof PipelineSettings>;
  /** stages whose early work was started, to be abandoned if they do not take it over */
  readonly started: Stage[] = [];

  constructor(
    readonly record: RunRecord, readonly settings: PipelineSettings, readonly rawDir: string, readonly outDir: string,
    readonly stages: readonly Stage[],
    readonly log: (line: string) => void, readonly progressBar: boolean,
  ) {
    this.cacheDir = join(outDir, '.cache');
    for (const s of stages) for (const t of s.outputs) this.producer.set(t, s);
    this.unclaimed = unclaimedSettings(STAGES);
  }

  context(progress: StageContext['progress'] = () => {}): StageContext {
    return {
      db: this.db!, settings: this.settings, rawDir: this.rawDir, outDir: this.outDir, full: this.record.full, progress,
      handoff: this.handoff, rawFiles: this.rawFiles, run: { record: this.record, log: join(this.cacheDir, 'runs.jsonl') },
    };
  }

  /** the run's database and a second connection: opened when the first stage must run (a run that finds
   *  everything unchanged never loads DuckDB) */
  db?: StageDb;
  side?: StageDb;

  async openDatabase(): Promise<void> {
    if (this.db) return;
    const { StageDb } = await import('../core/db.ts');
    this.db = await StageDb.open();
    // one thread: with several, the order in which DuckDB adds up doubles (window sums over a join, merged
    // predecessors) depends on scheduling and the last bits of Va and others changed from build to build
    await this.db.run('SET threads = 1');
    // data tests, stage cache writes and log lines run on a second connection while the next stage runs
    this.side = await this.db.sideConnection();
  }

  cachePath(stage: string, output: string): string {
    return join(this.cacheDir, stage, `${output}.parquet`);
  }

  /** Make an earlier stage's output available: restored by its stage, or read from the cache. */
  async ensureLoaded(output: string): Promise<void> {
    if (this.loaded.has(output)) return;
    const from = this.producer.get(output)!;
    if (from.restore) {
      if (from.inputs !== 'raw') for (const t of from.inputs) await this.ensureLoaded(t);
      await from.restore(this.context());
      for (const t of from.outputs) this.loaded.add(t);
    } else await this.db!.run(`CREATE OR REPLACE TABLE ${sqlIdent(output)} AS SELECT * FROM read_parquet(${sqlString(this.cachePath(from.name, output))})`);
    this.loaded.add(output);
  }

  say(line: string): void {
    this.sideWork.later(() => this.log(line));
  }
}

export async function runPipeline(options: PipelineOptions): Promise<RunRecord> {
  const settings = PipelineSettings.parse(options.settings ?? {});
  const last = options.stage ?? STAGES[STAGES.length - 1].name;
  const upTo = STAGES.findIndex((s) => s.name === last);
  if (upTo < 0) throw new Error(`unknown stage '${last}' (stages: ${STAGES.map((s) => s.name).join(', ')})`);
  const outDir = resolve(options.outDir);
  const rawDir = resolve(options.rawDir);
  const dry = options.dryRun ?? false;

  const record: RunRecord = {
    run_id: randomUUID(), started_at: new Date().toISOString(), ended_at: '', status: dry ? 'dry-run' : 'success',
    raw_dir: options.rawDir, out_dir: options.outDir, full: options.full ?? false, settings, stages: [], recovered: [],
    versions: versions(), error: null,
  };
  if (!existsSync(rawDir)) throw Object.assign(new Error(`raw folder not found: ${options.rawDir}`), { name: 'DataError' });

  const lock = dry ? undefined : acquireLock(outDir);
  if (lock?.recoveredFrom) record.recovered.push(`stale lock of pid ${lock.recoveredFrom.pid} (started ${lock.recoveredFrom.started})`);
  if (!dry && recoverSwap(outDir)) record.recovered.push('completed the warehouse swap of a run killed after its commit point');

  const run = new Run(record, settings, rawDir, outDir, STAGES.slice(0, upTo + 1), options.log ?? ((line) => process.stdout.write(line + '\n')), options.progress ?? true);

  try {
    for (const stage of run.stages) await runStage(run, stage, dry);
    await run.sideWork.drain();
  } catch (e) {
    // a failure found by the side work (a data test) belongs to an earlier stage than one the main line hit since
    await run.sideWork.settle();
    const first = run.sideWork.error ?? (e as Error);
    record.status = 'failed';
    record.error = first.message;
    delete record.changes; // nothing was published
    throw first;
  } finally {
    await run.sideWork.settle();
    for (const stage of run.started) await stage.early!.abandon(run.context()).catch(() => {});
    record.ended_at = new Date().toISOString();
    run.side?.close();
    run.db?.close();
    if (!dry) {
      try {
        await finishRun(run, upTo === STAGES.length - 1);
      } finally {
        lock?.release();
      }
    }
    options.onRecord?.(record);
  }
  return record;
}

async function runStage(run: Run, stage: Stage, dry: boolean): Promise<void> {
  // a publishing stage writes the data-test failures of every stage: their side work must be done, and must have
  // passed, before it is even recorded as started
  if (stage.publishes && !dry) await run.sideWork.drain();
  if (run.sideWork.error) throw run.sideWork.error;
  const inputs = stageInputs(run, stage);
  const parts = fingerprintParts(stage, run.settings, inputs, run.unclaimed);
  const meta = readMeta(run.cacheDir, stage.name);
  const reason = whyRun(meta, parts, () => outputsIntact(run, stage, meta), run.record.full, inputs);
  const record: StageRecord = { stage: stage.name, status: 'ran', reason: reason ?? 'unchanged', fingerprint: combine(parts), seconds: 0, inputs, outputs: [], data_tests: [] };
  run.record.stages.push(record);

  if (reason === null) {
    record.status = dry ? 'would skip' : 'skipped';
    record.outputs = meta!.outputs;
    record.data_tests = meta!.data_tests;
    for (const o of meta!.outputs) run.hashes.set(o.table, o);
    run.metas.set(stage.name, meta!);
    // the published files are the previous build's: nothing changed
    if (stage.publishes && !dry) run.record.changes = unchangedBuild(meta!.report?.rows ?? null);
    run.say(`${stage.name.padEnd(10)} skipped (unchanged)`);
    return;
  }
  if (dry) {
    record.status = 'would run';
    for (const t of stage.outputs) run.hashes.set(t, { table: t, rows: -1, hash: `pending:${record.fingerprint}` });
    run.say(`${stage.name.padEnd(10)} would run: ${reason}`);
    return;
  }

  await run.openDatabase();
  if (stage.inputs !== 'raw') for (const t of stage.inputs) await run.ensureLoaded(t);
  // tables of earlier stages that its data tests look up (e.g. panel → dim_city) are needed as well:
  // when this stage reruns alone, they are only in the cache
  for (const t of testedTables(stage, run.producer)) await run.ensureLoaded(t);
  if (stage.publishes) await collectTestFailures(run.db!, run.metas);

  const t0 = performance.now();
  const report = await runWithProgress(run, stage, record);
  faultPoint(`after:${stage.name}` as Parameters<typeof faultPoint>[0]);
  const seconds = (performance.now() - t0) / 1000;
  record.seconds = seconds;
  record.report = report;
  mkdirSync(join(run.cacheDir, stage.name), { recursive: true });
  // the outputs are overwritten in place: without its meta a half-written cache is never taken as valid
  // (a run killed here would otherwise leave the old meta next to new or partial outputs)
  rmSync(join(run.cacheDir, `${stage.name}.json`), { force: true });
  // output hashes now: the next stage's fingerprint is made of them
  const copies: string[] = [];
  for (const t of stage.outputs) {
    // a stage that can restore its outputs is not cached
    const known = report.hashes?.[t];
    const h = known ? { table: t, ...known } : { table: t, ...(await tableHash(run.db!, t)) };
    if (!stage.restore) copies.push(t);
    record.outputs.push(h);
    run.hashes.set(t, h);
  }
  await startEarlyWork(run, stage);
  run.sideWork.later(() => finishStage(run, stage, record, { fingerprint: record.fingerprint, parts, inputs, report, seconds, copies }));
}

/** The data tests of a stage that ran, its cache and its log line: on the side connection, while the next stage runs. */
async function finishStage(run: Run, stage: Stage, record: StageRecord, done: { fingerprint: string; parts: StageMeta['parts']; inputs: StageRecord['inputs']; report: StageReport; seconds: number; copies: string[] }): Promise<void> {
  const t1 = performance.now();
  let tests: DataTestRun;
  try {
    tests = await runDataTests(run.side!, stage.name, stage.tests);
  } catch (e) {
    record.status = 'failed';
    record.error = (e as Error).message;
    const failedTests = (e as { dataTests?: DataTestRun }).dataTests;
    if (failedTests) record.data_tests = failedTests.results;
    throw e;
  }
  record.seconds = done.seconds + (performance.now() - t1) / 1000;
  record.data_tests = tests.results;
  for (const t of done.copies) await run.side!.run(`COPY ${sqlIdent(t)} TO ${sqlString(run.cachePath(stage.name, t))} (FORMAT parquet)`);
  const meta: StageMeta = { fingerprint: done.fingerprint, parts: done.parts, inputs: done.inputs, outputs: record.outputs, data_tests: tests.results, failures: tests.failures, report: done.report };
  writeJsonAtomic(join(run.cacheDir, `${stage.name}.json`), meta);
  run.metas.set(stage.name, meta);
  const warned = tests.results.filter((r) => r.status === 'warn');
  run.log(formatLine(stage.name, done.report, record.seconds) + (warned.length ? `  [warn: ${warned.map((w) => `${w.name} ${w.failing_rows}`).join(', ')}]` : ''));
}

function stageInputs(run: Run, stage: Stage): StageRecord['inputs'] {
  if (stage.inputs === 'raw') {
    const inputs = rawInputs(run.rawDir, stage.maxRawFileBytes ?? Infinity);
    // the ingest stage need not read a file again to find its part
    run.rawFiles = new Map(inputs.map((i) => [i.path!.normalize('NFC'), i.sha256!]));
    return inputs;
  }
  return stage.inputs.map((t) => ({ table: t, hash: run.hashes.get(t)?.hash, rows: run.hashes.get(t)?.rows }));
}

/** Null when what the stage left is there (and, for published files, unchanged since); else why not. */
function outputsIntact(run: Run, stage: Stage, meta: StageMeta | undefined): string | null {
  if (stage.publishes) {
    const missing = stage.publishes.filter((f) => !existsSync(join(run.outDir, f)));
    if (missing.length) return 'previous output missing';
    if (meta?.published) {
      const now = publishedHashes(run.outDir, stage.publishes);
      const changed = stage.publishes.filter((f) => now[f] !== meta.published![f]);
      if (changed.length) return `${changed.join(', ')} changed outside the pipeline`;
    }
    return null;
  }
  if (stage.restore) return null;
  return stage.outputs.every((t) => existsSync(run.cachePath(stage.name, t))) ? null : 'previous output missing';
}

async function runWithProgress(run: Run, stage: Stage, record: StageRecord): Promise<StageReport> {
  let bar: SingleBar | undefined;
  const progress = (done: number, total: number) => {
    if (!run.progressBar || !process.stdout.isTTY || total < 2) return;
    if (!bar) {
      // loaded only on a terminal
      const { SingleBar, Presets } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
      bar = new SingleBar({ format: `${stage.name.padEnd(10)} [{bar}] {value}/{total}`, clearOnComplete: true }, Presets.shades_classic);
      bar.start(total, 0);
    }
    bar.update(done);
  };
  try {
    const report = await stage.run(run.context(progress));
    for (const t of stage.outputs) run.loaded.add(t);
    return report;
  } catch (e) {
    record.status = 'failed';
    record.error = (e as Error).message;
    throw e;
  } finally {
    bar?.stop();
  }
}

/** Start the early work of a later stage that waits for this one, when that stage will run whatever the stages
 *  in between make: a full rebuild, no previous build, or one of the tables it reads early changed. */
async function startEarlyWork(run: Run, after: Stage): Promise<void> {
  const isLast = run.stages.length === STAGES.length;
  for (const later of run.stages) {
    if (later.early?.after !== after.name || !isLast) continue;
    const meta = readMeta(run.cacheDir, later.name);
    const before = new Map((meta?.inputs ?? []).map((i) => [i.table, i.hash]));
    const changed = later.early.reads.some((t) => run.hashes.get(t)?.hash !== before.get(t));
    if (!run.record.full && meta && !changed) continue;
    for (const t of later.early.reads) await run.ensureLoaded(t);
    // on a connection of its own: the side queue has this stage's tests to run meanwhile
    const on = await run.db!.sideConnection();
    run.started.push(later);
    later.early.start(run.context(), on).catch((e: Error) => run.sideWork.fail(e));
  }
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

/** The run's record (the runs log, run_results.json) and the hashes of what the publishing stages wrote. A run
 *  that published nothing never writes into the published files: readers may have them open; the warehouse's
 *  `runs` table gets every run from the log the next time the warehouse is written. */
async function finishRun(run: Run, wholeBuild: boolean): Promise<void> {
  const { record, cacheDir, outDir } = run;
  mkdirSync(cacheDir, { recursive: true });
  appendFileSync(join(cacheDir, 'runs.jsonl'), JSON.stringify(record) + '\n');
  for (const stage of STAGES.filter((s) => s.publishes)) {
    const ran = record.stages.find((s) => s.stage === stage.name);
    if (record.status !== 'success' || ran?.status !== 'ran' || !wholeBuild) continue;
    const meta = readMeta(cacheDir, stage.name);
    if (meta) writeJsonAtomic(join(cacheDir, `${stage.name}.json`), { ...meta, published: publishedHashes(outDir, stage.publishes!) });
  }
  writeJsonAtomic(join(outDir, 'run_results.json'), record);
}

