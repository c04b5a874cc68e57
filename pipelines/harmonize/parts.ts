/**
 * harmonize: attach the canonical city (GB/T 2260 code at the end of the panel) to every staged value.
 *
 * - city-level indicators: resolveCity() on (name_raw, code_raw, province_raw, year) through the crosswalk
 *   (reference/crosswalk.csv); suffix variants, stale and backwards codes are accepted when unambiguous
 * - provincial indicators (level 'province', e.g. ecommerce_volume): city_code = province code, mapping 'province'
 * - a unit abolished by split (巢湖) is dropped and counted
 * - a predecessor merged whole into its successor (莱芜 → 济南): with policy merge 'merge' its rows up to its last
 *   reported year (莱芜: 2018) keep their own identity, flagged mapping 'merged' with the successor's city_code, so
 *   the clean stage adds extensive quantities per (city_code, year, indicator) and recomputes ratios from the sums;
 *   with 'drop' they are removed. Rows for later years (EPS keeps an empty 莱芜 line) are always removed: the
 *   successor then reports the whole territory.
 * An unmatched or ambiguous name/code stops the run with a DataError naming file, sheet and cell and the
 * three closest known names. One pass over the rows; resolutions are cached per distinct (name, code, province, year).
 */
import { DataError, quoteText, shortText } from '../shared/errors.ts';
import { CityResolutionError, cleanName, editDistance, lookupProvince, resolveCity, type CityResolution } from './resolve.ts';
import { provinces } from '../../reference/index.ts';
import { RAW_INDICATORS } from '../../schemas/indicators.ts';
import { HarmonizedValue, type StagedValue } from '../../schemas/staged.ts';
import { sqlFile, sqlString, type StageDb } from '../shared/db.ts';
import type { PartCache } from '../runner/part-cache.ts';
import { validateTable } from '../shared/validate.ts';

export interface HarmonizePolicy {
  /** merged predecessors (莱芜 into 济南): keep their rows for summing ('merge') or remove them ('drop') */
  merge: 'merge' | 'drop';
}

export type HarmonizeAction = 'mapped' | 'merged' | 'dropped';

/** What happened to the rows of one printed unit (aggregated over cells, years and indicators). */
export interface HarmonizeEvent {
  action: HarmonizeAction;
  mapping: HarmonizedValue['mapping'] | 'dropped';
  reason: string;
  name_raw: string;
  code_raw: string | null;
  province_raw: string | null;
  /** canonical city (or province code); null for a dropped split unit */
  city_code: string | null;
  /** the reference form that matched, e.g. '莱芜 371200 (merge)' */
  unit: string;
  years: number[];
  rows: number;
  source_ids: string[];
}

export interface HarmonizeResult {
  values: HarmonizedValue[];
  /** every non-exact mapping, merge and drop, one event per printed unit and outcome */
  events: HarmonizeEvent[];
  /** rows per outcome: exact, code, alias, renamed, merged, province, dropped */
  counts: Record<HarmonizedValue['mapping'] | 'dropped', number>;
}

const SAMPLE_VALIDATIONS = 500;

interface Outcome {
  action: HarmonizeAction;
  mapping: HarmonizedValue['mapping'] | 'dropped';
  city_code: string | null;
  reason: string;
  unit: string;
}

/** The fields of a staged value that decide its city, with its provenance for error messages. */
export type HarmonizeKey = Pick<StagedValue, 'indicator' | 'name_raw' | 'code_raw' | 'province_raw' | 'year' | 'file' | 'sheet' | 'cell'>;

/** Resolves printed units to canonical cities, once per distinct (name, code, province[, year]). */
export class UnitResolver {
  private cityCache = new Map<string, Outcome>();
  private provinceCache = new Map<string, Outcome>();
  private provinceShort = new Map(provinces().map((p) => [p.province_code, p.short]));

  constructor(private policy: HarmonizePolicy) {}

