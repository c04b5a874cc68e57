// `explain CITY YEAR VAR`: how one panel value was made, from the warehouse alone. Each step is shown with the
// numbers it took and gave, so a reader can redo it by hand:
//   the catalogue formula → each raw input: its cells (file, sheet, cell, printed value, unit, scope, mapping), the
//   conversion to the canonical unit, merged predecessors added, or the imputation (method, the years it was made
//   from, with their cells) → the formula's value → the transform (log) → the winsorized copy → the panel's value.
import { InputError } from '../../econometrics/errors.ts';
import { sqlIdent } from '../../econometrics/io/sql.ts';
import { formulaInputs, formulaInWords, transformText } from '../../pipelines/estimate/codebook.ts';
import type { WarehouseReader } from '../../pipelines/estimate/warehouse-reader.ts';
import { RAW_INDICATORS, UNIT_FACTORS, type RawIndicator } from '../../schemas/indicators.ts';
import { closest } from '../export/select.ts';

interface City { city_code: string; city_name: string; province: string; province_code: string }
interface CatalogueRow { name: string; label: string; formula: string; unit: string; transform: string; split: string | null }
interface RawCell {
  file: string; sheet: string; cell: string; value: number | null; unit: string; scope: string | null;
  name_raw: string; code_raw: string | null; mapping: string; source_id: string; missing_marker: string | null;
}
interface CleanCell { value: number | null; method: string; prev_year: number | null; next_year: number | null }

/** What the command was asked about, resolved against the warehouse. */
export interface ValueQuestion {
  city: City; year: number; column: string;
  /** the catalogue variable of X, X_level, X_w, or of a heterogeneity split */
  variable?: CatalogueRow;
  /** the column is the 0/1 split of `variable` */
  split?: boolean;
  indicator?: RawIndicator;
}

/** Full precision: the numbers a reader recomputes from. */
const num = (x: number | null | undefined) => (x === null || x === undefined ? 'missing' : String(x));
/** Display precision for intermediate products (a conversion 262.7736 × 10⁴ prints 2627736, not 2627736.0000000005). */
const short = (x: number) => String(Number(x.toPrecision(12)));

export async function resolveCity(wh: WarehouseReader, given: string): Promise<City> {
  const cities = await wh.rows<City>(`SELECT city_code, city_name, province, province_code FROM ${wh.table('dim_city')} ORDER BY city_code`);
  const bare = given.trim().replace(/市$/, '');
  const found = cities.find((c) => c.city_code === given.trim()) ?? cities.find((c) => c.city_name === given.trim() || c.city_name === bare);
  if (found) return found;
  // a predecessor merged into a city of the panel (莱芜 → 济南) is named as such
  const merged = await wh.rows<{ city_code: string }>(
    `SELECT DISTINCT city_code FROM ${wh.table('stg_values')} WHERE mapping = 'merged' AND (name_raw = ? OR name_raw = ? OR code_raw = ?)`,
    [given.trim(), `${bare}市`, given.trim()]);
  if (merged.length === 1) {
    const into = cities.find((c) => c.city_code === merged[0].city_code)!;
    throw new InputError(`'${given}' is not a city of the panel: its values are merged into ${into.city_name} (${into.city_code}); explain ${into.city_name} instead`);
  }
  const near = closest(bare, cities.map((c) => c.city_name));
  throw new InputError(`unknown city '${given}' (give a name as dim_city has it, or a 6-digit code)${near.length ? `; closest: ${near.join(', ')}` : ''}`);
}

