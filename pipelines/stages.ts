// The stages of a build, in order. Each runs on the run's database and leaves its output tables there.
import { clean } from './clean.ts';
import type { StageContext, StageReport } from './context.ts';
import type { ColumnSpec } from './db.ts';
import { derive } from './derive.ts';
import { harmonize } from './harmonize.ts';
import { loadCities, loadCityRecords, provinces } from './harmonize/cities.ts';
import { ingest } from './ingest.ts';
import { transform } from './transform.ts';
import { writeWarehouse } from './warehouse.ts';
import type { StagedValue } from '../schemas/staged.ts';
import type { DataTest } from './data-tests.ts';
import { MODEL_VARIABLES } from './model-variables.ts';
import { DirectoryFileCache } from './file-cache.ts';
import { codeHash, combine } from './fingerprint.ts';
import { join } from 'node:path';

const INGEST_CODE = ['pipelines/ingest.ts', 'pipelines/ingest/', 'pipelines/file-cache.ts'];

export interface Stage {
  name: string;
  /** what it does, for --help and run logs */
  does: string;
  /** source files, SQL files and reference data it runs (its code fingerprint), relative to the project */
  code: string[];
  /** tables of earlier stages it reads */
  inputs: string[];
  /** tables it leaves for later stages (cached between runs) */
  outputs: string[];
  /** data tests on its outputs */
  tests: DataTest[];
  /** recompute its in-memory (`js:`) outputs cheaply when a later stage needs them and the stage was skipped */
  restore?: (ctx: StageContext) => Promise<void>;
  run(ctx: StageContext): Promise<StageReport>;
}

/** Shared by every stage: a change here reruns everything. */
export const COMMON_CODE = ['pipelines/db.ts', 'pipelines/context.ts', 'pipelines/errors.ts', 'pipelines/validate.ts', 'schemas/'];

const STAGED_COLUMNS: ColumnSpec[] = [
  { name: 'source_id', type: 'VARCHAR' }, { name: 'layout', type: 'VARCHAR' }, { name: 'file', type: 'VARCHAR' },
  { name: 'sheet', type: 'VARCHAR' }, { name: 'cell', type: 'VARCHAR' }, { name: 'file_sha256', type: 'VARCHAR' },
  { name: 'indicator', type: 'VARCHAR' }, { name: 'scope', type: 'VARCHAR' }, { name: 'year', type: 'INTEGER' },
  { name: 'name_raw', type: 'VARCHAR' }, { name: 'code_raw', type: 'VARCHAR' }, { name: 'province_raw', type: 'VARCHAR' },
  { name: 'value', type: 'DOUBLE' }, { name: 'unit', type: 'VARCHAR' }, { name: 'missing_marker', type: 'VARCHAR' },
];
const HARMONIZED_COLUMNS: ColumnSpec[] = [
  ...STAGED_COLUMNS,
  { name: 'city_code', type: 'VARCHAR' },
  { name: 'mapping', type: 'VARCHAR' },
];

async function runIngest(ctx: StageContext): Promise<StageReport> {
  const cache = new DirectoryFileCache(join(ctx.outDir, '.cache', 'ingest-files'), codeHash([...COMMON_CODE, ...INGEST_CODE]));
  const result = await ingest({ rawDir: ctx.rawDir, fileCache: cache, onFile: ctx.progress });
  cache.prune();
  ctx.memory.set('js:staged', result.values);
  // the output is identified by the files' cache keys: no need to hash 70,000 values
  ctx.memory.set('js:staged#hash', combine(cache.keys()));
  await ctx.db.createAndAppend(
    'stg_files',
    [{ name: 'path', type: 'VARCHAR' }, { name: 'sha256', type: 'VARCHAR' }, { name: 'bytes', type: 'INTEGER' },
     { name: 'sheets', type: 'INTEGER' }, { name: 'cells', type: 'INTEGER' }],
    result.files as unknown as Record<string, unknown>[],
  );
  const cells = result.files.reduce((s, f) => s + f.cells, 0);
  return { rows: result.values.length, cells, tables: { 'js:staged': result.values.length, stg_files: result.files.length },
    detail: `${result.files.length} files` };
}

async function runHarmonize(ctx: StageContext): Promise<StageReport> {
  const staged = ctx.memory.get('js:staged') as StagedValue[];
  const result = harmonize(staged, { merge: ctx.settings.mergePolicy });
  await ctx.db.createAndAppend('harmonized', HARMONIZED_COLUMNS, result.values as unknown as Record<string, unknown>[]);
  await ctx.db.createAndAppend(
    'dim_city',
    [{ name: 'city_code', type: 'VARCHAR' }, { name: 'city_name', type: 'VARCHAR' }, { name: 'province', type: 'VARCHAR' },
     { name: 'province_code', type: 'VARCHAR' }, { name: 'region', type: 'VARCHAR' }, { name: 'is_municipality', type: 'BOOLEAN' },
     { name: 'first_year', type: 'INTEGER' }],
    loadCityRecords() as unknown as Record<string, unknown>[],
  );
  await ctx.db.createAndAppend(
    'dim_province',
    [{ name: 'province_code', type: 'VARCHAR' }, { name: 'province', type: 'VARCHAR' }, { name: 'name', type: 'VARCHAR' },
     { name: 'region', type: 'VARCHAR' }],
    provinces().map((p) => ({ province_code: p.province_code, province: p.short, name: p.name, region: p.region })),
  );
  const dropped = staged.length - result.values.length;
  return { rows: result.values.length, tables: { harmonized: result.values.length, dim_city: loadCities().length },
    detail: `${dropped} rows dropped by policy` };
}