  outcome(s: HarmonizeKey): Outcome {
    const level = RAW_INDICATORS[s.indicator as keyof typeof RAW_INDICATORS]?.level;
    if (level === undefined) {
      throw new DataError({ file: s.file, sheet: s.sheet, cell: s.cell }, `a known indicator, found '${s.indicator}'`);
    }
    return level === 'province' ? this.province(s) : this.city(s);
  }

  private province(s: HarmonizeKey): Outcome {
    const key = `${s.name_raw}\u0000${s.code_raw ?? ''}\u0000${s.province_raw ?? ''}`;
    let outcome = this.provinceCache.get(key);
    if (outcome) return outcome;
    const byName = lookupProvince(s.name_raw);
    const byCode = lookupProvince(null, s.code_raw);
    if (byName !== null && byCode !== null && byName !== byCode) {
      throw new DataError(
        { file: s.file, sheet: s.sheet, cell: s.cell, year: s.year },
        `one province for provincial series ${s.indicator}: name ${quoteText(s.name_raw)} is ${byName}, code ${shortText(s.code_raw ?? '')} is ${byCode}`,
      );
    }
    const code = byName ?? byCode ?? lookupProvince(s.province_raw);
    if (code === null) {
      const printed = cleanName(s.name_raw);
      const closest = provinces()
        .map((p) => ({ n: p.short, d: Math.min(editDistance(printed, p.short), editDistance(printed, p.name)) }))
        .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
        .slice(0, 3)
        .map((x) => x.n);
      throw new DataError(
        { file: s.file, sheet: s.sheet, cell: s.cell, year: s.year },
        `a province for provincial series ${s.indicator}, found ${quoteText(s.name_raw)} (code ${s.code_raw === null ? '-' : shortText(s.code_raw)}); closest known names: ${closest.join(', ')}`,
      );
    }
    outcome = { action: 'mapped', mapping: 'province', city_code: code, reason: 'provincial series', unit: `${this.provinceShort.get(code)} ${code}` };
    this.provinceCache.set(key, outcome);
    return outcome;
  }

  private city(s: HarmonizeKey): Outcome {
    const key = `${s.name_raw}\u0000${s.code_raw ?? ''}\u0000${s.province_raw ?? ''}\u0000${s.year}`;
    let outcome = this.cityCache.get(key);
    if (outcome) return outcome;
    let r: CityResolution;
    try {
      r = resolveCity({ name: s.name_raw, code: s.code_raw, province: s.province_raw, year: s.year });
    } catch (e) {
      if (e instanceof CityResolutionError) {
        throw new DataError(
          { file: s.file, sheet: s.sheet, cell: s.cell, year: s.year },
          `a city of the panel universe: ${e.message}; closest known names: ${e.closest.join(', ')}`,
        );
      }
      throw e;
    }
    const unit = `${r.form.name} ${r.form.code} (${r.form.kind})`;
    const reason = r.note;
    if (r.mapping === 'dropped') {
      outcome = { action: 'dropped', mapping: 'dropped', city_code: null, reason, unit };
    } else if (r.mapping === 'merged' && r.form.last_year !== null && s.year > r.form.last_year) {
      // after the merge the successor reports the whole territory: adding the predecessor would count it
      // twice (and an empty predecessor cell would blank the successor's sum in the clean stage)
      outcome = {
        action: 'dropped', mapping: 'merged', city_code: r.city_code, unit,
        reason: `predecessor merged into ${r.city_code} reported after its last year ${r.form.last_year}; the successor covers it`,
      };
    } else if (r.mapping === 'merged' && this.policy.merge === 'drop') {
      outcome = { action: 'dropped', mapping: 'merged', city_code: r.city_code, reason: `merge policy 'drop': predecessor of ${r.city_code} removed`, unit };
    } else {
      outcome = { action: r.mapping === 'merged' ? 'merged' : 'mapped', mapping: r.mapping, city_code: r.city_code, reason, unit };
    }
    this.cityCache.set(key, outcome);
    return outcome;
  }
}

