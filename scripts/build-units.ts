/**
 * Derives reference/units.csv from the GB/T 2260 code history (test/fixtures/data/areacodes-history.csv, Ministry of
 * Civil Affairs releases compiled by the areacodes project, CC0). Run once by hand, after build-cities.ts:
 *
 *   npx tsx scripts/build-units.ts [path/to/areacodes-history.csv]
 *
 * The committed CSV is the project's own statement of the facts; the pipeline never reads the code history itself.
 *
 * Units: every code that identified a prefecture-level unit (地级, and the four municipalities) in a code list of
 * 1990 or later, and every province-administered county-level unit (省直辖县级行政区: 仙桃 429004, 五指山 469001,
 * 石河子 659001 …) of those years. 1990, not 2000: vendor panels start there, and the units abolished in the
 * 1990s (沙市 1994, 涪陵 万县 黔江 1997, 东川 1998) must be recognised, not reported as unknown.
 *
 * Each unit gets its years in the code lists (as of 31 December: first_year..last_year), the codes that took it
 * over when it ended, and a kind:
 *   city         it is, or became, one canonical city of reference/cities.csv (city_code): the city itself,
 *                a 地区 converted into a 地级市 (毕节地区 522400 → 520500 in 2011), a rename under the same code,
 *                a province-administered county-level city upgraded to a 地级市 (儋州 469003 → 460400 in 2015)
 *   prefecture   a prefecture-level unit that is not a city: 自治州, 盟, 地区 (or became one)
 *   county_city  a province-administered county-level unit (or was renumbered into one)
 *   abolished    ended without becoming one canonical city: merged into an existing unit (石家庄地区 1993,
 *                莱芜 2018), split (巢湖 2011), absorbed as a district (沙市 1994, 东川 1998), or merged with
 *                others into a new unit (涪陵 万县 黔江 and the old 重庆 into the municipality 重庆 in 1997)
 * A unit became X (a conversion) when its territory went to X alone, X is new that year, and X has no other such
 * predecessor; the kind of a converted unit is the kind of what it became, followed to the end of the record.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = process.argv[2] ?? join(here, '..', 'test', 'fixtures', 'data', 'areacodes-history.csv');
const referenceDir = join(here, '..', 'reference');

/** First code list of interest (see above). */
const FIRST_YEAR = 1990;
/** The canonical universe is the code list of this year (scripts/build-cities.ts). */
const PANEL_LAST = 2022;
const MUNICIPALITIES = new Set(['110000', '120000', '310000', '500000']);

interface CodeRow {
  code: string;
  province: string;
  parent: string;
  name: string;
  level: string;
  from: number;
  to: number | null;
  /** codes that took it over when it ended (新代码), without the earlier partial transfers marked [year] */
  next: string[];
}

function readCodes(path: string): CodeRow[] {
  const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.length > 0);
  return lines.slice(1).map((line) => {
    const f = line.split(',');
    return {
      code: f[0], province: f[1], parent: f[2], name: f[3], level: f[4],
      from: Number(f[6]), to: f[7] === '' ? null : Number(f[7]),
      // '371203[2006];370116': part went to 371203 in 2006, the rest to 370116 when the unit ended
      next: (f[8] ? f[8].split(';') : []).filter((s) => /^\d{6}$/.test(s)),
    };
  });
}

function readCsv(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
}

const rows = readCodes(src);
const provinceShort = new Map(readCsv(join(referenceDir, 'provinces.csv')).map((p) => [p.name, p.short]));
const provinceShortNames = new Set(provinceShort.values());
const canonical = new Map(readCsv(join(referenceDir, 'cities.csv')).map((c) => [c.city_code, c]));

const validAt = (r: CodeRow, year: number) => r.from <= year && (r.to === null || r.to > year);
const validSince = (r: CodeRow, year: number) => r.to === null || r.to > year;
const isMunicipalityProvince = (r: CodeRow) => MUNICIPALITIES.has(`${r.code.slice(0, 2)}0000`);
const isDirectCounty = (r: CodeRow) => r.level === '县级' && r.parent === '直辖' && !isMunicipalityProvince(r);

const units = rows.filter((r) => validSince(r, FIRST_YEAR) && (
  r.level === '地级' || (r.level === '省级' && MUNICIPALITIES.has(r.code)) || isDirectCounty(r)));
const unitId = (u: CodeRow) => `${u.code}@${u.from}`;

/** The unit holding `code` in the list of `year` (a code may have been used by two units at different times). */
function unitAt(code: string, year: number): CodeRow | undefined {
  return units.find((u) => u.code === code && validAt(u, year));
}

