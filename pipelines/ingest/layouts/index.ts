// The layout registry: which reader turns a table of each registered layout (schemas/sources.ts) into staged
// values. Adding a layout: a reader in this folder, its source schema in schemas/sources.ts, one line here.
import type { Source } from '../../../schemas/sources.ts';
import type { AdapterContext } from '../common.ts';
import type { Table } from '../table.ts';
import { readEpsSheet } from './eps.ts';
import { readLongTable } from './long-panel.ts';
import { readYearbookTable } from './yearbook.ts';

type Reader<L extends Source['layout']> = (table: Table, source: Extract<Source, { layout: L }>, ctx: AdapterContext) => void;

export const LAYOUTS: { [L in Source['layout']]: Reader<L> } = {
  yearbook: readYearbookTable,
  eps: readEpsSheet,
  long: readLongTable,
};

/** Read one table with the reader of its source's layout. */
export function readLayout(table: Table, source: Source, ctx: AdapterContext): void {
  (LAYOUTS[source.layout] as Reader<Source['layout']>)(table, source, ctx);
}
