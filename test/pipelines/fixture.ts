// A tiny universe for stage tests: three cities in two provinces, four years, every indicator.
import { fixedIndicators, RAW_INDICATORS, type IndicatorDefinition, type RawIndicator } from '../../schemas/indicators.ts';
import { INDICATOR_COLUMNS } from '../../pipelines/ingest/index.ts';
import { defaultSettings, type PipelineSettings } from '../../schemas/settings.ts';
import { Handoff, type StageContext } from '../../pipelines/runner/stage.ts';
import { join } from 'node:path';
import { StageDb, type ColumnSpec } from '../../pipelines/core/db.ts';
import { clean } from '../../pipelines/clean/index.ts';
import { USER_ALIAS_COLUMNS } from '../../pipelines/harmonize/index.ts';
import { OUTSIDE_UNIT_COLUMNS } from '../../pipelines/harmonize/parts.ts';
import { derive } from '../../pipelines/derive/index.ts';
import { transform } from '../../pipelines/transform/index.ts';

export const CITIES = [
  { city_code: '370100', city_name: '济南', province: '山东', province_code: '370000', region: 'east', is_municipality: false },
  { city_code: '370200', city_name: '青岛', province: '山东', province_code: '370000', region: 'east', is_municipality: false },
  { city_code: '620200', city_name: '嘉峪关', province: '甘肃', province_code: '620000', region: 'west', is_municipality: false },
];
export const PROVINCES = [
  { province_code: '370000', province: '山东', name: '山东省', region: 'east' },
  { province_code: '620000', province: '甘肃', name: '甘肃省', region: 'west' },
];
export const YEARS = [2011, 2012, 2013, 2014];

/** A plausible value of each indicator for city i in year t (canonical units). */
export function baseValue(indicator: RawIndicator, i: number, t: number): number {
  const g = 1 + 0.05 * (t - 2011) + 0.1 * i;
  const v: Record<RawIndicator, number> = {
    gdp: 5e6 * g, gdp_primary: 0.05e6 * g, gdp_secondary: 2e6 * g, gdp_tertiary: 2.95e6 * g,
    land_area: 8000 + 1000 * i, population: 500 + 50 * i + 5 * (t - 2011), students: 50000 * g,
    edu_exp: 3e5 * g, sci_exp: 5e4 * g, budget_revenue: 4e5 * g, budget_expenditure: 8e5 * g,
    broadband_users: 150 * g, mobile_users: 600 * g, telecom_revenue: 2e5 * g,
    patents_granted: 3000 * g, patent_applications: 6000 * g, express_volume: 1e4 * g,
    ai_firms: 50 * g, ecommerce_volume: 1e4 * g,
  };
  return v[indicator];
}

const HARMONIZED: ColumnSpec[] = [
  'source_id', 'layout', 'file', 'sheet', 'cell', 'file_sha256', 'indicator', 'scope', 'year', 'name_raw', 'code_raw',
  'province_raw', 'value', 'unit', 'missing_marker', 'concept', 'city_code', 'mapping',
].map((name) => ({ name, type: name === 'year' ? 'INTEGER' : name === 'value' ? 'DOUBLE' : 'VARCHAR' }));

export type Row = Record<string, unknown>;

/** Harmonized rows for the fixture; `edit` may change or remove (return null) any row. */
export function harmonizedRows(edit: (row: Row) => Row | null = (r) => r): Row[] {
  const rows: Row[] = [];
  let n = 0;
  for (const [indicator, d] of Object.entries(RAW_INDICATORS) as [RawIndicator, (typeof RAW_INDICATORS)[RawIndicator]][]) {
    const units = d.level === 'city' ? CITIES.map((c, i) => ({ code: c.city_code, name: c.city_name, i }))
      : PROVINCES.map((p, i) => ({ code: p.province_code, name: p.province, i }));
    for (const u of units) for (const year of YEARS) {
      n++;
      const row = edit({
        source_id: 'fixture', layout: 'eps', file: 'fixture.xlsx', sheet: indicator, cell: `C${n}`, file_sha256: '0'.repeat(64),
        indicator, scope: d.level === 'city' ? '全市' : null, year, name_raw: u.name, code_raw: u.code, province_raw: null,
        value: baseValue(indicator, u.i, year), unit: d.unit, missing_marker: null, city_code: u.code,
        mapping: d.level === 'city' ? 'exact' : 'province',
      });
      if (row) rows.push(row);
    }
  }
  return rows;
}

