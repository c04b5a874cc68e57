// Per-file caches of the ingest and harmonize stages: what a stage made of one raw file, stored once as a
// Parquet part (<key>.parquet, with a small record in <key>.json). A file whose bytes, registry entries and
// limits are unchanged is not parsed or harmonized again, and its values never pass through JavaScript again:
// the stages' tables are views over the parts, read by DuckDB. Moving values from JavaScript into DuckDB costs
// about 4 µs a row, which is what an incremental build must not pay for files it has seen.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnSpec, StageDb } from '../core/db.ts';
import { sqlString } from '../core/db.ts';

/** Columns of a staged value, in table order (the contract is schemas/staged.ts). */
export const STAGED_COLUMNS: ColumnSpec[] = [
  { name: 'source_id', type: 'VARCHAR' }, { name: 'layout', type: 'VARCHAR' }, { name: 'file', type: 'VARCHAR' },
  { name: 'sheet', type: 'VARCHAR' }, { name: 'cell', type: 'VARCHAR' }, { name: 'file_sha256', type: 'VARCHAR' },
  { name: 'indicator', type: 'VARCHAR' }, { name: 'scope', type: 'VARCHAR' }, { name: 'year', type: 'INTEGER' },
  { name: 'name_raw', type: 'VARCHAR' }, { name: 'code_raw', type: 'VARCHAR' }, { name: 'province_raw', type: 'VARCHAR' },
  { name: 'value', type: 'DOUBLE' }, { name: 'unit', type: 'VARCHAR' }, { name: 'missing_marker', type: 'VARCHAR' },
];

/** A directory of Parquet parts for one version of a stage (its code and settings); other versions are removed. */
export class PartCache<Meta> {
  readonly dir: string;

  constructor(root: string, version: string) {
    this.dir = join(root, version.slice(0, 16));
    if (existsSync(root)) for (const d of readdirSync(root)) if (join(root, d) !== this.dir) rmSync(join(root, d), { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  partPath(key: string): string {
    return join(this.dir, `${key}.parquet`);
  }

  /** The part's record if the part is complete (the record is written after the part), else undefined. */
  meta(key: string): Meta | undefined {
    const path = join(this.dir, `${key}.json`);
    if (!existsSync(path) || !existsSync(this.partPath(key))) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Meta;
    } catch {
      return undefined; // a damaged record: the part is made again
    }
  }

  /** Write the result of `select` (a query on the run's database) as the part, then its record (a value, or made
   *  from the finished part). */
  async write(db: StageDb, key: string, select: string, record: Meta | ((part: string) => Promise<Meta>)): Promise<Meta> {
    const part = this.partPath(key);
    rmSync(join(this.dir, `${key}.json`), { force: true });
    await db.run(`COPY (${select}) TO ${sqlString(part + '.new')} (FORMAT parquet)`);
    renameSync(part + '.new', part); // a reader never sees half a part
    const meta = typeof record === 'function' ? await (record as (part: string) => Promise<Meta>)(part) : record;
    writeFileSync(join(this.dir, `${key}.json.new`), JSON.stringify(meta));
    renameSync(join(this.dir, `${key}.json.new`), join(this.dir, `${key}.json`));
    return meta;
  }

  /** Write rows made in JavaScript as the part, through a scratch table of the run's database. */
  async writeRows(db: StageDb, key: string, columns: ColumnSpec[], rows: Iterable<Record<string, unknown>>, record: Meta): Promise<Meta> {
    await db.createAndAppend('part_rows', columns, rows);
    try {
      return await this.write(db, key, 'SELECT * FROM part_rows', record);
    } finally {
      await db.run('DROP TABLE part_rows');
    }
  }

  /** Remove the parts not in `used`. */
  prune(used: Iterable<string>): void {
    const keep = new Set(used);
    for (const f of readdirSync(this.dir)) {
      const key = f.replace(/\.(parquet|json)(\.new)?$/, '');
      if (!keep.has(key)) rmSync(join(this.dir, f), { force: true });
    }
  }
}

/** A view over parts in the given order; `ord` numbers the rows by part, then row within the part, so that a
 *  stage can report the first offending cell as a person reading the files in order would find it. */
export function partsView(name: string, paths: string[], columns: ColumnSpec[]): string {
  if (paths.length === 0) {
    const cols = columns.map((c) => `NULL::${c.type} AS "${c.name}"`).join(', ');
    return `CREATE OR REPLACE VIEW ${name} AS SELECT NULL::BIGINT AS ord, ${cols} WHERE false`;
  }
  const list = paths.map(sqlString).join(', ');
  const order = paths.map((p, i) => `(${sqlString(p)}, ${i})`).join(', ');
  return `CREATE OR REPLACE VIEW ${name} AS
    SELECT (o.part::BIGINT << 32) + p.file_row_number AS ord, p.* EXCLUDE (filename, file_row_number)
    FROM read_parquet([${list}], filename = true, file_row_number = true) p
    JOIN (VALUES ${order}) o(filename, part) USING (filename)`;
}
