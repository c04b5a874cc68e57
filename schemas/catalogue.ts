import type { RawIndicator } from './indicators.ts';
import type { PipelineSettings } from './settings.ts';

/**
 * The variable catalogue: how every model variable is made from the source indicators.
 * Read it, change it: `formula` is a DuckDB SQL expression over the raw indicators of one city-year,
 * in their canonical units (schemas/indicators.ts), and over `prov_<indicator>` for provincial series.
 * Window functions are allowed (Va splits the provincial total by the city's share of the province).
 * `transform` is applied in the transform stage: 'ln' stops the run on a non-positive value, 'ln1p'
 * uses ln(1 + x), 'none' keeps the level.
 */
export interface CatalogueEntry {
  name: string;
  label: string;
  formula: string;
  inputs: RawIndicator[];
  unit: string;
  transform: 'ln' | 'ln1p' | 'none';
  /** 'model': an outcome or regressor of the paper's models; 'split': a level that only a heterogeneity split reads */
  role: 'model' | 'split';
  /** a city is kept only if this variable is present in every year (the drop rule) */
  required: boolean;
  /** the 0/1 column (above the split rule's cut = 1) the transform stage makes from this variable */
  split?: string;
}

export function catalogue(settings: Pick<PipelineSettings, 'ecoFormula'>): CatalogueEntry[] {
  const eco: CatalogueEntry =
    settings.ecoFormula === 'land_area'
      ? { name: 'Eco', label: 'GDP per km² of land (paper definition)', formula: 'gdp / land_area',
          inputs: ['gdp', 'land_area'], unit: '万元/平方公里', transform: 'ln', role: 'model', required: true }
      : { name: 'Eco', label: 'GDP per capita', formula: '(gdp * 1e4) / (population * 1e4)',
          inputs: ['gdp', 'population'], unit: '元/人', transform: 'ln', role: 'model', required: true };
  return [
    { name: 'Inn', label: 'patents granted', formula: 'patents_granted', inputs: ['patents_granted'],
      unit: '件', transform: 'ln', role: 'model', required: true },
    { name: 'Inn1', label: 'patent applications', formula: 'patent_applications', inputs: ['patent_applications'],
      unit: '件', transform: 'ln', role: 'model', required: true },
    { name: 'AI', label: 'AI enterprises', formula: 'ai_firms', inputs: ['ai_firms'],
      unit: '家', transform: 'ln', role: 'model', required: true },
    { name: 'Va', label: 'e-commerce volume: provincial total split by the city share of provincial express deliveries',
      formula: 'prov_ecommerce_volume * 1e4 * express_volume / sum(express_volume) OVER (PARTITION BY province_code, year)',
      inputs: ['ecommerce_volume', 'express_volume'], unit: '万元', transform: 'ln', role: 'model', required: true },
    { name: 'Ind', label: 'industrial structure 1·s1 + 2·s2 + 3·s3',
      formula: '(gdp_primary + 2 * gdp_secondary + 3 * gdp_tertiary) / gdp',
      inputs: ['gdp_primary', 'gdp_secondary', 'gdp_tertiary', 'gdp'], unit: '', transform: 'none', role: 'model', required: true },
    eco,
    { name: 'Huc', label: 'students in higher education per 10,000 residents', formula: 'students / population',
      inputs: ['students', 'population'], unit: '人/万人', transform: 'ln', role: 'model', required: true },
    { name: 'Edu', label: 'education + science & technology spending', formula: 'edu_exp + sci_exp',
      inputs: ['edu_exp', 'sci_exp'], unit: '万元', transform: 'ln', role: 'model', required: true },
    { name: 'Fis', label: 'budget revenue / budget expenditure', formula: 'budget_revenue / budget_expenditure',
      inputs: ['budget_revenue', 'budget_expenditure'], unit: '', transform: 'none', role: 'model', required: true },
    { name: 'Gov', label: 'budget expenditure / GDP', formula: 'budget_expenditure / gdp',
      inputs: ['budget_expenditure', 'gdp'], unit: '', transform: 'none', role: 'model', required: true },
    { name: 'IV', label: 'internet penetration: broadband subscribers per resident', formula: 'broadband_users / population',
      inputs: ['broadband_users', 'population'], unit: '户/人', transform: 'none', role: 'model', required: true },
    { name: 'DataRes', label: 'data resources: telecom revenue per resident', formula: 'telecom_revenue / population',
      inputs: ['telecom_revenue', 'population'], unit: '元/人', transform: 'none', role: 'split', required: true, split: 'high_data_resources' },
    { name: 'DigInfra', label: 'digital infrastructure: mobile subscribers per resident', formula: 'mobile_users / population',
      inputs: ['mobile_users', 'population'], unit: '户/人', transform: 'none', role: 'split', required: true, split: 'high_digital_infra' },
  ];
}

/** Raw indicators the kept panel needs in every year (inputs of the required variables). */
export function requiredIndicators(entries: CatalogueEntry[]): RawIndicator[] {
  return [...new Set(entries.filter((e) => e.required).flatMap((e) => e.inputs))].sort();
}

// Names do not depend on settings (only formulas do): the lists below hold for every build.
const NAMES = catalogue({ ecoFormula: 'land_area' });

/** The variables of the paper's models, named exactly as the panel carries them. */
export const MODEL_VARIABLES: string[] = NAMES.filter((e) => e.role === 'model').map((e) => e.name);

/** Every catalogue variable (the panel carries each, never null in a kept city-year). */
export const PANEL_VARIABLES: string[] = NAMES.map((e) => e.name);

/** Heterogeneity split columns of the panel and the variable each cuts. */
export const SPLITS: Record<string, string> = Object.fromEntries(
  NAMES.filter((e) => e.split).map((e) => [e.split!, e.name]),
);
