// Where the project's data files live, whether the code runs from its sources (tsx, vitest) or compiled (dist/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above `from` that holds package.json. */
export function findProjectRoot(from: string): string {
  let dir = dirname(fileURLToPath(from));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(from)}`);
    dir = up;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(import.meta.url);
export const SQL_DIR = join(PROJECT_ROOT, 'sql');
