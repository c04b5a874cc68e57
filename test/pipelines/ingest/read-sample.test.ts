/** Ingest of the committed sample in raw/: shape of the output per layout and source. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../../pipelines/ingest/read.ts';
import { loadRegistry } from '../../../schemas/sources.ts';

const RAW = join(import.meta.dirname, '..', '..', '..', 'raw');

describe('ingest raw/ with the default registry', () => {
  it('reads every source, one value per key, provenance on every value', async () => {
    const registry = loadRegistry(join(RAW, 'sources.json'));
    const { values, files, stats } = await ingest({ rawDir: RAW });
    const bySource = new Map<string, number>();
    const byLayout = new Map<string, number>();
    for (const v of values) {
      bySource.set(v.source_id, (bySource.get(v.source_id) ?? 0) + 1);
      byLayout.set(v.layout, (byLayout.get(v.layout) ?? 0) + 1);
    }
    expect([...bySource.keys()].sort()).toEqual(registry.sources.map((s) => s.id).sort());
    // exact counts of the generated sample (a lost row or cell shows here): EPS city sheets hold 298 units × 12
    // years (3,576), the provincial e-commerce sheet 31 × 12 (372); each yearbook table reports 3,535 unit-years
    // per indicator (the units each edition lists, summed over the 12 editions): 3, 5, 4, 1 and 3 indicators
    // per table; the vendor AI-firm panel the same 3,535 unit-years
    expect(Object.fromEntries(bySource)).toEqual({
      'eps-patents-granted': 3576, 'eps-patent-applications': 3576, 'eps-express': 3576, 'eps-ecommerce': 372,
      'vendor-ai-firms': 3535, 'yearbook-population-land': 3 * 3535, 'yearbook-economy': 5 * 3535,
      'yearbook-finance': 4 * 3535, 'yearbook-education': 3535, 'yearbook-telecom': 3 * 3535,
    });
    expect(Object.fromEntries(byLayout)).toEqual({ yearbook: 16 * 3535, eps: 3 * 3576 + 372, long: 3535 });
    const keys = new Set(values.map((v) => `${v.source_id}|${v.indicator}|${v.scope}|${v.code_raw}|${v.name_raw}|${v.year}`));
    expect(keys.size).toBe(values.length);
    const cells = new Set(values.map((v) => `${v.file}|${v.sheet}|${v.cell}`));
    expect(cells.size).toBe(values.length);
    const sha = new Map(files.map((f) => [f.path, f.sha256]));
    expect(values.every((v) => sha.get(v.file) === v.file_sha256)).toBe(true);
    expect(new Set(values.map((v) => v.year))).toEqual(new Set(Array.from({ length: 12 }, (_, i) => 2011 + i)));
    // province rows never become cities; names carry no padding
    const provinceNames = new Set(['河北', '河北省', '吉林省', '山东', '山东省', '内蒙古', '内蒙古自治区', '全国', '全国合计']);
    expect(values.filter((v) => v.layout !== 'eps' || v.indicator !== 'ecommerce_volume').some((v) => provinceNames.has(v.name_raw))).toBe(false);
    expect(values.some((v) => /[\s\u3000]/.test(v.name_raw))).toBe(false);
    // units as printed, changing by edition
    expect(new Set(values.filter((v) => v.indicator === 'budget_revenue').map((v) => v.unit))).toEqual(new Set(['万元', '亿元']));
    expect(new Set(values.filter((v) => v.indicator === 'population').map((v) => v.unit))).toEqual(new Set(['万人', '人']));
    expect(stats.cells).toBeGreaterThan(values.length);
  });
});
