import { z } from 'zod';

/**
 * Raw source indicators: what the yearbook / EPS / vendor files report, before any derivation.
 * `unit` is the canonical unit every staged value is normalized to in the clean stage;
 * `extensive` quantities are summed when a predecessor city is merged into its successor,
 * ratios (extensive: false) are recomputed from their parts (see the catalogue in pipelines/catalogue.ts).
 */
export const RAW_INDICATORS = {
  // City Statistical Yearbook (全市 = whole city unless noted)
  gdp: { label: '地区生产总值', unit: '万元', level: 'city', extensive: true },
  gdp_primary: { label: '第一产业增加值', unit: '万元', level: 'city', extensive: true },
  gdp_secondary: { label: '第二产业增加值', unit: '万元', level: 'city', extensive: true },
  gdp_tertiary: { label: '第三产业增加值', unit: '万元', level: 'city', extensive: true },
  land_area: { label: '行政区域土地面积', unit: '平方公里', level: 'city', extensive: true },
  population: { label: '年末户籍人口', unit: '万人', level: 'city', extensive: true },
  students: { label: '普通高等学校在校学生数', unit: '人', level: 'city', extensive: true },
  edu_exp: { label: '教育支出', unit: '万元', level: 'city', extensive: true },
  sci_exp: { label: '科学技术支出', unit: '万元', level: 'city', extensive: true },
  budget_revenue: { label: '地方一般公共预算收入', unit: '万元', level: 'city', extensive: true },
  budget_expenditure: { label: '地方一般公共预算支出', unit: '万元', level: 'city', extensive: true },
  broadband_users: { label: '互联网宽带接入用户数', unit: '万户', level: 'city', extensive: true },
  mobile_users: { label: '移动电话年末用户数', unit: '万户', level: 'city', extensive: true },
  telecom_revenue: { label: '电信业务收入', unit: '万元', level: 'city', extensive: true },
  // EPS city series
  patents_granted: { label: '专利授权数', unit: '件', level: 'city', extensive: true },
  patent_applications: { label: '专利申请数', unit: '件', level: 'city', extensive: true },
  express_volume: { label: '快递业务量', unit: '万件', level: 'city', extensive: true },
  // EPS provincial series (China E-commerce Report)
  ecommerce_volume: { label: '电子商务交易额', unit: '亿元', level: 'province', extensive: true },
  // Vendor long panel
  ai_firms: { label: '人工智能企业数', unit: '家', level: 'city', extensive: true },
} as const;

export type RawIndicator = keyof typeof RAW_INDICATORS;
export const RawIndicatorName = z.enum(Object.keys(RAW_INDICATORS) as [RawIndicator, ...RawIndicator[]]);

/** The name of an indicator in staged values and later tables: one of RAW_INDICATORS, or one a source registry
 *  declares under `extra_indicators` (schemas/sources.ts). It becomes a column of the panel. */
export const IndicatorName = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'an indicator name: lower-case letters, digits and _, starting with a letter');

/** What the stages need to know of an indicator, fixed or declared by the registry. */
export interface IndicatorDefinition {
  label: string;
  /** canonical unit: every value is converted to it (UNIT_FACTORS) */
  unit: string;
  level: 'city' | 'province';
  /** extensive quantities are added up when a merged predecessor is; intensive ones (rates, ratios) never are */
  kind: 'extensive' | 'intensive';
  description: string | null;
  /** declared by the source registry (extra_indicators), not one of RAW_INDICATORS */
  user: boolean;
}

/** The fixed indicators as definitions. */
export function fixedIndicators(): Record<string, IndicatorDefinition> {
  return Object.fromEntries(Object.entries(RAW_INDICATORS).map(([name, d]) => [name, {
    label: d.label, unit: d.unit, level: d.level, kind: d.extensive ? 'extensive' : 'intensive', description: null, user: false,
  } satisfies IndicatorDefinition]));
}

/** Unit conversions to the canonical unit: factor such that canonical = value * factor. */
export const UNIT_FACTORS: Record<string, Record<string, number>> = {
  万元: { 元: 1e-4, 万元: 1, 亿元: 1e4 },
  亿元: { 元: 1e-8, 万元: 1e-4, 亿元: 1 },
  万人: { 人: 1e-4, 万人: 1 },
  人: { 人: 1, 万人: 1e4 },
  万户: { 户: 1e-4, 万户: 1 },
  万件: { 件: 1e-4, 万件: 1 },
  件: { 件: 1, 万件: 1e4 },
  家: { 家: 1, 个: 1 },
  平方公里: { 平方公里: 1, 公顷: 0.01 },
  // canonical units a registry's extra_indicators may use (FDI, road area, emissions, shares)
  万美元: { 美元: 1e-4, 万美元: 1, 百万美元: 100, 亿美元: 1e4 },
  万平方米: { 平方米: 1e-4, 万平方米: 1, 平方公里: 100 },
  万吨: { 吨: 1e-4, 万吨: 1 },
  '%': { '%': 1 },
};

/**
 * Other spellings of the unit table's units as files print them (in brackets after a column name, in a units row,
 * on an EPS 单位 line), compared after NFKC normalization with spaces removed: 亿元人民币 → 亿元.
 */
export const UNIT_ALIASES: Record<string, string> = {
  元人民币: '元', 人民币元: '元',
  万元人民币: '万元', 人民币万元: '万元',
  亿元人民币: '亿元', 人民币亿元: '亿元',
  平方千米: '平方公里', km2: '平方公里',
  百分比: '%',
};

/** A unit as printed → its name in the unit table (itself when it has no other spelling). */
export function unitName(printed: string): string {
  return Object.prototype.hasOwnProperty.call(UNIT_ALIASES, printed) ? UNIT_ALIASES[printed] : printed;
}

/** Whether a text names a unit of the unit table (directly or through UNIT_ALIASES). */
export function isKnownUnit(printed: string): boolean {
  const name = unitName(printed);
  return Object.values(UNIT_FACTORS).some((units) => Object.prototype.hasOwnProperty.call(units, name));
}
