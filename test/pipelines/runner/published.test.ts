// The warehouse stage is skipped only while the files it published still hold what it wrote.
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../../pipelines/runner/run.ts';
import { SAMPLE_RAW, sampleWarehouse } from '../../helpers/sample-warehouse.ts';
import { panelHash, warehouseFiles } from '../../helpers/rebuild.ts';

const own = mkdtempSync(join(tmpdir(), 'published-'));
afterAll(() => rmSync(own, { recursive: true, force: true }));

describe('published files are verified, not just present', () => {
  it('a no-change run leaves the warehouse file untouched; a tampered one is rebuilt with the reason', async () => {
    cpSync((await sampleWarehouse()).outDir, own, { recursive: true });
    // (a copy made before the hashes were recorded is rebuilt once: either way, it is current afterwards)
    await runPipeline({ rawDir: SAMPLE_RAW, outDir: own, log: () => {} });
    const files = warehouseFiles(own);
    const again = await runPipeline({ rawDir: SAMPLE_RAW, outDir: own, log: () => {} });
    expect(again.stages.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(warehouseFiles(own)).toEqual(files); // nothing written into the live files

    appendFileSync(join(own, 'panel.parquet'), 'tampered');
    const repaired = await runPipeline({ rawDir: SAMPLE_RAW, outDir: own, log: () => {} });
    const warehouse = repaired.stages.at(-1)!;
    expect(warehouse).toMatchObject({ status: 'ran', reason: 'panel.parquet changed outside the pipeline' });
    expect((await panelHash(own)).rows).toBe(3252);
    expect(warehouseFiles(own)['panel.parquet']).toBe(files['panel.parquet']);
  });
});