export const STAGES: Stage[] = [
  {
    name: 'ingest', does: 'read the raw spreadsheets declared in the source registry', run: runIngest,
    restore: async (ctx) => { await runIngest(ctx); },
    code: INGEST_CODE, inputs: [], outputs: ['js:staged', 'stg_files'],
    // every staged value is checked against its zod contract (schemas/staged.ts) inside the stage
    tests: [
      { name: 'stg_files_unique_path', table: 'stg_files', severity: 'error', kind: 'unique', columns: ['path'] },
    ],
  },
  {
    name: 'harmonize', does: 'map every name/code/year to its canonical city', run: runHarmonize,
    code: ['pipelines/harmonize.ts', 'pipelines/harmonize/', 'reference/'], inputs: ['js:staged'],
    outputs: ['harmonized', 'dim_city', 'dim_province'],
    tests: [
      { name: 'harmonized_provenance_not_null', table: 'harmonized', severity: 'error', kind: 'not_null', columns: ['file', 'sheet', 'cell', 'file_sha256', 'indicator', 'year'] },
      { name: 'harmonized_year_range', table: 'harmonized', severity: 'error', kind: 'accepted_range', column: 'year', min: 1949, max: 2100 },
      { name: 'harmonized_city_known', table: 'harmonized', severity: 'error', kind: 'relationship', column: 'city_code',
        to: [{ table: 'dim_city', column: 'city_code' }, { table: 'dim_province', column: 'province_code' }] },
      { name: 'dim_city_unique', table: 'dim_city', severity: 'error', kind: 'unique', columns: ['city_code'] },
    ],
  },
  {
    name: 'clean', does: 'units, merges, imputation, drop rule', run: clean,
    code: ['pipelines/clean.ts', 'pipelines/catalogue.ts', 'sql/clean_checks.sql', 'sql/clean_normalize.sql', 'sql/clean_impute.sql', 'sql/clean_drops.sql'],
    inputs: ['harmonized', 'dim_city', 'dim_province'],
    outputs: ['clean_values', 'quality_imputations', 'quality_drops', 'clean_kept', 'ref_indicators', 'required_indicators'],
    tests: [
      { name: 'clean_unique_unit_year_indicator', table: 'clean_values', severity: 'error', kind: 'unique', columns: ['city_code', 'year', 'indicator'] },
      { name: 'clean_non_negative', table: 'clean_values', severity: 'error', kind: 'accepted_range', column: 'value', min: 0 },
      { name: 'land_area_no_unexplained_jump', table: 'clean_values', severity: 'warn', kind: 'sql',
        description: 'land area changing by more than 20% in a year, outside a recorded boundary change',
        sql: `SELECT city_code, year, value, prev FROM (
                SELECT city_code, year, value, lag(value) OVER (PARTITION BY city_code ORDER BY year) AS prev
                FROM clean_values WHERE indicator = 'land_area') j
              WHERE prev > 0 AND abs(value / prev - 1) > 0.2
                AND city_code NOT IN (SELECT city_code FROM harmonized WHERE mapping = 'merged')` },
    ],
  },
  {
    name: 'derive', does: 'the catalogue formulas', run: derive,
    code: ['pipelines/derive.ts', 'pipelines/catalogue.ts', 'sql/derive.sql'],
    inputs: ['clean_values', 'clean_kept', 'dim_city', 'dim_province'], outputs: ['derived'],
    tests: [
      { name: 'derived_unique_city_year', table: 'derived', severity: 'error', kind: 'unique', columns: ['city_code', 'year'] },
    ],
  },
  {
    name: 'transform', does: 'logs, heterogeneity groups, winsorized copies', run: transform,
    code: ['pipelines/transform.ts', 'pipelines/catalogue.ts', 'sql/transform.sql'], inputs: ['derived'], outputs: ['panel'],
    tests: [
      { name: 'panel_unique_city_year', table: 'panel', severity: 'error', kind: 'unique', columns: ['city_code', 'year'] },
      { name: 'panel_model_variables_not_null', table: 'panel', severity: 'error', kind: 'not_null', columns: MODEL_VARIABLES },
      { name: 'panel_city_in_dim_city', table: 'panel', severity: 'error', kind: 'relationship', column: 'city_code', to: [{ table: 'dim_city', column: 'city_code' }] },
      { name: 'panel_balanced', table: 'panel', severity: 'error', kind: 'balanced', unit: 'city_code', time: 'year' },
      { name: 'panel_ind_range', table: 'panel', severity: 'error', kind: 'accepted_range', column: 'Ind', min: 1, max: 3 },
      { name: 'panel_fis_range', table: 'panel', severity: 'warn', kind: 'accepted_range', column: 'Fis', min: 0, max: 1.5 },
      { name: 'panel_gov_range', table: 'panel', severity: 'warn', kind: 'accepted_range', column: 'Gov', min: 0, max: 1 },
    ],
  },
  {
    name: 'warehouse', does: 'write warehouse.duckdb, panel.parquet, panel.arrow atomically', run: writeWarehouse,
    code: ['pipelines/warehouse.ts'],
    inputs: ['dim_city', 'dim_province', 'stg_files', 'harmonized', 'clean_values', 'quality_imputations', 'quality_drops', 'derived', 'panel'],
    outputs: [], tests: [],
  },
];
