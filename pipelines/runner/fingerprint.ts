// Hashes a fingerprint is made of: file bytes, table contents. (A stage's code: code-graph.ts.)
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { StageDb } from '../shared/db.ts';


export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file under the given paths (files or folders), sorted, relative to `root`. */
export function listFiles(root: string, paths: string[]): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    if (!existsSync(abs)) return;
    const st = statSync(abs);
    if (st.isDirectory()) {
      for (const name of readdirSync(abs).sort()) if (!name.startsWith('.')) walk(join(abs, name));
    } else out.push(relative(root, abs));
  };
  for (const p of paths) walk(resolve(root, p));
  return [...new Set(out)].sort();
}

/** Hashes of files: [{path, sha256}] with paths relative to root. */
export function fileHashes(root: string, paths: string[]): Array<{ path: string; sha256: string; bytes: number }> {
  return listFiles(root, paths).map((path) => {
    const bytes = readFileSync(join(root, path));
    return { path, sha256: sha256(bytes), bytes: bytes.length };
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