export async function resolveQuestion(wh: WarehouseReader, cityText: string, yearText: string, column: string): Promise<ValueQuestion> {
  const city = await resolveCity(wh, cityText);
  if (!/^\d{4}$/.test(yearText.trim())) throw new InputError(`expected a year like 2015, got '${yearText}'`);
  const year = Number(yearText);
  const panelColumns = (await wh.rows<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${wh.table('panel')})`)).map((r) => r.column_name);
  const name = panelColumns.find((c) => c === column) ?? panelColumns.find((c) => c.toLowerCase() === column.toLowerCase());
  if (!name) {
    const near = closest(column, panelColumns);
    throw new InputError(`'${column}' is not a column of the panel${near.length ? ` (closest: ${near.join(', ')})` : ''}; \`npm run codebook\` lists them`);
  }
  const [drop] = await wh.rows<{ reason: string }>(`SELECT reason FROM ${wh.table('quality_drops')} WHERE city_code = ?`, [city.city_code]);
  if (drop) throw new InputError(`${city.city_name} (${city.city_code}) is not in the panel: dropped by the drop rule (${drop.reason}); see \`npm run --silent query -- "SELECT * FROM drops"\``);
  const [span] = await wh.rows<{ first: number; last: number; here: number }>(
    `SELECT min(year) AS first, max(year) AS last, count(*) FILTER (WHERE year = ?)::INTEGER AS here FROM ${wh.table('panel')} WHERE city_code = ?`, [year, city.city_code]);
  if (!span?.here) throw new InputError(`${city.city_name} (${city.city_code}) has no panel row for ${year}: the panel covers ${span?.first}–${span?.last}`);
  const catalogue = await wh.rows<CatalogueRow>(`SELECT name, label, formula, unit, transform, split FROM ${wh.table('meta_catalogue')}`);
  const base = name.replace(/_(level|w)$/, '');
  const split = catalogue.find((c) => c.split === name);
  if (split) return { city, year, column: name, variable: split, split: true };
  const variable = catalogue.find((c) => c.name === name) ?? catalogue.find((c) => c.name === base && name !== base);
  const rawName = name.replace(/^prov_/, '');
  const indicator = !variable && Object.hasOwn(RAW_INDICATORS, rawName) ? (rawName as RawIndicator) : undefined;
  if (!variable && !indicator) throw new InputError(`'${name}' is an identifier of the panel, not a value with a lineage; give a variable (\`npm run codebook\` lists them)`);
  return { city, year, column: name, variable, indicator };
}

/** The lines that explain one panel value. */
export async function explainValue(wh: WarehouseReader, q: ValueQuestion): Promise<string[]> {
  const { city, year } = q;
  const out: string[] = [];
  const panelValue = async (column: string) => {
    const [row] = await wh.rows<{ v: number }>(`SELECT ${sqlIdent(column)} AS v FROM ${wh.table('panel')} WHERE city_code = ? AND year = ?`, [city.city_code, year]);
    return Number(row.v);
  };
  out.push(`${q.column} for ${city.city_name} (${city.city_code}, ${city.province}), ${year}`);

  if (!q.variable) {
    out.push('', ...(await explainIndicator(wh, city, year, q.indicator!)));
    out.push('', `value: ${q.column} = ${num(await panelValue(q.column))} (panel)`);
    return out;
  }

  const v = q.variable;
  if (q.split) {
    out.push(...(await explainSplit(wh, q)));
    out.push('', `value: ${q.column} = ${num(await panelValue(q.column))} (panel)`);
    return out;
  }
  const inputs = formulaInputs(v.formula) as RawIndicator[];
  out.push(`${v.name}: ${v.label}${v.unit ? ` [${v.unit}]` : ''}`);
  out.push(`formula: ${v.name}_level = ${v.formula}`);
  out.push(`         = ${formulaInWords(v.formula)}`);
  out.push(`transform: ${transformText(v.name, v.transform)}`);

  out.push('', 'raw inputs (stg_values → clean_values, canonical units):');
  for (const indicator of inputs) out.push(...(await explainIndicator(wh, city, year, indicator)).map((l) => `  ${l}`));

  // a window over the province (Va's denominator): the sum it took
  for (const m of v.formula.matchAll(/sum\(\s*([A-Za-z_]\w*)\s*\)\s*OVER\s*\(\s*PARTITION BY\s+province_code\s*,\s*year\s*\)/gi)) {
    const summed = m[1];
    const [s] = await wh.rows<{ total: number; cities: number }>(
      `SELECT sum(${sqlIdent(summed)}) AS total, count(${sqlIdent(summed)})::INTEGER AS cities FROM ${wh.table('derived')} WHERE province_code = ? AND year = ?`,
      [city.province_code, year]);
    out.push(`  sum(${summed}) over ${city.province}'s ${s.cities} cities in ${year} (every city the province reports, kept or not; derived) = ${num(s.total)}`);
  }

  // the formula evaluated again on the derived table (windows need every city of the year), next to the panel's level
  const [again] = await wh.rows<{ v: number }>(
    `SELECT v FROM (SELECT city_code, year, (${v.formula}) AS v FROM ${wh.table('derived')}) WHERE city_code = ? AND year = ?`, [city.city_code, year]);
  const level = await panelValue(`${v.name}_level`);
  out.push('', `${v.name}_level = ${v.formula} = ${num(Number(again?.v))}${v.unit ? ` ${v.unit}` : ''} (panel ${v.name}_level: ${num(level)})`);

  const transformed = v.transform === 'ln' ? Math.log(level) : v.transform === 'ln1p' ? Math.log1p(level) : level;
  const value = await panelValue(v.name);
  if (v.transform === 'ln') out.push(`${v.name} = ln(${num(level)}) = ${num(transformed)} (panel ${v.name}: ${num(value)})`);
  else if (v.transform === 'ln1p') out.push(`${v.name} = ln(1 + ${num(level)}) = ${num(transformed)} (panel ${v.name}: ${num(value)})`);
  else out.push(`${v.name} = ${v.name}_level (not logged) = ${num(value)}`);

  const winsorized = `${v.name}_w`;
  const [bounds] = await wh.rows<{ low: number; high: number }>(`SELECT min(${sqlIdent(winsorized)}) AS low, max(${sqlIdent(winsorized)}) AS high FROM ${wh.table('panel')}`);
  const [setting] = await wh.rows<{ value: string }>(`SELECT value FROM ${wh.table('meta_settings')} WHERE setting = 'winsorize'`);
  const percentiles = setting ? (JSON.parse(setting.value) as number[]).map((p) => `${Math.round(p * 1000) / 10}%`).join('/') : 'percentile';
  const w = await panelValue(winsorized);
  const where = `the panel's ${percentiles} points [${num(bounds.low)}, ${num(bounds.high)}]`;
  out.push(value < bounds.low ? `${winsorized} = ${num(w)}: ${v.name} clipped up to the lower bound of ${where}`
    : value > bounds.high ? `${winsorized} = ${num(w)}: ${v.name} clipped down to the upper bound of ${where}`
    : `${winsorized} = ${num(w)}: inside ${where}, not clipped`);

  out.push('', `value: ${q.column} = ${num(await panelValue(q.column))} (panel)`);
  return out;
}

