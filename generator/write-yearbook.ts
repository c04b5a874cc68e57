/**
 * City Statistical Yearbook workbooks: one per edition (yearbook/中国城市统计年鉴{edition}.xlsx, edition = data
 * year + 1), five topic sheets. Quirks, all deterministic given the seed:
 *  - title rows; two-level header: labels merged over 全市 / 市辖区 columns; a units row (bracketed in editions ≤ 2017)
 *  - labels change by edition: 年末总人口 (≤ 2016) → 年末户籍人口; 地方财政一般预算内收入/支出 (≤ 2015) →
 *    地方一般公共预算收入/支出
 *  - units change by edition: the 2015 edition prints the finance sheet in 亿元, the 2019 edition prints
 *    population in 人 (the units row says so)
 *  - municipalities first in code order as cities (北　京); provinces as rows without data (河　北 in editions
 *    ≤ 2016, 河北省 later) followed by their cities; the economy sheet gives province rows and a 全国合计 row totals
 *  - two-character names padded with a full-width space
 *  - missing values: one marker per edition ('—', '…', '-' or empty), some cells left empty anyway
 *  - a few numbers stored as text, with thousands separators or full-width digits
 *  - footnotes under the table (注：…, 资料来源：…)
 */
import * as XLSX from 'xlsx';
import { RAW_INDICATORS, type RawIndicator } from '../schemas/indicators.ts';
import type { SampleTruth } from './types.ts';
import {
  ObsIndex, Rng, padName, quirkyNumber, toUnit, xlsxBuffer,
  type OutputFile, type ReportedUnitLike, type UnitDirectory, type WriterReport,
} from './write-common.ts';

export interface YearbookSheetSpec {
  name: string;
  en: string;
  indicators: RawIndicator[];
  totals: boolean;
}

export const YEARBOOK_SHEETS: YearbookSheetSpec[] = [
  { name: '2-1 人口与土地', en: 'Population and Land Area', indicators: ['population', 'land_area'], totals: false },
  { name: '2-7 综合经济', en: 'Comprehensive Economy', indicators: ['gdp', 'gdp_primary', 'gdp_secondary', 'gdp_tertiary'], totals: true },
  { name: '2-12 财政', en: 'Public Finance', indicators: ['budget_revenue', 'budget_expenditure', 'edu_exp', 'sci_exp'], totals: false },
  { name: '2-20 教育', en: 'Education', indicators: ['students'], totals: false },
  { name: '2-28 邮电通信', en: 'Post and Telecommunication', indicators: ['broadband_users', 'mobile_users', 'telecom_revenue'], totals: false },
];

export const yearbookPath = (edition: number) => `yearbook/中国城市统计年鉴${edition}.xlsx`;

/** Label printed by an edition. */
export function yearbookLabel(indicator: RawIndicator, edition: number): string {
  if (indicator === 'population' && edition <= 2016) return '年末总人口';
  if (indicator === 'budget_revenue' && edition <= 2015) return '地方财政一般预算内收入';
  if (indicator === 'budget_expenditure' && edition <= 2015) return '地方财政一般预算内支出';
  return RAW_INDICATORS[indicator].label;
}

const FINANCE: ReadonlySet<RawIndicator> = new Set(['budget_revenue', 'budget_expenditure', 'edu_exp', 'sci_exp']);

/** Unit printed by an edition. */
export function yearbookUnit(indicator: RawIndicator, edition: number): string {
  if (edition === 2015 && FINANCE.has(indicator)) return '亿元';
  if (edition === 2019 && indicator === 'population') return '人';
  return RAW_INDICATORS[indicator].unit;
}

const MARKERS = ['—', '…', '-', ''] as const;

type Row = Array<string | number | null>;

