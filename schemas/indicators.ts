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
};
