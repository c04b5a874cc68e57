// The one interface through which the runner knows a stage. A stage is declared next to its code
// (pipelines/<stage>/index.ts); the ordered list of stages is pipelines/stages.ts.
import type { PipelineSettings } from '../../schemas/settings.ts';
import type { DataTest, DataTestRun } from '../core/data-tests.ts';
import type { StageDb } from '../core/db.ts';
import type { RunRecord } from './run-record.ts';

/** A value one stage hands to a later one besides tables (part lists, a started file), typed by its key. */
export interface HandoffKey<T> {
  readonly id: symbol;
  readonly name: string;
  /** never set: carries the value's type */
  readonly type?: T;
}

export function handoffKey<T>(name: string): HandoffKey<T> {
  return { id: Symbol(name), name };
}

/** What the stages of one run hand each other, by typed key. */
export class Handoff {
  private readonly values = new Map<symbol, unknown>();

  set<T>(key: HandoffKey<T>, value: T): void {
    this.values.set(key.id, value);
  }

  get<T>(key: HandoffKey<T>): T | undefined {
    return this.values.get(key.id) as T | undefined;
  }

  /** The value an earlier stage of this run must have handed over. */
  need<T>(key: HandoffKey<T>): T {
    if (!this.values.has(key.id)) throw new Error(`internal: '${key.name}' was not handed over by an earlier stage`);
    return this.values.get(key.id) as T;
  }

  take<T>(key: HandoffKey<T>): T | undefined {
    const v = this.get(key);
    this.values.delete(key.id);
    return v;
  }
}

/** What every stage gets: the run's database (stages hand tables to each other through it) and the settings. */
export interface StageContext {
  db: StageDb;
  settings: PipelineSettings;
  rawDir: string;
  outDir: string;
  /** a full rebuild was asked for: nothing from a previous build is reused */
  full?: boolean;
  /** progress for long stages (a bar on a TTY, nothing otherwise) */
  progress: (done: number, total: number) => void;
  /** values handed between the stages of this run */
  handoff: Handoff;
  /** the raw files of this run with their sha256 (path relative to the raw folder, NFC) */
  rawFiles: ReadonlyMap<string, string>;
  /** this run's record and the log of earlier runs (a publishing stage records them) */
  run: { record: RunRecord; log: string };
}

/** The one line a stage reports: rows written, cells read where it reads files, and what it produced. */
export interface StageReport {
  rows: number;
  cells?: number;
  detail?: string;
  /** output tables and their row counts */
  tables: Record<string, number>;
  /** content hashes of outputs the stage knows without hashing their rows (a view over cached parts) */
  hashes?: Record<string, { hash: string; rows: number }>;
}

/** Work a publishing stage starts while earlier stages still run. */
export interface EarlyStart {
  /** start once this stage has run */
  after: string;
  /** the tables it reads then (the runner loads them; if none of them changed, the stage may still be skipped) */
  reads: string[];
  /** the work started, on a connection of its own (`db`, closed by `abandon`) */
  start(ctx: StageContext, db: StageDb): Promise<unknown>;
  /** give up what was started (the run failed or the stage did not run) */
  abandon(ctx: StageContext): Promise<void>;
}

export interface Stage {
  name: string;
  /** what it does, for --help and run logs */
  does: string;
  /** `import.meta.url` of the module declaring the stage: its code fingerprint is that module's import graph
   *  (pipelines/runner/code-graph.ts), data files included */
  module: string;
  /** 'raw': the files of the raw folder; otherwise the tables of earlier stages it reads */
  inputs: 'raw' | string[];
  /** with inputs 'raw': a larger file is not read to fingerprint it (the stage refuses it with one line) */
  maxRawFileBytes?: number;
  /** tables it leaves for later stages (cached between runs unless it can restore them) */
  outputs: string[];
  /** the settings it reads: its fingerprint covers only these */
  settings: Array<keyof PipelineSettings>;
  /** data tests on its outputs */
  tests: DataTest[];
  /** files it publishes into the output folder. A publishing stage starts only after every earlier stage's data
   *  tests passed; it is skipped only while these files still hold what it wrote */
  publishes?: string[];
  early?: EarlyStart;
  /** recompute its outputs cheaply (instead of caching them) when a later stage needs them and the stage was skipped */
  restore?: (ctx: StageContext) => Promise<void>;
  run(ctx: StageContext): Promise<StageReport>;
}

export type { DataTest, DataTestRun };
