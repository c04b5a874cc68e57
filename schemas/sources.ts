import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fixedIndicators, IndicatorName, RAW_INDICATORS, UNIT_FACTORS, type IndicatorDefinition } from './indicators.ts';
import { PANEL_VARIABLES, SPLITS } from './catalogue.ts';

/**
 * SOURCE REGISTRY — which raw file feeds which raw indicator, and how to read it.
 *
 * The registry is a JSON data file (default: raw/sources.json, describing the bundled sample). A user with
 * real exports edits that file (or passes another one to `ingest({ registry })`); no code changes are needed
 * as long as the files follow one of the three layouts:
 *
 *   layout "yearbook"  China City Statistical Yearbook table exported to xlsx: title rows, a two-level header
 *                      (indicator labels on the first level, merged over their 全市 / 市辖区 columns on the
 *                      second level), a units row, province rows interleaved with their cities, footnotes.
 *                      One workbook per edition; the data year is edition − edition_offset (normally 1).
 *   layout "eps"       EPS export: one indicator per sheet, regions × years matrix (region code, region name,
 *                      one column per year), a header block above (指标名称 / 单位 / 频度 / 数据来源) and a
 *                      source footnote below.
 *   layout "long"      Vendor / CSMAR long panel: one row per region-year, indicator columns (CSV in UTF-8
 *                      with or without BOM, or GBK; or one sheet of an xlsx).
 *
 * Fields common to every source:
 *   id          unique id, copied into every staged value (provenance.source_id)
 *   file        path relative to the raw dir, '/' separated. Placeholders: {edition} (4-digit yearbook edition,
 *               data year = edition − edition_offset), {year} (4-digit data year), * (any characters except '/').
 *               Every matching file is read.
 *   years       {from, to}: data years this source may contain. A year outside is an error (a wrong file or a
 *               typo), so widen `to` when a new edition arrives.
 *   optional    false (default): no matching file is an error; true: the source is skipped when absent.
 *   precedence  an integer; needed when several sources report the same city, year and indicator (a vendor panel
 *               next to the yearbook): the value of the source with the highest precedence is used, a source
 *               without a value for that city-year leaves it to the next, and every difference between them is in
 *               the warehouse table quality_discrepancies. Two rows of one source for one city-year stay an error.
 *
 * Units: a literal unit string ("万元"), or "row" (yearbook: read the units row under the header), or
 * "header" (EPS: read the 单位 line of the header block; yearbook: the bracket in the label, "地区生产总值(万元)";
 * long: the bracket after the column name, "gdp（亿元人民币）"). Other spellings map through UNIT_ALIASES
 * (亿元人民币 → 亿元); an unknown unit stops the run naming the cell it was read from. The unit read is recorded
 * on every staged value; the clean stage converts it with UNIT_FACTORS.
 *
 * Indicators: the fixed list (schemas/indicators.ts), and any the registry declares under `extra_indicators`
 * (name, unit of the unit table, kind extensive/intensive, description): extra columns of the panel, listed in
 * meta_catalogue, never required by the drop rule. An indicator column may carry a `concept` tag (户籍 / 常住
 * population): it is recorded on every value, and two concepts feeding one indicator are a warning.
 *
 * Examples beyond the sample:
 *   - an edition that splits 全市 and 市辖区 into two sheets without a scope level: two yearbook sources on the
 *     same file pattern, one per sheet, with "scope": "全市" and "scope": "市辖区";
 *   - a relabelled indicator: add the old wording to `labels` (the sample already has 年末总人口 / 年末户籍人口);
 *   - one CSV per year from a vendor: "file": "vendor/ai_{year}.csv" (every row's year must equal the file's);
 *   - a source you only sometimes have: "optional": true.
 */

export const YearRange = z
  .object({
    from: z.number().int().describe('first data year accepted'),
    to: z.number().int().describe('last data year accepted'),
  })
  .refine((r) => r.from <= r.to, { message: 'years.from must be <= years.to' });

const base = {
  id: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/).describe('unique source id (letters, digits, _ . -)'),
  description: z.string().optional().describe('free text for humans'),
  file: z
    .string()
    .min(1)
    .refine((f) => !f.startsWith('/') && !f.split('/').includes('..'), { message: 'file must be relative to the raw dir, without ..' })
    .describe('file pattern relative to the raw dir; {edition}, {year} and * are placeholders'),
  years: YearRange.describe('data years this source may contain; anything else is an error'),
  optional: z.boolean().default(false).describe('true: skip silently when no file matches'),
  precedence: z.number().int().optional().describe('several sources for one indicator: where more than one reports a city-year, the '
    + 'value of the highest precedence is used and the others are compared with it (quality_discrepancies); each of them needs a different one'),
};

export const Scope = z.enum(['全市', '市辖区']);

/** Which concept of a quantity a column reports, as the file names it: population 户籍 (registered) or 常住
 *  (resident), GDP of one vintage or another. Recorded on every staged value; two concepts feeding one indicator
 *  are a warning (quality_concepts). */
