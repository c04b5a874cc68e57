// The stages of a build, in order. Each runs on the run's database and leaves its output tables there.
import { clean } from './clean/index.ts';
import type { StageContext, StageReport } from './runner/stage.ts';
import { sqlFile, type ColumnSpec } from './shared/db.ts';
import { derive } from './derive/index.ts';
import { harmonizeParts, type HarmonizedPartMeta } from './harmonize/parts.ts';
import { loadCities, loadCityRecords, provinces } from '../reference/index.ts';
import { duplicateError, ingestFiles, type IngestedFile } from './ingest/read.ts';
import { transform } from './transform/index.ts';
import { writeWarehouse, type WarehousePart } from './warehouse/index.ts';
import type { DataTest } from './shared/data-tests.ts';
import { PANEL_VARIABLES } from '../schemas/catalogue.ts';
import { PartCache, partsView, STAGED_COLUMNS } from './runner/part-cache.ts';
import { codeHash, combine } from './runner/fingerprint.ts';
import { join } from 'node:path';

const INGEST_CODE = ['pipelines/ingest.ts', 'pipelines/ingest/', 'pipelines/file-cache.ts', 'sql/ingest_duplicates.sql'];
const HARMONIZE_CODE = ['pipelines/harmonize.ts', 'pipelines/harmonize/', 'reference/', 'sql/harmonize_keys.sql', 'sql/harmonize_apply.sql'];

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
  /** recompute its outputs cheaply (instead of caching them) when a later stage needs them and the stage was skipped */
  restore?: (ctx: StageContext) => Promise<void>;
  run(ctx: StageContext): Promise<StageReport>;
}

const HARMONIZED_COLUMNS: ColumnSpec[] = [...STAGED_COLUMNS, { name: 'city_code', type: 'VARCHAR' }, { name: 'mapping', type: 'VARCHAR' }];

/** Shared by every stage: a change here reruns everything. */
export const COMMON_CODE = ['pipelines/db.ts', 'pipelines/context.ts', 'pipelines/errors.ts', 'pipelines/validate.ts', 'schemas/'];

/** The ingest parts of this run in file order, handed from ingest to harmonize. */
type PartList = Array<{ key: string; path: string; file: string; sha256: string }>;

async function runIngest(ctx: StageContext): Promise<StageReport> {
  const { db } = ctx;
  const parts = new PartCache<IngestedFile>(join(ctx.outDir, '.cache', 'ingest-files'), codeHash([...COMMON_CODE, ...INGEST_CODE]));
  // a full rebuild reads every file again
  const hashed = ctx.memory.get('raw#sha256') as Map<string, string> | undefined;
  const results = await ingestFiles({
    rawDir: ctx.rawDir, reuse: ctx.full ? undefined : (key) => parts.meta(key), knownSha: (path) => hashed?.get(path), onFile: ctx.progress,
  });
  for (const r of results) if (r.values) await parts.writeRows(db, r.key, STAGED_COLUMNS, r.values as unknown as Record<string, unknown>[], r.file);
  parts.prune(results.map((r) => r.key));
  const list: PartList = results.map((r) => ({ key: r.key, path: parts.partPath(r.key), file: r.file.path, sha256: r.file.sha256 }));
  await db.run(partsView('staged', list.map((p) => p.path), STAGED_COLUMNS));
  const [dup] = await db.rows<Parameters<typeof duplicateError>[1] & { first_file: string; first_sheet: string; first_cell: string }>(sqlFile('ingest/duplicates.sql'));
  if (dup) throw duplicateError({ file: dup.first_file, sheet: dup.first_sheet, cell: dup.first_cell }, dup);
  ctx.memory.set('staged#parts', list);
  // a view over the parts, identified by their cache keys (each covers a file's bytes, registry entries, limits)
  ctx.memory.set('staged#hash', combine(list.map((p) => p.key)));
  await db.createAndAppend(
    'stg_files',
    [{ name: 'path', type: 'VARCHAR' }, { name: 'sha256', type: 'VARCHAR' }, { name: 'bytes', type: 'INTEGER' },
     { name: 'sheets', type: 'INTEGER' }, { name: 'cells', type: 'INTEGER' }],
    results.map((r) => r.file) as unknown as Record<string, unknown>[],
  );
  const values = results.reduce((s, r) => s + r.file.values, 0);
  ctx.memory.set('staged#rows', values);
  const cells = results.reduce((s, r) => s + r.file.cells, 0);
  const read = results.filter((r) => r.values).length;
  return { rows: values, cells, tables: { staged: values, stg_files: results.length },
    detail: `${results.length} files, ${read} read, ${results.length - read} unchanged` };
}

async function runHarmonize(ctx: StageContext): Promise<StageReport> {
  // the ingest code is part of the version: a part is made from an ingest part, whose key does not cover that code
  const version = combine([codeHash([...COMMON_CODE, ...INGEST_CODE]), codeHash([...COMMON_CODE, ...HARMONIZE_CODE]), ctx.settings.mergePolicy]);
  const cache = new PartCache<HarmonizedPartMeta>(join(ctx.outDir, '.cache', 'harmonize-files'), version);
  const parts = ctx.memory.get('staged#parts') as PartList;
  const result = await harmonizeParts(ctx.db, { merge: ctx.settings.mergePolicy }, parts, cache, ctx.full);
  cache.prune(parts.map((p) => p.key));
  await ctx.db.run(partsView('harmonized', result.paths, HARMONIZED_COLUMNS));
  // a view over the harmonized parts: identified by the ingest parts and the version (code, policy) that made them
  ctx.memory.set('harmonized#hash', combine([version, parts.map((p) => p.key)]));
  ctx.memory.set('harmonized#rows', result.rows);
  ctx.memory.set('harmonized#parts', parts.map((p, i): WarehousePart => ({ part: combine([version, p.key]), file: p.file, file_sha256: p.sha256, path: result.paths[i] })));
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
  return { rows: result.rows, tables: { harmonized: result.rows, dim_city: loadCities().length },
    detail: `${parts.length} files, ${result.fresh} harmonized, ${parts.length - result.fresh} unchanged; ${result.dropped} rows dropped by policy` };
}


export const STAGES: Stage[] = [
  {
    name: 'ingest', does: 'read the raw spreadsheets declared in the source registry', run: runIngest,
    restore: async (ctx) => { await runIngest(ctx); },
    code: INGEST_CODE, inputs: [], outputs: ['staged', 'stg_files'],
    // every staged value is checked against its zod contract (schemas/staged.ts) inside the stage
    tests: [
      { name: 'stg_files_unique_path', table: 'stg_files', severity: 'error', kind: 'unique', columns: ['path'] },
    ],
  },
  {
    name: 'harmonize', does: 'map every name/code/year to its canonical city', run: runHarmonize,
    code: HARMONIZE_CODE, inputs: ['staged'], restore: async (ctx) => { await runHarmonize(ctx); },
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
      { name: 'panel_model_variables_not_null', table: 'panel', severity: 'error', kind: 'not_null', columns: PANEL_VARIABLES },
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
