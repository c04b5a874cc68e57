import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeValues, DirectoryFileCache, encodeValues } from '../../pipelines/file-cache.ts';
import { ingest, type IngestedFileResult } from '../../pipelines/ingest.ts';
import type { StagedValue } from '../../schemas/staged.ts';

const RAW = resolve(import.meta.dirname, '..', '..', 'raw');

const value = (i: number, v: number | null): StagedValue => ({
  source_id: 'eps_patents', layout: 'eps', file: 'eps/x.xlsx', sheet: '专利授权数', cell: `C${i}`, file_sha256: 'a'.repeat(64),
  indicator: 'patents_granted', scope: '全市', year: 2011 + (i % 3), name_raw: i % 2 ? '北京市' : '天津市', code_raw: i % 2 ? '110000' : null,
  province_raw: null, value: v, unit: '件', missing_marker: v === null ? '—' : null,
});

describe('ingest file cache', () => {
  it('round-trips staged values through the column encoding', () => {
    const values = [value(1, 12.5), value(2, null), value(3, 0), value(4, 1e9)];
    const back = decodeValues(encodeValues(values) as never, values.length);
    expect(back).toEqual(values);
  });

  it('stores, finds, prunes, and forgets other code versions', () => {
    const root = mkdtempSync(join(tmpdir(), 'fc-'));
    mkdirSync(join(root, 'old-version'));
    const cache = new DirectoryFileCache(root, 'f'.repeat(64));
    expect(existsSync(join(root, 'old-version'))).toBe(false);
    const entry: IngestedFileResult = { file: { path: 'eps/x.xlsx', sha256: 'a'.repeat(64), bytes: 10, sheets: 1, cells: 4, values: 1, sources: ['s'] }, values: [value(1, 3)] };
    cache.set('k1', entry);
    cache.set('k2', entry);
    const again = new DirectoryFileCache(root, 'f'.repeat(64));
    expect(again.get('k1')).toEqual(entry);
    expect(again.get('missing')).toBeUndefined();
    again.prune();
    expect(readdirSync(join(root, 'f'.repeat(16)))).toEqual(['k1.json']);
  });

  it('makes ingest reuse a file it has read before, and only that file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fc-'));
    const first = new DirectoryFileCache(root, 'v1');
    const direct = await ingest({ rawDir: RAW, fileCache: first });
    expect(first.keys()).toHaveLength(direct.files.length);
    // a second run reads every file from the cache: tamper with one entry to prove it
    const second = new DirectoryFileCache(root, 'v1');
    const key = first.keys()[0];
    const tampered = second.get(key)!;
    tampered.values[0] = { ...tampered.values[0], value: 123456789 };
    second.set(key, tampered);
    const again = await ingest({ rawDir: RAW, fileCache: new DirectoryFileCache(root, 'v1') });
    expect(again.values.length).toBe(direct.values.length);
    expect(again.values.filter((v) => v.value === 123456789)).toHaveLength(1);
  });
});
