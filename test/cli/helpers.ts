// Running the commands from their sources as a user would (node + tsx), and a private copy of the sample
// warehouse for tests that attack or lock it: the shared one is only ever read.
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sampleWarehouse } from '../helpers/sample-warehouse.ts';
import { nodeArgs } from '../helpers/command.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A command (compiled, see test/helpers/command.ts) or a script, from the repository root. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [...nodeArgs(script), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The lines of stderr (a refusal is exactly one). */
export const stderrLines = (r: CliRun) => r.stderr.split('\n').filter((l) => l.length > 0);

/** A copy of the sample warehouse in a new temporary folder, taken while holding a read-only open of it (a
 *  pipeline run cannot swap or write the file meanwhile). */
export async function privateWarehouse(): Promise<string> {
  const source = join((await sampleWarehouse()).outDir, 'warehouse.duckdb');
  const target = join(mkdtempSync(join(tmpdir(), 'cli-warehouse-')), 'warehouse.duckdb');
  for (let attempt = 0; ; attempt++) {
    try {
      const db = await DuckDBInstance.create(source, { access_mode: 'READ_ONLY' });
      try {
        copyFileSync(source, target);
        if (existsSync(source + '.wal')) copyFileSync(source + '.wal', target + '.wal');
      } finally {
        db.closeSync();
      }
      return target;
    } catch (e) {
      if (attempt > 50 || !/lock/i.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
