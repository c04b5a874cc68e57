/**
 * buildTruth: the documented data-generating process of the bundled synthetic sample.
 * The continuous truth panel comes from generator/truth/model.ts, the observations the raw files carry
 * from generator/truth/emit.ts; raw/truth.json and raw/TRUTH.md (truthJson / truthMd) document both,
 * with the moments and estimates the pipeline should find on the emitted data (generator/truth/checks.ts).
 * The data are synthetic: no value is a real statistic of any city.
 */
import type { SampleTruth } from './types.ts';
import { buildPanel } from './truth/model.ts';
import { emit } from './truth/emit.ts';
import { derivePanel } from './truth/derive.ts';
import { MERGES } from './truth/cities.ts';
import { paperEstimates } from './truth/checks.ts';
import { BASE_YEARS, DEFAULT_SEED } from './truth/params.ts';
import { truthDocuments } from './truth/doc.ts';

export interface TruthOptions {
  seed?: number;
  /** data years; must start with 2011..2022; more years append (the --next-edition feature) */
  years?: number[];
}

export { BASE_YEARS, DEFAULT_SEED };

export function buildTruth(options: TruthOptions = {}): SampleTruth {
  const seed = options.seed ?? DEFAULT_SEED;
  const years = options.years ?? [...BASE_YEARS];
  const panel = buildPanel(seed, years);
  const emission = emit(panel);
  const cityInfo = panel.cities.map((c) => ({ city_code: c.city_code, province_code: c.province_code, region: c.region, is_municipality: c.is_municipality }));
  const baseSet = new Set(BASE_YEARS);
  const derived = derivePanel(
    emission.city.filter((o) => baseSet.has(o.year)),
    emission.province.filter((o) => baseSet.has(o.year)),
    cityInfo,
    [...BASE_YEARS],
    MERGES,
  );
  const estimates = paperEstimates(derived);
  const { truthJson, truthMd } = truthDocuments({ panel, emission, derived, estimates, years });
  return { seed, years, city: emission.city, province: emission.province, truthJson, truthMd };
}
