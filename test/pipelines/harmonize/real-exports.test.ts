// Through the whole pipeline: the bundled sample with its vendor file edited the way real exports come (stale codes,
// an English name, units outside the panel's cities, then two units nobody can place), and the user's aliases.csv.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnplacedUnitsError } from '../../../pipelines/harmonize/parts.ts';
import { runPipeline, type RunRecord } from '../../../pipelines/runner/run.ts';
import { copySampleRaw, newOutDir, panelHash, queryWarehouse } from '../../helpers/rebuild.ts';
import { sampleWarehouse } from '../../helpers/sample-warehouse.ts';

let raw: string;
let out: string;
let sample: { hash: string; rows: number };
const VENDOR = 'vendor/ai_enterprises.csv';

/** The vendor file with its lines edited: `edit` returns the new line (or the same). */
function editVendor(edit: (fields: string[]) => string[]): void {
  const path = join(raw, VENDOR);
  const [header, ...lines] = readFileSync(path, 'utf8').split('\r\n');
  writeFileSync(path, [header, ...lines.map((l) => (/^\d{6},/.test(l) ? edit(l.split(',')).join(',') : l))].join('\r\n'));
}
/** Rows added at the end of the vendor's data, before its trailer (a source line after the data). */
function addVendorRows(rows: string[]): void {
  const path = join(raw, VENDOR);
  const lines = readFileSync(path, 'utf8').split('\r\n');
  const trailer = lines.findIndex((l, i) => i > 0 && l !== '' && !/^\d{4}$/.test(l.split(',')[3] ?? ''));
  lines.splice(trailer < 0 ? lines.length - 1 : trailer, 0, ...rows);
  writeFileSync(path, lines.join('\r\n'));
}
const ingestDetail = (run: RunRecord) => run.stages.find((s) => s.stage === 'ingest')!.report!.detail ?? '';

beforeAll(async () => {
  sample = await panelHash((await sampleWarehouse()).outDir);
  raw = copySampleRaw('real-exports');
  out = newOutDir('real-exports');
  editVendor((f) => {
    const [code, , , year] = f;
    if (code === '460400') return ['469003', '儋州市', ...f.slice(2)];               // its county-level code, 2015–2022
    if (code === '650400' && Number(year) <= 2020) return ['652100', ...f.slice(1)]; // the 地区's code up to 2020
    if (code === '371200') return [code, 'Laiwu(city)', ...f.slice(2)];              // CSMAR's English name
    return f;
  });
  const extra = [
    ...[2020, 2021, 2022].map((y) => `222400,延边朝鲜族自治州,吉林省,${y},12,工商注册`),
    ...Array.from({ length: 12 }, (_, i) => `429004,仙桃市,湖北省,${2011 + i},3,工商注册`),
    '530200,东川市,云南省,2011,1,工商注册',
  ];
  addVendorRows(extra);
});

afterAll(() => {
  for (const d of [raw, out]) if (d) rmSync(d, { recursive: true, force: true });
});

// One scenario in ordered steps on one folder (each step starts from the state the step before left), so the steps
// keep their order under --sequence.shuffle; the files themselves shuffle with the rest (see TESTING.md).
describe('real exports through the whole pipeline', { shuffle: false }, () => {
  it('builds the sample’s panel from stale codes and an English name, and reports the units outside', async () => {
    await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
    expect(await panelHash(out)).toEqual(sample);
    const outside = await queryWarehouse(out, "SELECT unit, code, first_year, last_year, rows, kind FROM w.quality_outside_units WHERE file = 'vendor/ai_enterprises.csv'");
    expect(outside).toEqual([
      { unit: '延边朝鲜族自治州', code: '222400', first_year: 2020, last_year: 2022, rows: 3, kind: 'prefecture' },
      { unit: '仙桃市', code: '429004', first_year: 2011, last_year: 2022, rows: 12, kind: 'county_city' },
      { unit: '东川市', code: '530200', first_year: 2011, last_year: 2011, rows: 1, kind: 'abolished' },
    ]);
    const mappings = await queryWarehouse(out, `SELECT code_raw, city_code, mapping, count(*)::INTEGER AS n FROM w.stg_values
      WHERE file = 'vendor/ai_enterprises.csv' AND code_raw IN ('469003', '652100', '371200') GROUP BY ALL ORDER BY code_raw`);
    expect(mappings).toEqual([
      { code_raw: '371200', city_code: '370100', mapping: 'merged', n: 8 },
      { code_raw: '469003', city_code: '460400', mapping: 'alias', n: 8 },
      { code_raw: '652100', city_code: '650400', mapping: 'alias', n: 6 },
    ]);
  });

  it('lists every unit it cannot place in one run, then builds with the user’s aliases.csv, recorded', async () => {
    addVendorRows([',石家妆,河北省,2015,1,工商注册', ',Shijiazhuang,河北省,2016,1,工商注册']);
    let error: unknown;
    try { await runPipeline({ rawDir: raw, outDir: out, log: () => {} }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(UnplacedUnitsError);
    expect((error as UnplacedUnitsError).units.map((u) => [u.name, u.code])).toEqual([['石家妆', null], ['Shijiazhuang', null]]);
    expect((error as Error).message).toMatch(/^2 printed units the project cannot place/);

    writeFileSync(join(raw, 'aliases.csv'), 'printed,city_code,note\n石家妆,outside,a typo line of the vendor\nShijiazhuang,outside,\n');
    const run = await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
    expect(ingestDetail(run)).not.toContain('aliases.csv');
    expect(await panelHash(out)).toEqual(sample);
    expect(await queryWarehouse(out, 'SELECT line, printed, city_code, rows FROM w.meta_user_aliases')).toEqual([
      { line: 2, printed: '石家妆', city_code: 'outside', rows: 1 }, { line: 3, printed: 'Shijiazhuang', city_code: 'outside', rows: 1 }]);
    expect(await queryWarehouse(out, "SELECT unit, kind FROM w.quality_outside_units WHERE kind = 'user'")).toEqual([
      { unit: '石家妆', kind: 'user' }, { unit: 'Shijiazhuang', kind: 'user' }]);
  });

  it('a changed aliases.csv alone reruns harmonize and what follows', async () => {
    // only the note changes: nothing else would make harmonize run
    writeFileSync(join(raw, 'aliases.csv'), 'printed,city_code,note\n石家妆,outside,a typo line of the vendor\nShijiazhuang,outside,a duplicate in English\n');
    const run = await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
    expect(run.stages.find((s) => s.stage === 'harmonize')?.status).toBe('ran');
    expect(await queryWarehouse(out, "SELECT printed, note FROM w.meta_user_aliases ORDER BY line")).toEqual([
      { printed: '石家妆', note: 'a typo line of the vendor' }, { printed: 'Shijiazhuang', note: 'a duplicate in English' }]);
  });
});