/** The prefecture-level unit a county-level code belonged to in `year`. */
function prefectureOf(code: string, year: number): CodeRow | undefined {
  const province = `${code.slice(0, 2)}0000`;
  return unitAt(MUNICIPALITIES.has(province) ? province : `${code.slice(0, 4)}00`, year);
}

interface Transfer {
  /** same code, new name (襄樊 → 襄阳, 荆沙 → 荆州) */
  renamedTo?: CodeRow;
  /** units its territory went to as a whole unit or through its counties (candidates for a conversion) */
  to: CodeRow[];
  /** prefecture-level units it was absorbed into as one district (沙市 → 荆沙 as 421002, 东川 → 昆明 as 530113) */
  absorbedInto: CodeRow[];
}

function transferOf(u: CodeRow): Transfer {
  const year = u.to!;
  const renamedTo = units.find((r) => r.code === u.code && r.from === year && r !== u);
  if (renamedTo) return { renamedTo, to: [], absorbedInto: [] };
  const to = new Map<string, CodeRow>();
  const absorbedInto = new Map<string, CodeRow>();
  const successorCodes = u.next.length > 0 ? u.next : rows
    .filter((c) => c.level === '县级' && c.province === u.province && c.parent === u.name && c.to === year)
    .flatMap((c) => c.next);
  const direct = u.next.length > 0;
  for (const code of successorCodes) {
    const unit = unitAt(code, year);
    if (unit) {
      to.set(unitId(unit), unit);
      continue;
    }
    const prefecture = prefectureOf(code, year);
    if (!prefecture) continue;
    if (direct) absorbedInto.set(unitId(prefecture), prefecture);
    else to.set(unitId(prefecture), prefecture);
  }
  return { to: [...to.values()], absorbedInto: [...absorbedInto.values()] };
}

const transfers = new Map(units.filter((u) => u.to !== null).map((u) => [unitId(u), transferOf(u)]));
/** units whose territory went to X alone, by X */
const soleTransfers = new Map<string, CodeRow[]>();
for (const u of units) {
  const t = transfers.get(unitId(u));
  if (t && !t.renamedTo && t.to.length === 1 && t.absorbedInto.length === 0) {
    const key = unitId(t.to[0]);
    soleTransfers.set(key, [...(soleTransfers.get(key) ?? []), u]);
  }
}

type Kind = 'city' | 'prefecture' | 'county_city' | 'abolished';
interface Classified {
  kind: Kind;
  city_code: string;
  successors: string[];
  note: string;
}

const full = (u: CodeRow) => `${u.name} ${u.code}`;
const memo = new Map<string, Classified>();

function classify(u: CodeRow): Classified {
  const id = unitId(u);
  const known = memo.get(id);
  if (known) return known;
  const result = classifyOnce(u);
  memo.set(id, result);
  return result;
}

function classifyOnce(u: CodeRow): Classified {
  if (u.to === null || (canonical.has(u.code) && validAt(u, PANEL_LAST))) {
    if (canonical.has(u.code)) return { kind: 'city', city_code: u.code, successors: [], note: '' };
    if (isDirectCounty(u)) return { kind: 'county_city', city_code: '', successors: [], note: '' };
    if (u.name.endsWith('市')) throw new Error(`${full(u)} is a 地级市 in use that cities.csv does not list: rebuild cities.csv first`);
    return { kind: 'prefecture', city_code: '', successors: [], note: '' };
  }
  const t = transfers.get(unitId(u))!;
  const year = u.to;
  const became = (x: CodeRow, how: string): Classified => {
    const c = classify(x);
    return { kind: c.kind === 'abolished' ? 'abolished' : c.kind, city_code: c.city_code, successors: [x.code], note: `${how} ${full(x)} in ${year}${c.note ? `; then ${c.note}` : ''}` };
  };
  if (t.renamedTo) return became(t.renamedTo, 'renamed');
  const into = [...t.to, ...t.absorbedInto];
  if (into.length === 0) return { kind: 'abolished', city_code: '', successors: [], note: `abolished in ${year}; no successor recorded` };
  if (t.to.length === 1 && t.absorbedInto.length === 0) {
    const x = t.to[0];
    const peers = soleTransfers.get(unitId(x)) ?? [];
    const isNew = x.from === year;
    if (isNew && peers.length === 1) return became(x, isDirectCounty(u) && isDirectCounty(x) ? 'renumbered' : 'became');
    const kind: Kind = 'abolished';
    if (isNew) {
      const others = peers.filter((p) => p !== u).map(full).join('、');
      return { kind, city_code: '', successors: [x.code], note: `merged with ${others} into ${full(x)} in ${year}` };
    }
    return { kind, city_code: '', successors: [x.code], note: `merged into ${full(x)} in ${year}` };
  }
  if (t.absorbedInto.length === 1 && t.to.length === 0) {
    return { kind: 'abolished', city_code: '', successors: [t.absorbedInto[0].code], note: `became a district or county of ${full(t.absorbedInto[0])} in ${year}` };
  }
  const codes = [...new Set(into.map((x) => x.code))].sort();
  return { kind: 'abolished', city_code: '', successors: codes, note: `split among ${into.map(full).join('、')} in ${year}` };
}

