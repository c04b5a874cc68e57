/**
 * harmonize: attach the canonical city (GB/T 2260 code at the end of the panel) to every staged value.
 *
 * - city-level indicators: the user's aliases.csv first (mapping 'user'), then resolveCity() on (name_raw,
 *   code_raw, province_raw, year) through the crosswalk (reference/crosswalk.csv) and the code history's units
 *   (reference/units.csv); suffix variants, stale and backwards codes are accepted when unambiguous
 * - provincial indicators (level 'province', e.g. ecommerce_volume): city_code = province code, mapping 'province'
 * - a unit that is not a city of the panel (自治州, 盟, 地区, province-administered county-level units, units abolished
 *   without becoming one city, or `outside` in aliases.csv) is left out and reported, not an error
 * - a unit abolished by split (巢湖) is dropped and reported
 * - a predecessor merged whole into its successor (莱芜 → 济南): with policy merge 'merge' its rows up to its last
 *   reported year (莱芜: 2018) keep their own identity, flagged mapping 'merged' with the successor's city_code, so
 *   the clean stage adds extensive quantities per (city_code, year, indicator) and recomputes ratios from the sums;
 *   with 'drop' they are removed. Rows for later years (EPS keeps an empty 莱芜 line) are always removed: the
 *   successor then reports the whole territory.
 * Every row left out is accounted for in the outside-units report (file, unit as printed, code, years, rows, why).
 * A unit that cannot be placed at all stops the run, but only after every file was looked at: the error lists all
 * such units (file, sheet, cell, printed name and code, closest known names). One pass over the rows; resolutions
 * are cached per distinct (name, code, province, year).
 */
import { DataError, quoteText, shortText } from '../core/errors.ts';
import { CityResolutionError, cleanName, editDistance, lookupProvince, resolveCity, type CityResolution } from './resolve.ts';
import { findUserAlias, type UserAlias } from './aliases.ts';
import { provinces } from '../../reference/index.ts';
import { RAW_INDICATORS } from '../../schemas/indicators.ts';
import { HarmonizedValue, type StagedValue } from '../../schemas/staged.ts';
import { sqlFile, sqlString, type ColumnSpec, type StageDb } from '../core/db.ts';
import type { PartCache } from '../runner/part-cache.ts';
import { validateTable } from '../core/validate.ts';

export interface HarmonizePolicy {
  /** merged predecessors (莱芜 into 济南): keep their rows for summing ('merge') or remove them ('drop') */
  merge: 'merge' | 'drop';
  /** the user's aliases.csv (pipelines/harmonize/aliases.ts); they win over the project's reference */
  aliases?: readonly UserAlias[];
  /** indicators the source registry declares beyond the fixed list (extra_indicators): city series */
  extraIndicators?: readonly string[];
}

/** mapped/merged: kept; dropped: removed by a crosswalk policy (巢湖, 莱芜 after 2018); outside: not a city of the panel */
export type HarmonizeAction = 'mapped' | 'merged' | 'dropped' | 'outside';

/** Why a unit's rows were left out, as the outside-units report names it. */
export type OutsideKind = 'prefecture' | 'county_city' | 'abolished' | 'merged' | 'user';

/** What happened to the rows of one printed unit (aggregated over cells, years and indicators). */
export interface HarmonizeEvent {
  action: HarmonizeAction;
  mapping: HarmonizedValue['mapping'] | 'dropped' | 'outside';
  reason: string;
  name_raw: string;
  code_raw: string | null;
  province_raw: string | null;
  /** canonical city (or province code); null for a unit left out without successor */
  city_code: string | null;
  /** the reference form that matched, e.g. '莱芜 371200 (merge)' */
  unit: string;
  years: number[];
  rows: number;
  source_ids: string[];
}

/** One row of quality_outside_units: a printed unit of one file whose rows harmonize left out. */
export interface OutsideUnitRow {
  file: string;
  /** the unit as printed (name column) */
  unit: string;
  /** the code as printed */
  code: string | null;
  province: string | null;
  first_year: number;
  last_year: number;
  rows: number;
  /** the reference unit it was recognised as ('延边 222400'), or the aliases.csv line */
  matched: string;
  kind: OutsideKind;
  why: string;
}

