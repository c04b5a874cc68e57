// Hashes a fingerprint is made of: file bytes, table contents. (A stage's code: code-graph.ts.)
import { createHash } from 'node:crypto';
import type { StageDb } from '../core/db.ts';
import { listRawFiles, readRawFile } from '../core/raw-files.ts';


export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Hashes of the files of a raw folder (the one list of pipelines/core/raw-files.ts), paths relative to it. */
export function fileHashes(rawDir: string): Array<{ path: string; sha256: string; bytes: number }> {
  return listRawFiles(rawDir).map((f) => {
    const bytes = readRawFile(f);
    return { path: f.path, sha256: sha256(bytes), bytes: bytes.length };
  });
}

/** Order-independent content hash of a table (sum of row hashes, with the row count and the column list). */
export async function tableHash(db: StageDb, table: string): Promise<{ rows: number; hash: string }> {
  const [r] = await db.rows<{ h: string | null; n: bigint | number }>(`SELECT sum(hash(t))::VARCHAR AS h, count(*) AS n FROM ${table} t`);
  const cols = (await db.rows<{ column_name: string; column_type: string }>(`DESCRIBE ${table}`))
    .map((c) => `${c.column_name}:${c.column_type}`).join(',');
  return { rows: Number(r.n), hash: sha256(`${cols}|${r.n}|${r.h ?? ''}`) };
}

export function combine(parts: unknown): string {
  return sha256(JSON.stringify(parts));
}
