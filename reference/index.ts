/**
 * Reference data of the panel universe, read from the project's own files in reference/:
 *   cities.csv     297 canonical cities (4 municipalities + 293 地级市 of the 2022 code list)
 *   provinces.csv  31 provincial units with short names and the three-belt region
 *   crosswalk.csv  predecessor / abolished / new units of 2010–2018 with the approving documents
 *   units.csv      every prefecture-level, municipal and province-administered county-level code of the lists
 *                  1990–2024, with its years and what it is for the panel (city, prefecture, county_city, abolished)
 * scripts/build-cities.ts and scripts/build-units.ts document how they were derived.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { City } from '../schemas/staged.ts';
import { CrosswalkRow, Province, UnitRow } from '../schemas/crosswalk.ts';

export const PANEL_FIRST_YEAR = 2011;
export const PANEL_LAST_YEAR = 2022;
export const PANEL_YEARS: readonly number[] = Array.from(
  { length: PANEL_LAST_YEAR - PANEL_FIRST_YEAR + 1 },
  (_, i) => PANEL_FIRST_YEAR + i,
);

// from the sources or from dist/: the CSVs stay beside the sources of this module
const REFERENCE_DIR = pathToFileURL(join(findProjectRoot(import.meta.url), 'reference') + '/');

/** A canonical city with the extra reference columns of cities.csv. */
export interface CityRecord extends City {
  city_name_full: string;
  /** first data year of the 2011–2022 panel in which the yearbook reports the unit as a city */
  first_year: number;
}

export interface ReportedUnit {
  name: string;            // short name as the yearbook prints it that year
  code: string;            // GB/T 2260 code valid that year
  province: string;        // short province name
  canonical_code: string;  // city_code of the canonical (end-of-panel) city
  kind: 'canonical' | 'renamed' | 'merge';
}

/** Plain comma-separated file without quoting (the reference files use full-width punctuation in text). */
function readCsv(file: string): Record<string, string>[] {
  const url = new URL(file, REFERENCE_DIR);
  const text = readFileSync(url, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  return lines.slice(1).map((line, i) => {
    const fields = line.split(',');
    if (fields.length !== header.length || line.includes('"')) {
      throw new Error(`reference/${file} line ${i + 2}: expected ${header.length} unquoted fields, got ${fields.length}`);
    }
    return Object.fromEntries(header.map((h, j) => [h, fields[j]]));
  });
}

function parseBool(v: string, where: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`${where}: expected true/false, got '${v}'`);
}

let citiesCache: CityRecord[] | undefined;
let crosswalkCache: CrosswalkRow[] | undefined;
let provincesCache: Province[] | undefined;
let unitsCache: UnitRow[] | undefined;

/** Canonical cities with all reference columns, ordered by city_code. */
export function loadCityRecords(): CityRecord[] {
  if (!citiesCache) {
    citiesCache = readCsv('cities.csv').map((r, i) => {
      const where = `reference/cities.csv line ${i + 2}`;
      const city = City.parse({
        city_code: r.city_code,
        city_name: r.city_name,
        province: r.province,
        province_code: r.province_code,
        region: r.region,
        is_municipality: parseBool(r.is_municipality, where),
      });
      const first_year = Number(r.first_year);
      if (!Number.isInteger(first_year)) throw new Error(`${where}: bad first_year '${r.first_year}'`);
      return { ...city, city_name_full: r.city_name_full, first_year };
    });
  }
  return citiesCache.slice();
}

/** The canonical city list (dim_city rows), ordered by city_code. */
export function loadCities(): City[] {
  return loadCityRecords().map(({ city_code, city_name, province, province_code, region, is_municipality }) => ({
    city_code, city_name, province, province_code, region, is_municipality,
  }));
}

/** The administrative-change crosswalk (reference/crosswalk.csv). */
export function loadCrosswalk(): CrosswalkRow[] {
  if (!crosswalkCache) {
    crosswalkCache = readCsv('crosswalk.csv').map((r, i) =>
      CrosswalkRow.parse({
        ...r,
        first_year: Number(r.first_year),
        last_year: Number(r.last_year),
        city_code: r.city_code === '' ? null : r.city_code,
        successor_codes: r.successor_codes.split(';'),
        reported_as_city: parseBool(r.reported_as_city, `reference/crosswalk.csv line ${i + 2}`),
      }),
    );
  }
  return crosswalkCache.slice();
}

/** Every unit of reference/units.csv (codes of prefecture-level units, municipalities and province-administered
 *  county-level units since 1990), ordered by code and first year. */
export function loadUnits(): UnitRow[] {
  if (!unitsCache) {
    const list = (v: string) => (v === '' ? [] : v.split(';'));
    unitsCache = readCsv('units.csv').map((r, i) => {
      const parsed = UnitRow.safeParse({
        ...r,
        also: list(r.also),
        first_year: Number(r.first_year),
        last_year: r.last_year === '' ? null : Number(r.last_year),
        city_code: r.city_code === '' ? null : r.city_code,
        successor_codes: list(r.successor_codes),
      });
      if (!parsed.success) throw new Error(`reference/units.csv line ${i + 2}: ${parsed.error.issues[0].message}`);
      return parsed.data;
    });
  }
  return unitsCache.slice();
}

/** The 31 provincial units (mainland), ordered by code. */
export function provinces(): Province[] {
  if (!provincesCache) provincesCache = readCsv('provinces.csv').map((r) => Province.parse(r));
  return provincesCache.slice();
}

/**
 * The city units a City Statistical Yearbook for data year `year` prints, with the name and code valid
 * that year: canonical cities from their first year as a city (三沙 2012, 儋州 2015, 海东 2013 ...),
 * a predecessor city under its old name while that name was valid (kind 'renamed'), and a merged
 * predecessor still reported on its own (莱芜 371200 up to 2018, kind 'merge').
 * Units abolished by split (巢湖) are not printed in any panel year.
 */
export function reportedUnits(year: number): ReportedUnit[] {
  if (!Number.isInteger(year) || year < PANEL_FIRST_YEAR || year > PANEL_LAST_YEAR) {
    throw new RangeError(`reportedUnits: data year ${year} outside the panel ${PANEL_FIRST_YEAR}–${PANEL_LAST_YEAR}`);
  }
  const crosswalk = loadCrosswalk();
  const renamedCity = new Map<string, CrosswalkRow>();
  for (const row of crosswalk) {
    if (row.kind === 'renamed' && row.reported_as_city && row.city_code !== null
      && row.first_year <= year && year <= row.last_year) {
      renamedCity.set(row.city_code, row);
    }
  }
  const units: ReportedUnit[] = [];
  for (const city of loadCityRecords()) {
    const old = renamedCity.get(city.city_code);
    if (old) {
      units.push({ name: old.alias_name, code: old.alias_code, province: old.province, canonical_code: city.city_code, kind: 'renamed' });
    } else if (city.first_year <= year) {
      units.push({ name: city.city_name, code: city.city_code, province: city.province, canonical_code: city.city_code, kind: 'canonical' });
    }
  }
  for (const row of crosswalk) {
    if (row.kind === 'merge' && row.city_code !== null && row.first_year <= year && year <= row.last_year) {
      units.push({ name: row.alias_name, code: row.alias_code, province: row.province, canonical_code: row.city_code, kind: 'merge' });
    }
  }
  return units.sort((a, b) => a.code.localeCompare(b.code));
}

/** The nearest folder above `from` that holds package.json (reference/ sits at the project's top). */
function findProjectRoot(from: string): string {
  let dir = dirname(fileURLToPath(from));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
