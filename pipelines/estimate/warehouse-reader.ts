// Read access to the warehouse for the codebook and the lineage commands: the estimation stage reads through its
// own attached copy (PanelData), the CLI through the locked-down query session; both hand over a connection and
// the catalog name the warehouse has in it.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { sqlIdent } from '../core/db.ts';

export interface WarehouseReader {
  /** the rows of a query as objects (DuckDB's JS values: BIGINT as bigint, so cast counts in SQL) */
  rows<T = Record<string, unknown>>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
  /** a warehouse table's name, qualified as the connection must write it */
  table(name: string): string;
  /** whether the warehouse has this table (an older build may lack one) */
  hasTable(name: string): Promise<boolean>;
}

export function connectionReader(con: DuckDBConnection, catalog: string): WarehouseReader {
  return {
    rows: async <T>(sql: string, params: DuckDBValue[] = []) => (await con.runAndReadAll(sql, params)).getRowObjectsJS() as T[],
    table: (name) => `${sqlIdent(catalog)}.main.${sqlIdent(name)}`,
    hasTable: async (name) => (await con.runAndReadAll(
      'SELECT 1 FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? AND table_name = ?', [catalog, 'main', name])).getRowsJS().length > 0,
  };
}
