/**
 * The committed sample (raw/) is what `npm run sample` writes: regenerate into a temp dir and compare bytes
 * (xlsx included: the writers pin workbook dates, so SheetJS output is byte-identical), then check that
 * ingest recovers every observation of the truth.
 */
import { independentFactor } from '../helpers/units.ts';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_YEARS, DEFAULT_SEED, writeSample } from '../../generator/generate.ts';
import { buildTruth } from '../../generator/truth.ts';
import { STALE_VENDOR_CODES } from '../../generator/write-vendor.ts';
import { reportedUnits } from '../../reference/index.ts';
import { ingest } from '../../pipelines/ingest/read.ts';
import { RAW_INDICATORS, type RawIndicator } from '../../schemas/indicators.ts';
import { tempDir } from '../pipelines/ingest/fixtures.ts';

const RAW = join(import.meta.dirname, '..', '..', 'raw');

function listAll(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('npm run sample', () => {
  it('regenerates the committed raw/ byte for byte', () => {
    const out = tempDir('sample-');
    const { files } = writeSample({ out, seed: DEFAULT_SEED });
    const generated = listAll(out);
    expect(generated).toEqual(listAll(RAW));
    expect(files.length).toBe(generated.length - 1); // + sources.json copied from raw/
    for (const f of generated) expect(sha(join(out, f)), `raw/${f} is stale: run npm run sample and commit raw/`).toBe(sha(join(RAW, f)));
  });

  it('--next-edition adds the 2024 edition (data year 2023) and ingest reads it with the default registry', async () => {
    const out = tempDir('sample-next-');
    writeSample({ out, seed: DEFAULT_SEED, nextEdition: true });
    expect(existsSync(join(out, 'yearbook', '中国城市统计年鉴2024.xlsx'))).toBe(true);
    const { values } = await ingest({ rawDir: out });
    const years = new Set(values.map((v) => v.year));
    expect([...years].sort()).toEqual([...BASE_YEARS, 2023]);
    for (const layout of ['yearbook', 'eps', 'long']) expect(values.some((v) => v.layout === layout && v.year === 2023), layout).toBe(true);
  });
});

describe('ingest of the committed sample', () => {
  it('recovers every truth observation once, unit-converted, and nothing else but empty EPS cells', async () => {
    const truth = buildTruth({ seed: DEFAULT_SEED, years: [...BASE_YEARS] });
    const { values, files, stats } = await ingest({ rawDir: RAW });
    expect(stats.values).toBe(values.length);
    expect(files.map((f) => f.path)).toEqual([
      'eps/中国城市数据库_专利.xlsx',
      'eps/中国城市数据库_快递业务量.xlsx',
      'eps/中国宏观经济数据库_电子商务交易额.xlsx',
      'vendor/ai_enterprises.csv',
      ...BASE_YEARS.map((y) => `yearbook/中国城市统计年鉴${y + 1}.xlsx`),
    ]);
    for (const f of files) expect(f.sha256, f.path).toBe(sha(join(RAW, f.path)));

    const byName = new Map<number, Map<string, string>>();
    for (const y of BASE_YEARS) byName.set(y, new Map(reportedUnits(y).map((u) => [u.name, u.kind === 'merge' ? u.code : u.canonical_code])));
    const staleBack = new Map([...STALE_VENDOR_CODES].map(([canon, old]) => [old, canon]));
    const got = new Map<string, number | null>();
    for (const v of values) {
      let code: string;
      if (v.layout === 'yearbook') code = byName.get(v.year)!.get(v.name_raw)!;
      else code = staleBack.get(v.code_raw!) ?? v.code_raw!;
      expect(code, `${v.file} ${v.cell}`).toBeDefined();
      const key = `${v.indicator}|${v.year}|${code}|${v.indicator === 'ecommerce_volume' ? '-' : v.scope}`;
      expect(got.has(key), key).toBe(false);
      got.set(key, v.value === null ? null : v.value * independentFactor(RAW_INDICATORS[v.indicator as RawIndicator].unit, v.unit));
    }
    const expected = new Map<string, number | null>();
    for (const o of truth.city) expected.set(`${o.indicator}|${o.year}|${o.city_code}|${o.scope}`, o.value);
    for (const o of truth.province) expected.set(`${o.indicator}|${o.year}|${o.province_code}|-`, o.value);
    const lost = [...expected.keys()].filter((k) => !got.has(k) && !(k.startsWith('ecommerce_volume|') && k.endsWith('|100000|-')));
    expect(lost.slice(0, 10)).toEqual([]);
    let worst = 0;
    for (const [k, v] of expected) {
      if (!got.has(k)) continue;
      const g = got.get(k)!;
      if (v === null || g === null) {
        expect(g === null && v === null, k).toBe(true);
        continue;
      }
      worst = Math.max(worst, Math.abs(g - v) / Math.max(1, Math.abs(v)));
    }
    expect(worst).toBeLessThan(1e-9);
    const extra = [...got.keys()].filter((k) => !expected.has(k));
    expect(extra.filter((k) => got.get(k) !== null)).toEqual([]);
  });
});