const CUTS: Record<string, { words: string; sql: (level: string) => string; byYear: boolean }> = {
  mean: { words: 'the mean of {level} over the panel', sql: (level) => `avg(${level})`, byYear: false },
  median: { words: 'the median of {level} over the panel', sql: (level) => `median(${level})`, byYear: false },
  year_median: { words: 'the median of {level} over the panel’s cities in {year}', sql: (level) => `median(${level})`, byYear: true },
};

/** A heterogeneity split: the city-year's level against the cut of the build's split rule (meta_settings). */
async function explainSplit(wh: WarehouseReader, q: ValueQuestion): Promise<string[]> {
  const v = q.variable!;
  const level = `${v.name}_level`;
  const [setting] = await wh.rows<{ value: string }>(`SELECT value FROM ${wh.table('meta_settings')} WHERE setting = 'splitRule'`);
  const rule = setting ? String(JSON.parse(setting.value)) : 'mean';
  const cut = CUTS[rule];
  if (!cut) return [`${q.column}: 1 if ${level} is above the cut of the split rule '${rule}', else 0`];
  const [row] = await wh.rows<{ cut: number; level: number }>(
    `SELECT (SELECT ${cut.sql(sqlIdent(level))} FROM ${wh.table('panel')}${cut.byYear ? ' WHERE year = ?' : ''}) AS cut,
            (SELECT ${sqlIdent(level)} FROM ${wh.table('panel')} WHERE city_code = ? AND year = ?) AS level`,
    [...(cut.byYear ? [q.year] : []), q.city.city_code, q.year]);
  const words = cut.words.replace('{level}', level).replace('{year}', String(q.year));
  return [
    `${q.column}: 1 if ${level} (${v.label}) is above ${words} (split rule '${rule}', meta_settings), else 0`,
    `${level} = ${num(row.level)}${v.unit ? ` ${v.unit}` : ''} (its lineage: explain ${q.city.city_name} ${q.year} ${level}); cut = ${num(row.cut)}`,
    `${num(row.level)} ${row.level > row.cut ? '>' : '≤'} ${num(row.cut)} → ${row.level > row.cut ? 1 : 0}`,
  ];
}

/** One raw indicator of a city-year: its cleaned value and method, the raw cells behind it, and for an imputed
 *  cell the years it was made from. */
