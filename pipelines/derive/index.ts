// derive: the catalogue's formulas evaluated over the cleaned indicators, one row per city-year.
import { DerivedRow } from '../../schemas/stages.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import type { Stage, StageContext, StageReport } from '../runner/stage.ts';
import { sqlIdent, sqlString, type StageDb } from '../core/db.ts';
import { DataError } from '../core/errors.ts';
import type { CatalogueEntry } from '../../schemas/catalogue.ts';
import { validateTable } from '../core/validate.ts';



export async function derive(ctx: StageContext): Promise<StageReport> {
  const { db, settings } = ctx;
  // every indicator of the build (the fixed ones, then the registry's extra_indicators) becomes a column
  const indicators = await db.rows<{ indicator: string; level: string }>('SELECT indicator, level FROM ref_indicators ORDER BY position');
  const pivot = (level: 'city' | 'province', prefix: string) =>
    indicators
      .filter((d) => d.level === level)
      .map(({ indicator }) => `max(v.value) FILTER (WHERE v.indicator = ${sqlString(indicator)}) AS ${sqlIdent(prefix + indicator)}`)
      .join(',\n    ');
  const entries = catalogue(settings);
  const derived = entries.map((e) => `(${e.formula}) AS ${sqlIdent(e.name + '_level')}`).join(',\n       ');
  await db.runFile('derive/derive.sql', {
    raw_columns: pivot('city', ''),
    province_columns: pivot('province', 'prov_'),
    derived_columns: derived,
  });
  await stopOnNonFinite(db, entries);
  await validateTable(db, 'derived', DerivedRow);
  const rows = await db.count('derived');
  const kept = Number(await db.scalar('SELECT count(*) FROM derived WHERE kept'));
  return { rows, tables: { derived: rows }, detail: `${entries.length} variables, ${kept} kept city-years` };
}

export const deriveStage: Stage = {
  name: 'derive', does: 'the catalogue formulas', module: import.meta.url, run: derive,
  inputs: ['clean_values', 'clean_kept', 'dim_city', 'dim_province', 'ref_indicators'], outputs: ['derived'], settings: ['ecoFormula'],
  tests: [
    { name: 'derived_unique_city_year', table: 'derived', severity: 'error', kind: 'unique', columns: ['city_code', 'year'] },
  ],
};

/** A formula that is not finite for a kept city-year (a division by zero: population 0) stops the run, naming the
 *  city, year, variable and the raw values that fed it — checked on every row, in SQL. */
async function stopOnNonFinite(db: StageDb, entries: CatalogueEntry[]): Promise<void> {
  const checks = entries.map((e, k) => `SELECT ${k} AS k, city_code, city_name, year, ${sqlIdent(e.name + '_level')}::VARCHAR AS v
    FROM derived WHERE kept AND NOT isfinite(${sqlIdent(e.name + '_level')})`);
  const [bad] = await db.rows<{ k: number; city_code: string; city_name: string; year: number; v: string }>(
    `SELECT * FROM (${checks.join(' UNION ALL ')}) ORDER BY k, city_code, year LIMIT 1`);
  if (!bad) return;
  const e = entries[bad.k];
  const inputs = await rawInputs(db, bad.city_code, bad.year, e.inputs);
  throw new DataError({ city: `${bad.city_name} (${bad.city_code})`, year: bad.year, variable: e.name },
    `${e.name} = ${e.formula} is not finite (${bad.v}): ${inputs}`);
}

/** The cleaned values of some indicators for one city-year, with the raw cell each came from where known:
 *  "population = 0 (2016年鉴.xlsx, 2-1 人口与土地!B7), students = 51234 (…)". */
export async function rawInputs(db: StageDb, cityCode: string, year: number, indicators: string[]): Promise<string> {
  const { listValue } = await import('@duckdb/node-api');
  const values = await db.rows<{ indicator: string; value: number | null; method: string }>(
    `SELECT indicator, value, method FROM clean_values v
     WHERE year = ? AND list_contains(?::VARCHAR[], indicator)
       AND (city_code = ? OR city_code = (SELECT province_code FROM dim_city WHERE city_code = ?))
     ORDER BY indicator`, [year, listValue(indicators), cityCode, cityCode]);
  const cells = new Map<string, string>();
  try {
    for (const c of await db.rows<{ indicator: string; file: string; sheet: string; cell: string }>(
      `SELECT indicator, file, sheet, cell FROM harmonized WHERE city_code = ? AND year = ? AND list_contains(?::VARCHAR[], indicator)
         AND (scope IS NULL OR scope = '全市')`, [cityCode, year, listValue(indicators)])) {
      cells.set(c.indicator, `${c.file}, ${c.sheet}!${c.cell}`);
    }
  } catch {
    // harmonized is not loaded when this stage reruns alone: the values without their cells
  }
  return values.map((v) => `${v.indicator} = ${v.value}${v.method === 'observed' ? '' : ` (${v.method})`}${cells.has(v.indicator) ? ` (${cells.get(v.indicator)})` : ''}`).join(', ');
}
