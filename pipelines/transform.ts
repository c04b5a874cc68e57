// transform: logs as the catalogue says, high/low heterogeneity groups, and winsorized copies (*_w).
import { PanelRow } from '../schemas/stages.ts';
import { catalogue, type CatalogueEntry } from './catalogue.ts';
import type { StageContext, StageReport } from './context.ts';
import { sqlIdent } from './db.ts';
import { DataError } from './errors.ts';
import { validateTable } from './validate.ts';
import { quantileSorted } from '../estimation/stats/winsorize.ts';



/** Heterogeneity indicators of the panel and the level variable each splits. */
export const SPLITS: Record<string, string> = { high_data_resources: 'DataRes', high_digital_infra: 'DigInfra' };

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

  for (const e of entries.filter((x) => x.transform !== 'none')) {
    const floor = e.transform === 'ln' ? 0 : -1;
    const bad = await db.rows<{ city_code: string; city_name: string; year: number; v: number | null }>(
      `SELECT city_code, city_name, year, ${sqlIdent(e.name + '_level')} AS v FROM derived
       WHERE kept AND (${sqlIdent(e.name + '_level')} IS NULL OR ${sqlIdent(e.name + '_level')} <= ${floor})
       ORDER BY city_code, year LIMIT 1`,
    );
    if (bad.length > 0) {
      const b = bad[0];
      throw new DataError(
        { city: `${b.city_name} (${b.city_code})`, year: b.year, variable: e.name },
        `${e.transform} needs a value above ${floor}, found ${b.v}`,
      );
    }
  }

  await db.runFile('transform.sql', {
    transformed_columns: entries.map(transformed).join(',\n       '),
    split_columns: Object.entries(SPLITS).map(([ind, v]) => splitColumn(ind, v, settings.splitRule)).join(',\n       '),
  });

  // winsorized copies of the model variables, at the panel's own percentiles
  const [lowP, highP] = settings.winsorize;
  const winsor: string[] = [];
  for (const e of entries.filter((x) => x.model)) {
    const col = sqlIdent(e.name);
    const values = (await db.rows<{ v: number }>(`SELECT ${col} AS v FROM panel_base ORDER BY v`)).map((r) => r.v);
    const sorted = Float64Array.from(values);
    // Stata's _pctile rule, as winsor2 (the library's winsorize uses the same quantiles)
    const lo = quantileSorted(sorted, lowP, 'stata');
    const hi = quantileSorted(sorted, highP, 'stata');
    winsor.push(`least(greatest(${col}, ${lo}), ${hi}) AS ${sqlIdent(e.name + '_w')}`);
  }
  await db.run(`CREATE OR REPLACE TABLE panel AS SELECT *, ${winsor.join(', ')} FROM panel_base ORDER BY city_code, year`);
  await db.run('DROP TABLE panel_base');
  await validateTable(db, 'panel', PanelRow);
  const rows = await db.count('panel');
  const cities = Number(await db.scalar('SELECT count(DISTINCT city_code) FROM panel'));
  return { rows, tables: { panel: rows }, detail: `${cities} cities × ${rows / Math.max(cities, 1)} years` };
}
