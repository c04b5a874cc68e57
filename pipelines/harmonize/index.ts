// The harmonize stage: every (name or code, province, year) of a staged value mapped to its canonical city with
// the user's aliases.csv and the project's reference (reference/), per ingest part; `harmonized` is a view over the
// harmonized parts. Units outside the panel's cities are left out and listed in quality_outside_units; the user's
// alias lines and the rows each matched are in meta_user_aliases.
import { join } from 'node:path';
import { loadCities, loadCityRecords, provinces } from '../../reference/index.ts';
import { STAGED_PARTS } from '../ingest/handoff.ts';
import { INGEST_VERSION } from '../ingest/index.ts';
import { STAGED_PART_COLUMNS } from '../ingest/read.ts';
import { codeFingerprint } from '../runner/code-graph.ts';
import { combine } from '../runner/fingerprint.ts';
import { PartCache, partsView } from '../runner/part-cache.ts';
import type { Stage, StageContext, StageReport } from '../runner/stage.ts';
import type { ColumnSpec } from '../core/db.ts';
import { HARMONIZED_PARTS, type WarehousePart } from './handoff.ts';
import { harmonizeParts, OUTSIDE_UNIT_COLUMNS, type HarmonizedPartMeta } from './parts.ts';
import { readUserAliases } from './aliases.ts';

const HARMONIZED_COLUMNS: ColumnSpec[] = [...STAGED_PART_COLUMNS, { name: 'city_code', type: 'VARCHAR' }, { name: 'mapping', type: 'VARCHAR' }];
export const USER_ALIAS_COLUMNS: ColumnSpec[] = [
  { name: 'line', type: 'INTEGER' }, { name: 'printed', type: 'VARCHAR' }, { name: 'first_year', type: 'INTEGER' },
  { name: 'last_year', type: 'INTEGER' }, { name: 'city_code', type: 'VARCHAR' }, { name: 'note', type: 'VARCHAR' },
  { name: 'rows', type: 'INTEGER' },
];

async function runHarmonize(ctx: StageContext): Promise<StageReport> {
  // the ingest code is part of the version: a part is made from an ingest part, whose key does not cover that code;
  // so are the user's aliases (their bytes: the hash the runner has of the raw file aliases.csv)
  const user = readUserAliases(ctx.rawDir);
  const version = combine([INGEST_VERSION, codeFingerprint(new URL('./parts.ts', import.meta.url).href), ctx.settings.mergePolicy, user.sha256]);
  const cache = new PartCache<HarmonizedPartMeta>(join(ctx.outDir, '.cache', 'harmonize-files'), version);
  const parts = ctx.handoff.need(STAGED_PARTS);
  // the registry's extra indicators are city series like the fixed ones
  const extraIndicators = (await ctx.db.rows<{ indicator: string }>('SELECT indicator FROM stg_indicators WHERE user_defined ORDER BY position')).map((r) => r.indicator);
  const result = await harmonizeParts(ctx.db, { merge: ctx.settings.mergePolicy, aliases: user.aliases, extraIndicators }, parts, cache, ctx.full);
  cache.prune(parts.map((p) => p.key));
  await ctx.db.run(partsView('harmonized', result.paths, HARMONIZED_COLUMNS));
  await ctx.db.createAndAppend('quality_outside_units', OUTSIDE_UNIT_COLUMNS, result.outside as unknown as Record<string, unknown>[]);
  await ctx.db.createAndAppend('meta_user_aliases', USER_ALIAS_COLUMNS, user.aliases.map((a) => ({
    line: a.line, printed: a.printed, first_year: a.first_year, last_year: a.last_year, city_code: a.city_code ?? 'outside',
    note: a.note, rows: result.aliasRows[a.line] ?? 0,
  })));
  ctx.handoff.set(HARMONIZED_PARTS, parts.map((p, i): WarehousePart => ({ part: combine([version, p.key]), file: p.file, file_sha256: p.sha256, path: result.paths[i] })));
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
  const outsideUnits = new Set(result.outside.map((o) => `${o.unit}\u0000${o.code ?? ''}`)).size;
  const aliasUse = user.aliases.length ? `; ${user.aliases.length} line${user.aliases.length === 1 ? '' : 's'} of aliases.csv (meta_user_aliases)` : '';
  return {
    rows: result.rows,
    tables: { harmonized: result.rows, dim_city: loadCities().length, quality_outside_units: result.outside.length, meta_user_aliases: user.aliases.length },
    // a view over the harmonized parts: identified by the ingest parts and the version (code, policy, aliases) that made them
    hashes: { harmonized: { hash: combine([version, parts.map((p) => p.key)]), rows: result.rows } },
    detail: `${parts.length} files, ${result.fresh} harmonized, ${parts.length - result.fresh} unchanged; `
      + `${result.dropped} row${result.dropped === 1 ? '' : 's'} of ${outsideUnits} printed unit${outsideUnits === 1 ? '' : 's'} left out (quality_outside_units)${aliasUse}`,
  };
}

export const harmonizeStage: Stage = {
  name: 'harmonize', does: 'map every name/code/year to its canonical city', module: import.meta.url,
  inputs: ['staged', 'stg_indicators'], outputs: ['harmonized', 'dim_city', 'dim_province', 'quality_outside_units', 'meta_user_aliases'], settings: ['mergePolicy'],
  run: runHarmonize,
  restore: async (ctx) => { await runHarmonize(ctx); },
  tests: [
    { name: 'harmonized_provenance_not_null', table: 'harmonized', severity: 'error', kind: 'not_null', columns: ['file', 'sheet', 'cell', 'file_sha256', 'indicator', 'year'] },
    { name: 'harmonized_year_range', table: 'harmonized', severity: 'error', kind: 'accepted_range', column: 'year', min: 1949, max: 2100 },
    { name: 'harmonized_city_known', table: 'harmonized', severity: 'error', kind: 'relationship', column: 'city_code',
      to: [{ table: 'dim_city', column: 'city_code' }, { table: 'dim_province', column: 'province_code' }] },
    { name: 'dim_city_unique', table: 'dim_city', severity: 'error', kind: 'unique', columns: ['city_code'] },
  ],
};
