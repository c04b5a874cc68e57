// What a build changed against the previous build of the same warehouse folder, for scheduled rebuilds: raw
// files added, removed or changed, settings, panel rows added and dropped, observed cells revised (with the raw
// cells of both values) and cities entering or leaving the panel. The previous warehouse.duckdb is read
// read-only before the swap; the run's own tables are the new build.
import type { PipelineSettings } from '../../schemas/settings.ts';
import type { BuildChanges, CellRevision, CityChange } from '../runner/run-record.ts';
import { sqlString, type StageDb } from '../core/db.ts';

/** How many of the largest revisions are kept (the counts cover all of them). */
const LARGEST_REVISIONS = 20;

/** A value counts as revised above this relative difference (not the last bits of a sum). */
const REVISION_TOLERANCE = 1e-9;

/** The raw cells behind a value, as "file sheet!cell" (a CSV has no sheet). */
const SOURCE_CELL = "CASE WHEN sheet = '' THEN file || ' ' || cell ELSE file || ' ' || sheet || '!' || cell END";

/** Compare the run's tables (stg_files, clean_values, harmonized, panel, quality_drops) with the warehouse at
 *  `previous`. A first build, or a previous file that cannot be read, is compared with nothing. */
export async function compareWithPrevious(db: StageDb, previous: string, previousExists: boolean, settings: PipelineSettings): Promise<BuildChanges> {
  const rowsAfter = Number(await db.scalar('SELECT count(*) FROM panel'));
  if (!previousExists) return nothingToCompare('first build: no previous warehouse', rowsAfter);
  try {
    await db.run(`ATTACH ${sqlString(previous)} AS prev (READ_ONLY)`);
  } catch (e) {
    return nothingToCompare(`previous warehouse not readable (${(e as Error).message.split('\n')[0]})`, rowsAfter);
  }
  try {
    return await compare(db, settings, rowsAfter);
  } catch (e) {
    // a warehouse of an older pipeline version may lack a table or column: nothing to compare with
    return nothingToCompare(`previous warehouse not comparable (${(e as Error).message.split('\n')[0]})`, rowsAfter);
  } finally {
    await db.run('DETACH prev').catch(() => {});
  }
}

function nothingToCompare(note: string, rowsAfter: number): BuildChanges {
  return {
    compared_with: 'none', note, nothing_changed: false,
    files: { added: [], removed: [], changed: [] }, settings: [],
    panel: { rows_before: null, rows_after: rowsAfter, rows_added: 0, rows_dropped: 0, values_changed: true },
    revisions: { cells: 0, by_indicator: {}, largest: [] }, cities: { newly_kept: [], newly_dropped: [] },
  };
}

