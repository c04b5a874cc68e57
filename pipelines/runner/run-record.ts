// What a run records about itself: run_results.json, the cache's runs.jsonl and the warehouse's `runs` table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineSettings } from '../../schemas/settings.ts';
import type { DataTestResult } from '../shared/data-tests.ts';
import { PROJECT_ROOT } from '../shared/paths.ts';
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
