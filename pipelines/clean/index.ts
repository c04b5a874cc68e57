// clean: canonical units, merged cities added up, gaps imputed (flagged), then the drop rule.
import { UNIT_FACTORS } from '../../schemas/indicators.ts';
import { catalogue, requiredIndicators } from '../../schemas/catalogue.ts';
import type { Stage, StageContext, StageReport } from '../runner/stage.ts';
import { DataError } from '../core/errors.ts';
import { sqlFile } from '../core/db.ts';
import { CleanOutput, CleanValueRow, DropRow, ImputationRow } from '../../schemas/stages.ts';
import { validateTable } from '../core/validate.ts';
import { loadCrosswalk } from '../../reference/index.ts';



/** Two sources of one city-year-indicator further apart than this (relative to the value used) are a warning. */
export const DISCREPANCY_WARNING = 0.05;

/** The rows of quality_concepts of an indicator that more than one tagged concept feeds. */
const MIXED_CONCEPTS_SQL = `SELECT * FROM quality_concepts WHERE indicator IN (
  SELECT indicator FROM quality_concepts GROUP BY indicator HAVING count(DISTINCT concept) > 1)`;

export async function clean(ctx: StageContext): Promise<StageReport> {
  const { db, settings } = ctx;


  // the indicators of this build: the fixed ones and the registry's extra_indicators, in that order
  await db.run(`CREATE OR REPLACE TABLE ref_indicators AS
    SELECT indicator, unit, level, label, kind, user_defined, position FROM stg_indicators ORDER BY position`);
  await db.createAndAppend(
    'ref_unit_factors',
    [{ name: 'canonical_unit', type: 'VARCHAR' }, { name: 'unit', type: 'VARCHAR' }, { name: 'factor', type: 'DOUBLE' }],
    Object.entries(UNIT_FACTORS).flatMap(([canonical_unit, units]) =>
      Object.entries(units).map(([unit, factor]) => ({ canonical_unit, unit, factor })),
    ),
  );
  // predecessors merged whole into a city, with the years they were reported on their own (normalize.sql)
  await db.createAndAppend(
    'ref_merges',
    [{ name: 'city_code', type: 'VARCHAR' }, { name: 'predecessor', type: 'VARCHAR' }, { name: 'first_year', type: 'INTEGER' }, { name: 'last_year', type: 'INTEGER' }],
    loadCrosswalk().filter((r) => r.kind === 'merge').map((r) => ({ city_code: r.city_code, predecessor: `${r.alias_name} ${r.alias_code}`, first_year: r.first_year, last_year: r.last_year })),
  );
  await db.createAndAppend(
    'required_indicators',
    [{ name: 'indicator', type: 'VARCHAR' }],
    requiredIndicators(catalogue(settings)).map((indicator) => ({ indicator })),
  );

  // the checks read the harmonized values on a second connection while the first one normalizes and imputes;
  // a problem they find is reported in preference to anything the imputation ran into
  type Problem = { problem: string; file: string; sheet: string; cell: string; indicator: string; expected: string };
  const side = await db.sideConnection();
  let years: PanelYears | undefined;
  const [checked, built] = await Promise.allSettled([
    side.rows<Problem>(sqlFile('clean/checks.sql')),
    (async () => {
      years = await panelYears(ctx);
      const { firstYear, lastYear } = years;
      await db.runFile('clean/normalize.sql', { first_year: firstYear, last_year: lastYear });
      await db.runFile('clean/impute.sql', { first_year: firstYear, last_year: lastYear, edge_carry: settings.edgeCarry, max_gap: settings.maxInterpolatedGap });
      await db.runFile('clean/drops.sql');
      await db.runFile('clean/quality.sql');
      await db.runFile('clean/merge-gaps.sql');
      await db.runFile('clean/discrepancies.sql');
      await db.runFile('clean/concepts.sql');
      await db.run(sqlFile('clean/years-outside.sql'), [firstYear, lastYear]);
    })(),
  ]);
  side.close();
  if (checked.status === 'rejected') throw checked.reason;
  if (checked.value.length > 0) {
    const p = checked.value[0];
    throw new DataError({ file: p.file, sheet: p.sheet, cell: p.cell, variable: p.indicator }, p.expected);
  }
  if (built.status === 'rejected') throw built.reason;
  if (settings.unitSlips === 'error') {
    const [slip] = await db.rows<{ city_code: string; year: number; indicator: string; value: number; local_median: number; power_of_ten: number; file: string; sheet: string; cell: string }>(
      'SELECT * FROM quality_unit_slips LIMIT 1');
    if (slip) {
      throw new DataError({ file: slip.file, sheet: slip.sheet, cell: slip.cell, variable: slip.indicator },
        `expected a value near ${slip.local_median} (its series within two years), found ${slip.value}: 10^${slip.power_of_ten} off, a unit slip? (unitSlips: 'error'; every case is in quality_unit_slips)`);
    }
  }

  const tables = {
    clean_values: await db.count('clean_values'),
    quality_imputations: await db.count('quality_imputations'),
    quality_drops: await db.count('quality_drops'),
    clean_kept: await db.count('clean_kept'),
    quality_coverage: await db.count('quality_coverage'),
    quality_unit_slips: await db.count('quality_unit_slips'),
    quality_merge_gaps: await db.count('quality_merge_gaps'),
    quality_years_outside: await db.count('quality_years_outside'),
    quality_discrepancies: await db.count('quality_discrepancies'),
    quality_concepts: await db.count('quality_concepts'),
  };
  const mixed = (await db.rows<{ indicator: string }>(MIXED_CONCEPTS_SQL.replace('SELECT *', 'SELECT DISTINCT indicator') + ' ORDER BY indicator')).map((r) => r.indicator);
  const discrepant = Number(await db.scalar(`SELECT count(*) FROM quality_discrepancies WHERE relative_difference > ${DISCREPANCY_WARNING}`));
  const outsideRows = Number(await db.scalar('SELECT coalesce(sum(rows), 0) FROM quality_years_outside'));
  if (tables.clean_kept === 0) throw await noCityKept(ctx, years!);
  CleanOutput.parse(tables);
  await validateTable(db, 'clean_values', CleanValueRow, 'city_code, year, indicator, value, method');
  await validateTable(db, 'quality_drops', DropRow);
  await validateTable(db, 'quality_imputations', ImputationRow);
  return {
    rows: tables.clean_values,
    tables,
    detail: `${tables.clean_kept} cities kept, ${tables.quality_drops} dropped, ${tables.quality_imputations} cells imputed; years ${years!.firstYear}–${years!.lastYear}`
      + years!.leftOut.map((l) => `; ${l.year} left out (no data yet for ${lackingText(l.indicators, years!.required)})`).join('')
      + (tables.quality_unit_slips ? `; ${tables.quality_unit_slips} possible unit slips (quality_unit_slips)` : '')
      + (tables.quality_merge_gaps ? `; ${tables.quality_merge_gaps} series of a merged city left empty where a part was missing (quality_merge_gaps)` : '')
      + (tables.quality_discrepancies ? `; ${tables.quality_discrepancies} value${tables.quality_discrepancies === 1 ? '' : 's'} of a second source next to the one used, ${discrepant} more than ${100 * DISCREPANCY_WARNING}% apart (quality_discrepancies)` : '')
      + (mixed.length ? `; two concepts feed ${mixed.join(', ')} (quality_concepts)` : '')
      + (outsideRows ? `; ${outsideRows} row${outsideRows === 1 ? '' : 's'} outside the panel's years not used (quality_years_outside)` : ''),
  };
}