export async function fixtureContext(
  rows: Row[], settings: Partial<PipelineSettings> = {}, outDir = '/nonexistent', extra: Record<string, IndicatorDefinition> = {},
): Promise<StageContext> {
  const db = await StageDb.open();
  // `ord` is the staged order the pipeline's harmonized view carries
  await db.createAndAppend('harmonized', [{ name: 'ord', type: 'INTEGER' }, ...HARMONIZED], rows.map((r, ord) => ({ ...r, ord })));
  await db.createAndAppend('dim_city', [
    { name: 'city_code', type: 'VARCHAR' }, { name: 'city_name', type: 'VARCHAR' }, { name: 'province', type: 'VARCHAR' },
    { name: 'province_code', type: 'VARCHAR' }, { name: 'region', type: 'VARCHAR' }, { name: 'is_municipality', type: 'BOOLEAN' },
    { name: 'first_year', type: 'INTEGER' },
  ], CITIES.map((c) => ({ ...c, first_year: 2011 })));
  await db.createAndAppend('dim_province', [
    { name: 'province_code', type: 'VARCHAR' }, { name: 'province', type: 'VARCHAR' }, { name: 'name', type: 'VARCHAR' },
    { name: 'region', type: 'VARCHAR' },
  ], PROVINCES);
  // what harmonize reports besides its rows: nothing outside the universe, no user aliases, in the fixture
  await db.createAndAppend('quality_outside_units', OUTSIDE_UNIT_COLUMNS, []);
  await db.createAndAppend('meta_user_aliases', USER_ALIAS_COLUMNS, []);
  await db.createAndAppend('stg_files', [{ name: 'path', type: 'VARCHAR' }, { name: 'sha256', type: 'VARCHAR' }],
    [{ path: 'fixture.xlsx', sha256: '0'.repeat(64) }]);
  // the indicators and the registry's sources as the ingest stage leaves them: the fixed indicators and `extra`;
  // one source per source id of the rows, no precedence declared
  await db.createAndAppend('stg_indicators', INDICATOR_COLUMNS, Object.entries({ ...fixedIndicators(), ...extra })
    .map(([indicator, d], position) => ({ indicator, position, ...d, user_defined: d.user })));
  await db.createAndAppend('stg_sources', [{ name: 'source_id', type: 'VARCHAR' }, { name: 'precedence', type: 'INTEGER' }],
    [...new Set(rows.map((r) => String(r.source_id)))].map((source_id) => ({ source_id, precedence: null })));
  return {
    db, settings: { ...defaultSettings(), firstYear: 2011, ...settings }, rawDir: '/nonexistent', outDir,
    progress: () => {}, handoff: new Handoff(), rawFiles: new Map(),
    run: {
      record: { run_id: 'fixture', started_at: new Date(0).toISOString(), ended_at: '', status: 'success', raw_dir: '/nonexistent', out_dir: outDir,
        full: false, settings: { ...defaultSettings(), firstYear: 2011, ...settings }, stages: [], recovered: [], versions: {}, error: null },
      log: join(outDir, 'runs.jsonl'),
    },
  };
}

/** The fixture run through clean, derive and transform (the caller closes ctx.db). */
export async function upToTransform(rows = harmonizedRows(), settings: Partial<PipelineSettings> = {}, outDir?: string): Promise<StageContext> {
  const ctx = await fixtureContext(rows, settings, outDir);
  await clean(ctx);
  await derive(ctx);
  await transform(ctx);
  return ctx;
}
