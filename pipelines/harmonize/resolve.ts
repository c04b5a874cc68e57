/**
 * Crosswalk resolver: maps a region as printed in a source (name, code, province, data year) to its
 * canonical city of the 2011–2022 panel. All lookups go through Maps built once from reference/.
 *
 * A "form" is one way a unit is officially written: the canonical city (short name, full name, code),
 * or a predecessor from reference/crosswalk.csv (毕节地区 522400, 襄樊 420600, 莱芜 371200, 巢湖 341400).
 * Every form has the data years in which it was the valid form (GB/T 2260 lists as of 31 December;
 * 莱芜 up to 2018 because the yearbooks still report it that year).
 *
 * mapping:
 *   exact    the printed name is an official name of the canonical city, valid that year, and the
 *            printed code (if any) is the code valid that year
 *   renamed  the printed name/code is a predecessor form valid that year (襄樊 in 2009, 毕节地区 in 2010)
 *   alias    the unit is recognized, but through a form not valid that year (a stale name or code used
 *            after a change, or the new one applied backwards as vendor panels do) or through a suffix
 *            variant (石家庄地区)
 *            (a municipality under its 市辖区/县 group code 110100/110200 is an alias too)
 *   code     the name matched nothing (or was empty) and the code identified the city
 *   merged   a predecessor merged whole into its successor (莱芜 → 济南); city_code is the successor's
 *   dropped  a unit abolished by split (巢湖); city_code is null
 */
import { loadCityRecords, loadCrosswalk, provinces, type CityRecord } from '../../reference/index.ts';
import type { CityMapping, CrosswalkRow, Province } from '../../schemas/crosswalk.ts';
import { quoteText, shortText } from '../shared/errors.ts';

export interface ResolveInput {
  name: string | null;
  code: string | null;
  province: string | null;
  year: number;
}

export interface MatchedForm {
  kind: 'canonical' | 'renamed' | 'merge' | 'drop';
  name: string;            // short name of the form
  code: string;
  province_code: string;
  first_year: number | null; // null: valid since before the reference period
  last_year: number | null;  // null: still valid at the end of the panel
}

export interface CityResolution {
  /** canonical city; null only when mapping is 'dropped' */
  city_code: string | null;
  mapping: CityMapping | 'dropped';
  /** the form that matched and whether it was the valid form in the data year */
  form: MatchedForm;
  current: boolean;
  matched_by: 'name' | 'code' | 'name+code';
  /** successors of a dropped unit (巢湖: 合肥, 芜湖, 马鞍山) */
  successor_codes: string[];
  /** why this mapping, independent of the year (e.g. 'code 522400 of 毕节地区 522400 (valid 1981–2010) used outside its years') */
  note: string;
}

export class CityResolutionError extends Error {
  readonly closest: string[];
  constructor(message: string, closest: string[]) {
    super(message);
    this.name = 'CityResolutionError';
    this.closest = closest;
  }
}

interface Form extends MatchedForm {
  target: string;          // city_code, or 'drop:<code>' for a dropped unit
  city_code: string | null;
  names: string[];         // official printed names (short and full)
  is_municipality: boolean;
  successor_codes: string[];
}

const SUFFIXES = ['特别行政区', '自治州', '地区', '盟', '市'];
const PROVINCE_SUFFIXES = ['维吾尔自治区', '壮族自治区', '回族自治区', '特别行政区', '自治区', '省', '市'];

function stripSuffix(name: string, suffixes: readonly string[]): string {
  for (const s of suffixes) {
    if (name.length - s.length >= 2 && name.endsWith(s)) return name.slice(0, -s.length);
  }
  return name;
}

/** Removes ASCII and full-width whitespace and zero-width characters. */
export function cleanName(name: string): string {
  return name.replace(/[\s\u3000\u200b\ufeff]/g, '');
}

/** Name key used for suffix-insensitive matching: 石家庄市 / 石家庄 / 毕节地区 → 石家庄 / 石家庄 / 毕节. */
export function normalizeName(name: string): string {
  return stripSuffix(cleanName(name), SUFFIXES);
}