export const OUTSIDE_UNIT_COLUMNS: ColumnSpec[] = [
  { name: 'file', type: 'VARCHAR' }, { name: 'unit', type: 'VARCHAR' }, { name: 'code', type: 'VARCHAR' },
  { name: 'province', type: 'VARCHAR' }, { name: 'first_year', type: 'INTEGER' }, { name: 'last_year', type: 'INTEGER' },
  { name: 'rows', type: 'INTEGER' }, { name: 'matched', type: 'VARCHAR' }, { name: 'kind', type: 'VARCHAR' },
  { name: 'why', type: 'VARCHAR' },
];

export interface HarmonizeResult {
  values: HarmonizedValue[];
  /** every non-exact mapping, merge, drop and unit outside, one event per printed unit and outcome */
  events: HarmonizeEvent[];
  /** rows per outcome: exact, code, alias, renamed, merged, province, user, dropped, outside */
  counts: Record<HarmonizedValue['mapping'] | 'dropped' | 'outside', number>;
  /** the units whose rows were left out, per file */
  outside: OutsideUnitRow[];
  /** rows matched per aliases.csv line */
  aliasRows: Record<number, number>;
}

const SAMPLE_VALIDATIONS = 500;
/** units of the unplaced-units error shown in its message (all of them are in its `units`) */
export const UNPLACED_SHOWN = 20;

interface Outcome {
  action: HarmonizeAction;
  mapping: HarmonizedValue['mapping'] | 'dropped' | 'outside';
  city_code: string | null;
  reason: string;
  unit: string;
  /** for rows left out */
  kind?: OutsideKind;
  /** the aliases.csv line that decided it */
  aliasLine?: number;
}

/** The fields of a staged value that decide its city, with its provenance for error messages. */
export type HarmonizeKey = Pick<StagedValue, 'indicator' | 'name_raw' | 'code_raw' | 'province_raw' | 'year' | 'file' | 'sheet' | 'cell'>;

/** A printed unit the project cannot place: where it was first seen and what was tried. */
export interface UnplacedUnit {
  file: string;
  sheet: string;
  cell: string;
  name: string;
  code: string | null;
  province: string | null;
  year: number;
  indicator: string;
  problem: string;
  closest: string[];
}

/** One unit the resolver cannot place (collected, not the run's error). */
export class UnplacedUnitError extends DataError {
  constructor(readonly unit: UnplacedUnit) {
    super({ file: unit.file, sheet: unit.sheet, cell: unit.cell, year: unit.year }, `${unit.problem}${closestText(unit.closest)}`);
  }
}

const closestText = (closest: string[]) => (closest.length ? `; closest known names: ${closest.join(', ')}` : '');

/** Every printed unit of a build that could not be placed; the message shows the first UNPLACED_SHOWN. */
export class UnplacedUnitsError extends DataError {
  constructor(readonly units: UnplacedUnit[]) {
    super({}, 'units that can be placed');
    const shown = units.slice(0, UNPLACED_SHOWN).map((u) =>
      `file ${u.file}${u.sheet ? `, sheet ${u.sheet}` : ''}, cell ${u.cell}: ${u.problem}${closestText(u.closest)}`);
    const more = units.length > UNPLACED_SHOWN ? `; and ${units.length - UNPLACED_SHOWN} more` : '';
    // one line (the command line prints the first), however many units: each entry is bounded (names are cut)
    this.message = `${units.length} printed unit${units.length === 1 ? '' : 's'} the project cannot place `
      + `(add each to aliases.csv in the raw folder as printed,city_code — or printed,outside — or correct the file): `
      + `${shown.join(' | ')}${more}`;
  }
}

/** Resolves printed units to canonical cities, once per distinct (name, code, province[, year]). */
export class UnitResolver {
  private cityCache = new Map<string, Outcome>();
  private provinceCache = new Map<string, Outcome>();
  private provinceShort = new Map(provinces().map((p) => [p.province_code, p.short]));

