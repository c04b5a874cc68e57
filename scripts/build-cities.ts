/**
 * Derives reference/cities.csv and reference/provinces.csv from the GB/T 2260 code history
 * (test/fixtures/data/areacodes-history.csv, areacodes project, CC0). Run once by hand:
 *
 *   npx tsx scripts/build-cities.ts [path/to/areacodes-history.csv]
 *
 * The committed CSVs are the project's own statement of the facts; the pipeline never reads the code history itself.
 *
 * Universe: units the China City Statistical Yearbook reports as cities (地级以上城市) in data years
 * 2011–2022 that still exist at the end of the panel = the 4 municipalities + every 地级市 in use
 * in the code lists of 2022. Predecessors that disappeared (巢湖 2011, 莱芜 2018) live in
 * reference/crosswalk.csv, not here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = process.argv[2] ?? join(here, '..', 'test', 'fixtures', 'data', 'areacodes-history.csv');

const PANEL_FIRST = 2011;
const PANEL_LAST = 2022;

/** Short province names as the yearbooks print them, and the three-belt region rule. */
const PROVINCES: Record<string, { short: string; region: 'east' | 'central' | 'west' }> = {
  北京市: { short: '北京', region: 'east' },
  天津市: { short: '天津', region: 'east' },
  河北省: { short: '河北', region: 'east' },
  山西省: { short: '山西', region: 'central' },
  内蒙古自治区: { short: '内蒙古', region: 'west' },
  辽宁省: { short: '辽宁', region: 'east' },
  吉林省: { short: '吉林', region: 'central' },
  黑龙江省: { short: '黑龙江', region: 'central' },
  上海市: { short: '上海', region: 'east' },
  江苏省: { short: '江苏', region: 'east' },
  浙江省: { short: '浙江', region: 'east' },
  安徽省: { short: '安徽', region: 'central' },
  福建省: { short: '福建', region: 'east' },
  江西省: { short: '江西', region: 'central' },
  山东省: { short: '山东', region: 'east' },
  河南省: { short: '河南', region: 'central' },
  湖北省: { short: '湖北', region: 'central' },
  湖南省: { short: '湖南', region: 'central' },
  广东省: { short: '广东', region: 'east' },
  广西壮族自治区: { short: '广西', region: 'west' },
  海南省: { short: '海南', region: 'east' },
  重庆市: { short: '重庆', region: 'west' },
  四川省: { short: '四川', region: 'west' },
  贵州省: { short: '贵州', region: 'west' },
  云南省: { short: '云南', region: 'west' },
  西藏自治区: { short: '西藏', region: 'west' },
  陕西省: { short: '陕西', region: 'west' },
  甘肃省: { short: '甘肃', region: 'west' },
  青海省: { short: '青海', region: 'west' },
  宁夏回族自治区: { short: '宁夏', region: 'west' },
  新疆维吾尔自治区: { short: '新疆', region: 'west' },
};
const MUNICIPALITIES = new Set(['110000', '120000', '310000', '500000']);

interface CodeRow {
  code: string;
  province: string;
  name: string;
  level: string;
  status: string;
  from: number;
  to: number | null;
}

function readCodes(path: string): CodeRow[] {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  return lines.slice(1).map((line) => {
    const f = line.split(',');
    return {
      code: f[0],
      province: f[1],
      name: f[3],
      level: f[4],
      status: f[5],
      from: Number(f[6]),
      to: f[7] === '' ? null : Number(f[7]),
    };
  });
}

/** Valid in the code list of 31 December of `year` (a code changed/abolished in Y is absent from list Y). */
const validAt = (r: CodeRow, year: number) => r.from <= year && (r.to === null || r.to > year);

const rows = readCodes(src);
const provinces = rows.filter((r) => r.level === '省级' && PROVINCES[r.name] !== undefined);
if (provinces.length !== 31) throw new Error(`expected 31 provincial units, found ${provinces.length}`);

const provinceByName = new Map(provinces.map((p) => [p.name, p]));
const cities: string[][] = [];
for (const p of provinces) {
  if (MUNICIPALITIES.has(p.code)) {
    const meta = PROVINCES[p.name];
    cities.push([p.code, meta.short, p.name, meta.short, p.code, meta.region, 'true', String(Math.max(PANEL_FIRST, p.from))]);
  }
}
for (const r of rows) {
  if (r.level !== '地级' || !r.name.endsWith('市') || !validAt(r, PANEL_LAST)) continue;
  const p = provinceByName.get(r.province);
  if (!p) throw new Error(`unknown province ${r.province} for ${r.code}`);
  const meta = PROVINCES[p.name];
  cities.push([
    r.code,
    r.name.slice(0, -1),
    r.name,
    meta.short,
    p.code,
    meta.region,
    'false',
    String(Math.max(PANEL_FIRST, r.from)),
  ]);
}
cities.sort((a, b) => a[0].localeCompare(b[0]));

const header = ['city_code', 'city_name', 'city_name_full', 'province', 'province_code', 'region', 'is_municipality', 'first_year'];
writeFileSync(join(here, '..', 'reference', 'cities.csv'), [header, ...cities].map((r) => r.join(',')).join('\n') + '\n');

const provHeader = ['province_code', 'name', 'short', 'region'];
const provRows = provinces
  .map((p) => [p.code, p.name, PROVINCES[p.name].short, PROVINCES[p.name].region])
  .sort((a, b) => a[0].localeCompare(b[0]));
writeFileSync(join(here, '..', 'reference', 'provinces.csv'), [provHeader, ...provRows].map((r) => r.join(',')).join('\n') + '\n');

const byRegion = new Map<string, number>();
for (const c of cities) byRegion.set(c[5], (byRegion.get(c[5]) ?? 0) + 1);
console.log(`cities.csv: ${cities.length} cities`, Object.fromEntries(byRegion), `provinces.csv: ${provRows.length}`);
