// Shared helpers for the tests that compare the engine with the committed R reference values.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFrame, type LoadedFrame } from '../../econometrics/io/load.ts';
import { formulaColumns, parseFormula } from '../../econometrics/formula.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
export const fixtureData = join(repoRoot, 'test', 'fixtures', 'data');
export const dataFiles: Record<string, string> = {
  du2021: join(fixtureData, 'du2021-city-panel.csv'),
  hansen1999: join(fixtureData, 'hansen1999.csv'),
};

export interface RefCoef { estimate: number; se: number }
export interface RefCase {
  id: string;
  model: 'fe' | 'iv';
  data: string;
  formula: string;
  vcov: string;
  where?: string | null;
  nobs: number;
  singletons?: number;
  dof_k: number;
  clusters?: number | null;
  ssr: number;
  r2?: number;
  r2_within?: number;
  coefficients: Record<string, RefCoef>;
  first_stage?: Record<string, { coefficients: Record<string, RefCoef>; F: number; partial_r2: number }>;
  diagnostics?: Record<string, number>;
}

export const reference: { cases: RefCase[]; plm_check: { formula: string; coefficients: Record<string, number> } } =
  JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'r', 'reference.json'), 'utf8'));

/**
 * Load the columns a formula needs (and `extra` numeric columns); for du2021 add grp = floor((cityno − 1)/15)
 * as the R scripts do.
 */
export async function frameFor(
  c: { data: string; formula: string; vcov: string; where?: string | null },
  extra: string[] = [],
): Promise<LoadedFrame> {
  const f = parseFormula(c.formula);
  const columns = formulaColumns(f);
  const clusters = c.vcov.startsWith('cluster:') ? c.vcov.slice(8).split('+') : [];
  const factors = [...new Set([...columns.factors, ...clusters])].filter((v) => v !== 'grp');
  const numeric = [...columns.numeric, ...extra];
  if (c.data === 'du2021') numeric.push('cityno');
  const frame = await cachedColumns(c.data, c.where ?? undefined, [...new Set(numeric)], factors);
  if (c.data === 'du2021') {
    const city = frame.numeric.cityno;
    const codes = new Int32Array(frame.nrows);
    for (let i = 0; i < frame.nrows; i++) codes[i] = Math.floor((city[i] - 1) / 15);
    frame.factors.grp = { codes, levels: ['0', '1', '2', '3', '4', '5', '6'] };
  }
  return frame;
}

// Each column is read once per test file (and data file and filter): a load starts a DuckDB instance, which cost
// ~0.2 s a test and made the mutation run re-pay it for every mutant. Columns are independent of one another
// (no row is dropped for a NULL), so a frame merged from several loads equals one load of all its columns.
const loaded = new Map<string, LoadedFrame>();
async function cachedColumns(data: string, where: string | undefined, numeric: string[], factors: string[]): Promise<LoadedFrame> {
  const key = `${data}\u0000${where ?? ''}`;
  let all = loaded.get(key);
  const missingNumeric = numeric.filter((v) => !all?.numeric[v]);
  const missingFactors = factors.filter((v) => !all?.factors[v]);
  if (!all || missingNumeric.length + missingFactors.length > 0) {
    const more = await loadFrame({ data: dataFiles[data], where }, missingNumeric, missingFactors);
    all = all ? { nrows: all.nrows, numeric: { ...all.numeric, ...more.numeric }, factors: { ...all.factors, ...more.factors } } : more;
    loaded.set(key, all);
  }
  // Copies, so that no test can change another's data.
  const numericCopy: LoadedFrame['numeric'] = {};
  for (const v of numeric) numericCopy[v] = all.numeric[v].slice();
  const factorCopy: LoadedFrame['factors'] = {};
  for (const v of factors) factorCopy[v] = { codes: all.factors[v].codes.slice(), levels: [...all.factors[v].levels] };
  return { nrows: all.nrows, numeric: numericCopy, factors: factorCopy };
}

export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