// ---- printed names ----------------------------------------------------------------------------------------
const ETHNIC_WITH_ZU = /(朝鲜|土家|苗|藏|羌|彝|傣|景颇|白|傈僳|哈尼|壮|布依|侗|回|蒙古|哈萨克|黎|维吾尔|纳西|瑶|畲|水|仡佬|满|土|撒拉|东乡|保安|裕固)族$/;
const ETHNIC_BARE = /(哈萨克|柯尔克孜|蒙古)$/;

function stripEthnic(name: string): string {
  let n = name;
  for (;;) {
    const m = n.match(ETHNIC_WITH_ZU) ?? n.match(ETHNIC_BARE);
    if (!m || n.length - m[0].length < 2) return n;
    n = n.slice(0, -m[0].length);
  }
}

/** The short name the yearbooks and vendors print, and other spellings; every name is also matched without its
 *  suffix (市 地区 盟 自治州) by the resolver. */
function printedNames(u: CodeRow): { name: string; also: string[] } {
  const n = u.name;
  const strip = (suffix: string) => (n.endsWith(suffix) && n.length - suffix.length >= 2 ? n.slice(0, -suffix.length) : null);
  const autonomousPrefecture = strip('自治州');
  if (autonomousPrefecture !== null) {
    const short = stripEthnic(autonomousPrefecture);
    // 海南藏族自治州 is not the province 海南
    return provinceShortNames.has(short) ? { name: `${short}州`, also: [] } : { name: short, also: [`${short}州`] };
  }
  const autonomousCounty = strip('自治县');
  if (autonomousCounty !== null) return { name: stripEthnic(autonomousCounty), also: [] };
  const forest = strip('林区');
  if (forest !== null) return { name: n, also: [forest] };
  const short = strip('市') ?? strip('县');
  return { name: short ?? n, also: [] };
}

// ---- write ------------------------------------------------------------------------------------------------
const header = ['code', 'name', 'name_full', 'also', 'province', 'first_year', 'last_year', 'kind', 'city_code', 'successor_codes', 'note'];
const out: string[][] = [];
for (const u of units) {
  const c = classify(u);
  const short = provinceShort.get(u.province);
  if (!short) throw new Error(`unknown province ${u.province} of ${full(u)}`);
  const { name, also } = printedNames(u);
  const fields = [u.code, name, u.name, also.join(';'), short, String(u.from), u.to === null ? '' : String(u.to - 1),
    c.kind, c.city_code, c.successors.join(';'), c.note];
  for (const f of fields) if (f.includes(',') || f.includes('"')) throw new Error(`${full(u)}: a field holds a comma or quote: ${f}`);
  out.push(fields);
}
out.sort((a, b) => a[0].localeCompare(b[0]) || Number(a[5]) - Number(b[5]));

// no printed name may point to two different things in the same year (the resolver could not tell them apart)
const target = (r: string[]) => (r[7] === 'city' ? `city:${r[8]}` : `${r[0]}@${r[5]}`);
for (let year = FIRST_YEAR; year <= 2024; year++) {
  const byName = new Map<string, Set<string>>();
  for (const r of out) {
    if (Number(r[5]) > year || (r[6] !== '' && Number(r[6]) < year)) continue;
    for (const n of [r[1], r[2], ...(r[3] ? r[3].split(';') : [])]) {
      const key = `${r[4]}:${n}`;
      byName.set(key, (byName.get(key) ?? new Set()).add(target(r)));
    }
  }
  for (const [n, targets] of byName) if (targets.size > 1) throw new Error(`${n} names ${[...targets].join(' and ')} in ${year}`);
}

writeFileSync(join(referenceDir, 'units.csv'), [header, ...out].map((r) => r.join(',')).join('\n') + '\n');
const count = (k: Kind) => out.filter((r) => r[7] === k).length;
console.log(`units.csv: ${out.length} units: city ${count('city')}, prefecture ${count('prefecture')}, county_city ${count('county_city')}, abolished ${count('abolished')}`);
