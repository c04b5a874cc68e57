// Per-file cache of the ingest stage: a file whose bytes and registry entries are unchanged is not parsed
// again. Entries are stored column-wise with dictionary-encoded strings (a file's 4,000 values repeat the
// same file name, sha256, source and unit), about a tenth of plain JSON.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestedFileResult, IngestFileCache } from './ingest.ts';
import type { StagedValue } from '../schemas/staged.ts';

const FIELDS: Array<keyof StagedValue> = [
  'source_id', 'layout', 'file', 'sheet', 'cell', 'file_sha256', 'indicator', 'scope', 'year',
  'name_raw', 'code_raw', 'province_raw', 'value', 'unit', 'missing_marker',
];
const NUMERIC = new Set<keyof StagedValue>(['year', 'value']);

type Column = { values: Array<number | null> } | { dict: Array<string | null>; idx: number[] };

export function encodeValues(values: StagedValue[]): Record<string, Column> {
  const out: Record<string, Column> = {};
  for (const f of FIELDS) {
    if (NUMERIC.has(f)) {
      out[f] = { values: values.map((v) => v[f] as number | null) };
      continue;
    }
    const dict: Array<string | null> = [];
    const index = new Map<string | null, number>();
    const idx = values.map((v) => {
      const s = v[f] as string | null;
      let i = index.get(s);
      if (i === undefined) {
        i = dict.length;
        dict.push(s);
        index.set(s, i);
      }
      return i;
    });
    out[f] = { dict, idx };
  }
  return out;
}

export function decodeValues(cols: Record<string, Column>, n: number): StagedValue[] {
  const rows: StagedValue[] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = {} as StagedValue;
  for (const f of FIELDS) {
    const c = cols[f];
    const target = f as string;
    if ('values' in c) for (let i = 0; i < n; i++) (rows[i] as unknown as Record<string, unknown>)[target] = c.values[i];
    else for (let i = 0; i < n; i++) (rows[i] as unknown as Record<string, unknown>)[target] = c.dict[c.idx[i]];
  }
  return rows;
}

/** A directory of cached file results for one version of the ingest code; older versions are removed. */
export class DirectoryFileCache implements IngestFileCache {
  private used = new Set<string>();
  private dir: string;

  constructor(root: string, codeVersion: string) {
    this.dir = join(root, codeVersion.slice(0, 16));
    if (existsSync(root)) for (const d of readdirSync(root)) if (join(root, d) !== this.dir) rmSync(join(root, d), { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  get(key: string): IngestedFileResult | undefined {
    const path = join(this.dir, `${key}.json`);
    if (!existsSync(path)) return undefined;
    try {
      const entry = JSON.parse(readFileSync(path, 'utf8'));
      this.used.add(key);
      return { file: entry.file, values: decodeValues(entry.columns, entry.n) };
    } catch {
      return undefined; // a damaged entry is read again from the file
    }
  }

  set(key: string, result: IngestedFileResult): void {
    this.used.add(key);
    const path = join(this.dir, `${key}.json`);
    writeFileSync(path + '.new', JSON.stringify({ file: result.file, n: result.values.length, columns: encodeValues(result.values) }));
    renameSync(path + '.new', path); // a reader never sees half an entry
  }

  /** Keys used by this run (their sorted list identifies the stage's output). */
  keys(): string[] {
    return [...this.used].sort();
  }

  /** Remove entries of files no longer in the raw folder. */
  prune(): void {
    for (const f of readdirSync(this.dir)) {
      const key = f.replace(/\.json$/, '');
      if (!this.used.has(key)) rmSync(join(this.dir, f), { force: true });
    }
  }
}
