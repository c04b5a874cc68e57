import { independentFactor } from '../helpers/units.ts';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { RAW_INDICATORS, type RawIndicator } from '../../schemas/indicators.ts';
import { renderSample } from '../../generator/write-sample.ts';
import { writeYearbooks, yearbookPath } from '../../generator/write-yearbook.ts';
import { writeEps } from '../../generator/write-eps.ts';
import { writeVendor, VENDOR_PATH } from '../../generator/write-vendor.ts';
import { ingest } from '../../pipelines/ingest/read.ts';
import { fixtureDirectory, fixtureTruth, tempDir, writeFiles } from '../pipelines/ingest/fixtures.ts';

const truth = fixtureTruth();

function sheetRows(buf: Buffer, sheet: string): unknown[][] {
  const wb = XLSX.read(buf, { type: 'buffer' });
  return XLSX.utils.sheet_to_json(wb.Sheets[sheet], { header: 1, defval: null, blankrows: true });
}

describe('yearbook writer', () => {
  const { files } = writeYearbooks(truth, fixtureDirectory);
  const byPath = new Map(files.map((f) => [f.path, f.data]));

  it('writes one workbook per edition (data year + 1)', () => {
    expect(files.map((f) => f.path)).toEqual([yearbookPath(2015), yearbookPath(2016), yearbookPath(2019)]);
  });

  it('prints padded names, province rows, edition-specific labels, units and footnotes', () => {
    const rows2015 = sheetRows(byPath.get(yearbookPath(2015))!, '2-12 财政');
    expect(rows2015[2]).toContain('地方财政一般预算内收入');
    expect(rows2015[3]).toContain('全市');
    expect(rows2015[3]).toContain('市辖区');
    expect(rows2015[4][1]).toBe('（亿元）');
    const names = rows2015.map((r) => r[0]);
    expect(names).toContain('北\u3000京');
    expect(names).toContain('河\u3000北');
    expect(names).toContain('吉\u3000林');
    expect(names).toContain('莱\u3000芜');
    expect(names.some((n) => typeof n === 'string' && n.startsWith('注：'))).toBe(true);
    expect(names.some((n) => typeof n === 'string' && n.startsWith('资料来源：'))).toBe(true);

    const rows2019 = sheetRows(byPath.get(yearbookPath(2019))!, '2-1 人口与土地');
    expect(rows2019[2]).toContain('年末户籍人口');
    expect(rows2019[4][1]).toBe('人');
    expect(rows2019.map((r) => r[0])).toContain('河北省');
  });

  it('merges each label over its scope columns', () => {
    const wb = XLSX.read(byPath.get(yearbookPath(2016))!, { type: 'buffer' });
    const merges = wb.Sheets['2-7 综合经济']['!merges']!;
    expect(merges.some((m) => m.s.r === 2 && m.s.c === 1 && m.e.c === 2)).toBe(true);
  });

  it('is deterministic', () => {
    const again = writeYearbooks(truth, fixtureDirectory).files;
    expect(again.map((f) => f.data.equals(byPath.get(f.path)!))).toEqual(again.map(() => true));
  });
});

