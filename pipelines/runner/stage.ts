import type { StageDb } from '../shared/db.ts';
import type { PipelineSettings } from '../../schemas/settings.ts';

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
  /** what stages hand each other besides tables: part lists, hashes of outputs a stage knows without hashing rows */
  memory: Map<string, unknown>;
}

/** The one line a stage reports: rows written, cells read where it reads files, and what it produced. */
export interface StageReport {
  rows: number;
  cells?: number;
  detail?: string;
  /** output tables and their row counts */
  tables: Record<string, number>;
}
