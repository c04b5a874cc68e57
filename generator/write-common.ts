/**
 * Shared by the spreadsheet writers: the directory of units a source prints, a seeded random stream per
 * file (pure-rand xoroshiro128+), reproducible xlsx output, and number formatting quirks.
 *
 * Reproducibility: SheetJS stamps docProps/core.xml with the creation date unless Props.CreatedDate is set, and
 * zip entry dates follow it; with a fixed CreatedDate the bytes are identical run to run (checked by
 * test/generator/generate.test.ts against the committed raw/).
 */
import * as XLSX from 'xlsx';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { UNIT_FACTORS, RAW_INDICATORS, type RawIndicator } from '../schemas/indicators.ts';
import type { CityObservation } from './types.ts';

export interface ReportedUnitLike {
  name: string;            // short name as printed that year
  code: string;            // code valid that year
  province: string;        // short province name
  canonical_code: string;  // end-of-panel city code
  kind: string;
}

export interface ProvinceLike {
  province_code: string;
  name: string;   // 河北省
  short: string;  // 河北
}

export interface CityLike {
  city_code: string;
  city_name: string;   // short
  province: string;    // short province name
}

/** What the writers need to know about administrative units (pipelines/harmonize/cities.ts in production). */
export interface UnitDirectory {
  reportedUnits(year: number): ReportedUnitLike[];
  provinces(): ProvinceLike[];
  cities(): CityLike[];
}

export interface OutputFile {
  path: string;     // relative to the output dir, '/' separated
  data: Buffer;
}

export interface WriterReport {
  files: OutputFile[];
  /** observations a layout could not print (no unit prints that city in that year) */
  skipped: number;
}

/** Resolve the unit a source prints for an observation's reporting-unit code in a year. */
export class UnitResolver {
  private readonly byYear = new Map<number, { byCode: Map<string, ReportedUnitLike>; byCanon: Map<string, ReportedUnitLike[]> }>();
  private readonly canonical: Map<string, CityLike>;

  constructor(private readonly dir: UnitDirectory) {
    this.canonical = new Map(dir.cities().map((c) => [c.city_code, c]));
  }

  private index(year: number) {
    let idx = this.byYear.get(year);
    if (!idx) {
      const byCode = new Map<string, ReportedUnitLike>();
      const byCanon = new Map<string, ReportedUnitLike[]>();
      for (const u of this.dir.reportedUnits(year)) {
        byCode.set(u.code, u);
        const l = byCanon.get(u.canonical_code) ?? [];
        l.push(u);
        byCanon.set(u.canonical_code, l);
      }
      idx = { byCode, byCanon };
      this.byYear.set(year, idx);
    }
    return idx;
  }

  /** The unit the yearbook prints for this reporting-unit code that year, if any. */
  printed(year: number, code: string): ReportedUnitLike | undefined {
    const idx = this.index(year);
    const direct = idx.byCode.get(code);
    if (direct) return direct;
    const l = idx.byCanon.get(code);
    return l && l.length === 1 ? l[0] : undefined;
  }

  /** Printed unit, else the canonical city back-cast to that year (vendor and EPS series cover more city-years). */
  printedOrCanonical(year: number, code: string): ReportedUnitLike | undefined {
    const p = this.printed(year, code);
    if (p) return p;
    const c = this.canonical.get(code);
    return c ? { name: c.city_name, code: c.city_code, province: c.province, canonical_code: c.city_code, kind: 'canonical' } : undefined;
  }
}

/** FNV-1a hash of a string, to derive one random stream per file from the seed. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export class Rng {
  private readonly g: ReturnType<typeof xoroshiro128plus>;
  constructor(seed: number, stream: string) {
    this.g = xoroshiro128plus((seed ^ fnv1a(stream)) | 0);
  }
  /** uniform in [0, 1) */
  next(): number {
    return (this.g.next() >>> 0) / 4294967296;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** Fixed workbook date: every sample workbook claims to be created at this instant. */
export const FIXED_DATE = new Date(Date.UTC(2024, 0, 1, 0, 0, 0));

export function xlsxBuffer(wb: XLSX.WorkBook): Buffer {
  wb.Props = { ...(wb.Props ?? {}), CreatedDate: FIXED_DATE, Author: 'sample generator', LastAuthor: 'sample generator' };
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

/** Yearbook padding: two-character names get a full-width space (北　京), province short names too (河　北). */
export function padName(name: string): string {
  return [...name].length === 2 ? `${[...name][0]}\u3000${[...name][1]}` : name;
}

/** Full name as EPS and vendors print it (石家庄 → 石家庄市; 毕节地区, 延边州 unchanged). */
export function fullCityName(name: string): string {
  return /(市|地区|州|盟)$/.test(name) ? name : `${name}市`;
}

/** Value in canonical unit → value in the written unit, without floating noise. */
export function toUnit(indicator: RawIndicator, value: number, unit: string): number {
  const canonical = RAW_INDICATORS[indicator].unit;
  const f = UNIT_FACTORS[canonical]?.[unit];
  if (f === undefined) throw new Error(`no factor ${unit} → ${canonical}`);
  return Number((value / f).toPrecision(12));
}

/** "12345.6" → "12,345.6" */
export function withThousands(v: number): string {
  const [int, frac] = String(v).split('.');
  const neg = int.startsWith('-');
  const digits = neg ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** "123" → "１２３" */
export function fullWidthDigits(s: string): string {
  return s.replace(/[0-9.]/g, (ch) => (ch === '.' ? '．' : String.fromCharCode(ch.charCodeAt(0) + 0xfee0)));
}

/** Index observations by indicator|year|code|scope. */
export class ObsIndex {
  private readonly m = new Map<string, number | null>();
  readonly codesByIndicator = new Map<string, Set<string>>();
  readonly scopesByIndicator = new Map<string, Set<'全市' | '市辖区'>>();
  constructor(obs: CityObservation[]) {
    for (const o of obs) {
      this.m.set(`${o.indicator}|${o.year}|${o.city_code}|${o.scope}`, o.value);
      let c = this.codesByIndicator.get(o.indicator);
      if (!c) this.codesByIndicator.set(o.indicator, (c = new Set()));
      c.add(o.city_code);
      let s = this.scopesByIndicator.get(o.indicator);
      if (!s) this.scopesByIndicator.set(o.indicator, (s = new Set()));
      s.add(o.scope);
    }
  }
  has(indicator: string, year: number, code: string, scope: string): boolean {
    return this.m.has(`${indicator}|${year}|${code}|${scope}`);
  }
  get(indicator: string, year: number, code: string, scope: string): number | null | undefined {
    return this.m.get(`${indicator}|${year}|${code}|${scope}`);
  }
}

/** Write a value the way the quirk chooses: number, number stored as text, or full-width text. */
export function quirkyNumber(v: number, rng: Rng, pText: number, pFullWidth: number): number | string {
  const u = rng.next();
  if (u < pFullWidth) return fullWidthDigits(String(v));
  if (u < pFullWidth + pText) return Math.abs(v) >= 1000 ? withThousands(v) : String(v);
  return v;
}
