// Run the project's CLI (`cli/engine.ts`) as a user would, through tsx, and capture what it prints.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

export function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(tsx, [join(root, 'cli', 'engine.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