/**
 * Normalizes a printed region code to 6 digits: '130100', '1301' → '130100', '130100000000' → '130100',
 * '13' → '130000', '130100.0' → '130100'. Returns null when it cannot be read as a code.
 */
export function normalizeCode(code: string | null): string | null {
  if (code === null) return null;
  let c = cleanName(code).replace(/\.0+$/, '');
  if (!/^\d+$/.test(c)) return null;
  if (c.length === 12 && /0{6}$/.test(c)) c = c.slice(0, 6);
  if (c.length === 2) c += '0000';
  if (c.length === 4) c += '00';
  return c.length === 6 ? c : null;
}

/** Names are compared by their first 64 code points: no official name is that long, and the search stays
 *  bounded whatever a cell holds (a 10 MB "city name" took minutes against every known name). */
export const MAX_COMPARED_NAME = 64;

/** The first `n` code points of a string, without splitting the rest of a huge string. */
function firstCodePoints(s: string, n: number): string[] {
  const out: string[] = [];
  for (const ch of s) {
    if (out.length === n) break;
    out.push(ch);
  }
  return out;
}

/** Levenshtein distance over code points, of the first MAX_COMPARED_NAME code points of each string. */
export function editDistance(a: string, b: string): number {
  const x = firstCodePoints(a, MAX_COMPARED_NAME);
  const y = firstCodePoints(b, MAX_COMPARED_NAME);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length];
}

const validIn = (f: Form, year: number) =>
  (f.first_year === null || f.first_year <= year) && (f.last_year === null || year <= f.last_year);

export interface CityIndex {
  forms: Form[];
  byName: Map<string, Form[]>;       // official printed names
  byNormName: Map<string, Form[]>;   // suffix-stripped names
  byCode: Map<string, Form[]>;
  provinceByName: Map<string, string>; // province names (full, short, suffix variants) → code
  provinceCodes: Set<string>;
  provinceLabel: Map<string, string>;  // code → short name
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (!list) m.set(k, [v]);
  else if (!list.includes(v)) list.push(v);
}

let indexCache: CityIndex | undefined;

/** The Map-based index over the reference files (built once). */
export function cityIndex(): CityIndex {
  indexCache ??= buildCityIndex(loadCityRecords(), loadCrosswalk(), provinces());
  return indexCache;
}

/** Builds the index over canonical cities, crosswalk forms and provinces (tests pass their own lists). */
export function buildCityIndex(cities: CityRecord[], crosswalk: CrosswalkRow[], provs: Province[]): CityIndex {
  const provinceByShort = new Map(provs.map((p) => [p.short, p.province_code]));
  const provOf = (row: CrosswalkRow) => {
    const code = provinceByShort.get(row.province);
    if (!code) throw new Error(`reference/crosswalk.csv: unknown province '${row.province}' for ${row.alias_name}`);
    return code;
  };

  const forms: Form[] = [];
  const cityByCode = new Map(cities.map((c) => [c.city_code, c]));
  for (const c of cities) {
    const predecessors = crosswalk.filter((r) => r.kind === 'renamed' && r.city_code === c.city_code);
    const first_year = predecessors.length > 0
      ? Math.max(...predecessors.map((r) => r.last_year)) + 1
      : c.first_year > 2011 ? c.first_year : null;
    forms.push({
      kind: 'canonical', name: c.city_name, code: c.city_code, province_code: c.province_code,
      first_year, last_year: null, target: c.city_code, city_code: c.city_code,
      names: [c.city_name, c.city_name_full], is_municipality: c.is_municipality, successor_codes: [],
    });
  }
  for (const r of crosswalk) {
    if (r.kind === 'new') continue; // the canonical form already carries its first year
    const kind = r.kind === 'merge' ? 'merge' : r.kind === 'drop' ? 'drop' : 'renamed';
    forms.push({
      kind, name: r.alias_name, code: r.alias_code, province_code: provOf(r),
      first_year: r.first_year, last_year: r.last_year,
      target: r.city_code ?? `drop:${r.alias_code}`, city_code: r.city_code,
      names: [r.alias_name, r.alias_name_full],
      is_municipality: r.city_code !== null && (cityByCode.get(r.city_code)?.is_municipality ?? false),
      successor_codes: r.successor_codes,
    });
  }

  const byName = new Map<string, Form[]>();
  const byNormName = new Map<string, Form[]>();
  const byCode = new Map<string, Form[]>();
  for (const f of forms) {
    for (const n of f.names) {
      push(byName, n, f);
      push(byNormName, normalizeName(n), f);
    }
    push(byCode, f.code, f);
    // vendor panels often print a municipality under the code of its 市辖区 (110100) or 县 (110200) group
    if (f.is_municipality && f.kind === 'canonical') {
      push(byCode, `${f.code.slice(0, 2)}0100`, f);
      push(byCode, `${f.code.slice(0, 2)}0200`, f);
    }
  }

  const provinceByName = new Map<string, string>();
  const provinceLabel = new Map<string, string>();
  for (const p of provs) {
    provinceLabel.set(p.province_code, p.short);
    for (const n of [p.name, p.short, `${p.short}省`, `${p.short}市`, stripSuffix(p.name, PROVINCE_SUFFIXES)]) {
      provinceByName.set(n, p.province_code);
    }
  }
  return {
    forms, byName, byNormName, byCode, provinceByName,
    provinceCodes: new Set(provs.map((p) => p.province_code)), provinceLabel,
  };
}

