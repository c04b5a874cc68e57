/** City universe of the truth model: the canonical list and the units each yearbook year reports. */
import { loadCityRecords, provinces, reportedUnits, PANEL_LAST_YEAR, type CityRecord } from '../../reference/index.ts';

export type { CityRecord };
export { provinces };

/** Reported predecessor units merged into a canonical city: reporting code → canonical code. */
export const MERGES: Record<string, string> = { '371200': '370100' };

export interface Unit { code: string; canonical: string }

/**
 * Units with rows in data year `year` (code as written in the files). Beyond the reference panel
 * (the --next-edition year) every canonical city is reported and no predecessor is.
 */
export function unitsOfYear(year: number): Unit[] {
  if (year <= PANEL_LAST_YEAR) {
    return reportedUnits(year).map((u) => ({ code: u.kind === 'merge' ? u.code : u.canonical_code, canonical: u.canonical_code }));
  }
  return loadCityRecords().filter((c) => c.first_year <= year).map((c) => ({ code: c.city_code, canonical: c.city_code }));
}

export function cityRecords(): CityRecord[] {
  return loadCityRecords();
}