  constructor(private policy: HarmonizePolicy) {}

  /** The outcome of a printed unit; an UnplacedUnitError when it cannot be placed. */
  outcome(s: HarmonizeKey): Outcome {
    const level = RAW_INDICATORS[s.indicator as keyof typeof RAW_INDICATORS]?.level
      ?? (this.policy.extraIndicators?.includes(s.indicator) ? 'city' : undefined);
    if (level === undefined) {
      throw new DataError({ file: s.file, sheet: s.sheet, cell: s.cell }, `a known indicator, found '${s.indicator}'`);
    }
    return level === 'province' ? this.province(s) : this.city(s);
  }

  private unplaced(s: HarmonizeKey, problem: string, closest: string[]): UnplacedUnitError {
    return new UnplacedUnitError({
      file: s.file, sheet: s.sheet, cell: s.cell, name: s.name_raw, code: s.code_raw, province: s.province_raw,
      year: s.year, indicator: s.indicator, problem, closest,
    });
  }

  private province(s: HarmonizeKey): Outcome {
    const key = `${s.name_raw}\u0000${s.code_raw ?? ''}\u0000${s.province_raw ?? ''}`;
    let outcome = this.provinceCache.get(key);
    if (outcome) return outcome;
    const byName = lookupProvince(s.name_raw);
    const byCode = lookupProvince(null, s.code_raw);
    if (byName !== null && byCode !== null && byName !== byCode) {
      throw this.unplaced(s, `one province for provincial series ${s.indicator}: name ${quoteText(s.name_raw)} is ${byName}, code ${shortText(s.code_raw ?? '')} is ${byCode}`, []);
    }
    const code = byName ?? byCode ?? lookupProvince(s.province_raw);
    if (code === null) {
      const printed = cleanName(s.name_raw);
      const closest = provinces()
        .map((p) => ({ n: p.short, d: Math.min(editDistance(printed, p.short), editDistance(printed, p.name)) }))
        .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
        .slice(0, 3)
        .map((x) => x.n);
      throw this.unplaced(s, `a province for provincial series ${s.indicator}, found ${quoteText(s.name_raw)} (code ${s.code_raw === null ? '-' : shortText(s.code_raw)})`, closest);
    }
    outcome = { action: 'mapped', mapping: 'province', city_code: code, reason: 'provincial series', unit: `${this.provinceShort.get(code)} ${code}` };
    this.provinceCache.set(key, outcome);
    return outcome;
  }

  private city(s: HarmonizeKey): Outcome {
    const key = `${s.name_raw}\u0000${s.code_raw ?? ''}\u0000${s.province_raw ?? ''}\u0000${s.year}`;
    let outcome = this.cityCache.get(key);
    if (outcome) return outcome;
    outcome = this.userAlias(s) ?? this.reference(s);
    this.cityCache.set(key, outcome);
    return outcome;
  }

  /** The user's line for the unit, if any: it wins over the project's reference. */
  private userAlias(s: HarmonizeKey): Outcome | undefined {
    const alias = findUserAlias(this.policy.aliases ?? [], s.name_raw, s.code_raw, s.year);
    if (!alias) return undefined;
    const unit = `aliases.csv line ${alias.line}`;
    const note = alias.note ? ` (${alias.note})` : '';
    if (alias.city_code === null) {
      return { action: 'outside', mapping: 'outside', city_code: null, kind: 'user', unit, aliasLine: alias.line, reason: `outside by the user's aliases.csv line ${alias.line}${note}` };
    }
    return { action: 'mapped', mapping: 'user', city_code: alias.city_code, unit, aliasLine: alias.line, reason: `the user's aliases.csv line ${alias.line}: ${alias.city_code}${note}` };
  }

