// The stages of a build, in order. Each runs on the run's database and leaves its output tables there.
import { clean } from './clean.ts';
import type { StageContext, StageReport } from './context.ts';
import type { ColumnSpec } from './db.ts';
import { derive } from './derive.ts';
import { harmonize } from './harmonize.ts';
import { loadCities, provinces } from './harmonize/cities.ts';
import { ingest } from './ingest.ts';
import { transform } from './transform.ts';
import { writeWarehouse } from './warehouse.ts';
import { HarmonizedValue, type StagedValue } from '../schemas/staged.ts';

export interface Stage {
  name: string;
  /** what it does, for --help and run logs */
  does: string;
  /** sql/ files it runs (part of its fingerprint) */
  sql: string[];
  run(ctx: StageContext): Promise<StageReport>;
}

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
  const result = await ingest({ rawDir: ctx.rawDir, onProgress: ctx.progress });
  await ctx.db.createAndAppend('staged', STAGED_COLUMNS, result.values as unknown as Record<string, unknown>[]);
  await ctx.db.createAndAppend(
    'stg_files',
    [{ name: 'path', type: 'VARCHAR' }, { name: 'sha256', type: 'VARCHAR' }, { name: 'bytes', type: 'INTEGER' },
     { name: 'sheets', type: 'INTEGER' }, { name: 'cells', type: 'INTEGER' }],
    result.files as unknown as Record<string, unknown>[],
  );
  const cells = result.files.reduce((s, f) => s + f.cells, 0);
  return { rows: result.values.length, cells, tables: { staged: result.values.length, stg_files: result.files.length },
    detail: `${result.files.length} files` };
}

async function runHarmonize(ctx: StageContext): Promise<StageReport> {
  const staged = await ctx.db.rows<StagedValue>(`SELECT ${STAGED_COLUMNS.map((c) => c.name).join(', ')} FROM staged`);
  const result = harmonize(staged, { merge: ctx.settings.mergePolicy });
  for (const row of result.values.slice(0, 1000)) HarmonizedValue.parse(row);
  await ctx.db.createAndAppend('harmonized', HARMONIZED_COLUMNS, result.values as unknown as Record<string, unknown>[]);
  await ctx.db.createAndAppend(
    'dim_city',
    [{ name: 'city_code', type: 'VARCHAR' }, { name: 'city_name', type: 'VARCHAR' }, { name: 'province', type: 'VARCHAR' },
     { name: 'province_code', type: 'VARCHAR' }, { name: 'region', type: 'VARCHAR' }, { name: 'is_municipality', type: 'BOOLEAN' }],
    loadCities() as unknown as Record<string, unknown>[],
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
  { name: 'ingest', does: 'read the raw spreadsheets declared in the source registry', sql: [], run: runIngest },
  { name: 'harmonize', does: 'map every name/code/year to its canonical city', sql: [], run: runHarmonize },
  { name: 'clean', does: 'units, merges, imputation, drop rule', sql: ['clean_checks.sql', 'clean_normalize.sql', 'clean_impute.sql', 'clean_drops.sql'], run: clean },
  { name: 'derive', does: 'the catalogue formulas', sql: ['derive.sql'], run: derive },
  { name: 'transform', does: 'logs, heterogeneity groups, winsorized copies', sql: ['transform.sql'], run: transform },
  { name: 'warehouse', does: 'write warehouse.duckdb, panel.parquet, panel.arrow atomically', sql: [], run: writeWarehouse },
];
