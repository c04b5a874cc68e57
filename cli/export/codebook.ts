// The codebook of an export: a label, unit and source for every panel column, from the warehouse's own
// meta_catalogue (model variables: label, unit, transform, formula), meta_settings (winsorizing, split rule),
// dim_province (the categories of province and region) and, for the raw indicators the panel carries, the
// project's indicator list. Value labels:
//   region           1 east, 2 central, 3 west (the official order), any other region after them
//   province         the GB/T 2260 province code / 10000 (11 北京 … 65 新疆), labelled with the province name
//   is_municipality  0 no, 1 yes
//   high_* splits    0 low, 1 high
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent } from '../../econometrics/io/sql.ts';
import { RAW_INDICATORS } from '../../schemas/indicators.ts';
import type { ExportColumn, ValueLabel } from './frame.ts';

interface CatalogueRow { name: string; label: string; unit: string; transform: string; formula: string; split: string | null }

const DIMENSIONS: Record<string, { label: string; source: string }> = {
  city_code: { label: 'city code (GB/T 2260, as at the end of the panel)', source: 'dim_city' },
  city_name: { label: 'city', source: 'dim_city' },
  province: { label: 'province', source: 'dim_province' },
  province_code: { label: 'province code (GB/T 2260)', source: 'dim_province' },
  region: { label: 'region (east/central/west)', source: 'dim_province' },
  is_municipality: { label: 'municipality directly under the central government', source: 'dim_city' },
  year: { label: 'year', source: 'panel' },
};

const REGION_ORDER = ['east', 'central', 'west'];
const SPLIT_RULES: Record<string, string> = { mean: 'the sample mean', median: 'the sample median', year_median: 'the median of its year' };

async function rows<T>(con: DuckDBConnection, sql: string): Promise<T[]> {
  try {
    return (await con.runAndReadAll(sql)).getRowObjectsJS() as T[];
  } catch {
    return []; // an older warehouse without this table: the labels it would give stay empty
  }
}

/** Fill label, unit, source and value labels of the columns from the warehouse (attached as `catalog`). */
export async function describeColumns(con: DuckDBConnection, catalog: string, columns: ExportColumn[]): Promise<void> {
  const t = (table: string) => `${sqlIdent(catalog)}.main.${sqlIdent(table)}`;
  const catalogue = await rows<CatalogueRow>(con, `SELECT name, label, unit, transform, formula, split FROM ${t('meta_catalogue')}`);
  const settings = new Map((await rows<{ setting: string; value: string }>(con, `SELECT setting, value FROM ${t('meta_settings')}`))
    .map((r) => [r.setting, safeJson(r.value)]));
  const provinces = await rows<{ province: string; province_code: string; region: string }>(con,
    `SELECT province, province_code, region FROM ${t('dim_province')} ORDER BY province_code`);

  const byName = new Map(catalogue.map((c) => [c.name, c]));
  const bySplit = new Map(catalogue.filter((c) => c.split).map((c) => [c.split!, c]));
  const winsor = settings.get('winsorize');
  const winsorText = Array.isArray(winsor) && winsor.length === 2 ? `winsorized at ${pct(winsor[0])}/${pct(winsor[1])}` : 'winsorized';
  const splitRule = SPLIT_RULES[String(settings.get('splitRule'))] ?? 'the split rule';
  const transformed = (c: CatalogueRow) => (c.transform === 'ln' ? `ln(${c.label})` : c.transform === 'ln1p' ? `ln(1 + ${c.label})` : c.label);

  for (const col of columns) {
    const dim = DIMENSIONS[col.name];
    const [, base, suffix] = /^(.*?)(_level|_w)?$/.exec(col.name)!;
    const entry = byName.get(col.name) ?? (suffix ? byName.get(base) : undefined);
    const raw = RAW_INDICATORS[col.name as keyof typeof RAW_INDICATORS];
    const provincial = col.name.startsWith('prov_') ? RAW_INDICATORS[col.name.slice(5) as keyof typeof RAW_INDICATORS] : undefined;
    if (dim) Object.assign(col, { label: dim.label, source: dim.source });
    else if (entry && !suffix) Object.assign(col, { label: transformed(entry), unit: entry.unit, source: `meta_catalogue: ${entry.transform === 'none' ? '' : entry.transform + ' of '}${entry.formula}` });
    else if (entry && suffix === '_level') Object.assign(col, { label: `${entry.label} (level)`, unit: entry.unit, source: `meta_catalogue: ${entry.formula}` });
    else if (entry && suffix === '_w') Object.assign(col, { label: `${transformed(entry)}, ${winsorText}`, unit: entry.unit, source: `meta_catalogue: ${entry.name}, ${winsorText}` });
    else if (bySplit.has(col.name)) {
      const of = bySplit.get(col.name)!;
      Object.assign(col, { label: `1 = ${of.name} above ${splitRule} (${of.label})`, source: `meta_catalogue: split of ${of.name}` });
      col.valueLabels = { name: 'lowhigh', entries: [{ value: 0, code: 0, label: 'low' }, { value: 1, code: 1, label: 'high' }] };
    } else if (raw) Object.assign(col, { label: raw.label, unit: raw.unit, source: 'raw indicator (clean_values)' });
    else if (provincial) Object.assign(col, { label: `${provincial.label} (province)`, unit: provincial.unit, source: 'raw provincial indicator (clean_values)' });

    if (col.kind === 'boolean') col.valueLabels = { name: 'noyes', entries: [{ value: 0, code: 0, label: 'no' }, { value: 1, code: 1, label: 'yes' }] };
    if (col.kind === 'string' && col.name === 'region') col.valueLabels = { name: 'region', entries: regionLabels(provinces.map((p) => p.region), col.values) };
    if (col.kind === 'string' && col.name === 'province' && provinces.length) col.valueLabels = { name: 'province', entries: provinceLabels(provinces, col.values) };
    if (col.kind === 'string' && (col.name === 'city_code' || col.name === 'province_code')) col.numericCode = true;
  }
}

const pct = (x: unknown) => `${Math.round(Number(x) * 1000) / 10}%`;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Codes for the strings of a column: the known ones first, then any other value in sorted order. */
function withOthers(known: ValueLabel[], values: ExportColumn['values']): ValueLabel[] {
  const seen = new Set(known.map((k) => k.value));
  let next = Math.max(0, ...known.map((k) => k.code)) + 1;
  const others = [...new Set(values.filter((v): v is string => typeof v === 'string' && !seen.has(v)))].sort();
  return [...known, ...others.map((value) => ({ value, code: next++, label: value }))];
}

function regionLabels(regions: string[], values: ExportColumn['values']): ValueLabel[] {
  const all = [...new Set(regions)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return withOthers(all.map((value, i) => ({ value, code: i + 1, label: value })), values);
}
const rank = (r: string) => (REGION_ORDER.includes(r) ? REGION_ORDER.indexOf(r) : REGION_ORDER.length);

function provinceLabels(provinces: Array<{ province: string; province_code: string }>, values: ExportColumn['values']): ValueLabel[] {
  return withOthers(provinces.map((p) => ({ value: p.province, code: Math.floor(Number(p.province_code) / 10000), label: p.province })), values);
}
