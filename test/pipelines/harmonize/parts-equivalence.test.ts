// The pipeline's form of harmonize (per-file Parquet parts, only distinct units through the resolver) against the
// in-memory harmonize(): the same rows in the same order, the same drops, the same first error; and a part
// already in the cache is not harmonized again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StageDb } from '../../../pipelines/core/db.ts';
import { PartCache, partsView, STAGED_COLUMNS } from '../../../pipelines/runner/part-cache.ts';
import { harmonize, harmonizeParts, type HarmonizedPartMeta } from '../../../pipelines/harmonize/parts.ts';
import { ingestFiles } from '../../../pipelines/ingest/read.ts';
import type { StagedValue } from '../../../schemas/staged.ts';

const RAW = resolve(import.meta.dirname, '..', '..', '..', 'raw');
let db: StageDb;
beforeEach(async () => { db = await StageDb.open(); });
afterEach(() => db.close());

/** Each list of values as one ingest part, in order. */
async function asParts(files: StagedValue[][]): Promise<Array<{ key: string; path: string }>> {
  const cache = new PartCache<null>(mkdtempSync(join(tmpdir(), 'hp-in-')), 'v');
  const parts = [];
  for (const [i, values] of files.entries()) {
    await cache.writeRows(db, `p${i}`, STAGED_COLUMNS, values as unknown as Record<string, unknown>[], null);
    parts.push({ key: `p${i}`, path: cache.partPath(`p${i}`) });
  }
  return parts;
}

async function harmonizedRows(paths: string[]): Promise<Record<string, unknown>[]> {
  await db.run(partsView('h', paths, STAGED_COLUMNS));
  return db.rows('SELECT * EXCLUDE (ord) FROM h ORDER BY ord');
}

const sv = (name: string, year: number, cell: string, o: Partial<StagedValue> = {}): StagedValue => ({
  source_id: 'yearbook', file: `yearbook/${year + 1}.xlsx`, sheet: '2-1', cell, file_sha256: 'a'.repeat(64),
  layout: 'yearbook', indicator: 'gdp', scope: '全市', year, name_raw: name, code_raw: null,
  province_raw: null, value: 1, unit: '万元', missing_marker: null, ...o,
});

describe('harmonizeParts', () => {
  it('gives the bundled sample the rows harmonize() gives it, in order, with the same drops', async () => {
    const files = await ingestFiles({ rawDir: RAW });
    const parts = await asParts(files.map((f) => f.values!));
    const cache = new PartCache<HarmonizedPartMeta>(mkdtempSync(join(tmpdir(), 'hp-out-')), 'v');
    const result = await harmonizeParts(db, { merge: 'merge' }, parts, cache);
    const expected = harmonize(files.flatMap((f) => f.values!), { merge: 'merge' });
    expect(result.rows).toBe(expected.values.length);
    expect(result.dropped).toBe(expected.counts.dropped);
    expect(result.dropped).toBeGreaterThan(0);
    expect(await harmonizedRows(result.paths)).toEqual(expected.values);

    // a second call finds every part in the cache
    const again = await harmonizeParts(db, { merge: 'merge' }, parts, cache);
    expect(again.fresh).toBe(0);
    expect(result.fresh).toBe(parts.length);
  });

  it('with the drop policy too', async () => {
    const values = [sv('济南', 2018, 'A1'), sv('莱芜', 2018, 'A2'), sv('莱芜', 2019, 'A3'), sv('巢湖', 2011, 'A4')];
    const parts = await asParts([values.slice(0, 2), values.slice(2)]);
    const cache = new PartCache<HarmonizedPartMeta>(mkdtempSync(join(tmpdir(), 'hp-out-')), 'v');
    const result = await harmonizeParts(db, { merge: 'drop' }, parts, cache);
    const expected = harmonize(values, { merge: 'drop' });
    expect(await harmonizedRows(result.paths)).toEqual(expected.values);
    expect(result.dropped).toBe(3);
  });

  it('stops at the same first unknown unit as harmonize(), naming its cell', async () => {
    const values = [sv('石家庄', 2015, 'A1'), sv('石家妆', 2015, 'A57'), sv('江南', 2015, 'A58'), sv('石家妆', 2015, 'A59')];
    const parts = await asParts([values.slice(0, 1), values.slice(1)]);
    const cache = new PartCache<HarmonizedPartMeta>(mkdtempSync(join(tmpdir(), 'hp-out-')), 'v');
    let inMemory = '';
    try { harmonize(values, { merge: 'merge' }); } catch (e) { inMemory = (e as Error).message; }
    expect(inMemory).toContain('cell A57');
    await expect(harmonizeParts(db, { merge: 'merge' }, parts, cache)).rejects.toThrow(inMemory);
  });
});