  private reference(s: HarmonizeKey): Outcome {
    let r: CityResolution;
    try {
      r = resolveCity({ name: s.name_raw, code: s.code_raw, province: s.province_raw, year: s.year });
    } catch (e) {
      if (e instanceof CityResolutionError) throw this.unplaced(s, `a city of the panel universe: ${e.message}`, e.closest);
      throw e;
    }
    const unit = `${r.form.name} ${r.form.code} (${r.form.kind})`;
    const reason = r.note;
    if (r.mapping === 'outside') {
      return { action: 'outside', mapping: 'outside', city_code: null, kind: r.form.unit_kind!, reason, unit: `${r.form.name} ${r.form.code}` };
    }
    if (r.mapping === 'dropped') {
      return { action: 'dropped', mapping: 'dropped', city_code: null, kind: 'abolished', reason, unit: `${r.form.name} ${r.form.code}` };
    }
    if (r.mapping === 'merged' && r.form.last_year !== null && s.year > r.form.last_year) {
      // after the merge the successor reports the whole territory: adding the predecessor would count it
      // twice (and an empty predecessor cell would blank the successor's sum in the clean stage)
      return {
        action: 'dropped', mapping: 'merged', city_code: r.city_code, unit, kind: 'merged',
        reason: `predecessor merged into ${r.city_code} reported after its last year ${r.form.last_year}; the successor covers it`,
      };
    }
    if (r.mapping === 'merged' && this.policy.merge === 'drop') {
      return { action: 'dropped', mapping: 'merged', city_code: r.city_code, kind: 'merged', reason: `merge policy 'drop': predecessor of ${r.city_code} removed`, unit };
    }
    return { action: r.mapping === 'merged' ? 'merged' : 'mapped', mapping: r.mapping, city_code: r.city_code, reason, unit };
  }
}

const isLeftOut = (o: Outcome) => o.action === 'dropped' || o.action === 'outside';

/** The outside-units report and alias use of one file or a whole build, row by row or unit by unit. */
class LeftOutReport {
  private units = new Map<string, OutsideUnitRow>();
  readonly aliasRows: Record<number, number> = {};

  add(s: Pick<HarmonizeKey, 'file' | 'name_raw' | 'code_raw' | 'province_raw' | 'year'>, o: Outcome, rows: number): void {
    if (o.aliasLine !== undefined) this.aliasRows[o.aliasLine] = (this.aliasRows[o.aliasLine] ?? 0) + rows;
    if (!isLeftOut(o)) return;
    const key = [s.file, s.name_raw, s.code_raw ?? '', s.province_raw ?? '', o.unit, o.kind, o.reason].join('\u0000');
    const row = this.units.get(key);
    if (row) {
      row.rows += rows;
      row.first_year = Math.min(row.first_year, s.year);
      row.last_year = Math.max(row.last_year, s.year);
    } else {
      this.units.set(key, {
        file: s.file, unit: s.name_raw, code: s.code_raw, province: s.province_raw, first_year: s.year, last_year: s.year,
        rows, matched: o.unit, kind: o.kind!, why: o.reason,
      });
    }
  }

  list(): OutsideUnitRow[] {
    return [...this.units.values()];
  }
}

/** The distinct unplaced units, in the order a reader of the files meets them (one entry per file and printed unit). */
class Unplaced {
  private units = new Map<string, UnplacedUnit>();

  add(u: UnplacedUnit): void {
    const key = [u.file, u.name, u.code ?? '', u.province ?? ''].join('\u0000');
    if (!this.units.has(key)) this.units.set(key, u);
  }

  get size(): number {
    return this.units.size;
  }

  error(): UnplacedUnitsError {
    return new UnplacedUnitsError([...this.units.values()]);
  }
}

