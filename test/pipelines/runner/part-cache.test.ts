import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StageDb } from '../../../pipelines/core/db.ts';
import { PartCache, STAGED_COLUMNS } from '../../../pipelines/runner/part-cache.ts';
import { ingestFiles, type IngestedFile } from '../../../pipelines/ingest/read.ts';
import type { StagedValue } from '../../../schemas/staged.ts';

const RAW = resolve(import.meta.dirname, '..', '..', '..', 'raw');

const value = (i: number, v: number | null): StagedValue => ({
  source_id: 'eps_patents', layout: 'eps', file: 'eps/x.xlsx', sheet: '专利授权数', cell: `C${i}`, file_sha256: 'a'.repeat(64),
  indicator: 'patents_granted', scope: '全市', year: 2011 + (i % 3), name_raw: i % 2 ? '北京市' : '天津市', code_raw: i % 2 ? '110000' : null,
  province_raw: null, value: v, unit: '件', missing_marker: v === null ? '—' : null,
});
const file: IngestedFile = { path: 'eps/x.xlsx', sha256: 'a'.repeat(64), bytes: 10, sheets: 1, cells: 4, values: 4, sources: ['s'] };

const store = (db: StageDb, cache: PartCache<IngestedFile>, key: string, values: StagedValue[]) =>
  cache.writeRows(db, key, STAGED_COLUMNS, values as unknown as Record<string, unknown>[], file);

describe('per-file Parquet parts', () => {
  it('stores a file\u2019s values as a part that reads back identical, in order', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fc-'));
    const cache = new PartCache<IngestedFile>(root, 'f'.repeat(64));
    const values = [value(1, 12.5), value(2, null), value(3, 0), value(4, 1e9)];
    const db = await StageDb.open();
    try {
      await store(db, cache, 'k1', values);
      const back = await db.rows(`SELECT * FROM read_parquet('${cache.partPath('k1')}')`);
      expect(back).toEqual(values);
    } finally {
      db.close();
    }
    expect(cache.meta('k1')).toEqual(file);
  });

  it('finds complete parts only, prunes, and forgets other code versions', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fc-'));
    mkdirSync(join(root, 'old-version'));
    const cache = new PartCache<IngestedFile>(root, 'f'.repeat(64));
    expect(existsSync(join(root, 'old-version'))).toBe(false);
    const db = await StageDb.open();
    try {
      await store(db, cache, 'k1', [value(1, 3)]);
      await store(db, cache, 'k2', [value(1, 3)]);
    } finally {
      db.close();
    }
    const again = new PartCache<IngestedFile>(root, 'f'.repeat(64));
    expect(again.meta('k1')).toEqual(file);
    expect(again.meta('missing')).toBeUndefined();
    again.prune(['k1']);
    expect(readdirSync(join(root, 'f'.repeat(16))).sort()).toEqual(['k1.json', 'k1.parquet']);
  });

  it('lets ingestFiles skip exactly the files the caller already has', async () => {
    const first = await ingestFiles({ rawDir: RAW });
    expect(first.every((r) => r.values !== null)).toBe(true);
    const known = new Map(first.slice(1).map((r) => [r.key, r.file]));
    const second = await ingestFiles({ rawDir: RAW, reuse: (key) => known.get(key) });
    expect(second.map((r) => r.key)).toEqual(first.map((r) => r.key));
    expect(second.filter((r) => r.values !== null).map((r) => r.file.path)).toEqual([first[0].file.path]);
    expect(second[0].values).toEqual(first[0].values);
  });

  it('does not read a file again whose part the caller finds by the hash it already has', async () => {
    const first = await ingestFiles({ rawDir: RAW });
    const realKeys = new Set(first.map((r) => r.key));
    const target = first[0];
    // a hash the file does not have: only if ingest trusts it without reading the file does a key outside the
    // real ones come up, and the caller answers that key with the file's record
    const second = await ingestFiles({
      rawDir: RAW,
      knownSha: (path) => (path === target.file.path ? 'f'.repeat(64) : undefined),
      reuse: (key) => (realKeys.has(key) ? undefined : target.file),
    });
    expect(second[0].values).toBeNull();
    expect(realKeys.has(second[0].key)).toBe(false);
    expect(second.slice(1).map((r) => r.key)).toEqual(first.slice(1).map((r) => r.key));
    expect(second.slice(1).every((r) => r.values !== null)).toBe(true);
  });
});
