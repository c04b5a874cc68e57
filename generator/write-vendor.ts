/**
 * Vendor long panel (as CSMAR or a data vendor delivers it): vendor/ai_enterprises.csv, UTF-8 with BOM, CRLF,
 * one row per city-year: 城市代码, 城市名称, 省份, 年份, 人工智能企业数, 统计口径 (a column no source reads).
 * Quirks: codes as the vendor keeps them — stale (毕节 and 铜仁 keep their 地区 codes 522400 / 522200 in every
 * year), or back-cast (a city-year the yearbook does not print, e.g. 日喀则 2013, gets the later city code and
 * name); names with the 市 suffix; counts of 1,000 or more sometimes quoted with a thousands separator; a
 * missing count is an empty field; a watermark line after the data.
 */
import type { SampleTruth } from './types.ts';
import { Rng, UnitResolver, fullCityName, withThousands, type UnitDirectory, type WriterReport } from './write-common.ts';

export const VENDOR_PATH = 'vendor/ai_enterprises.csv';

/** Canonical code → the stale code the vendor keeps using. */
export const STALE_VENDOR_CODES: ReadonlyMap<string, string> = new Map([
  ['520500', '522400'],
  ['520600', '522200'],
]);

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function writeVendor(truth: SampleTruth, dir: UnitDirectory): WriterReport {
  const resolver = new UnitResolver(dir);
  const rng = new Rng(truth.seed, 'vendor-ai');
  const provinceName = new Map(dir.provinces().map((p) => [p.short, p.name]));
  const obs = truth.city
    .filter((o) => o.indicator === 'ai_firms' && o.scope === '全市')
    .sort((a, b) => a.city_code.localeCompare(b.city_code) || a.year - b.year);
  const lines: string[] = ['城市代码,城市名称,省份,年份,人工智能企业数,统计口径'];
  let skipped = 0;
  for (const o of obs) {
    const u = resolver.printedOrCanonical(o.year, o.city_code);
    if (!u) {
      skipped++;
      continue;
    }
    const code = STALE_VENDOR_CODES.get(u.canonical_code) ?? u.code;
    let value = '';
    if (o.value !== null) value = o.value >= 1000 && rng.next() < 0.3 ? withThousands(o.value) : String(o.value);
    lines.push([code, fullCityName(u.name), provinceName.get(u.province) ?? u.province, String(o.year), value, '工商注册'].map(csvField).join(','));
  }
  lines.push('数据来源：XX数据库 仅供学术研究使用,,,,,');
  const text = `\uFEFF${lines.join('\r\n')}\r\n`;
  return { files: [{ path: VENDOR_PATH, data: Buffer.from(text, 'utf8') }], skipped };
}
