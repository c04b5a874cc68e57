// The one quoting helper of the project for SQL text that cannot take bound parameters (identifiers, and file
// paths in ATTACH, COPY and table functions). Values go as bound parameters wherever DuckDB accepts them.

/** A string literal: 'it''s'. */
export const sqlString = (s: string): string => "'" + s.replaceAll("'", "''") + "'";

/** An identifier (table, column): "my ""table""". Never concatenate a name raw. */
export const sqlIdent = (s: string): string => '"' + s.replaceAll('"', '""') + '"';
