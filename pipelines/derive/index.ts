// derive: the catalogue's formulas evaluated over the cleaned indicators, one row per city-year.
import { RAW_INDICATORS } from '../../schemas/indicators.ts';
import { DerivedRow } from '../../schemas/stages.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import type { Stage, StageContext, StageReport } from '../runner/stage.ts';
import { sqlIdent, sqlString } from '../shared/db.ts';
import { validateTable } from '../shared/validate.ts';



export async function derive(ctx: StageContext): Promise<StageReport> {
  const { db, settings } = ctx;
  const pivot = (level: 'city' | 'province', prefix: string) =>
    Object.entries(RAW_INDICATORS)
      .filter(([, d]) => d.level === level)
      .map(([name]) => `max(v.value) FILTER (WHERE v.indicator = ${sqlString(name)}) AS ${sqlIdent(prefix + name)}`)
      .join(',\n    ');
  const entries = catalogue(settings);
  const derived = entries.map((e) => `(${e.formula}) AS ${sqlIdent(e.name + '_level')}`).join(',\n       ');
  await db.runFile('derive/derive.sql', {
    raw_columns: pivot('city', ''),
    province_columns: pivot('province', 'prov_'),
    derived_columns: derived,
  });
  await validateTable(db, 'derived', DerivedRow);
  const rows = await db.count('derived');
  const kept = Number(await db.scalar('SELECT count(*) FROM derived WHERE kept'));
  return { rows, tables: { derived: rows }, detail: `${entries.length} variables, ${kept} kept city-years` };
}

export const deriveStage: Stage = {
  name: 'derive', does: 'the catalogue formulas', module: import.meta.url, run: derive,
  inputs: ['clean_values', 'clean_kept', 'dim_city', 'dim_province'], outputs: ['derived'], settings: ['ecoFormula'],
  tests: [
    { name: 'derived_unique_city_year', table: 'derived', severity: 'error', kind: 'unique', columns: ['city_code', 'year'] },
  ],
};