/** Province code of a printed province name or code ('河北', '河北省', '广西壮族自治区', '13', '130000'); null if unknown. */
export function lookupProvince(name: string | null, code: string | null = null, idx: CityIndex = cityIndex()): string | null {
  if (name !== null) {
    const n = cleanName(name);
    const hit = idx.provinceByName.get(n) ?? idx.provinceByName.get(stripSuffix(n, PROVINCE_SUFFIXES));
    if (hit) return hit;
  }
  const c = normalizeCode(code);
  if (c !== null && idx.provinceCodes.has(c)) return c;
  return null;
}

/** The three known names closest to `name`: first among the names of `provinceCode`, then overall. */
export function closestNames(name: string, provinceCode: string | null, n = 3, idx: CityIndex = cityIndex()): string[] {
  // a longer name is compared by its start (editDistance looks at MAX_COMPARED_NAME code points, no more)
  const key = normalizeName(name);
  const scored = idx.forms.map((f) => ({
    f,
    label: f.kind === 'canonical' ? f.name : `${f.name}(${f.code})`,
    d: Math.min(...f.names.map((x) => editDistance(key, normalizeName(x)))),
  }));
  const order = (a: typeof scored[number], b: typeof scored[number]) => a.d - b.d || a.f.code.localeCompare(b.f.code);
  // names of the province first (those sharing at least one character position), then the closest overall
  const limit = Math.max(1, firstCodePoints(key, MAX_COMPARED_NAME).length);
  const inProvince = provinceCode === null
    ? []
    : scored.filter((s) => s.f.province_code === provinceCode && s.d < limit).sort(order);
  const overall = scored.slice().sort(order);
  const out: string[] = [];
  for (const s of [...inProvince, ...overall]) {
    if (!out.includes(s.label)) out.push(s.label);
    if (out.length === n) break;
  }
  return out;
}

/** The printed region for a message; a huge cell shows its start and its size. */
function describe(input: ResolveInput): string {
  return `${quoteText(input.name ?? '')} (code ${input.code === null ? '-' : shortText(input.code)}, province ${input.province === null ? '-' : shortText(input.province)}, year ${input.year})`;
}

/** Picks one target among candidate forms, or null if they disagree. */
function uniqueTarget(forms: Form[]): string | null {
  const targets = new Set(forms.map((f) => f.target));
  return targets.size === 1 ? forms[0].target : null;
}

/**
 * Resolves a printed region to its canonical city. Names may carry 市/地区/盟/自治州 or not; codes may be
 * stale or applied backwards; both are accepted when they identify one unit. Province (when recognized)
 * disambiguates and must agree. Throws CityResolutionError when nothing matches, the match is ambiguous
 * or name and code point to different units.
 */
