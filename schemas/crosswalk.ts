import { z } from 'zod';

/**
 * One row of reference/crosswalk.csv: a way a unit was reported (or an administrative event touching a
 * city of the panel universe) that differs from its canonical end-of-panel form.
 *
 * - renamed: predecessor name and/or code of a canonical city (地区改设地级市 with a new code,
 *   or a city renamed under the same code). first_year..last_year are the data years in which the
 *   alias was the valid form (GB/T 2260 lists as of 31 December).
 * - merge:   a city abolished and merged whole into `city_code`; first_year..last_year are the data years
 *   in which the yearbooks still report it on its own (莱芜: up to 2018).
 * - drop:    a city abolished and split among several cities (巢湖); `city_code` is null and the
 *   successors are listed in `successor_codes`; its rows are dropped by policy.
 * - new:     a canonical city without predecessor city that starts being reported during the panel
 *   (三沙 2012, 儋州 2015); alias = the canonical form, first_year = first data year reported.
 */
export const CrosswalkKind = z.enum(['renamed', 'merge', 'drop', 'new']);
export type CrosswalkKind = z.infer<typeof CrosswalkKind>;

export const CrosswalkRow = z.object({
  alias_name: z.string().min(1),            // short name as printed (地区 keep their suffix: 毕节地区)
  alias_name_full: z.string().min(1),       // official full name
  alias_code: z.string().regex(/^\d{6}$/),  // GB/T 2260 code of the alias
  province: z.string().min(1),              // short province name (山东)
  first_year: z.number().int(),
  last_year: z.number().int(),
  city_code: z.string().regex(/^\d{6}$/).nullable(), // canonical city; null for kind 'drop'
  successor_codes: z.array(z.string().regex(/^\d{6}$/)).min(1), // canonical cities that took over its territory
  kind: CrosswalkKind,
  reported_as_city: z.boolean(),            // did the City Statistical Yearbook list the alias as a city?
  approved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  basis: z.string().min(1),                 // approving document
  note: z.string(),
});
export type CrosswalkRow = z.infer<typeof CrosswalkRow>;

/** How a reported unit maps to the canonical city (HarmonizedValue.mapping minus 'province'). */
export type CityMapping = 'exact' | 'code' | 'alias' | 'renamed' | 'merged' | 'user';

export const Province = z.object({
  province_code: z.string().regex(/^\d{2}0000$/),
  name: z.string(),   // official full name (内蒙古自治区)
  short: z.string(),  // short name as printed (内蒙古)
  region: z.enum(['east', 'central', 'west']),
});
export type Province = z.infer<typeof Province>;

/**
 * One row of reference/units.csv (scripts/build-units.ts): a code that identified a prefecture-level unit, a
 * municipality or a province-administered county-level unit in a GB/T 2260 list of 1990 or later, with the years
 * it was in the lists (as of 31 December) and what it is for the panel:
 * - city:        it is, or became, the canonical city `city_code` (毕节地区 522400 → 520500; 儋州 469003 → 460400)
 * - prefecture:  a 自治州, 盟 or 地区 that is not a city
 * - county_city: a province-administered county-level unit (省直辖县级行政区: 仙桃 429004, 五指山 469001)
 * - abolished:   ended without becoming one canonical city (merged, split, absorbed as a district)
 */
export const UnitKind = z.enum(['city', 'prefecture', 'county_city', 'abolished']);
export type UnitKind = z.infer<typeof UnitKind>;

export const UnitRow = z.object({
  code: z.string().regex(/^\d{6}$/),
  name: z.string().min(1),                  // short name as printed (市 dropped; 自治州 by its place name: 延边)
  name_full: z.string().min(1),             // official name in the code list
  also: z.array(z.string().min(1)),         // other printed spellings (延边州)
  province: z.string().min(1),              // short province name
  first_year: z.number().int(),             // first code list holding it
  last_year: z.number().int().nullable(),   // last code list holding it; null: still in use
  kind: UnitKind,
  city_code: z.string().regex(/^\d{6}$/).nullable(), // canonical city, for kind 'city' only
  successor_codes: z.array(z.string().regex(/^\d{6}$/)), // units that took it over when it ended
  note: z.string(),                         // how it ended ('' while in use)
}).refine((u) => (u.kind === 'city') === (u.city_code !== null), 'city_code is set exactly for kind city')
  .refine((u) => u.last_year === null || u.first_year <= u.last_year, 'first_year after last_year');
export type UnitRow = z.infer<typeof UnitRow>;
