import { isVcovOption, type VcovOption } from '../../econometrics/vcov.ts';
import { z } from 'zod';

/** Choices the paper leaves open, as named settings with the paper-faithful default (PAPER.md). */
export const EstimateSettings = z.object({
  /** vcov of every FE/IV column: the paper's "robust" t-values under xtreg/reghdfe mean clustered by city */
  vcov: z.string().refine(isVcovOption, 'expected iid, hc1 or cluster:VAR').transform((v) => v as VcovOption).default('cluster:city_code'),
  /** which R² the tables print: with two-way FE the paper's 0.85 is the full-model (dummy) R² */
  r2Printed: z.enum(['full', 'within']).default('full'),
  /** threshold method: the paper used Stata's xthreg */
  thresholdMethod: z.enum(['xthreg', 'hansen']).default('xthreg'),
  thresholdGrid: z.string().default('quantile:400'),
  /** year effects in the threshold models (as year dummies: xthreg absorbs only the city effect), matching the
   *  two-way fixed effects of every other table */
  thresholdYearEffects: z.boolean().default(true),
  /** standard errors of the threshold tables: xthreg's default is conventional, and the paper's Table 5 t-values
   *  (16.7–25.1, against 5.6 for the clustered Table 2) are of that kind; 'cluster' clusters by city */
  thresholdVcov: z.enum(['conventional', 'cluster']).default('conventional'),
  /** thresholds tested: the number kept is the largest k whose bootstrap p is below `thresholdAlpha` */
  maxThresholds: z.number().int().min(1).max(3).default(2),
  thresholdAlpha: z.number().default(0.05),
  bootstrap: z.number().int().min(0).default(300),
  seed: z.number().int().default(20250401),
  /** mediation: bootstrap replications for the indirect effect's interval */
  mediationBootstrap: z.number().int().min(0).default(500),
});
export type EstimateSettings = z.infer<typeof EstimateSettings>;