describe('EPS and vendor writers', () => {
  it('EPS: header block, codes + full names, 莱芜 row, provincial sheet with 全国', () => {
    const { files } = writeEps(truth, fixtureDirectory);
    const patents = files.find((f) => f.path.includes('专利'))!;
    const rows = sheetRows(patents.data, '专利授权数');
    expect(rows[0][0]).toBe('指标名称：专利授权数');
    expect(rows[1][0]).toBe('单位：件');
    const header = rows.find((r) => r[0] === '地区代码')!;
    expect(header.slice(2)).toEqual([2014, 2015, 2018]);
    expect(rows.some((r) => r[0] === '371200' && r[1] === '莱芜市')).toBe(true);
    expect(rows.some((r) => r[0] === '520500' && r[1] === '毕节市')).toBe(true);
    expect(rows[rows.length - 1][0]).toMatch(/^数据来源：EPS DATA/);
    const prov = files.find((f) => f.path.includes('电子商务'))!;
    const prows = sheetRows(prov.data, '电子商务交易额');
    expect(prows.some((r) => r[1] === '全国')).toBe(true);
    expect(prows.some((r) => r[0] === '130000' && r[1] === '河北省')).toBe(true);
  });

  it('vendor CSV: BOM, stale 毕节 code, watermark', () => {
    const { files } = writeVendor(truth, fixtureDirectory);
    const text = files[0].data.toString('utf8');
    expect(files[0].path).toBe(VENDOR_PATH);
    expect(text.startsWith('\uFEFF城市代码,城市名称,省份,年份,人工智能企业数,统计口径\r\n')).toBe(true);
    expect(text).toContain('522400,毕节市,贵州省,2014,');
    expect(text).toMatch(/"\d{1,3},\d{3}"/);
    expect(text.trimEnd().split('\r\n').pop()).toMatch(/^数据来源：XX数据库 仅供学术研究使用/);
  });
});

describe('writers → ingest round trip', () => {
  it('every observation comes back once with its value (unit-converted), nothing else appears', async () => {
    const dir = tempDir('roundtrip-');
    writeFiles(dir, renderSample(truth, fixtureDirectory).files);
    copyFileSync(join(import.meta.dirname, '../../raw/sources.json'), join(dir, 'sources.json'));
    const { values } = await ingest({ rawDir: dir });

    const expected = new Map<string, number | null>();
    for (const o of truth.city) expected.set(`${o.indicator}|${o.year}|${o.city_code}|${o.scope}`, o.value);
    for (const o of truth.province) expected.set(`${o.indicator}|${o.year}|${o.province_code}|-`, o.value);

    const nameToCode = (year: number, name: string): string => {
      const u = fixtureDirectory.reportedUnits(year).find((x) => x.name === name.replace(/市$/, '') || x.name === name);
      if (!u) throw new Error(`no unit ${name} ${year}`);
      return u.kind === 'merge' ? u.code : u.canonical_code;
    };
    const got = new Map<string, number | null>();
    for (const v of values) {
      let code: string;
      if (v.indicator === 'ecommerce_volume') code = v.code_raw!;
      else if (v.layout === 'yearbook') code = nameToCode(v.year, v.name_raw);
      else code = v.code_raw === '522400' ? '520500' : v.code_raw!;
      const key = `${v.indicator}|${v.year}|${code}|${v.indicator === 'ecommerce_volume' ? '-' : v.scope}`;
      expect(got.has(key), key).toBe(false);
      const f = independentFactor(RAW_INDICATORS[v.indicator as RawIndicator].unit, v.unit);
      got.set(key, v.value === null ? null : v.value * f);
    }
    // EPS matrices also hold empty cells where a unit did not report (莱芜 after its merge, 毕节 before it was
    // printed): staged as null, nothing else is extra
    const extra = [...got.keys()].filter((k) => !expected.has(k));
    expect(extra.map((k) => got.get(k))).toEqual(extra.map(() => null));
    expect(extra.every((k) => /^(patents_granted|patent_applications|express_volume)\|/.test(k))).toBe(true);
    expect([...expected.keys()].filter((k) => !got.has(k))).toEqual([]);
    for (const [k, v] of expected) {
      const g = got.get(k)!;
      if (v === null) expect(g, k).toBeNull();
      else expect(Math.abs(g - v), k).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
    }
    const units = new Set(values.filter((v) => v.indicator === 'budget_revenue').map((v) => `${v.year}:${v.unit}`));
    expect(units).toEqual(new Set(['2014:亿元', '2015:万元', '2018:万元']));
    expect(new Set(values.filter((v) => v.indicator === 'population').map((v) => `${v.year}:${v.unit}`))).toEqual(new Set(['2014:万人', '2015:万人', '2018:人']));
  });
});
