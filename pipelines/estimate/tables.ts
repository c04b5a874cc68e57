import type { VcovOption } from '../../econometrics/vcov.ts';
// The paper's tables, declared as data: one entry per column. An analyst adds a column by adding an entry.
// Variables are columns of the warehouse `panel` table; `where` is a DuckDB SQL predicate on it.
import type { EstimateSettings } from './settings.ts';

export const CONTROLS = ['Eco', 'Huc', 'Edu', 'Fis', 'Gov'];
export const TWO_WAY = ['city_code', 'year'];

/** `id` names a column for everything that refers to it (published numbers, truth checks, figures): inserting
 *  or moving a column in a declaration cannot shift numbers onto the wrong column. */
export type ColumnSpec = { id: string } & (
  | { kind: 'fe'; label: string; depvar: string; regressors: string[]; fe: string[]; where?: string; vcov?: VcovOption }
  | { kind: 'iv'; label: string; depvar: string; exog: string[]; endog: string; instruments: string[]; fe: string[]; where?: string; vcov?: VcovOption }
  | { kind: 'threshold'; label: string; depvar: string; regime: string; thresholdVar: string; controls: string[]; maxThresholds: number;
      /** year dummies among the regressors (the unit effect is the only absorbed one) */
      yearEffects: boolean }
  | { kind: 'descriptives'; label: string; variables: string[] }
);

export interface TableSpec {
  key: string;                 // the key in tables.json (as in the paper's results file)
  title: string;
  columns: ColumnSpec[];
  /** terms printed as rows, in order */
  rows: string[];
  /** the controls enter but are not printed as rows: a "Controls" row says which columns have them (as the paper) */
  controlsRow?: boolean;
  notes: string[];
}

const fe = (id: string, label: string, depvar: string, regressors: string[], extra: { where?: string; fe?: string[]; vcov?: VcovOption } = {}): ColumnSpec =>
  ({ id, kind: 'fe', label, depvar, regressors, fe: TWO_WAY, ...extra });

export function paperTables(settings: EstimateSettings): TableSpec[] {
  const w = (v: string) => `${v}_w`;
  const stepwise = CONTROLS.map((_, i) => CONTROLS.slice(0, i + 1));
  return [
    {
      key: 'table1_descriptives', title: 'Table 1. Descriptive statistics',
      columns: [{ id: 'full_sample', kind: 'descriptives', label: 'full sample', variables: ['Inn', 'AI', 'Va', 'Ind', ...CONTROLS] }],
      rows: [], notes: [],
    },
    {
      key: 'table2_baseline', title: 'Table 2. Baseline: AI and innovation (controls added stepwise)',
      columns: [fe('c1', '(1)', 'Inn', ['AI']), ...stepwise.map((c, i) => fe(`c${i + 2}`, `(${i + 2})`, 'Inn', ['AI', ...c]))],
      rows: ['AI', ...CONTROLS, '_cons'], notes: [],
    },
    {
      key: 'table3_robustness', title: 'Table 3. Robustness',
      columns: [
        fe('drop_2020_2022', 'drop 2020-2022', 'Inn', ['AI', ...CONTROLS], { where: 'year <= 2019' }),
        fe('winsorize_1pct', 'winsorize 1%', w('Inn'), [w('AI'), ...CONTROLS.map(w)]),
        fe('patent_applications', 'patent applications as depvar', 'Inn1', ['AI', ...CONTROLS]),
        fe('drop_municipalities', 'drop the 4 municipalities', 'Inn', ['AI', ...CONTROLS], { where: 'NOT is_municipality' }),
        fe('province_year_fe', 'add province FE and province x year FE', 'Inn', ['AI', ...CONTROLS],
          { fe: [...TWO_WAY, 'province', 'province^year'] }),
      ],
      rows: ['AI', '_cons'], controlsRow: true,
      notes: ['Column 5: a municipality is its own province, so its province×year cells are singletons, dropped as reghdfe does (4 × 12 = 48 observations: the paper\'s 3,204); a province with a single kept city loses its observations the same way.'],
    },
    {
      key: 'table4_endogeneity', title: 'Table 4. Endogeneity: 2SLS with internet penetration, and the selection ratio',
      columns: [
        { id: 'iv', kind: 'iv', label: '2SLS', depvar: 'Inn', exog: CONTROLS, endog: 'AI', instruments: ['IV'], fe: TWO_WAY },
        fe('selection_ratio', 'selection ratio (full model)', 'Inn', ['AI', ...CONTROLS]),
      ],
      rows: ['AI', 'IV', ...CONTROLS, '_cons'], notes: [],
    },
    {
      key: 'table5_threshold', title: `Table 5. Panel threshold models (${settings.thresholdMethod}, ${settings.bootstrap} bootstrap replications)`,
      columns: ['AI', 'Va', 'Ind'].map((q) => ({
        id: `threshold_${q}`, kind: 'threshold' as const, label: `threshold: ${q}`, depvar: 'Inn', regime: 'AI', thresholdVar: q,
        controls: CONTROLS, maxThresholds: settings.maxThresholds, yearEffects: settings.thresholdYearEffects,
      })),
      rows: [], controlsRow: true, notes: [],
    },
    {
      key: 'table6_mediation', title: 'Table 6. Mediation: virtual agglomeration (Va) and industrial upgrading (Ind)',
      columns: [
        fe('inn', '(1) Inn', 'Inn', ['AI', ...CONTROLS]),
        fe('va_on_ai', '(2) Va', 'Va', ['AI', ...CONTROLS]),
        fe('inn_on_ai_va', '(3) Inn', 'Inn', ['AI', 'Va', ...CONTROLS]),
        fe('ind_on_ai', '(4) Ind', 'Ind', ['AI', ...CONTROLS]),
        fe('inn_on_ai_ind', '(5) Inn', 'Inn', ['AI', 'Ind', ...CONTROLS]),
      ],
      rows: ['AI', 'Va', 'Ind', '_cons'], notes: [],
    },
    {
      key: 'table7_heterogeneity', title: 'Table 7. Heterogeneity',
      columns: [
        fe('east', 'east', 'Inn', ['AI', ...CONTROLS], { where: "region = 'east'" }),
        fe('central', 'central', 'Inn', ['AI', ...CONTROLS], { where: "region = 'central'" }),
        fe('west', 'west', 'Inn', ['AI', ...CONTROLS], { where: "region = 'west'" }),
        fe('high_data_resources', 'high data resources', 'Inn', ['AI', ...CONTROLS], { where: 'high_data_resources = 1' }),
        fe('low_data_resources', 'low data resources', 'Inn', ['AI', ...CONTROLS], { where: 'high_data_resources = 0' }),
        fe('high_digital_infrastructure', 'high digital infrastructure', 'Inn', ['AI', ...CONTROLS], { where: 'high_digital_infra = 1' }),
        fe('low_digital_infrastructure', 'low digital infrastructure', 'Inn', ['AI', ...CONTROLS], { where: 'high_digital_infra = 0' }),
      ],
      rows: ['AI', '_cons'], notes: [],
    },
  ];
}

/** Beyond the paper: extra columns reported next to the tables. */
export function extraColumns(): Record<string, ColumnSpec> {
  return {
    before_2017: fe('before_2017', '2011-2016', 'Inn', ['AI', ...CONTROLS], { where: 'year <= 2016' }),
    after_2016: fe('after_2016', '2017-2022 (after 2016)', 'Inn', ['AI', ...CONTROLS], { where: 'year > 2016' }),
  };
}