export function harmonize(staged: StagedValue[], policy: HarmonizePolicy): HarmonizeResult {
  const counts: HarmonizeResult['counts'] = { exact: 0, code: 0, alias: 0, renamed: 0, merged: 0, province: 0, user: 0, dropped: 0, outside: 0 };
  const values: HarmonizedValue[] = [];
  const events = new Map<string, HarmonizeEvent>();
  const resolver = new UnitResolver(policy);
  const report = new LeftOutReport();
  const unplaced = new Unplaced();

  for (const s of staged) {
    let outcome: Outcome;
    try {
      outcome = resolver.outcome(s);
    } catch (e) {
      if (!(e instanceof UnplacedUnitError)) throw e;
      unplaced.add(e.unit);
      continue;
    }
    report.add(s, outcome, 1);
    if (outcome.action === 'dropped') counts.dropped++;
    else if (outcome.action === 'outside') counts.outside++;
    else counts[outcome.mapping as HarmonizedValue['mapping']]++;
    if (!isLeftOut(outcome)) {
      values.push(withCity(s, outcome.city_code!, outcome.mapping as HarmonizedValue['mapping']));
    }
    if (outcome.mapping !== 'exact' && outcome.mapping !== 'province') {
      const ekey = `${outcome.action}\u0000${outcome.mapping}\u0000${outcome.reason}\u0000${s.name_raw}\u0000${s.code_raw ?? ''}\u0000${s.province_raw ?? ''}`;
      let ev = events.get(ekey);
      if (!ev) {
        ev = {
          action: outcome.action, mapping: outcome.mapping, reason: outcome.reason,
          name_raw: s.name_raw, code_raw: s.code_raw, province_raw: s.province_raw,
          city_code: outcome.city_code, unit: outcome.unit, years: [], rows: 0, source_ids: [],
        };
        events.set(ekey, ev);
      }
      ev.rows++;
      if (!ev.years.includes(s.year)) ev.years.push(s.year);
      if (!ev.source_ids.includes(s.source_id)) ev.source_ids.push(s.source_id);
    }
  }
  if (unplaced.size > 0) throw unplaced.error();

  // contract check on an evenly spread sample (the fields added here are built from the reference files)
  const step = Math.max(1, Math.ceil(values.length / SAMPLE_VALIDATIONS));
  for (let i = 0; i < values.length; i += step) validateRow(values[i]);
  if (values.length > 0) validateRow(values[values.length - 1]);

  const eventList = [...events.values()].map((e) => ({ ...e, years: e.years.sort((a, b) => a - b), source_ids: e.source_ids.sort() }));
  eventList.sort((a, b) => a.action.localeCompare(b.action) || (a.city_code ?? '').localeCompare(b.city_code ?? '') || a.name_raw.localeCompare(b.name_raw));
  return { values, events: eventList, counts, outside: report.list(), aliasRows: report.aliasRows };
}

/** Explicit construction (one hidden class for all rows) instead of an object spread per row. */
function withCity(s: StagedValue, city_code: string, mapping: HarmonizedValue['mapping']): HarmonizedValue {
  return {
    source_id: s.source_id, file: s.file, sheet: s.sheet, cell: s.cell, file_sha256: s.file_sha256,
    layout: s.layout, indicator: s.indicator, scope: s.scope, year: s.year, name_raw: s.name_raw,
    code_raw: s.code_raw, province_raw: s.province_raw, value: s.value, unit: s.unit,
    missing_marker: s.missing_marker, city_code, mapping,
  };
}

function validateRow(row: HarmonizedValue): void {
  const parsed = HarmonizedValue.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(
      { file: row.file, sheet: row.sheet, cell: row.cell, year: row.year },
      `a harmonized value matching the contract: ${issue.path.join('.')} ${issue.message}`,
    );
  }
}


/** What the stage keeps of a harmonized part besides its rows. */
export interface HarmonizedPartMeta {
  staged: number;
  rows: number;
  /** the file's units whose rows were left out */
  outside: OutsideUnitRow[];
  /** rows matched per aliases.csv line */
  aliasRows: Record<number, number>;
}

/**
 * The stage's form of harmonize(), one ingest part (one raw file) at a time: each part's values → a harmonized
 * part in `cache`. Only the distinct units of a part (a few hundred) pass through the resolver; the values stay in
 * DuckDB. A part already in the cache (same file, same harmonize code, policy and aliases: the cache's version) is
 * not touched. Same outcomes, and the same error listing every unit that cannot be placed, as harmonize() on the
 * staged rows in order; a part with such a unit is not written.
 */