export const Concept = z.string().min(1).max(40).describe('the concept the column reports, e.g. 户籍 or 常住 for population (recorded on every value; mixing two is a warning)');

export const YearbookIndicator = z.object({
  indicator: IndicatorName.describe('raw indicator fed by this column group (a fixed one or one of extra_indicators)'),
  labels: z.array(z.string().min(1)).min(1).describe('header label(s) as printed; aliases for other editions (e.g. 地方财政一般预算内收入)'),
  scopes: z.array(Scope).min(1).optional().describe('scope columns that must be present; default: read every 全市/市辖区 column under the label'),
  concept: Concept.optional(),
});

export const YearbookSource = z.object({
  layout: z.literal('yearbook'),
  ...base,
  edition_offset: z.number().int().default(1).describe('data year = edition − edition_offset (the yearbook of edition Y reports Y−1)'),
  sheet: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('sheet name (or alternatives); compared with all spaces removed'),
  header_search_rows: z.number().int().positive().default(30).describe('the header row is searched in the first N rows'),
  name_column: z.string().regex(/^[A-Z]{1,3}$/).default('A').describe('column letter of the city names'),
  unit: z.string().min(1).default('row').describe('"row" = units row under the header; "header" = bracket in the label; else a literal unit'),
  scope: Scope.optional().describe('scope of every column when the table has no 全市/市辖区 header level (e.g. a 全市-only table)'),
  indicators: z.array(YearbookIndicator).min(1),
});

export const EpsSource = z.object({
  layout: z.literal('eps'),
  ...base,
  sheet: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('sheet name (or alternatives)'),
  indicator: IndicatorName.describe('raw indicator (a fixed one or one of extra_indicators)'),
  concept: Concept.optional(),
  labels: z.array(z.string().min(1)).min(1).describe('indicator name(s) expected on the 指标名称 line'),
  level: z.enum(['city', 'province']).describe('regions are cities or provinces'),
  scope: Scope.nullable().default(null).describe('scope the series refers to (全市 / 市辖区), null = not stated by the source'),
  unit: z.string().min(1).default('header').describe('"header" = the 单位 line of the header block; else a literal unit'),
  code_headers: z.array(z.string().min(1)).default(['地区代码', '代码', '行政区划代码', '城市代码', '省份代码']),
  name_headers: z.array(z.string().min(1)).default(['地区名称', '地区', '城市名称', '城市', '省份名称', '省份']),
  header_search_rows: z.number().int().positive().default(30),
});

export const LongIndicator = z.object({
  indicator: IndicatorName.describe('raw indicator (a fixed one or one of extra_indicators)'),
  concept: Concept.optional(),
  column: z.string().min(1).describe('column header as printed, with or without its bracket: "gdp" finds "gdp（亿元人民币）"'),
  unit: z.string().min(1).describe('"header" = the bracket after the column name in the header cell ("gdp（亿元人民币）", "面积(平方公里)"); else the unit of the column (a unit printed in the header must agree)'),
});

export const LongSource = z.object({
  layout: z.literal('long'),
  ...base,
  sheet: z.string().optional().describe('xlsx only: sheet name (default: the first sheet)'),
  scope: Scope.nullable().default(null).describe('scope the series refers to (全市 / 市辖区), null = not stated by the source'),
  encoding: z.enum(['auto', 'utf-8', 'gbk']).default('auto').describe('CSV only: auto = UTF-8 (BOM optional) if valid, else GBK'),
  columns: z.object({
    code: z.string().min(1).optional().describe('region code column'),
    name: z.string().min(1).describe('region name column'),
    province: z.string().min(1).optional().describe('province column'),
    year: z.string().min(1).describe('data year column'),
  }),
  indicators: z.array(LongIndicator).min(1),
  header_search_rows: z.number().int().positive().default(30),
  skip_after_header: z.number().int().min(0).default(0).describe('rows between the header and the data to skip (CSMAR: English field names, units)'),
});

export const Source = z.discriminatedUnion('layout', [YearbookSource, EpsSource, LongSource]);
export type Source = z.infer<typeof Source>;
export type YearbookSource = z.infer<typeof YearbookSource>;
export type EpsSource = z.infer<typeof EpsSource>;
export type LongSource = z.infer<typeof LongSource>;

/** Panel columns an extra indicator may not be named after (DuckDB compares identifiers without case). */
const RESERVED_COLUMNS = new Set([
  'city_code', 'city_name', 'province', 'province_code', 'region', 'is_municipality', 'year', 'kept',
  ...PANEL_VARIABLES.flatMap((v) => [v, `${v}_level`, `${v}_w`]), ...Object.keys(SPLITS),
].map((c) => c.toLowerCase()));

