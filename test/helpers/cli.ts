// Run the project's CLI (`cli/engine.ts`) as a user would (compiled, see command.ts), and capture what it prints.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { nodeArgs } from './command.ts';

const root = resolve(import.meta.dirname, '..', '..');

export function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...nodeArgs('cli/engine.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
