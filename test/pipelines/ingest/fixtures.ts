/** Tiny, hand-made inputs for the writer and ingest tests (no dependence on generator/truth.ts). */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as XLSX from 'xlsx';
import { RAW_INDICATORS, type RawIndicator } from '../../../schemas/indicators.ts';
import type { CityObservation, ProvinceObservation, SampleTruth } from '../../../generator/types.ts';
import type { UnitDirectory, ReportedUnitLike } from '../../../generator/write-common.ts';
import { ingest, type IngestLimits } from '../../../pipelines/ingest/read.ts';
import type { RegistryInput } from '../../../schemas/sources.ts';

export const FIXTURE_PROVINCES = [
  { province_code: '110000', name: '北京市', short: '北京' },
  { province_code: '130000', name: '河北省', short: '河北' },
  { province_code: '220000', name: '吉林省', short: '吉林' },
  { province_code: '370000', name: '山东省', short: '山东' },
  { province_code: '520000', name: '贵州省', short: '贵州' },
];

export const FIXTURE_CITIES = [
  { city_code: '110000', city_name: '北京', province: '北京' },
  { city_code: '130100', city_name: '石家庄', province: '河北' },
  { city_code: '130200', city_name: '唐山', province: '河北' },
  { city_code: '220100', city_name: '长春', province: '吉林' },
  { city_code: '220200', city_name: '吉林', province: '吉林' },
  { city_code: '370100', city_name: '济南', province: '山东' },
  { city_code: '520500', city_name: '毕节', province: '贵州' },
];

/** 莱芜 371200 is reported on its own up to 2015 here; 毕节 is printed only from 2015 (vendor back-casts it). */
export const fixtureDirectory: UnitDirectory = {
  reportedUnits(year: number): ReportedUnitLike[] {
    const units: ReportedUnitLike[] = FIXTURE_CITIES.filter((c) => c.city_code !== '520500' || year >= 2015).map((c) => ({
      name: c.city_name, code: c.city_code, province: c.province, canonical_code: c.city_code, kind: 'canonical',
    }));
    if (year <= 2015) units.push({ name: '莱芜', code: '371200', province: '山东', canonical_code: '370100', kind: 'merge' });
    return units.sort((a, b) => a.code.localeCompare(b.code));
  },
  provinces: () => FIXTURE_PROVINCES,
  cities: () => FIXTURE_CITIES,
};

export const FIXTURE_YEARS = [2014, 2015, 2018];

const CITY_INDICATORS = (Object.keys(RAW_INDICATORS) as RawIndicator[]).filter((k) => RAW_INDICATORS[k].level === 'city');
const EPS_VENDOR: ReadonlySet<RawIndicator> = new Set(['patents_granted', 'patent_applications', 'express_volume', 'ai_firms']);

/** Deterministic fixture values: a few with decimals, every 7th missing, ai_firms above 1,000 for some cities. */
export function fixtureTruth(years = FIXTURE_YEARS): SampleTruth {
  const city: CityObservation[] = [];
  let k = 0;
  for (const year of years) {
    for (const u of fixtureDirectory.reportedUnits(year)) {
      const code = u.kind === 'merge' ? u.code : u.canonical_code;
      for (const indicator of CITY_INDICATORS) {
        const scopes = EPS_VENDOR.has(indicator) ? (['全市'] as const) : (['全市', '市辖区'] as const);
        for (const scope of scopes) {
          k++;
          const base = (Number(code.slice(0, 4)) % 97) * 131 + (year - 2000) * 17 + indicator.length * 3;
          const value = k % 7 === 0 ? null : indicator === 'ai_firms' ? base * 3 : indicator === 'population' ? Math.round(base * 1.37) / 100 : base * 10 + (scope === '市辖区' ? 0.5 : 0.25);
          city.push({ indicator, year, city_code: code, scope, value });
        }
      }
    }
    // vendor covers 毕节 also in years the yearbook does not print it
    if (year < 2015) city.push({ indicator: 'ai_firms', year, city_code: '520500', scope: '全市', value: 4 + year - 2014 });
  }
  const province: ProvinceObservation[] = [];
  for (const year of years) for (const p of FIXTURE_PROVINCES) province.push({ indicator: 'ecommerce_volume', year, province_code: p.province_code, value: Number(p.province_code.slice(0, 2)) * 10.5 + year - 2000 });
  return { seed: 7, years, city, province, truthJson: { seed: 7 }, truthMd: '# fixture\n' };
}

export function tempDir(prefix = 'ingest-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFiles(dir: string, files: Array<{ path: string; data: Buffer | string }>): void {
  for (const f of files) {
    const full = join(dir, ...f.path.split('/'));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, f.data);
  }
}

/** Build an xlsx buffer from sheets given as arrays of rows (null = absent cell); cell objects pass through. */
export function xlsx(sheets: Record<string, unknown[][]>, extra?: (wb: XLSX.WorkBook) => void): Buffer {
  const wb = XLSX.utils.book_new();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = XLSX.utils.aoa_to_sheet(rows as XLSX.CellObject[][]);
    XLSX.utils.book_append_sheet(wb, ws, name);
  }
  extra?.(wb);
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

export { encodeGbk } from '../../helpers/gbk.ts';

/** Write the files into a fresh temp dir and ingest them with the given registry sources. */
export async function run(files: Array<{ path: string; data: Buffer | string }>, sources: RegistryInput['sources'], limits: Partial<IngestLimits> = {}) {
  const dir = tempDir();
  writeFiles(dir, files);
  return ingest({ rawDir: dir, registry: { version: 1, sources }, limits });
}

/** The workbook with the declared dimension of its sheets set to `ref` (exports often claim A1:J1048576 for a few
 *  thousand rows); the cells are untouched. Edits the sheet XML in the zip: SheetJS would write a million rows. */
export function withDimension(book: Buffer, ref: string): Buffer {
  const zip = XLSX.CFB.read(book, { type: 'buffer' });
  zip.FullPaths.forEach((path: string, i: number) => {
    if (!/worksheets\/sheet\d+\.xml$/.test(path)) return;
    const entry = zip.FileIndex[i];
    const xml = Buffer.from(entry.content as Uint8Array).toString('utf8').replace(/<dimension ref="[^"]*"\/>/, `<dimension ref="${ref}"/>`);
    entry.content = Buffer.from(xml, 'utf8');
    entry.size = entry.content.length;
  });
  return XLSX.CFB.write(zip, { fileType: 'zip', type: 'buffer', compression: true }) as Buffer;
}
