// What an export takes from the warehouse: panel columns (the keys city_code and year always, first), the
// years asked for and a row filter, in city-year order, with the codebook.
import type { DuckDBValue } from '@duckdb/node-api';
import { InputError } from '../../econometrics/errors.ts';
import { sqlIdent } from '../../econometrics/io/sql.ts';
import { isBrokenFileError, warehouseError, type WarehouseSession } from '../warehouse-session.ts';
import { describeColumns } from './codebook.ts';
import { columnsFromResult, type ExportFrame } from './frame.ts';

export const PANEL_TABLE = 'panel';
export const PANEL_KEYS = { unit: 'city_code', time: 'year' };

export interface Selection {
  vars?: string[];
  where?: string;
  years?: { from?: number; to?: number };
}

/** The SQL and bound parameters of a selection, its columns checked against the panel. */
export async function selectionSql(session: WarehouseSession, selection: Selection): Promise<{ sql: string; params: DuckDBValue[]; columns: string[] }> {
  const { con, catalog } = session;
  const available = (await con.runAndReadAll(
    'SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? AND table_name = ? ORDER BY column_index',
    [catalog, 'main', PANEL_TABLE],
  )).getRowsJS().map((r) => String(r[0]));
  if (available.length === 0) throw new InputError(`the warehouse ${session.path} has no ${PANEL_TABLE} table; rebuild it with \`npm run pipeline\``);
  const keys = [PANEL_KEYS.unit, PANEL_KEYS.time].filter((k) => available.includes(k));
  for (const v of selection.vars ?? []) {
    if (!available.includes(v)) {
      const close = closest(v, available);
      throw new InputError(`option '--vars' names '${v}', which is not a column of the panel${close.length ? ` (closest: ${close.join(', ')})` : ''}; \`npm run --silent query -- "DESCRIBE panel"\` lists them`);
    }
  }
  const columns = selection.vars ? [...new Set([...keys, ...selection.vars])] : available;
  const conditions: string[] = [];
  const params: DuckDBValue[] = [];
  if (selection.years?.from !== undefined) { conditions.push(`${sqlIdent(PANEL_KEYS.time)} >= ?`); params.push(selection.years.from); }
  if (selection.years?.to !== undefined) { conditions.push(`${sqlIdent(PANEL_KEYS.time)} <= ?`); params.push(selection.years.to); }
  if (selection.where) conditions.push(`(${selection.where})`);
  const sql = `SELECT ${columns.map(sqlIdent).join(', ')} FROM ${sqlIdent(catalog)}.main.${sqlIdent(PANEL_TABLE)}` +
    (conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '') +
    (keys.length ? ` ORDER BY ${keys.map(sqlIdent).join(', ')}` : '');
  return { sql, params, columns };
}

/** Run a selection; a failing --where is reported as such. */
export async function runSelection<T>(session: WarehouseSession, selection: Selection, run: (sql: string, params: DuckDBValue[]) => Promise<T>): Promise<T> {
  const { sql, params } = await selectionSql(session, selection);
  try {
    return await run(sql, params);
  } catch (e) {
    if (isBrokenFileError(e)) throw warehouseError(session.path, e);
    const message = (e as Error).message.split('\n')[0];
    if (selection.where) throw new InputError(`option '--where' value '${selection.where}' failed: ${message}`);
    throw e;
  }
}

/** The selected rows with their codebook. */
export async function readPanel(session: WarehouseSession, selection: Selection): Promise<ExportFrame> {
  const columns = await runSelection(session, selection, async (sql, params) => columnsFromResult(await session.con.run(sql, params)));
  const nrows = columns[0]?.values.length ?? 0;
  if (nrows === 0) throw new InputError(`the selection is empty${describeSelection(selection)}: no file written`);
  await describeColumns(session.con, session.catalog, columns);

  const synthetic = await isSynthetic(session);
  const names = columns.map((c) => c.name);
  const panel = names.includes(PANEL_KEYS.unit) && names.includes(PANEL_KEYS.time) ? PANEL_KEYS : undefined;
  const years = columns.find((c) => c.name === PANEL_KEYS.time)?.values.filter((v): v is number => typeof v === 'number') ?? [];
  const units = new Set(columns.find((c) => c.name === PANEL_KEYS.unit)?.values ?? []);
  const span = years.length ? ` ${Math.min(...years)}-${Math.max(...years)}` : '';
  const label = `${synthetic ? 'SYNTHETIC sample: ' : ''}city panel${span}${panel ? `; xtset ${panel.unit} ${panel.time}` : ''}`;
  const notes = [
    ...(panel ? [`Panel data: xtset ${panel.unit} ${panel.time} (unit: ${panel.unit}, the GB/T 2260 city code; time: ${panel.time}).`] : []),
    `${nrows} rows${panel ? ` (${units.size} cities)` : ''} of the warehouse panel${describeSelection(selection)}.`,
    ...(synthetic ? ['The bundled data are SYNTHETIC (written by `npm run sample`): results computed from them are not the paper\u2019s.'] : []),
  ];
  return { columns, nrows, label, notes, panel };
}

function describeSelection(s: Selection): string {
  const parts = [];
  if (s.years?.from !== undefined || s.years?.to !== undefined) parts.push(`years ${s.years.from ?? '…'}-${s.years.to ?? '…'}`);
  if (s.where) parts.push(`where ${s.where}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

async function isSynthetic(session: WarehouseSession): Promise<boolean> {
  try {
    const rows = (await session.con.runAndReadAll(`SELECT value FROM ${sqlIdent(session.catalog)}.main.meta_build WHERE key = ?`, ['synthetic'])).getRowsJS();
    return rows.some((r) => r[0] === 'true');
  } catch {
    return false;
  }
}

/** Up to three names at the smallest edit distance (case-insensitive), if it is small. */
export function closest(name: string, names: string[]): string[] {
  const d = (a: string, b: string) => {
    const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diag = prev[0];
      prev[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = prev[j];
        prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
        diag = tmp;
      }
    }
    return prev[b.length];
  };
  const scored = names.map((n) => ({ n, s: d(name.toLowerCase(), n.toLowerCase()) })).filter((x) => x.s <= Math.max(2, name.length / 3));
  scored.sort((a, b) => a.s - b.s);
  return scored.slice(0, 3).map((x) => x.n);
}