async function compare(db: StageDb, settings: PipelineSettings, rowsAfter: number): Promise<BuildChanges> {
  const paths = async (sql: string) => (await db.rows<{ path: string }>(sql)).map((r) => r.path);
  const files = {
    added: await paths('SELECT path FROM stg_files WHERE path NOT IN (SELECT path FROM prev.stg_files) ORDER BY path'),
    removed: await paths('SELECT path FROM prev.stg_files WHERE path NOT IN (SELECT path FROM stg_files) ORDER BY path'),
    changed: await paths('SELECT n.path FROM stg_files n JOIN prev.stg_files o USING (path) WHERE n.sha256 <> o.sha256 ORDER BY n.path'),
  };

  const before = new Map((await db.rows<{ setting: string; value: string }>('SELECT setting, value FROM prev.meta_settings')).map((r) => [r.setting, r.value]));
  const after = new Map(Object.entries(settings).map(([k, v]) => [k, JSON.stringify(v)]));
  const changedSettings = [...new Set([...before.keys(), ...after.keys()])].sort()
    .filter((k) => before.get(k) !== after.get(k))
    .map((setting) => ({ setting, before: before.get(setting) ?? null, after: after.get(setting) ?? null }));

  const [panel] = await db.rows<{ before: bigint; added: bigint; dropped: bigint; same: boolean }>(`
    SELECT (SELECT count(*) FROM prev.panel) AS before,
           (SELECT count(*) FROM (SELECT city_code, year FROM panel EXCEPT SELECT city_code, year FROM prev.panel)) AS added,
           (SELECT count(*) FROM (SELECT city_code, year FROM prev.panel EXCEPT SELECT city_code, year FROM panel)) AS dropped,
           (SELECT sum(hash(t)) FROM panel t) IS NOT DISTINCT FROM (SELECT sum(hash(t)) FROM prev.panel t) AS same`);

  // observed in both builds, another value: a revision of the source (imputed cells follow their neighbours)
  await db.run(`CREATE OR REPLACE TEMP TABLE change_revisions AS
    SELECT n.city_code, n.year, n.indicator, o.value AS old_value, n.value AS new_value,
           abs(n.value - o.value) / greatest(abs(o.value), 1e-300) AS relative_change
    FROM clean_values n JOIN prev.clean_values o USING (city_code, year, indicator)
    WHERE n.method = 'observed' AND o.method = 'observed' AND n.value IS NOT NULL AND o.value IS NOT NULL
      AND abs(n.value - o.value) > ? * greatest(abs(n.value), abs(o.value))`, [REVISION_TOLERANCE]);
  const byIndicator = await db.rows<{ indicator: string; n: bigint }>('SELECT indicator, count(*) AS n FROM change_revisions GROUP BY indicator ORDER BY indicator');
  const largest = await db.rows<CellRevision>(`
    WITH top AS (
      SELECT * FROM change_revisions ORDER BY relative_change DESC, indicator, city_code, year LIMIT ?
    ), cells AS (
      SELECT 'new' AS build, city_code, year, indicator, ${SOURCE_CELL} AS at FROM harmonized WHERE scope IS NULL OR scope = '全市'
      UNION ALL
      SELECT 'old', city_code, year, indicator, ${SOURCE_CELL} FROM prev.stg_values WHERE scope IS NULL OR scope = '全市'
    )
    SELECT t.city_code, coalesce(any_value(d.city_name), t.city_code) AS city_name, t.year, t.indicator, t.old_value, t.new_value, t.relative_change,
           coalesce(string_agg(DISTINCT c.at, '; ' ORDER BY c.at) FILTER (WHERE c.build = 'new'), '') AS source,
           coalesce(string_agg(DISTINCT c.at, '; ' ORDER BY c.at) FILTER (WHERE c.build = 'old'), '') AS old_source
    FROM top t
    LEFT JOIN cells c USING (city_code, year, indicator)
    LEFT JOIN dim_city d USING (city_code)
    GROUP BY t.city_code, t.year, t.indicator, t.old_value, t.new_value, t.relative_change
    ORDER BY t.relative_change DESC, t.indicator, t.city_code, t.year`, [LARGEST_REVISIONS]);
  await db.run('DROP TABLE change_revisions');

  const newlyKept = await db.rows<CityChange>(`
    SELECT city_code, any_value(city_name) AS city_name, NULL AS reason FROM panel
    WHERE city_code NOT IN (SELECT city_code FROM prev.panel) GROUP BY city_code ORDER BY city_code`);
  const newlyDropped = await db.rows<CityChange>(`
    SELECT p.city_code, any_value(p.city_name) AS city_name, any_value(q.reason) AS reason FROM prev.panel p
    LEFT JOIN quality_drops q USING (city_code)
    WHERE p.city_code NOT IN (SELECT city_code FROM panel) GROUP BY p.city_code ORDER BY p.city_code`);

  const revisions = {
    cells: byIndicator.reduce((s, r) => s + Number(r.n), 0),
    by_indicator: Object.fromEntries(byIndicator.map((r) => [r.indicator, Number(r.n)])),
    largest: largest.map((r) => ({ ...r, year: Number(r.year) })),
  };
  const changes: BuildChanges = {
    compared_with: 'previous build', note: null, nothing_changed: false,
    files, settings: changedSettings,
    panel: { rows_before: Number(panel.before), rows_after: rowsAfter, rows_added: Number(panel.added), rows_dropped: Number(panel.dropped), values_changed: !panel.same },
    revisions, cities: { newly_kept: newlyKept, newly_dropped: newlyDropped },
  };
  changes.nothing_changed = files.added.length + files.removed.length + files.changed.length + changedSettings.length === 0
    && !changes.panel.values_changed && changes.panel.rows_added + changes.panel.rows_dropped === 0 && revisions.cells === 0;
  return changes;
}

/** The `changes` table of the new warehouse: one row per item of the summary. */
export async function writeChangesTable(db: StageDb, c: BuildChanges): Promise<void> {
  const rows: Array<Record<string, unknown>> = [];
  const row = (kind: string, item: string | null, fields: Record<string, unknown> = {}) => rows.push({
    kind, item, count: null, city_code: null, year: null, indicator: null, old_value: null, new_value: null,
    relative_change: null, source: null, old_source: null, detail: null, ...fields,
  });
  row('compared with', c.compared_with, { detail: c.note });
  for (const f of c.files.added) row('file added', f);
  for (const f of c.files.removed) row('file removed', f);
  for (const f of c.files.changed) row('file changed', f);
  for (const s of c.settings) row('setting changed', s.setting, { detail: `${s.before ?? '(unset)'} → ${s.after ?? '(unset)'}` });
  const p = c.panel;
  for (const [item, n] of [['before', p.rows_before], ['after', p.rows_after], ['added', p.rows_added], ['dropped', p.rows_dropped]] as const) {
    row('panel rows', item, { count: n });
  }
  for (const [indicator, n] of Object.entries(c.revisions.by_indicator)) row('revised cells', indicator, { count: n, indicator });
  for (const r of c.revisions.largest) {
    row('revision', r.city_name, {
      city_code: r.city_code, year: r.year, indicator: r.indicator, old_value: r.old_value, new_value: r.new_value,
      relative_change: r.relative_change, source: r.source, old_source: r.old_source,
    });
  }
  for (const x of c.cities.newly_kept) row('city newly kept', x.city_name, { city_code: x.city_code });
  for (const x of c.cities.newly_dropped) row('city newly dropped', x.city_name, { city_code: x.city_code, detail: x.reason });
  await db.createAndAppend('changes', [
    { name: 'kind', type: 'VARCHAR' }, { name: 'item', type: 'VARCHAR' }, { name: 'count', type: 'INTEGER' },
    { name: 'city_code', type: 'VARCHAR' }, { name: 'year', type: 'INTEGER' }, { name: 'indicator', type: 'VARCHAR' },
    { name: 'old_value', type: 'DOUBLE' }, { name: 'new_value', type: 'DOUBLE' }, { name: 'relative_change', type: 'DOUBLE' },
    { name: 'source', type: 'VARCHAR' }, { name: 'old_source', type: 'VARCHAR' }, { name: 'detail', type: 'VARCHAR' },
  ], rows);
}
