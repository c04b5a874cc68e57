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
 *   outside  a unit of reference/units.csv that is not a city of the panel: an autonomous prefecture, league or
 *            地区 (延边, 阿拉善盟), a province-administered county-level unit (仙桃 429004), a unit abolished
 *            without becoming one city (东川 1998, 涪陵 1997); city_code is null
 *
 * reference/units.csv adds every code of a prefecture-level unit since 1990: stale codes of cities (儋州 469003,
 * 吐鲁番地区 652100) are forms of their city for the years they were valid, and aliases when printed later.
 * A name in Latin script (CSMAR's 'Beijing (city)') is not matched at all: the code decides.
 */
import { loadCityRecords, loadCrosswalk, loadUnits, provinces, type CityRecord } from '../../reference/index.ts';
import type { CityMapping, CrosswalkRow, Province, UnitKind, UnitRow } from '../../schemas/crosswalk.ts';
import { quoteText, shortText } from '../core/errors.ts';

export interface ResolveInput {
  name: string | null;
  code: string | null;
  province: string | null;
  year: number;
}

export interface MatchedForm {
  kind: 'canonical' | 'renamed' | 'merge' | 'drop' | 'outside';
  name: string;            // short name of the form
  code: string;
  province_code: string;
  first_year: number | null; // null: valid since before the reference period
  last_year: number | null;  // null: still valid at the end of the panel
  /** for kind 'outside': what the unit is (prefecture, county_city, abolished) */
  unit_kind: Exclude<UnitKind, 'city'> | null;
}

export interface CityResolution {
  /** canonical city; null only when mapping is 'dropped' or 'outside' */
  city_code: string | null;
  mapping: CityMapping | 'dropped' | 'outside';
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
  target: string;          // city_code, 'drop:<code>' for a dropped unit, 'outside:<code>@<first year>' for a unit outside
  city_code: string | null;
  names: string[];         // official printed names (short and full)
  is_municipality: boolean;
  successor_codes: string[];
  /** why a unit outside the panel is not a city (empty for the others) */
  why: string;
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
  indexCache ??= buildCityIndex(loadCityRecords(), loadCrosswalk(), provinces(), loadUnits());
  return indexCache;
}

/** The first GB/T 2260 list of the code history: a unit in it may be older (its first year is not known). */
const FIRST_CODE_LIST = 1981;

/** Why a unit of reference/units.csv is not a city of the panel, in a report's words. */
export function outsideWhy(u: Pick<UnitRow, 'kind' | 'name_full' | 'note'>): string {
  if (u.kind === 'county_city') return 'province-administered county-level unit (省直辖县级行政区), not a prefecture-level city';
  if (u.kind === 'abolished') return `abolished unit, not a city of the panel (${u.note})`;
  const type = u.name_full.endsWith('自治州') ? 'autonomous prefecture (自治州)'
    : u.name_full.endsWith('盟') ? 'league (盟)'
      : u.name_full.endsWith('地区') ? 'prefecture (地区)' : 'prefecture-level unit';
  return `${type}, not a prefecture-level city`;
}

/** Builds the index over canonical cities, crosswalk forms, the units of the code history and provinces (tests
 *  pass their own lists). The crosswalk's rows win over units.csv for the same code and name: they carry the years
 *  a unit was reported and its policy (莱芜 merged, 巢湖 dropped). */
export function buildCityIndex(cities: CityRecord[], crosswalk: CrosswalkRow[], provs: Province[], units: UnitRow[] = []): CityIndex {
  const provinceByShort = new Map(provs.map((p) => [p.short, p.province_code]));
  const provOf = (row: { province: string }, what: string) => {
    const code = provinceByShort.get(row.province);
    if (!code) throw new Error(`${what}: unknown province '${row.province}'`);
    return code;
  };

  const forms: Form[] = [];
  const cityByCode = new Map(cities.map((c) => [c.city_code, c]));
  const isOwnRow = (u: UnitRow) => u.code === u.city_code && cityByCode.get(u.code)?.city_name_full === u.name_full;
  for (const c of cities) {
    const predecessors = crosswalk.filter((r) => r.kind === 'renamed' && r.city_code === c.city_code);
    // the year its code entered the lists under its name (吉安市 360800: 2000; 重庆市 500000: 1997)
    const listed = units.find((u) => u.kind === 'city' && u.city_code === c.city_code && isOwnRow(u));
    const first_year = predecessors.length > 0
      ? Math.max(...predecessors.map((r) => r.last_year)) + 1
      : c.first_year > 2011 ? c.first_year
        : listed && listed.first_year > FIRST_CODE_LIST ? listed.first_year : null;
    forms.push({
      kind: 'canonical', name: c.city_name, code: c.city_code, province_code: c.province_code,
      first_year, last_year: null, target: c.city_code, city_code: c.city_code,
      names: [c.city_name, c.city_name_full], is_municipality: c.is_municipality, successor_codes: [], why: '', unit_kind: null,
    });
  }
  for (const r of crosswalk) {
    if (r.kind === 'new') continue; // the canonical form already carries its first year
    const kind = r.kind === 'merge' ? 'merge' : r.kind === 'drop' ? 'drop' : 'renamed';
    forms.push({
      kind, name: r.alias_name, code: r.alias_code, province_code: provOf(r, `reference/crosswalk.csv ${r.alias_name}`),
      first_year: r.first_year, last_year: r.last_year,
      target: r.city_code ?? `drop:${r.alias_code}`, city_code: r.city_code,
      names: [r.alias_name, r.alias_name_full],
      is_municipality: r.city_code !== null && (cityByCode.get(r.city_code)?.is_municipality ?? false),
      successor_codes: r.successor_codes, why: '', unit_kind: null,
    });
  }
  const inCrosswalk = new Set(crosswalk.map((r) => `${r.alias_code}:${r.alias_name_full}`));
  for (const u of units) {
    if (isOwnRow(u) || inCrosswalk.has(`${u.code}:${u.name_full}`)) continue;
    const common = {
      name: u.name, code: u.code, province_code: provOf(u, `reference/units.csv ${u.code} ${u.name_full}`),
      first_year: u.first_year > FIRST_CODE_LIST ? u.first_year : null, last_year: u.last_year,
      names: [u.name, u.name_full, ...u.also], successor_codes: u.successor_codes,
    };
    if (u.kind === 'city') {
      const city = cityByCode.get(u.city_code!);
      if (!city) throw new Error(`reference/units.csv ${u.code} ${u.name_full}: city ${u.city_code} is not in cities.csv`);
      forms.push({ ...common, kind: 'renamed', target: city.city_code, city_code: city.city_code, is_municipality: city.is_municipality, why: '', unit_kind: null });
    } else {
      forms.push({ ...common, kind: 'outside', target: `outside:${u.code}@${u.first_year}`, city_code: null, is_municipality: false, why: outsideWhy(u), unit_kind: u.kind });
    }
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

/** The three known names closest to `name`: first among the names of `provinceCode`, then overall. With a data
 *  year, only the cities and the units that existed that year (not 石家庄地区 of the 1980s for a row of 2015). */
export function closestNames(name: string, provinceCode: string | null, n = 3, idx: CityIndex = cityIndex(), year?: number): string[] {
  // a longer name is compared by its start (editDistance looks at MAX_COMPARED_NAME code points, no more)
  const key = normalizeName(name);
  const forms = year === undefined ? idx.forms : idx.forms.filter((f) => f.kind === 'canonical' || validIn(f, year));
  const scored = forms.map((f) => ({
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

/** Picks one target among candidate forms, or null if they disagree. Units outside the panel that share a name
 *  or a reused code (万县地区 and 万县市, both abolished) are all outside: the most recent one is named. */
function uniqueTarget(forms: Form[]): string | null {
  const targets = new Set(forms.map((f) => f.target));
  if (targets.size === 1) return forms[0].target;
  if (forms.length > 0 && forms.every((f) => f.kind === 'outside')) {
    return forms.reduce((a, b) => ((b.last_year ?? Infinity) > (a.last_year ?? Infinity) ? b : a)).target;
  }
  return null;
}

/** A name or code valid that year for some unit means that unit: another unit that once had it (石家庄地区,
 *  abolished in 1993; the old 重庆 510200 of 四川) is a reading only when nothing current matches. */
function preferValid(lists: Form[][], year: number): Form[][] {
  const validTargets = new Set(lists.flat().filter((f) => validIn(f, year)).map((f) => f.target));
  if (validTargets.size === 0) return lists;
  return lists.map((l) => l.filter((f) => validTargets.has(f.target)));
}

/** A name in Latin script (CSMAR: 'Beijing (city)', 'Changji Hui Autonomous Prefecture'). */
export const isLatinName = (name: string): boolean => /[A-Za-z]/.test(name) && !/[\u3400-\u9fff\uf900-\ufaff]/.test(name);

/** The three units whose codes are nearest to `code`, in its prefecture and province first (how an English name
 *  is matched); with a data year, only the cities and the units that existed that year. */
export function closestByCode(code: string, n = 3, idx: CityIndex = cityIndex(), year?: number): string[] {
  const forms = year === undefined ? idx.forms : idx.forms.filter((f) => f.kind === 'canonical' || validIn(f, year));
  // a county-level code (130199) is nearest its own prefecture (130100), then the codes around it
  const samePrefecture = (f: Form) => (f.code.slice(0, 4) === code.slice(0, 4) ? 0 : 1);
  const distance = (f: Form) => Math.abs(Number(f.code) - Number(code));
  const order = (a: Form, b: Form) => samePrefecture(a) - samePrefecture(b) || distance(a) - distance(b) || a.code.localeCompare(b.code);
  const inProvince = forms.filter((f) => f.code.slice(0, 2) === code.slice(0, 2)).sort(order);
  const out: string[] = [];
  for (const f of [...inProvince, ...forms.slice().sort(order)]) {
    const label = `${f.name}(${f.code})`;
    if (!out.includes(label)) out.push(label);
    if (out.length === n) break;
  }
  return out;
}

/**
 * Resolves a printed region to its canonical city. Names may carry 市/地区/盟/自治州 or not; codes may be
 * stale or applied backwards; both are accepted when they identify one unit. Province (when recognized)
 * disambiguates and must agree. Throws CityResolutionError when nothing matches, the match is ambiguous
 * or name and code point to different units.
 */
export function resolveCity(input: ResolveInput, idx: CityIndex = cityIndex()): CityResolution {
  const printed = input.name === null ? '' : cleanName(input.name);
  // a name in Latin script is never matched (an English name would be guessed): the code decides
  const latin = isLatinName(printed);
  const name = latin ? '' : printed;
  const provinceCode = input.province === null ? null : lookupProvince(input.province, null, idx);
  const year = input.year;

  // code candidates
  const codeText = input.code === null ? '' : cleanName(input.code);
  const code = codeText === '' ? null : normalizeCode(codeText);
  const closest = () => (latin && code !== null ? closestByCode(code, 3, idx, year) : latin ? [] : closestNames(name, provinceCode, 3, idx, year));
  if (codeText !== '' && code === null) {
    throw new CityResolutionError(`unreadable region code for ${describe(input)}`, closest());
  }
  if (latin && code === null) {
    throw new CityResolutionError(
      `a region code for ${describe(input)}: a name in Latin script is read through its code, and this row has none ` +
      '(declare the code column in the registry, or add the name to aliases.csv in the raw folder)',
      [],
    );
  }
  // every unit that ever had the code (to check a name against), and the one that had it that year if any (to
  // decide by the code alone: 511400 is 眉山 from 2000, 涪陵 in 1995–1996)
  const everByCode = code === null ? [] : idx.byCode.get(code) ?? [];
  const [byCode] = preferValid([everByCode], year);

  // name candidates: official printed forms (strong), then suffix-insensitive (weak)
  let strong = name === '' ? [] : idx.byName.get(name) ?? [];
  let weak = name === '' ? [] : (idx.byNormName.get(normalizeName(name)) ?? []).filter((f) => !strong.includes(f));
  [strong, weak] = preferValid([strong, weak], year);

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
          closest(),
        );
      }
      strong = s2;
      weak = w2;
    }
  }

  // an official name over a suffix variant: 石家庄 is the city, whatever else is called 石家庄 without its suffix
  const nameForms = strong.length > 0 ? strong : weak;
  if (nameForms.length === 0 && byCode.length === 0) {
    const what = name === '' && code === null ? 'empty region name and code' : `unknown ${latin ? 'region code' : 'city'} ${describe(input)}`;
    throw new CityResolutionError(what, closest());
  }

  let chosen: Form;
  let mapping: CityMapping | 'dropped' | 'outside';
  let matchedBy: CityResolution['matched_by'];
  let current: boolean;
  const notes: string[] = [];

  if (nameForms.length > 0) {
    let target = uniqueTarget(nameForms);
    if (target === null && code !== null) {
      // several units share the name: let the code decide
      const codeTargets = new Set(everByCode.map((f) => f.target));
      const agreeing = nameForms.filter((f) => codeTargets.has(f.target));
      target = agreeing.length > 0 ? uniqueTarget(agreeing) : null;
    }
    if (target === null) {
      throw new CityResolutionError(
        `ambiguous city ${describe(input)}: matches ${nameForms.map((f) => `${f.name} ${f.code}`).join(', ')}; give the province or code`,
        closest(),
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
        throw new CityResolutionError(`unknown region code ${code} for ${describe(input)}`, closest());
      }
      const codeForms = everByCode.filter((f) => f.target === target);
      if (codeForms.length === 0) {
        throw new CityResolutionError(
          `name and code disagree for ${describe(input)}: the name is ${chosen.name} ${chosen.code}, ` +
          `the code is ${byCode.map((f) => f.name).join('/')}`,
          closest(),
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
      throw new CityResolutionError(
        `ambiguous region code ${code} for ${describe(input)}: it was ${byCode.map((f) => `${f.name} (${span(f)})`).join(', ')}; give the name`,
        closest(),
      );
    }
    const candidates = byCode.filter((f) => f.target === target);
    const valid = candidates.filter((f) => validIn(f, year));
    chosen = valid[0] ?? candidates[0];
    if (provinceCode !== null && chosen.province_code !== provinceCode && !chosen.is_municipality) {
      throw new CityResolutionError(
        `region code ${code} of ${describe(input)} is ${chosen.name}, not a city of province ${idx.provinceLabel.get(provinceCode)}`,
        closest(),
      );
    }
    current = valid.length > 0;
    matchedBy = 'code';
    mapping = 'code';
    const how = latin ? `name in Latin script ${quoteText(printed)} read through its code` : `name ${name === '' ? 'empty' : `${quoteText(name)} not recognized`}`;
    notes.push(`${how}; code ${code} of ${label(chosen)}` + (current ? '' : ` (valid ${span(chosen)}) ${offWay(chosen, year)}`));
  }

  let note: string;
  if (chosen.kind === 'outside') {
    mapping = 'outside';
    note = chosen.why;
  } else if (chosen.kind === 'merge') {
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
      first_year: chosen.first_year, last_year: chosen.last_year, unit_kind: chosen.unit_kind,
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