export const ExtraIndicator = z.object({
  name: IndicatorName.describe('its column in the panel (lower-case letters, digits, _), e.g. fdi'),
  label: z.string().min(1).optional().describe('what it is, as a yearbook would print it (default: the name)'),
  unit: z.string().min(1).describe('canonical unit, one of the unit table (schemas/indicators.ts UNIT_FACTORS): every value is converted to it'),
  kind: z.enum(['extensive', 'intensive']).describe('extensive: an amount or a count (added up when a predecessor city is merged); intensive: a rate or ratio (never added up)'),
  description: z.string().optional().describe('free text for humans (meta_catalogue)'),
});
export type ExtraIndicator = z.infer<typeof ExtraIndicator>;

export const Registry = z
  .object({
    version: z.literal(1),
    description: z.string().optional(),
    extra_indicators: z.array(ExtraIndicator).default([]).describe('indicators beyond the fixed list: extra panel columns, never required by the drop rule'),
    sources: z.array(Source).min(1),
  })
  .superRefine((reg, ctx) => {
    const extra = new Set<string>();
    for (const [i, x] of reg.extra_indicators.entries()) {
      const at = ['extra_indicators', i, 'name'];
      if (Object.hasOwn(RAW_INDICATORS, x.name)) ctx.addIssue({ code: 'custom', message: `'${x.name}' is a fixed indicator already; give the extra one another name`, path: at });
      else if (RESERVED_COLUMNS.has(x.name) || x.name.startsWith('prov_')) ctx.addIssue({ code: 'custom', message: `'${x.name}' is taken by a panel column; give the extra indicator another name`, path: at });
      else if (extra.has(x.name)) ctx.addIssue({ code: 'custom', message: `extra indicator '${x.name}' is declared twice`, path: at });
      if (!Object.hasOwn(UNIT_FACTORS, x.unit)) {
        ctx.addIssue({ code: 'custom', message: `expected a unit of the unit table (${Object.keys(UNIT_FACTORS).join(', ')}), got '${x.unit}'`, path: ['extra_indicators', i, 'unit'] });
      }
      extra.add(x.name);
    }
    for (const [i, s] of reg.sources.entries()) {
      const fed = s.layout === 'eps' ? [{ indicator: s.indicator, at: ['sources', i, 'indicator'] }]
        : s.indicators.map((x, k) => ({ indicator: x.indicator, at: ['sources', i, 'indicators', k, 'indicator'] }));
      for (const f of fed) {
        if (!Object.hasOwn(RAW_INDICATORS, f.indicator) && !extra.has(f.indicator)) {
          ctx.addIssue({ code: 'custom', message: `unknown indicator '${f.indicator}': one of the fixed list (schemas/indicators.ts) or of extra_indicators`, path: f.at });
        }
      }
      if (s.layout === 'eps' && extra.has(s.indicator) && s.level === 'province') {
        ctx.addIssue({ code: 'custom', message: 'an extra indicator is a city series: level "city"', path: ['sources', i, 'level'] });
      }
    }
    const seen = new Set<string>();
    for (const [i, s] of reg.sources.entries()) {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', message: `duplicate source id '${s.id}'`, path: ['sources', i, 'id'] });
      seen.add(s.id);
      if (s.layout !== 'yearbook' && s.file.includes('{edition}')) {
        ctx.addIssue({ code: 'custom', message: '{edition} is only meaningful for yearbook sources', path: ['sources', i, 'file'] });
      }
      if (s.file.includes('{edition}') && s.file.includes('{year}')) {
        ctx.addIssue({ code: 'custom', message: 'use either {edition} or {year}, not both', path: ['sources', i, 'file'] });
      }
    }
  });
export type Registry = z.infer<typeof Registry>;
export type RegistryInput = z.input<typeof Registry>;

/** The indicators a source feeds. */
export function sourceIndicators(s: Source): string[] {
  return s.layout === 'eps' ? [s.indicator] : [...new Set(s.indicators.map((i) => i.indicator))];
}

/** Every indicator a registry can feed: the fixed ones, then its extra_indicators (city series). */
export function indicatorDefinitions(registry: Pick<Registry, 'extra_indicators'>): Record<string, IndicatorDefinition> {
  const defs = fixedIndicators();
  for (const x of registry.extra_indicators) {
    defs[x.name] = { label: x.label ?? x.name, unit: x.unit, level: 'city', kind: x.kind, description: x.description ?? null, user: true };
  }
  return defs;
}

/** Default registry location: describes the bundled sample in raw/. */
export const DEFAULT_REGISTRY_PATH = new URL('../raw/sources.json', import.meta.url);

/** Read and validate a registry file; errors name the file and the offending field in one line. */
export function loadRegistry(path: string | URL = DEFAULT_REGISTRY_PATH): Registry {
  let json: unknown;
  const shown = typeof path === 'string' ? path : path.pathname;
  try {
    json = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new Error(`source registry ${shown}: not readable JSON (${(e as Error).message})`);
  }
  return parseRegistry(json, shown);
}

export function parseRegistry(json: unknown, shown = 'registry'): Registry {
  const r = Registry.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`source registry ${shown}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}