export function harmonize(staged: StagedValue[], policy: HarmonizePolicy): HarmonizeResult {
  const counts: HarmonizeResult['counts'] = { exact: 0, code: 0, alias: 0, renamed: 0, merged: 0, province: 0, dropped: 0 };
  const values: HarmonizedValue[] = [];
  const events = new Map<string, HarmonizeEvent>();
  const resolver = new UnitResolver(policy);

  for (const s of staged) {
    const outcome = resolver.outcome(s);
    if (outcome.action === 'dropped') counts.dropped++;
    else counts[outcome.mapping as HarmonizedValue['mapping']]++;
    if (outcome.action !== 'dropped') {
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

  // contract check on an evenly spread sample (the fields added here are built from the reference files)
  const step = Math.max(1, Math.ceil(values.length / SAMPLE_VALIDATIONS));
  for (let i = 0; i < values.length; i += step) validateRow(values[i]);
  if (values.length > 0) validateRow(values[values.length - 1]);

  const eventList = [...events.values()].map((e) => ({ ...e, years: e.years.sort((a, b) => a - b), source_ids: e.source_ids.sort() }));
  eventList.sort((a, b) => a.action.localeCompare(b.action) || (a.city_code ?? '').localeCompare(b.city_code ?? '') || a.name_raw.localeCompare(b.name_raw));
  return { values, events: eventList, counts };
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
}

/**
 * The stage's form of harmonize(), one ingest part (one raw file) at a time: each part's values → a harmonized
 * part in `cache`. Only the distinct units of a part (a few hundred) pass through the resolver; the values stay in
 * DuckDB. A part already in the cache (same file, same harmonize code and policy: the cache's version) is not
 * touched. Same outcomes, and the same first error, as harmonize() on the staged rows in order.
 */
export async function harmonizeParts(
  db: StageDb,
  policy: HarmonizePolicy,
  parts: Array<{ key: string; path: string }>,
  cache: PartCache<HarmonizedPartMeta>,
  /** harmonize every part again (a full rebuild) */
  again = false,
): Promise<{ rows: number; dropped: number; paths: string[]; fresh: number }> {
  await db.createAndAppend(
    'ref_indicator_levels',
    [{ name: 'indicator', type: 'VARCHAR' }, { name: 'level', type: 'VARCHAR' }],
    Object.entries(RAW_INDICATORS).map(([indicator, d]) => ({ indicator, level: d.level })),
  );
  const resolver = new UnitResolver(policy);
  let rows = 0;
  let staged = 0;
  let fresh = 0;
  for (const part of parts) {
    let meta = again ? undefined : cache.meta(part.key);
    if (!meta) {
      meta = await harmonizePart(db, resolver, part.path, cache, part.key);
      fresh++;
    }
    rows += meta.rows;
    staged += meta.staged;
  }
  return { rows, dropped: staged - rows, paths: parts.map((p) => cache.partPath(p.key)), fresh };
}

async function harmonizePart(db: StageDb, resolver: UnitResolver, path: string, cache: PartCache<HarmonizedPartMeta>, key: string): Promise<HarmonizedPartMeta> {
  const part = sqlString(path);
  type KeyRow = HarmonizeKey & { level: string | null; key_year: number | null };
  const keys = await db.rows<KeyRow>(sqlFile('harmonize/keys.sql', { part }));
  const map = keys.map((k) => {
    const o = resolver.outcome(k);
    return {
      level: k.level, name_raw: k.name_raw, code_raw: k.code_raw, province_raw: k.province_raw, key_year: k.key_year,
      city_code: o.city_code, mapping: o.mapping, dropped: o.action === 'dropped',
    };
  });
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
    return { staged, rows: Number(await db.scalar(`SELECT count(*) FROM ${table}`)) };
  });
}
