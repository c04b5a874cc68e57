/**
 * EPS exports: one indicator per sheet, regions × years, a header block (指标名称/单位/频度/数据来源) above and
 * "数据来源：EPS DATA" below.
 *   eps/中国城市数据库_专利.xlsx           sheets 专利授权数 (patents_granted), 专利申请数 (patent_applications)
 *   eps/中国城市数据库_快递业务量.xlsx     sheet 快递业务量 (express_volume)
 *   eps/中国宏观经济数据库_电子商务交易额.xlsx  sheet 电子商务交易额 (ecommerce_volume, provinces, with a 全国 row)
 * A city row carries the code and full name valid in the last year the unit reports (EPS back-casts current
 * codes); a merged predecessor (莱芜 371200) keeps its own row, empty after it was merged. Year headers are
 * numbers in the city files and "2011年" text in the provincial file. Missing values are empty cells; a few
 * numbers are stored as text.
 */
import * as XLSX from 'xlsx';
import { RAW_INDICATORS, type RawIndicator } from '../schemas/indicators.ts';
import type { SampleTruth } from './types.ts';
import {
  ObsIndex, Rng, UnitResolver, fullCityName, quirkyNumber, toUnit, xlsxBuffer,
  type OutputFile, type UnitDirectory, type WriterReport,
} from './write-common.ts';

export interface EpsSheetSpec {
  indicator: RawIndicator;
  sheet: string;
  origin: string;
}

export interface EpsFileSpec {
  path: string;
  level: 'city' | 'province';
  sheets: EpsSheetSpec[];
}

export const EPS_FILES: EpsFileSpec[] = [
  {
    path: 'eps/中国城市数据库_专利.xlsx',
    level: 'city',
    sheets: [
      { indicator: 'patents_granted', sheet: '专利授权数', origin: '国家知识产权局' },
      { indicator: 'patent_applications', sheet: '专利申请数', origin: '国家知识产权局' },
    ],
  },
  { path: 'eps/中国城市数据库_快递业务量.xlsx', level: 'city', sheets: [{ indicator: 'express_volume', sheet: '快递业务量', origin: '国家邮政局' }] },
  {
    path: 'eps/中国宏观经济数据库_电子商务交易额.xlsx',
    level: 'province',
    sheets: [{ indicator: 'ecommerce_volume', sheet: '电子商务交易额', origin: '商务部《中国电子商务报告》' }],
  },
];

type Row = Array<string | number | null>;

export function writeEps(truth: SampleTruth, dir: UnitDirectory): WriterReport {
  const obs = new ObsIndex(truth.city);
  const resolver = new UnitResolver(dir);
  const years = [...truth.years].sort((a, b) => a - b);
  const provinceList = [...dir.provinces()].sort((a, b) => a.province_code.localeCompare(b.province_code));
  const files: OutputFile[] = [];
  let skipped = 0;

  for (const f of EPS_FILES) {
    const wb = XLSX.utils.book_new();
    for (const spec of f.sheets) {
      const rng = new Rng(truth.seed, `eps-${spec.indicator}`);
      const unit = RAW_INDICATORS[spec.indicator].unit;
      const rows: Row[] = [
        [`指标名称：${RAW_INDICATORS[spec.indicator].label}`],
        [`单位：${unit}`],
        ['频度：年'],
        [`数据来源：${spec.origin}`],
        [],
      ];
      const yearHeader = f.level === 'city' ? years : years.map((y) => `${y}年`);
      rows.push(['地区代码', '地区名称', ...yearHeader]);
      const fmt = (v: number | null | undefined): string | number | null => {
        if (v === undefined || v === null) return null;
        return quirkyNumber(toUnit(spec.indicator, v, unit), rng, 0.003, 0.001);
      };
      if (f.level === 'city') {
        const codes = [...(obs.codesByIndicator.get(spec.indicator) ?? [])];
        const printed: Array<{ code: string; name: string; obsCode: string }> = [];
        for (const code of codes) {
          let last: { code: string; name: string } | undefined;
          for (const y of years) {
            const u = resolver.printedOrCanonical(y, code);
            if (u && (obs.has(spec.indicator, y, code, '全市') || obs.has(spec.indicator, y, code, '市辖区'))) last = { code: u.code, name: fullCityName(u.name) };
          }
          if (last) printed.push({ ...last, obsCode: code });
          else skipped++;
        }
        printed.sort((a, b) => a.code.localeCompare(b.code) || a.name.localeCompare(b.name));
        for (const p of printed) {
          rows.push([p.code, p.name, ...years.map((y) => fmt(obs.get(spec.indicator, y, p.obsCode, '全市')))]);
        }
      } else {
        const pv = new Map<string, number | null>();
        for (const o of truth.province) if (o.indicator === spec.indicator) pv.set(`${o.province_code}|${o.year}`, o.value);
        const totals = years.map((y) => {
          let sum = 0;
          for (const p of provinceList) {
            const v = pv.get(`${p.province_code}|${y}`);
            if (v === undefined || v === null) return null;
            sum += v;
          }
          return Number(sum.toPrecision(12));
        });
        rows.push(['100000', '全国', ...totals]);
        for (const p of provinceList) {
          if (!years.some((y) => pv.has(`${p.province_code}|${y}`))) continue;
          rows.push([p.province_code, p.name, ...years.map((y) => fmt(pv.get(`${p.province_code}|${y}`)))]);
        }
      }
      rows.push([]);
      rows.push(['数据来源：EPS DATA（样本数据，确定性生成）']);
      const ws = XLSX.utils.aoa_to_sheet(rows);
      XLSX.utils.book_append_sheet(wb, ws, spec.sheet);
    }
    files.push({ path: f.path, data: xlsxBuffer(wb) });
  }
  return { files, skipped };
}
