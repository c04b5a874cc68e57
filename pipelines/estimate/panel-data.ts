// The estimation stage reads the warehouse only: the `panel` table, once, plus a row mask per sample filter.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { InputError, type LoadedFrame } from '../../econometrics/io/load.ts';
import { frameFromColumns } from '../../econometrics/frame.ts';
import { sqlIdent, sqlString } from '../core/db.ts';
import { connectionReader, type WarehouseReader } from './warehouse-reader.ts';

/** Columns always read as factors (fixed effects, clusters, groups). */
const FACTOR_COLUMNS = new Set(['city_code', 'city_name', 'province', 'province_code', 'region']);

export class PanelData {
  private masks = new Map<string, Uint8Array>();
  private constructor(
    private instance: DuckDBInstance,
    private con: DuckDBConnection,
    readonly full: LoadedFrame,
    readonly columns: string[],
  ) {}

  /** Open the warehouse read-only and load `needed` columns of `table`; a missing table or column is an InputError naming it. */
  static async open(warehouse: string, needed: string[], table = 'panel'): Promise<PanelData> {
    if (!existsSync(warehouse)) throw new InputError(`warehouse not found: ${warehouse} (run \`npm run pipeline\` first)`);
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    await con.run(`ATTACH ${sqlString(warehouse)} AS wh (READ_ONLY)`);
    const tables = (await con.runAndReadAll(
      `SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh'`)).getRowsJS().map((r) => String(r[0]));
    if (!tables.includes(table)) {
      con.closeSync();
      instance.closeSync();
      throw new InputError(`warehouse ${warehouse} has no table '${table}' (tables: ${tables.join(', ') || 'none'})`);
    }
    await con.run(`CREATE TEMP VIEW panel AS SELECT * FROM wh.${sqlIdent(table)} ORDER BY city_code, year`);
    const describe = (await con.runAndReadAll('DESCRIBE panel')).getRowObjectsJS();
    const available = new Set(describe.map((r) => String(r.column_name)));
    const missing = [...new Set(needed)].filter((c) => !available.has(c));
    if (missing.length > 0) {
      con.closeSync();
      instance.closeSync();
      throw new InputError(`warehouse table '${table}' lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    }
    const cols = [...new Set(needed)];
    const reader = await con.runAndReadAll(`SELECT ${cols.map(sqlIdent).join(', ')} FROM panel`);
    const data = reader.getColumnsJS();
    const numeric: Record<string, ArrayLike<number | null>> = {};
    const factors: Record<string, ArrayLike<string | null>> = {};
    cols.forEach((c, i) => {
      const values = data[i] as unknown[];
      if (FACTOR_COLUMNS.has(c)) factors[c] = values.map((v) => (v === null ? null : String(v)));
      else numeric[c] = values.map((v) => (v === null ? null : typeof v === 'boolean' ? Number(v) : Number(v)));
    });
    // year is both a regressor-free numeric column and a fixed effect: keep it numeric, the engine factorizes it
    return new PanelData(instance, con, frameFromColumns({ numeric, factors }), cols);
  }

  /** The rows where `where` (DuckDB SQL on the panel) holds, as a frame. */
  async frame(where?: string): Promise<LoadedFrame> {
    if (!where) return this.full;
    let mask = this.masks.get(where);
    if (!mask) {
      let rows: unknown[][];
      try {
        rows = (await this.con.runAndReadAll(`SELECT coalesce((${where}), false) FROM panel`)).getRowsJS();
      } catch (e) {
        throw new InputError(`sample filter '${where}' failed: ${(e as Error).message.split('\n')[0]}`);
      }
      mask = Uint8Array.from(rows, (r) => (r[0] ? 1 : 0));
      this.masks.set(where, mask);
    }
    return subsetFrame(this.full, mask);
  }

  /** The warehouse's tables, for reads beyond the panel (the codebook). */
  reader(): WarehouseReader {
    return connectionReader(this.con, 'wh');
  }

  /** The pipeline settings recorded in the warehouse (meta_settings), for the report. */
  async pipelineSettings(): Promise<Record<string, unknown>> {
    try {
      const rows = (await this.con.runAndReadAll('SELECT setting, value FROM wh.meta_settings')).getRowsJS();
      return Object.fromEntries(rows.map((r) => [String(r[0]), JSON.parse(String(r[1]))]));
    } catch {
      return {};
    }
  }

  /** Whether the warehouse was built from a synthetic sample (its raw folder declared so in truth.json). */
  async isSynthetic(): Promise<boolean> {
    try {
      const n = (await this.con.runAndReadAll(`SELECT value FROM wh.meta_build WHERE key = 'synthetic'`)).getRowsJS();
      return n.length > 0 && String(n[0][0]) === 'true';
    } catch {
      return false;
    }
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }
}

export function subsetFrame(frame: LoadedFrame, mask: Uint8Array): LoadedFrame {
  const idx: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) idx.push(i);
  const out: LoadedFrame = { nrows: idx.length, numeric: {}, factors: {} };
  for (const [k, v] of Object.entries(frame.numeric)) out.numeric[k] = Float64Array.from(idx, (i) => v[i]);
  // levels absent from the subset are removed, so level counts describe the sample
  for (const [k, f] of Object.entries(frame.factors)) {
    const used = [...new Set(idx.map((i) => f.codes[i]).filter((c) => c >= 0))].sort((a, b) => a - b);
    const recode = new Map(used.map((c, j) => [c, j]));
    out.factors[k] = {
      codes: Int32Array.from(idx, (i) => (f.codes[i] < 0 ? -1 : recode.get(f.codes[i])!)),
      levels: used.map((c) => f.levels[c]),
    };
  }
  return out;
}