export const cleanStage: Stage = {
  name: 'clean', does: 'units, merges, imputation, drop rule', module: import.meta.url, run: clean,
  inputs: ['harmonized', 'dim_city', 'dim_province', 'stg_sources', 'stg_indicators'],
  outputs: ['clean_values', 'quality_imputations', 'quality_drops', 'clean_kept', 'ref_indicators', 'required_indicators', 'quality_coverage', 'quality_unit_slips', 'quality_merge_gaps', 'quality_years_outside', 'quality_discrepancies', 'quality_concepts'],
  settings: ['firstYear', 'lastYear', 'minYearCoverage', 'unitSlips', 'edgeCarry', 'maxInterpolatedGap', 'ecoFormula'],
  tests: [
    { name: 'clean_unique_unit_year_indicator', table: 'clean_values', severity: 'error', kind: 'unique', columns: ['city_code', 'year', 'indicator'] },
    { name: 'clean_non_negative', table: 'clean_values', severity: 'error', kind: 'accepted_range', column: 'value', min: 0 },
    // interpolation is for scattered cells: an indicator with more than a tenth of a year's cells imputed is a
    // source problem, not a gap
    // (an extra indicator of the registry is never required: its gaps are the user's to judge)
    { name: 'clean_imputed_share', table: 'quality_coverage', severity: 'error', kind: 'sql',
      description: 'more than a tenth of a year\u2019s cells of a fixed indicator imputed',
      sql: 'SELECT * FROM quality_coverage WHERE imputed_share > 0.1 AND indicator NOT IN (SELECT indicator FROM ref_indicators WHERE user_defined)' },
    { name: 'clean_unit_slips', table: 'quality_unit_slips', severity: 'warn', kind: 'sql',
      description: 'values a power of ten away from their own series (unit slips), with the raw cell', sql: 'SELECT * FROM quality_unit_slips' },
    { name: 'clean_source_discrepancies', table: 'quality_discrepancies', severity: 'warn', kind: 'sql',
      description: `a second source more than ${100 * DISCREPANCY_WARNING}% away from the value used (another vintage, a unit slip)`,
      sql: `SELECT * FROM quality_discrepancies WHERE relative_difference > ${DISCREPANCY_WARNING}` },
    { name: 'clean_concepts_mixed', table: 'quality_concepts', severity: 'warn', kind: 'sql',
      description: 'an indicator fed by two concepts (户籍 and 常住 population …) across its years or cities', sql: MIXED_CONCEPTS_SQL },
    { name: 'land_area_no_unexplained_jump', table: 'clean_values', severity: 'warn', kind: 'sql',
      description: 'land area changing by more than 20% in a year, outside a recorded boundary change',
      sql: `SELECT city_code, year, value, prev FROM (
              SELECT city_code, year, value, lag(value) OVER (PARTITION BY city_code ORDER BY year) AS prev
              FROM clean_values WHERE indicator = 'land_area') j
            WHERE prev > 0 AND abs(value / prev - 1) > 0.2
              AND city_code NOT IN (SELECT city_code FROM harmonized WHERE mapping = 'merged')` },
  ],
};

