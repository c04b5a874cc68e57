import { z } from 'zod';

/**
 * Pipeline settings. Every choice the paper leaves open is a named setting whose default is the
 * paper-faithful reading (see PAPER.md "What the paper leaves unclear").
 */
export const PipelineSettings = z.object({
  /** first data year of the panel */
  firstYear: z.number().int().default(2011),
  /** last data year; by default the latest year any city-level source reports, so a new yearbook
   *  edition extends the panel by a year without changing settings */
  lastYear: z.number().int().optional(),
  /** a year in which a required indicator is reported for fewer than this share of its units is a missing
   *  edition or export: it is never interpolated. Trailing such years are left out of the panel (a scheduled
   *  rebuild before every source has the new year); any other such year stops the run */
  minYearCoverage: z.number().gt(0).max(1).default(0.5),
  /** a value a power of ten away from its own series (quality_unit_slips): a warning, or an error */
  unitSlips: z.enum(['warn', 'error']).default('warn'),
  /** boundary changes: add a predecessor (莱芜) into its successor for earlier years, or drop its rows */
  mergePolicy: z.enum(['merge', 'drop']).default('merge'),
  /** interior gaps of at most this many consecutive years are interpolated; longer ones stay missing */
  maxInterpolatedGap: z.number().int().min(0).default(2),
  /** at most this many years are carried (nearest value) at the start or end of a city's series */
  edgeCarry: z.number().int().min(0).default(1),
  /** Eco: the paper's GDP / land area, or GDP per capita (what Table 1's moments look like) */
  ecoFormula: z.enum(['land_area', 'per_capita']).default('land_area'),
  /** heterogeneity split: above the sample mean (default: gives the paper's unequal group sizes),
   *  above the sample median, or above the median of the observation's year */
  splitRule: z.enum(['mean', 'median', 'year_median']).default('mean'),
  /** winsorizing percentiles for the *_w copies of the model variables */
  winsorize: z.tuple([z.number(), z.number()]).default([0.01, 0.99]),
});
export type PipelineSettings = z.infer<typeof PipelineSettings>;
export const defaultSettings = (): PipelineSettings => PipelineSettings.parse({});
