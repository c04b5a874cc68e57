import { z } from 'zod';
import { IndicatorName } from './indicators.ts';

/** Where a staged value came from: enough to open the file and find the cell. */
export const Provenance = z.object({
  source_id: z.string(),          // id in the source registry
  file: z.string(),               // path relative to the raw dir
  sheet: z.string(),              // sheet name ('' for CSV)
  cell: z.string(),               // A1 address (CSV: column letter + 1-based line)
  file_sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** Output contract of the ingest stage: one row per (source cell). */
export const StagedValue = Provenance.extend({
  layout: z.enum(['yearbook', 'eps', 'long']),
  indicator: IndicatorName,
  scope: z.enum(['全市', '市辖区']).nullable(), // null where the source has no scope split
  year: z.number().int(),                       // data year (edition − 1 for yearbooks)
  name_raw: z.string(),                         // region name as printed, full-width spaces removed
  code_raw: z.string().nullable(),              // region code as printed (EPS / vendor), else null
  province_raw: z.string().nullable(),          // province as printed or inferred from the row above
  value: z.number().nullable(),                 // in `unit`; null = missing marker or empty
  unit: z.string(),                             // unit as declared by the file (units row / header), in the unit table's spelling
  missing_marker: z.string().nullable(),        // '', '—', '…', '-' when value is null
  concept: z.string().nullable().optional(),    // the registry's concept tag of the column (户籍 / 常住 …); null or absent: none
});
export type StagedValue = z.infer<typeof StagedValue>;

/** Output contract of the harmonize stage: staged value mapped to its canonical city. */
export const HarmonizedValue = StagedValue.extend({
  city_code: z.string().regex(/^\d{6}$/),       // GB/T 2260 code of the city at the end of the panel
  mapping: z.enum(['exact', 'code', 'alias', 'renamed', 'merged', 'province', 'user']), // 'user': by the raw folder's aliases.csv
});
export type HarmonizedValue = z.infer<typeof HarmonizedValue>;

/** A city of the final panel universe (dim_city). */
export const City = z.object({
  city_code: z.string().regex(/^\d{6}$/),
  city_name: z.string(),
  province: z.string(),
  province_code: z.string().regex(/^\d{2}0000$/),
  region: z.enum(['east', 'central', 'west']),
  is_municipality: z.boolean(),
});
export type City = z.infer<typeof City>;