/** The drop rule left no city: one line saying which required indicators are missing for how many cities. */
async function noCityKept(ctx: StageContext, years: PanelYears): Promise<DataError> {
  const { db } = ctx;
  const cities = await db.count('dim_city');
  const lacking = await db.rows<{ indicator: string; cities: number; first: number; last: number }>(
    `SELECT v.indicator, count(DISTINCT v.city_code)::INTEGER AS cities, min(v.year)::INTEGER AS first, max(v.year)::INTEGER AS last
     FROM clean_values v JOIN dim_city USING (city_code) JOIN required_indicators USING (indicator)
     WHERE v.value IS NULL GROUP BY v.indicator ORDER BY cities DESC, v.indicator LIMIT 4`);
  const most = lacking.map((l) => `${l.indicator} for ${l.cities} (in ${l.first === l.last ? l.first : `${l.first}–${l.last}`})`).join(', ');
  return new DataError({}, `no city kept: the drop rule dropped all ${cities}, each lacks a required indicator in some year of `
    + `${years.firstYear}–${years.lastYear} even after filling gaps; missing most: ${most || 'none'} `
    + '(quality_drops has each city\u2019s reason): a source not in the registry, or --years beyond what the sources cover?');
}

/** The indicators a left-out year lacks: named when they are few, counted when they are many. */
function lackingText(indicators: string[], required: number): string {
  if (indicators.length <= 4) return indicators.join(', ');
  return indicators.length === required ? `all ${required} required indicators` : `${indicators.length} of the ${required} required indicators`;
}

interface PanelYears {
  firstYear: number;
  lastYear: number;
  /** trailing years left out because some required indicators have no data for them yet */
  leftOut: Array<{ year: number; indicators: string[] }>;
  /** how many indicators are required */
  required: number;
}

/** The panel's years: from firstYear to lastYear (by default the latest year any city-level source reports),
 *  less the trailing years some required indicator lacks. A year below the coverage threshold anywhere else is
 *  a missing edition or export: the run stops, naming the indicator and the year (it is never interpolated). */
async function panelYears(ctx: StageContext): Promise<PanelYears> {
  const { db, settings } = ctx;
  const firstYear = settings.firstYear;
  const candidateLast = settings.lastYear ?? Number(await db.scalar(
    `SELECT max(h.year) FROM harmonized h JOIN ref_indicators i USING (indicator) WHERE i.level = 'city' AND h.value IS NOT NULL`));
  await db.runFile('clean/coverage.sql', { first_year: firstYear, last_year: candidateLast });
  const short = await db.rows<{ indicator: string; year: number; units: number; observed: number; share: number }>(
    'SELECT * FROM year_coverage WHERE share < ? ORDER BY year, indicator', [settings.minYearCoverage]);
  const leftOut: PanelYears['leftOut'] = [];
  let lastYear = candidateLast;
  // a scheduled rebuild: the new yearbook is in, the other sources are not yet — the panel ends before that year
  while (settings.lastYear === undefined && lastYear > firstYear && short.some((s) => s.year === lastYear)) {
    leftOut.unshift({ year: lastYear, indicators: short.filter((s) => s.year === lastYear).map((s) => s.indicator) });
    lastYear--;
  }
  const gap = short.find((s) => s.year <= lastYear);
  if (gap) {
    const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
    throw new DataError({ variable: gap.indicator, year: gap.year },
      `reported for ${gap.observed} of ${gap.units} units (${pct(gap.share)}), below minYearCoverage ${pct(settings.minYearCoverage)}: `
      + 'a whole year is never interpolated — is an edition or export missing, or a year header wrong?');
  }
  return { firstYear, lastYear, leftOut, required: await db.count('required_indicators') };
}
