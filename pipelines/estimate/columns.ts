// Columns of the results and of the published tables found by their declared id, never by position.
import type { TableSpec } from './tables.ts';

export interface Cell { estimate: number; se: number; t: number; p: number }

/** One column of a table's results: label, obs, and a cell per coefficient term, plus column facts. */
export interface ColumnResult {
  label: string;
  obs: number;
  [field: string]: unknown;
}

/** A table of tables.json or of the published file: its columns (tables 2, 3, 5, 6, 7) and other fields. */
export interface TableResult {
  columns?: ColumnResult[];
  [field: string]: unknown;
}

export type Results = Record<string, TableResult | undefined>;

/** A published column: `[coefficient, t]` cells under the column's id. */
export interface PublishedColumn {
  id?: string;
  label?: string;
  [field: string]: unknown;
}

/** The result column declared as `id` in table `key`: results keep their declaration's order. */
export function resultColumn(tables: readonly TableSpec[], results: Results, key: string, id: string): ColumnResult | undefined {
  const spec = tables.find((t) => t.key === key);
  const at = spec?.columns.findIndex((c) => c.id === id) ?? -1;
  return at < 0 ? undefined : results[key]?.columns?.[at];
}

/** The published table `key` with its columns in the order of the declaration, matched by id (a declared
 *  column the paper does not have gets an empty one). */
export function publishedInDeclaredOrder(spec: TableSpec, published: TableResult | undefined): TableResult | undefined {
  if (!published || !Array.isArray(published.columns)) return published;
  const byId = new Map((published.columns as PublishedColumn[]).map((c) => [c.id, c]));
  return { ...published, columns: spec.columns.map((c) => (byId.get(c.id) ?? { label: '', obs: NaN }) as ColumnResult) };
}

/** A coefficient cell of a column, if the column has one for `term`. */
export function cellOf(column: Record<string, unknown> | undefined, term: string): Cell | undefined {
  const c = column?.[term] as Partial<Cell> | undefined;
  return c && typeof c.estimate === 'number' ? (c as Cell) : undefined;
}
