// A read-only DuckDB session on the warehouse for SQL that comes from the user (query, export --where).
//
// What it guarantees, and how (each checked by test/cli/query-safety.test.ts):
//  - the file cannot be written: the instance is created on the file with access_mode READ_ONLY, so every
//    database it has, and every later ATTACH, is read-only, the default database cannot be detached and no
//    in-memory database can be attached;
//  - no other file can be read or written, and no extension installed or loaded: enable_external_access=false,
//    autoinstall/autoload off. DuckDB still allows the database's own paths (the file, its .wal) under that
//    setting, which `COPY … TO '<warehouse>' (USE_TMP_FILE false)` or file logging would overwrite, so the
//    local file system is disabled as a whole once the file is open (`disabled_filesystems`): the open file
//    handle keeps working, nothing else can be opened;
//  - none of this can be undone from SQL: lock_configuration=true, set before any user SQL runs.
//
// Opening it meets two problems a user can see: another process writing the file (a pipeline run adding its
// record), retried briefly, and a broken file, reported with the repair.
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { InputError } from '../econometrics/errors.ts';
import { sqlIdent, sqlString } from '../econometrics/io/sql.ts';

export interface WarehouseSession {
  con: DuckDBConnection;
  /** the warehouse's catalog name (DuckDB names it after the file) */
  catalog: string;
  path: string;
  close(): void;
}

export interface OpenOptions {
  /** create the documented session views (`query --list`) */
  views?: boolean;
  /** how long to retry while another process holds the file (ms) */
  lockWaitMs?: number;
}

