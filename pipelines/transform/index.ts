// transform: logs as the catalogue says, high/low heterogeneity groups, and winsorized copies (*_w).
import { PanelRow } from '../../schemas/stages.ts';
import { catalogue, PANEL_VARIABLES, SPLITS, type CatalogueEntry } from '../../schemas/catalogue.ts';
import type { Stage, StageContext, StageReport } from '../runner/stage.ts';
import { sqlIdent, sqlString } from '../core/db.ts';
import { DataError } from '../core/errors.ts';
import { validateTable } from '../core/validate.ts';
import { rawInputs } from '../derive/index.ts';
import { quantileSorted } from '../../econometrics/stats/winsorize.ts';




function transformed(e: CatalogueEntry): string {
  const level = sqlIdent(e.name + '_level');
  if (e.transform === 'ln') return `ln(${level}) AS ${sqlIdent(e.name)}`;
  if (e.transform === 'ln1p') return `ln(1 + ${level}) AS ${sqlIdent(e.name)}`;
  return `${level} AS ${sqlIdent(e.name)}`;
}

function splitColumn(indicator: string, variable: string, rule: 'mean' | 'median' | 'year_median'): string {
  const v = sqlIdent(variable + '_level');
  const cut =
    rule === 'mean' ? `avg(${v}) OVER ()` : rule === 'median' ? `median(${v}) OVER ()` : `median(${v}) OVER (PARTITION BY year)`;
  return `(${v} > ${cut})::INTEGER AS ${sqlIdent(indicator)}`;
}

export async function transform(ctx: StageContext): Promise<StageReport> {
  const { db, settings } = ctx;
  const entries = catalogue(settings);

  // logs need positive levels: the first offending city-year of any variable, in one pass
  const logged = entries.filter((x) => x.transform !== 'none');
  if (logged.length > 0) {
    const checks = logged.map((e) => {
      const level = sqlIdent(e.name + '_level');
      const floor = e.transform === 'ln' ? 0 : -1;
      return `SELECT ${sqlString(e.name)} AS variable, ${sqlString(e.transform)} AS transform, ${floor} AS floor, city_code, city_name, year, ${level} AS v
              FROM derived WHERE kept AND (${level} IS NULL OR ${level} <= ${floor})`;
    });
    const bad = await db.rows<{ variable: string; transform: string; floor: number; city_code: string; city_name: string; year: number; v: number | null }>(
      `SELECT * FROM (${checks.map((c, i) => `SELECT ${i} AS k, * FROM (${c})`).join(' UNION ALL ')}) ORDER BY k, city_code, year LIMIT 1`);
    if (bad.length > 0) {
      const b = bad[0];
      const entry = entries.find((e) => e.name === b.variable)!;
      throw new DataError(
        { city: `${b.city_name} (${b.city_code})`, year: b.year, variable: b.variable },
        `${b.transform} needs a value above ${b.floor}, found ${b.v}; ${entry.name} = ${entry.formula}: ${await rawInputs(db, b.city_code, b.year, entry.inputs)}`,
      );
    }
  }

  await db.runFile('transform/transform.sql', {
    transformed_columns: entries.map(transformed).join(',\n       '),
    split_columns: Object.entries(SPLITS).map(([ind, v]) => splitColumn(ind, v, settings.splitRule)).join(',\n       '),
  });

  // winsorized copies of the catalogue's variables, at the panel's own percentiles
  const [lowP, highP] = settings.winsorize;
  const winsor: string[] = [];
  const model = entries;
  const reader = await db.con.runAndReadAll(`SELECT ${model.map((e) => sqlIdent(e.name)).join(', ')} FROM panel_base`);
  const columns = reader.getColumnsJS();
  model.forEach((e, i) => {
    const sorted = Float64Array.from(columns[i] as number[]).sort();
    // Stata's _pctile rule, as winsor2 (the library's winsorize uses the same quantiles)
    const lo = quantileSorted(sorted, lowP, 'stata');
    const hi = quantileSorted(sorted, highP, 'stata');
    const col = sqlIdent(e.name);
    winsor.push(`least(greatest(${col}, ${lo}), ${hi}) AS ${sqlIdent(e.name + '_w')}`);
  });
  await db.run(`CREATE OR REPLACE TABLE panel AS SELECT *, ${winsor.join(', ')} FROM panel_base ORDER BY city_code, year`);
  await db.run('DROP TABLE panel_base');
  await validateTable(db, 'panel', PanelRow);
  const rows = await db.count('panel');
  const cities = Number(await db.scalar('SELECT count(DISTINCT city_code) FROM panel'));
  return { rows, tables: { panel: rows }, detail: `${cities} cities × ${rows / Math.max(cities, 1)} years` };
}

export const transformStage: Stage = {
  name: 'transform', does: 'logs, heterogeneity groups, winsorized copies', module: import.meta.url, run: transform,
  inputs: ['derived'], outputs: ['panel'], settings: ['ecoFormula', 'splitRule', 'winsorize'],
  tests: [
    { name: 'panel_unique_city_year', table: 'panel', severity: 'error', kind: 'unique', columns: ['city_code', 'year'] },
    { name: 'panel_variables_not_null', table: 'panel', severity: 'error', kind: 'not_null', columns: PANEL_VARIABLES },
    { name: 'panel_city_in_dim_city', table: 'panel', severity: 'error', kind: 'relationship', column: 'city_code', to: [{ table: 'dim_city', column: 'city_code' }] },
    { name: 'panel_balanced', table: 'panel', severity: 'error', kind: 'balanced', unit: 'city_code', time: 'year' },
    { name: 'panel_ind_range', table: 'panel', severity: 'error', kind: 'accepted_range', column: 'Ind', min: 1, max: 3 },
    { name: 'panel_fis_range', table: 'panel', severity: 'warn', kind: 'accepted_range', column: 'Fis', min: 0, max: 1.5 },
    { name: 'panel_gov_range', table: 'panel', severity: 'warn', kind: 'accepted_range', column: 'Gov', min: 0, max: 1 },
  ],
};