export function resolveCity(input: ResolveInput, idx: CityIndex = cityIndex()): CityResolution {
  const name = input.name === null ? '' : cleanName(input.name);
  const provinceCode = input.province === null ? null : lookupProvince(input.province, null, idx);
  const year = input.year;

  // name candidates: official printed forms (strong), then suffix-insensitive (weak)
  let strong = name === '' ? [] : idx.byName.get(name) ?? [];
  let weak = name === '' ? [] : (idx.byNormName.get(normalizeName(name)) ?? []).filter((f) => !strong.includes(f));

  // code candidates
  const codeText = input.code === null ? '' : cleanName(input.code);
  const code = codeText === '' ? null : normalizeCode(codeText);
  if (codeText !== '' && code === null) {
    throw new CityResolutionError(`unreadable region code for ${describe(input)}`, closestNames(name, provinceCode, 3, idx));
  }
  const byCode = code === null ? [] : idx.byCode.get(code) ?? [];

  // province filter (municipalities are often printed without a province context)
  if (provinceCode !== null) {
    const keep = (f: Form) => f.province_code === provinceCode;
    const s2 = strong.filter(keep);
    const w2 = weak.filter(keep);
    const all = [...strong, ...weak];
    if (s2.length + w2.length > 0 || all.every((f) => !f.is_municipality)) {
      if (all.length > 0 && s2.length + w2.length === 0) {
        throw new CityResolutionError(
          `${describe(input)} is not a city of province ${idx.provinceLabel.get(provinceCode)} ` +
          `(it matches ${all.map((f) => `${f.name} ${f.code}`).join(', ')})`,
          closestNames(name, provinceCode, 3, idx),
        );
      }
      strong = s2;
      weak = w2;
    }
  }

  const nameForms = [...strong, ...weak];
  if (nameForms.length === 0 && byCode.length === 0) {
    const what = name === '' && code === null ? 'empty region name and code' : `unknown city ${describe(input)}`;
    throw new CityResolutionError(what, closestNames(name, provinceCode, 3, idx));
  }

  let chosen: Form;
  let mapping: CityMapping | 'dropped';
  let matchedBy: CityResolution['matched_by'];
  let current: boolean;
  const notes: string[] = [];

  if (nameForms.length > 0) {
    let target = uniqueTarget(nameForms);
    if (target === null && code !== null) {
      // several units share the name: let the code decide
      const codeTargets = new Set(byCode.map((f) => f.target));
      const agreeing = nameForms.filter((f) => codeTargets.has(f.target));
      target = agreeing.length > 0 ? uniqueTarget(agreeing) : null;
    }
    if (target === null) {
      throw new CityResolutionError(
        `ambiguous city ${describe(input)}: matches ${nameForms.map((f) => `${f.name} ${f.code}`).join(', ')}; give the province or code`,
        closestNames(name, provinceCode, 3, idx),
      );
    }
    // the form that describes the printed unit best: official name with the printed code, then valid that
    // year, then official name over suffix variant
    const isStrong = (f: Form) => strong.includes(f);
    const key = (f: Form) => [
      isStrong(f) && (code === null || f.code === code) ? 0 : 1,
      validIn(f, year) ? 0 : 1,
      isStrong(f) ? 0 : 1,
    ];
    chosen = nameForms
      .filter((f) => f.target === target)
      .reduce((best, f) => {
        const a = key(f);
        const b = key(best);
        const i = a.findIndex((v, j) => v !== b[j]);
        return i >= 0 && a[i] < b[i] ? f : best;
      });
    const nameCurrent = isStrong(chosen) && validIn(chosen, year);
    if (!isStrong(chosen)) notes.push(`name variant of ${chosen.name}`);
    const nameOff = !validIn(chosen, year);

    let codeCurrent = true;
    if (code !== null) {
      if (byCode.length === 0) {
        throw new CityResolutionError(`unknown region code ${code} for ${describe(input)}`, closestNames(name, provinceCode, 3, idx));
      }
      const codeForms = byCode.filter((f) => f.target === target);
      if (codeForms.length === 0) {
        throw new CityResolutionError(
          `name and code disagree for ${describe(input)}: the name is ${chosen.name} ${chosen.code}, ` +
          `the code is ${byCode.map((f) => f.name).join('/')}`,
          closestNames(name, provinceCode, 3, idx),
        );
      }
      // the printed code must be the code valid that year for an 'exact' / 'renamed' classification
      codeCurrent = codeForms.some((f) => validIn(f, year) && f.code === code);
      const own = codeForms.find((f) => f.code === code);
      if (nameOff && own === chosen) {
        notes.push(`name and code of ${label(chosen)} (valid ${span(chosen)}) ${offWay(chosen, year)}`);
      } else {
        if (nameOff) notes.push(`name of ${label(chosen)} (valid ${span(chosen)}) ${offWay(chosen, year)}`);
        if (!codeCurrent) {
          notes.push(own
            ? `code ${code} of ${label(own)} (valid ${span(own)}) ${offWay(own, year)}`
            : `code ${code} is the 市辖区/县 group code of ${label(codeForms[0])}`);
        }
      }
      matchedBy = 'name+code';
    } else {
      if (nameOff) notes.push(`name of ${label(chosen)} (valid ${span(chosen)}) ${offWay(chosen, year)}`);
      matchedBy = 'name';
    }
    current = validIn(chosen, year) && codeCurrent;
    mapping = nameCurrent && codeCurrent ? (chosen.kind === 'renamed' ? 'renamed' : 'exact') : 'alias';
  } else {
    // name unknown or empty: the code decides
    const target = uniqueTarget(byCode);
    if (target === null) {
      throw new CityResolutionError(`ambiguous region code ${code} for ${describe(input)}`, closestNames(name, provinceCode, 3, idx));
    }
    const valid = byCode.filter((f) => validIn(f, year));
    chosen = valid[0] ?? byCode[0];
    if (provinceCode !== null && chosen.province_code !== provinceCode && !chosen.is_municipality) {
      throw new CityResolutionError(
        `region code ${code} of ${describe(input)} is ${chosen.name}, not a city of province ${idx.provinceLabel.get(provinceCode)}`,
        closestNames(name, provinceCode, 3, idx),
      );
    }
    current = valid.length > 0;
    matchedBy = 'code';
    mapping = 'code';
    notes.push(`name ${name === '' ? 'empty' : `${quoteText(name)} not recognized`}; code ${code} of ${label(chosen)}` +
      (current ? '' : ` (valid ${span(chosen)}) ${offWay(chosen, year)}`));
  }

  let note: string;
  if (chosen.kind === 'merge') {
    mapping = 'merged';
    note = `merged into ${chosen.city_code}; reported on its own ${span(chosen)}` +
      (validIn(chosen, year) ? '' : ' (used outside those years)');
  } else if (chosen.kind === 'drop') {
    mapping = 'dropped';
    note = `abolished by split among ${chosen.successor_codes.join(', ')}; dropped by policy`;
  } else if (mapping === 'exact') {
    note = 'official name and code valid that year';
  } else if (mapping === 'renamed') {
    note = `predecessor ${label(chosen)}, valid ${span(chosen)}`;
  } else {
    note = notes.join('; ');
  }
  return {
    city_code: chosen.city_code,
    mapping,
    form: {
      kind: chosen.kind, name: chosen.name, code: chosen.code, province_code: chosen.province_code,
      first_year: chosen.first_year, last_year: chosen.last_year,
    },
    current,
    matched_by: matchedBy,
    successor_codes: chosen.successor_codes,
    note,
  };
}

const label = (f: Form) => `${f.name} ${f.code}`;
/** a form used after its last year is stale; before its first year, applied backwards (back-cast) */
const offWay = (f: Form, year: number) =>
  f.last_year !== null && year > f.last_year ? 'used after its last year (stale)' : 'applied backwards (back-cast)';
const span = (f: MatchedForm) => `${f.first_year ?? '…'}–${f.last_year ?? '…'}`;
