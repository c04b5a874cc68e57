// The texts a CSV cell may hold to mean "missing", as R and Stata write them (empty, NA, ., -). Kept apart from
// the loader so that a command can name the default without loading DuckDB.
export const DEFAULT_NA: readonly string[] = ['NA', '.', '', '-'];