export async function harmonizeParts(
  db: StageDb,
  policy: HarmonizePolicy,
  parts: Array<{ key: string; path: string }>,
  cache: PartCache<HarmonizedPartMeta>,
  /** harmonize every part again (a full rebuild) */
  again = false,
): Promise<{ rows: number; dropped: number; paths: string[]; fresh: number; outside: OutsideUnitRow[]; aliasRows: Record<number, number> }> {
  await db.createAndAppend(
    'ref_indicator_levels',
    [{ name: 'indicator', type: 'VARCHAR' }, { name: 'level', type: 'VARCHAR' }],
    [...Object.entries(RAW_INDICATORS).map(([indicator, d]) => ({ indicator, level: d.level })),
      ...(policy.extraIndicators ?? []).map((indicator) => ({ indicator, level: 'city' }))],
  );
  const resolver = new UnitResolver(policy);
  const unplaced = new Unplaced();
  let rows = 0;
  let staged = 0;
  let fresh = 0;
  const outside: OutsideUnitRow[] = [];
  const aliasRows: Record<number, number> = {};
  for (const part of parts) {
    let meta = again ? undefined : cache.meta(part.key);
    if (!meta) {
      meta = await harmonizePart(db, resolver, part.path, cache, part.key, unplaced);
      fresh++;
    }
    if (!meta) continue;
    rows += meta.rows;
    staged += meta.staged;
    outside.push(...meta.outside);
    for (const [line, n] of Object.entries(meta.aliasRows)) aliasRows[Number(line)] = (aliasRows[Number(line)] ?? 0) + n;
  }
  if (unplaced.size > 0) throw unplaced.error();
  return { rows, dropped: staged - rows, paths: parts.map((p) => cache.partPath(p.key)), fresh, outside, aliasRows };
}

/** One part harmonized into the cache; undefined (nothing written) when some of its units cannot be placed. */
async function harmonizePart(
  db: StageDb, resolver: UnitResolver, path: string, cache: PartCache<HarmonizedPartMeta>, key: string, unplaced: Unplaced,
): Promise<HarmonizedPartMeta | undefined> {
  const part = sqlString(path);
  type KeyRow = HarmonizeKey & { level: string | null; key_year: number | null; rows: number };
  const keys = await db.rows<KeyRow>(sqlFile('harmonize/keys.sql', { part }));
  const report = new LeftOutReport();
  const before = unplaced.size;
  const map = [];
  for (const k of keys) {
    let o: Outcome;
    try {
      o = resolver.outcome(k);
    } catch (e) {
      if (!(e instanceof UnplacedUnitError)) throw e;
      unplaced.add(e.unit);
      continue;
    }
    report.add(k, o, Number(k.rows));
    map.push({
      level: k.level, name_raw: k.name_raw, code_raw: k.code_raw, province_raw: k.province_raw, key_year: k.key_year,
      city_code: o.city_code, mapping: o.mapping, dropped: isLeftOut(o),
    });
  }
  if (unplaced.size > before || keys.length > map.length) return undefined;
  await db.createAndAppend('harmonize_map', [
    { name: 'level', type: 'VARCHAR' }, { name: 'name_raw', type: 'VARCHAR' }, { name: 'code_raw', type: 'VARCHAR' },
    { name: 'province_raw', type: 'VARCHAR' }, { name: 'key_year', type: 'INTEGER' }, { name: 'city_code', type: 'VARCHAR' },
    { name: 'mapping', type: 'VARCHAR' }, { name: 'dropped', type: 'BOOLEAN' },
  ], map);
  const staged = Number(await db.scalar(`SELECT count(*) FROM read_parquet(${part})`));
  return cache.write(db, key, sqlFile('harmonize/apply.sql', { part }), async (written) => {
    await db.run('DROP TABLE harmonize_map');
    const table = `read_parquet(${sqlString(written)})`;
    await validateTable(db, table, HarmonizedValue, '*', SAMPLE_VALIDATIONS);
    return { staged, rows: Number(await db.scalar(`SELECT count(*) FROM ${table}`)), outside: report.list(), aliasRows: report.aliasRows };
  });
}
