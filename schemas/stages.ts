import { z } from 'zod';
import { IndicatorName } from './indicators.ts';
import { PANEL_VARIABLES, SPLITS } from './catalogue.ts';

/**
 * Contracts of the tables each stage leaves in the run's database. The orchestrator checks every stage's
 * output against its contract (rows validated in full: the largest table has under 100k rows).
 */
const code = z.string().regex(/^\d{6}$/);
const finite = z.number().finite();

export const CleanValueRow = z.object({
  city_code: code,                // a city, or a province code for provincial series
  year: z.number().int(),
  indicator: IndicatorName,
  value: finite.nullable(),       // canonical unit; null only where method = 'missing'
  method: z.enum(['observed', 'interpolated', 'carried', 'missing', 'not_a_city']),
}).refine((r) => (r.value === null) === (r.method === 'missing' || r.method === 'not_a_city'), 'value is null exactly when missing');

export const DropRow = z.object({
  city_code: code, city_name: z.string(), province: z.string(),
  region: z.enum(['east', 'central', 'west']), missing_cells: z.number().int().positive(), reason: z.string().min(1),
});

export const ImputationRow = z.object({
  city_code: code, unit_name: z.string(), year: z.number().int(), indicator: IndicatorName,
  method: z.enum(['interpolated', 'carried']), value: finite,
  from_year: z.number().int().nullable(), to_year: z.number().int().nullable(),
});

export const CleanOutput = z.object({
  clean_values: z.number().int().positive(),
  quality_imputations: z.number().int().nonnegative(),
  quality_drops: z.number().int().nonnegative(),
  clean_kept: z.number().int().positive(),
  quality_coverage: z.number().int().positive(),
  quality_unit_slips: z.number().int().nonnegative(),
});

export const DerivedRow = z.object({
  city_code: code, year: z.number().int(), kept: z.boolean(),
  province_code: z.string().regex(/^\d{2}0000$/),
}).catchall(z.union([z.number(), z.string(), z.boolean(), z.null()]));

/** The analysts' panel: one row per kept city-year, no missing catalogue variable. */
export const PanelRow = z.object({
  city_code: code, city_name: z.string(), province: z.string(),
  region: z.enum(['east', 'central', 'west']), is_municipality: z.boolean(), year: z.number().int(),
  // every catalogue variable is finite, every split column 0/1 (one list: schemas/catalogue.ts)
  ...Object.fromEntries(PANEL_VARIABLES.map((v) => [v, finite])),
  ...Object.fromEntries(Object.keys(SPLITS).map((s) => [s, z.union([z.literal(0), z.literal(1)])])),
}).catchall(z.union([z.number(), z.string(), z.boolean(), z.null()]));
