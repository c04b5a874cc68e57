// Whether a stage runs: its fingerprint (code from its import graph, the settings it declares, its inputs)
// against the one recorded by the last build, and whether what it left is still there.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineSettings } from '../../schemas/settings.ts';
import type { DataTestResult, DataTestRun } from '../core/data-tests.ts';
import { codeFingerprint } from './code-graph.ts';
import { DOCUMENTATION_FILE, listRawFiles, readRawFile } from '../core/raw-files.ts';
import { combine, sha256 } from './fingerprint.ts';
import type { StageRecord } from './run-record.ts';
import type { Stage, StageReport } from './stage.ts';

/** What a build remembers of a stage (in <out>/.cache/<stage>.json). */
export interface StageMeta {
  fingerprint: string;
  parts: FingerprintParts;
  inputs: StageRecord['inputs'];
  outputs: StageRecord['outputs'];
  data_tests: DataTestResult[];
  failures: DataTestRun['failures'];
  report: StageReport;
  /** sha256 of the files a publishing stage wrote, as of the end of that run */
  published?: Record<string, string>;
}

export interface FingerprintParts {
  code: string;
  settings: string;
  inputs: string;
}

/** How data tests are compiled decides whether a stage passes: part of every stage's code. */
const DATA_TESTS_MODULE = new URL('../core/data-tests.ts', import.meta.url).href;

/** `unclaimed`: settings no stage declares; they count for every stage (a new setting cannot be missed). */
export function fingerprintParts(stage: Stage, settings: PipelineSettings, inputs: StageRecord['inputs'], unclaimed: Array<keyof PipelineSettings>): FingerprintParts {
  const read = [...stage.settings, ...unclaimed];
  return {
    code: codeFingerprint(stage.module, DATA_TESTS_MODULE),
    settings: combine(Object.fromEntries(read.map((k) => [k, settings[k]]))),
    inputs: combine(inputs.map((i) => [i.path ?? i.table, i.sha256 ?? i.hash])),
  };
}

/** Every raw file with its sha256 (the list the ingest stage reads: pipelines/core/raw-files.ts; a link out of
 *  the raw folder, a FIFO, a device… stops the run with one line before anything is read). Files that document
 *  the data are not inputs. A file over `maxBytes` is not read (ingest refuses it with one line); it is
 *  fingerprinted by size and modification time instead. */
export function rawInputs(rawDir: string, maxBytes: number): StageRecord['inputs'] {
  return listRawFiles(rawDir).filter((f) => !DOCUMENTATION_FILE.test(f.path)).map((f) => {
    if (f.size > maxBytes) return { path: f.path, sha256: `unread:${f.size}:${f.mtimeMs}` };
    return { path: f.path, sha256: sha256(readRawFile(f)) };
  });
}

export function readMeta(cacheDir: string, stage: string): StageMeta | undefined {
  const path = join(cacheDir, `${stage}.json`);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileSync(path + '.new', JSON.stringify(value, null, 1) + '\n');
  renameSync(path + '.new', path);
}

/** sha256 of each published file that exists. */
export function publishedHashes(outDir: string, files: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) if (existsSync(join(outDir, f))) out[f] = sha256(readFileSync(join(outDir, f)));
  return out;
}

/** Why a stage must run, or null when it may be skipped. */
export function whyRun(meta: StageMeta | undefined, parts: FingerprintParts, outputsIntact: () => string | null, full: boolean, inputs: StageRecord['inputs']): string | null {
  if (full) return 'full rebuild requested';
  if (!meta) return 'no previous build';
  const why: string[] = [];
  if (meta.parts.code !== parts.code) why.push('code or SQL changed');
  if (meta.parts.settings !== parts.settings) why.push('settings changed');
  if (meta.parts.inputs !== parts.inputs) why.push(...inputChanges(meta.inputs, inputs));
  if (why.length === 0) {
    const broken = outputsIntact();
    if (broken) why.push(broken);
  }
  return why.length ? why.join('; ') : null;
}

function inputChanges(beforeList: StageRecord['inputs'], nowList: StageRecord['inputs']): string[] {
  const before = new Map(beforeList.map((i) => [i.path ?? i.table, i.sha256 ?? i.hash]));
  const now = new Map(nowList.map((i) => [i.path ?? i.table, i.sha256 ?? i.hash]));
  const added = [...now.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !now.has(k));
  const changed = [...now.keys()].filter((k) => before.has(k) && before.get(k) !== now.get(k));
  const list = (names: Array<string | undefined>) => `${names.slice(0, 3).join(', ')}${names.length > 3 ? ` (+${names.length - 3})` : ''}`;
  const out: string[] = [];
  if (added.length) out.push(`new input ${list(added)}`);
  if (removed.length) out.push(`input removed ${list(removed)}`);
  if (changed.length) out.push(`input changed ${list(changed)}`);
  return out;
}