const READ_ONLY_CONFIG = {
  access_mode: 'READ_ONLY',
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

export async function openWarehouseReadOnly(path: string, options: OpenOptions = {}): Promise<WarehouseSession> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new InputError(`warehouse not found: ${path} (build it with \`npm run pipeline\`)`);
  // QUERY_LOCK_WAIT_MS: a longer wait for scripts that query while a rebuild runs (and for tests)
  const wait = options.lockWaitMs ?? (Number(process.env.QUERY_LOCK_WAIT_MS) || 2000);
  const deadline = Date.now() + wait;
  let instance: DuckDBInstance;
  for (let delay = 50; ; delay = Math.min(delay * 2, 400)) {
    try {
      instance = await DuckDBInstance.create(abs, READ_ONLY_CONFIG);
      break;
    } catch (e) {
      const message = firstLine(e);
      if (!isLockConflict(message)) throw warehouseError(path, e);
      if (Date.now() + delay > deadline) {
        const holder = /held in (.*?)\.?(?: See also|$)/.exec(message)?.[1];
        throw new InputError(`the warehouse ${path} is being written by another process${holder ? ` (${holder})` : ''}; try again when it has finished`);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  const con = await instance.connect();
  const close = () => {
    con.closeSync();
    instance.closeSync();
  };
  try {
    await con.run("SET disabled_filesystems = 'LocalFileSystem'");
    const catalog = String((await con.runAndReadAll('SELECT current_database()')).getRowsJS()[0][0]);
    if (options.views) await createSessionViews(con, catalog);
    await con.run('SET lock_configuration = true');
    return { con, catalog, path, close };
  } catch (e) {
    close();
    throw warehouseError(path, e);
  }
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];
const isLockConflict = (message: string) => /Could not set lock on file|Conflicting lock/i.test(message);
const BROKEN_FILE = /Corrupt database|Could not read enough bytes|not a valid DuckDB database|database file with version number/i;

/** A user-facing error for a failure of the warehouse file itself (open or read), anything else unchanged. */
export function warehouseError(path: string, e: unknown): Error {
  if (e instanceof InputError) return e;
  const message = firstLine(e);
  if (isLockConflict(message)) return new InputError(`the warehouse ${path} is being written by another process; try again when it has finished`);
  if (/Permission denied/i.test(message)) return new InputError(`cannot read the warehouse ${path}: permission denied`);
  if (BROKEN_FILE.test(message) || !(e instanceof Error) || /^IO Error/.test(message))
    return new InputError(`the warehouse ${path} is damaged or unreadable (${message.replace(/^IO Error: /, '')}); rebuild it with \`${rebuildCommand(path)}\``);
  return e;
}

/** The command that rebuilds the warehouse file at `path` from scratch. */
function rebuildCommand(path: string): string {
  const dir = dirname(resolve(path));
  return dir === resolve('warehouse') ? 'npm run pipeline -- --full' : `npm run pipeline -- --full --out ${displayPath(dir)}`;
}

/** A folder as the user would type it: relative below the working directory, absolute elsewhere. */
function displayPath(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
}

/** Is this DuckDB error about the warehouse file rather than the SQL? */
export const isBrokenFileError = (e: unknown): boolean => BROKEN_FILE.test(firstLine(e));

/** Named views of the query session: TEMP views (nothing is written to the file), each with its description as
 *  a comment, so `duckdb_views()` and `query --list` show them. A view is skipped when the warehouse (an older
 *  build) lacks one of its tables. */
export const SESSION_VIEWS: Array<{ name: string; description: string; needs: string[]; sql: (t: (table: string) => string) => string }> = [
  {
    name: 'panel_labeled',
    description: 'panel with the city and province names and the region first: full province name (province_name) and the region in Chinese (region_name: 东部/中部/西部)',
    needs: ['panel', 'dim_province'],
    sql: (t) => `SELECT p.city_code, p.city_name, p.province_code, p.province, d.name AS province_name, p.region,
        CASE p.region WHEN 'east' THEN '东部' WHEN 'central' THEN '中部' WHEN 'west' THEN '西部' END AS region_name,
        p.is_municipality, p.year, p.* EXCLUDE (city_code, city_name, province_code, province, region, is_municipality, year)
      FROM ${t('panel')} p LEFT JOIN ${t('dim_province')} d ON d.province_code = p.province_code`,
  },
  {
    name: 'drops',
    description: 'cities dropped from the panel by the drop rule, with the reason: each indicator still missing after filling, with its raw gap (= quality_drops)',
    needs: ['quality_drops'],
    sql: (t) => `SELECT * FROM ${t('quality_drops')}`,
  },
  {
    name: 'imputations',
    description: 'every imputed cell: city, year, indicator, method (interpolated/carried), value, the years it was made from (= quality_imputations)',
    needs: ['quality_imputations'],
    sql: (t) => `SELECT * FROM ${t('quality_imputations')}`,
  },
  {
    name: 'provenance',
    description: 'where each raw number came from: one row per city-year-indicator value read, with file, sheet, cell, the printed value and unit, and the file sha256',
    needs: ['stg_values', 'dim_city'],
    sql: (t) => `SELECT s.city_code, c.city_name, c.province, s.year, s.indicator, s.value, s.unit, s.scope,
        s.file, s.sheet, s.cell, s.file_sha256, s.name_raw, s.mapping, s.source_id
      FROM ${t('stg_values')} s LEFT JOIN ${t('dim_city')} c ON c.city_code = s.city_code`,
  },
];

async function createSessionViews(con: DuckDBConnection, catalog: string): Promise<void> {
  const tables = new Set((await con.runAndReadAll('SELECT table_name FROM duckdb_tables() WHERE database_name = ?', [catalog]))
    .getRowsJS().map((r) => String(r[0])));
  const qualified = (table: string) => `${sqlIdent(catalog)}.main.${sqlIdent(table)}`;
  for (const view of SESSION_VIEWS) {
    if (!view.needs.every((t) => tables.has(t))) continue;
    await con.run(`CREATE TEMP VIEW ${sqlIdent(view.name)} AS ${view.sql(qualified)}`);
    await con.run(`COMMENT ON VIEW temp.main.${sqlIdent(view.name)} IS ${sqlString(view.description)}`);
  }
}

/** What `query --list` shows: the session views (in their order, bound as a list), then the warehouse's tables,
 *  each with its description. */
export const LIST_SQL = `
  SELECT name, kind, description FROM (
    SELECT view_name AS name, 'session view' AS kind, comment AS description, 0 AS part
      FROM duckdb_views() WHERE database_name = 'temp' AND NOT internal
    UNION ALL
    SELECT table_name, 'table', comment, 1 FROM duckdb_tables() WHERE database_name = current_database()
  ) ORDER BY part, list_position(?::VARCHAR[], name) NULLS LAST, name`;