async function explainIndicator(wh: WarehouseReader, city: City, year: number, indicator: RawIndicator): Promise<string[]> {
  const meta = RAW_INDICATORS[indicator];
  const unitCode = meta.level === 'province' ? city.province_code : city.city_code;
  const where = meta.level === 'province' ? `${city.province} (province ${unitCode})` : '';
  const clean = await cleanCell(wh, unitCode, year, indicator);
  const out: string[] = [];
  const head = `${indicator} (${meta.label}${where ? `, ${where}` : ''}), canonical unit ${meta.unit}: ${num(clean?.value)}`;
  if (!clean || clean.method === 'observed') {
    out.push(`${head} (observed)`);
    out.push(...(await cellLines(wh, unitCode, year, indicator)).map((l) => `  ${l}`));
    return out;
  }
  const [imputed] = await wh.rows<{ method: string; from_year: number | null; to_year: number | null }>(
    `SELECT method, from_year, to_year FROM ${wh.table('quality_imputations')} WHERE city_code = ? AND year = ? AND indicator = ?`, [unitCode, year, indicator]);
  if (!imputed) {
    out.push(`${head} (${clean.method})`);
    return out;
  }
  const from = imputed.from_year;
  const to = imputed.to_year;
  out.push(`${head} (imputed: ${imputed.method}${imputed.method === 'interpolated' ? ` between ${from} and ${to}` : ` from ${from ?? to}`}; quality_imputations)`);
  out.push(`  ${year}: no usable raw value`);
  out.push(...(await cellLines(wh, unitCode, year, indicator)).map((l) => `    ${l}`));
  const sourceYears = [from, to].filter((y): y is number => y !== null && (imputed.method === 'interpolated' || y === (from ?? to)));
  const values = new Map<number, number | null>();
  for (const y of sourceYears) {
    const c = await cleanCell(wh, unitCode, y, indicator);
    values.set(y, c?.value ?? null);
    out.push(`  ${y}: ${num(c?.value)} (${c?.method ?? 'missing'})`);
    out.push(...(await cellLines(wh, unitCode, y, indicator)).map((l) => `    ${l}`));
  }
  if (imputed.method === 'interpolated' && from !== null && to !== null) {
    const a = values.get(from)!;
    const b = values.get(to)!;
    out.push(`  interpolated: ${num(a)} + (${num(b)} − ${num(a)}) × (${year} − ${from}) / (${to} − ${from}) = ${num(clean.value)}`);
  } else {
    out.push(`  carried: the nearest observed year ${from ?? to} (an edge gap of at most edgeCarry years) = ${num(clean.value)}`);
  }
  return out;
}

async function cleanCell(wh: WarehouseReader, unitCode: string, year: number, indicator: string): Promise<CleanCell | undefined> {
  const [c] = await wh.rows<CleanCell>(
    `SELECT value, method, prev_year, next_year FROM ${wh.table('clean_values')} WHERE city_code = ? AND year = ? AND indicator = ?`, [unitCode, year, indicator]);
  return c;
}

/** The raw cells of a unit-year-indicator, each with its conversion to the canonical unit; then how they add up. */
async function cellLines(wh: WarehouseReader, unitCode: string, year: number, indicator: RawIndicator): Promise<string[]> {
  const canonical = RAW_INDICATORS[indicator].unit;
  const cells = await wh.rows<RawCell>(
    `SELECT file, sheet, cell, value, unit, scope, name_raw, code_raw, mapping, source_id, missing_marker FROM ${wh.table('stg_values')}
     WHERE city_code = ? AND year = ? AND indicator = ?
     ORDER BY mapping = 'merged', scope IS NOT NULL AND scope <> '全市', file, sheet, cell`, [unitCode, year, indicator]);
  if (cells.length === 0) return ['no raw cell: not reported in any source file'];
  const out: string[] = [];
  const used: number[] = [];
  let partMissing = false;
  for (const c of cells) {
    const who = `${c.name_raw}${c.code_raw ? ` ${c.code_raw}` : ''}, ${c.mapping === 'merged' ? 'merged predecessor' : `mapping ${c.mapping}`}`;
    const at = `file ${c.file}, sheet ${c.sheet}, cell ${c.cell} (${who}; source ${c.source_id})`;
    const counted = c.scope === null || c.scope === '全市';
    const printed = c.value === null ? `missing${c.missing_marker ? ` (printed '${c.missing_marker}')` : ''}` : `${c.value} ${c.unit}`;
    if (!counted) {
      out.push(`${at}: ${printed}, scope ${c.scope} — not used (the panel takes 全市, the whole city)`);
      continue;
    }
    const scope = c.scope ? `, scope ${c.scope}` : '';
    if (c.value === null) {
      partMissing = true;
      out.push(`${at}: ${printed}${scope}`);
      continue;
    }
    const factor = UNIT_FACTORS[canonical]?.[c.unit];
    const converted = c.value * factor;
    used.push(converted);
    const conversion = factor === 1 ? `→ ${short(converted)} ${canonical}` : `× ${factorText(factor)} (${c.unit} → ${canonical}) = ${short(converted)} ${canonical}`;
    out.push(`${at}: ${printed}${scope} ${conversion}`);
  }
  if (partMissing && used.length > 0) out.push('a part is missing: the sum is not taken (half a city is not the city), the cell counts as missing');
  else if (used.length > 1) out.push(`sum of the ${used.length} parts (the city and its merged predecessors): ${used.map(short).join(' + ')} = ${short(used.reduce((a, b) => a + b, 0))} ${canonical}`);
  return out;
}

const factorText = (f: number) => {
  const exponent = Math.log10(f);
  return Number.isInteger(exponent) ? `10^${exponent}` : String(f);
};