export function writeYearbooks(truth: SampleTruth, dir: UnitDirectory): WriterReport {
  const obs = new ObsIndex(truth.city);
  const provinceList = [...dir.provinces()].sort((a, b) => a.province_code.localeCompare(b.province_code));
  const files: OutputFile[] = [];
  let skipped = 0;
  const yearbookIndicators = new Set(YEARBOOK_SHEETS.flatMap((s) => s.indicators));

  for (const year of truth.years) {
    const edition = year + 1;
    const rng = new Rng(truth.seed, `yearbook-${edition}`);
    const units = dir.reportedUnits(year);
    // reporting-unit code of the observations this printed unit carries
    const obsCode = (u: ReportedUnitLike) => (u.kind === 'merge' ? u.code : u.canonical_code);
    const printedCodes = new Set(units.map(obsCode));
    for (const o of truth.city) {
      if (o.year === year && yearbookIndicators.has(o.indicator) && !printedCodes.has(o.city_code)) skipped++;
    }
    const byProvince = new Map<string, ReportedUnitLike[]>();
    for (const u of units) {
      const l = byProvince.get(u.province) ?? [];
      l.push(u);
      byProvince.set(u.province, l);
    }
    const editionMarker = MARKERS[edition % MARKERS.length];

    const wb = XLSX.utils.book_new();
    for (const spec of YEARBOOK_SHEETS) {
      const cols: Array<{ indicator: RawIndicator; scope: '全市' | '市辖区'; unit: string }> = [];
      for (const ind of spec.indicators) {
        const scopes = obs.scopesByIndicator.get(ind);
        if (!scopes) continue;
        for (const s of ['全市', '市辖区'] as const) if (scopes.has(s)) cols.push({ indicator: ind, scope: s, unit: yearbookUnit(ind, edition) });
      }
      if (cols.length === 0) continue;
      const width = cols.length + 1;
      const rows: Row[] = [];
      const merges: XLSX.Range[] = [];
      rows.push([`${spec.name}`]);
      rows.push([`${spec.en} (${year})`]);
      merges.push({ s: { r: 0, c: 0 }, e: { r: 0, c: width - 1 } }, { s: { r: 1, c: 0 }, e: { r: 1, c: width - 1 } });
      const h1: Row = ['城　市'];
      const h2: Row = [null];
      const h3: Row = [null];
      let c = 1;
      for (const ind of spec.indicators) {
        const n = cols.filter((x) => x.indicator === ind).length;
        if (n === 0) continue;
        h1.push(yearbookLabel(ind, edition));
        for (let k = 1; k < n; k++) h1.push(null);
        if (n > 1) merges.push({ s: { r: 2, c }, e: { r: 2, c: c + n - 1 } });
        c += n;
      }
      for (const col of cols) {
        h2.push(col.scope);
        h3.push(edition <= 2017 ? `（${col.unit}）` : col.unit);
      }
      merges.push({ s: { r: 2, c: 0 }, e: { r: 3, c: 0 } });
      rows.push(h1, h2, h3);

      const cell = (u: ReportedUnitLike, col: (typeof cols)[number]): string | number | null => {
        const v = obs.get(col.indicator, year, obsCode(u), col.scope);
        if (v === undefined) return null;
        if (v === null) return rng.next() < 0.2 ? null : editionMarker || null;
        return quirkyNumber(toUnit(col.indicator, v, col.unit), rng, 0.004, 0.001);
      };
      const total = (list: ReportedUnitLike[], col: (typeof cols)[number]): number | null => {
        let sum = 0;
        for (const u of list) {
          const v = obs.get(col.indicator, year, obsCode(u), col.scope);
          if (v === undefined || v === null) return null;
          sum += toUnit(col.indicator, v, col.unit);
        }
        return list.length ? Number(sum.toPrecision(12)) : null;
      };
      if (spec.totals) rows.push(['全国合计', ...cols.map((col) => total(units, col))]);
      for (const p of provinceList) {
        const list = (byProvince.get(p.short) ?? []).sort((a, b) => a.code.localeCompare(b.code));
        if (list.length === 0) continue;
        const municipality = p.name.endsWith('市');
        if (!municipality) {
          const label = edition <= 2016 ? padName(p.short) : p.name;
          rows.push([label, ...cols.map((col) => (spec.totals ? total(list, col) : null))]);
        }
        for (const u of list) rows.push([padName(u.name), ...cols.map((col) => cell(u, col))]);
      }
      rows.push([]);
      rows.push(['注：1. 市辖区指标不包括所辖县（市）；2. 本表为确定性生成的样本数据，并非真实统计。']);
      rows.push(['资料来源：样本数据生成器（依《中国城市统计年鉴》表式）。']);
      const ws = XLSX.utils.aoa_to_sheet(rows);
      ws['!merges'] = merges;
      ws['!cols'] = [{ wch: 10 }, ...cols.map(() => ({ wch: 12 }))];
      XLSX.utils.book_append_sheet(wb, ws, spec.name);
    }
    files.push({ path: yearbookPath(edition), data: xlsxBuffer(wb) });
  }
  return { files, skipped };
}
