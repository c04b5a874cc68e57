// Parquet through DuckDB. The rows come from the read-only session, which can open no file; they are handed
// chunk by chunk to a separate in-memory DuckDB that has nothing attached and writes only the output file.
import { type DuckDBResult, DuckDBInstance } from '@duckdb/node-api';
import { InputError } from '../../econometrics/errors.ts';
import { sqlIdent, sqlString } from '../../econometrics/io/sql.ts';

/** Write a result as Parquet (zstd) to `path`, with optional key-value metadata in the file footer. Returns the
 *  number of rows. */
export async function writeParquet(result: DuckDBResult, path: string, metadata: Record<string, string> = {}): Promise<number> {
  const names = result.columnNames();
  const types = result.columnTypes();
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new InputError(`column '${duplicate}' appears twice; give the columns distinct names (AS …) to write Parquet`);
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await instance.connect();
  try {
    await con.run(`CREATE TABLE result (${names.map((n, i) => `${sqlIdent(n)} ${types[i].toString()}`).join(', ')})`);
    const appender = await con.createAppender('result');
    let rows = 0;
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      appender.appendDataChunk(chunk);
      rows += chunk.rowCount;
    }
    appender.closeSync();
    const kv = Object.entries(metadata);
    const kvOption = kv.length ? `, KV_METADATA {${kv.map(([k, v]) => `${sqlIdent(k)}: ${sqlString(v)}`).join(', ')}}` : '';
    await con.run(`COPY result TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd${kvOption})`);
    return rows;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
