// How the tests start a command: as a user does, `node` on the compiled JavaScript in dist/ (built once before the
// suite by test/global-setup.ts, so it is the current sources); other scripts (test helpers) through tsx.
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

/** Node arguments that run `script` (a path relative to the project, e.g. 'cli/pipeline.ts'). */
export function nodeArgs(script: string): string[] {
  if (/^(cli|generator|bench)\/.+\.ts$/.test(script)) return [join(PROJECT_ROOT, 'dist', script.replace(/\.ts$/, '.js'))];
  return ['--import', 'tsx', join(PROJECT_ROOT, script)];
}
