// clean: canonical units, merged cities added up, gaps imputed (flagged), then the drop rule.
import { RAW_INDICATORS, UNIT_FACTORS } from '../../schemas/indicators.ts';
import { catalogue, requiredIndicators } from '../../schemas/catalogue.ts';
import type { Stage, StageContext, StageReport } from '../runner/stage.ts';
import { DataError } from '../shared/errors.ts';
import { sqlFile } from '../shared/db.ts';
import { CleanOutput, CleanValueRow, DropRow, ImputationRow } from '../../schemas/stages.ts';
import { validateTable } from '../shared/validate.ts';
import { loadCrosswalk } from '../../reference/index.ts';



export async function clean(ctx: StageContext): Promise<StageReport> {
  const { db, settings } = ctx;


  await db.createAndAppend(
    'ref_indicators',
    [{ name: 'indicator', type: 'VARCHAR' }, { name: 'unit', type: 'VARCHAR' }, { name: 'level', type: 'VARCHAR' }, { name: 'label', type: 'VARCHAR' }],
    Object.entries(RAW_INDICATORS).map(([indicator, d]) => ({ indicator, unit: d.unit, level: d.level, label: d.label })),
  );
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
  };
  CleanOutput.parse(tables);
  await validateTable(db, 'clean_values', CleanValueRow, 'city_code, year, indicator, value, method');
  await validateTable(db, 'quality_drops', DropRow);
  await validateTable(db, 'quality_imputations', ImputationRow);
  return {
    rows: tables.clean_values,
    tables,
    detail: `${tables.clean_kept} cities kept, ${tables.quality_drops} dropped, ${tables.quality_imputations} cells imputed; years ${years!.firstYear}–${years!.lastYear}`
      + years!.leftOut.map((l) => `; ${l.year} left out (no data yet for ${l.indicators.join(', ')})`).join('')
      + (tables.quality_unit_slips ? `; ${tables.quality_unit_slips} possible unit slips (quality_unit_slips)` : '')
      + (tables.quality_merge_gaps ? `; ${tables.quality_merge_gaps} series of a merged city left empty where a part was missing (quality_merge_gaps)` : ''),
  };
}

export const cleanStage: Stage = {
  name: 'clean', does: 'units, merges, imputation, drop rule', module: import.meta.url, run: clean,
  inputs: ['harmonized', 'dim_city', 'dim_province'],
  outputs: ['clean_values', 'quality_imputations', 'quality_drops', 'clean_kept', 'ref_indicators', 'required_indicators', 'quality_coverage', 'quality_unit_slips', 'quality_merge_gaps'],
  settings: ['firstYear', 'lastYear', 'minYearCoverage', 'unitSlips', 'edgeCarry', 'maxInterpolatedGap', 'ecoFormula'],
  tests: [
    { name: 'clean_unique_unit_year_indicator', table: 'clean_values', severity: 'error', kind: 'unique', columns: ['city_code', 'year', 'indicator'] },
    { name: 'clean_non_negative', table: 'clean_values', severity: 'error', kind: 'accepted_range', column: 'value', min: 0 },
    // interpolation is for scattered cells: an indicator with more than a tenth of a year's cells imputed is a
    // source problem, not a gap
    { name: 'clean_imputed_share', table: 'quality_coverage', severity: 'error', kind: 'accepted_range', column: 'imputed_share', max: 0.1 },
    { name: 'clean_unit_slips', table: 'quality_unit_slips', severity: 'warn', kind: 'sql',
      description: 'values a power of ten away from their own series (unit slips), with the raw cell', sql: 'SELECT * FROM quality_unit_slips' },
    { name: 'land_area_no_unexplained_jump', table: 'clean_values', severity: 'warn', kind: 'sql',
      description: 'land area changing by more than 20% in a year, outside a recorded boundary change',
      sql: `SELECT city_code, year, value, prev FROM (
              SELECT city_code, year, value, lag(value) OVER (PARTITION BY city_code ORDER BY year) AS prev
              FROM clean_values WHERE indicator = 'land_area') j
            WHERE prev > 0 AND abs(value / prev - 1) > 0.2
              AND city_code NOT IN (SELECT city_code FROM harmonized WHERE mapping = 'merged')` },
  ],
};

interface PanelYears {
  firstYear: number;
  lastYear: number;
  /** trailing years left out because some required indicators have no data for them yet */
  leftOut: Array<{ year: number; indicators: string[] }>;
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
  return { firstYear, lastYear, leftOut };
}
