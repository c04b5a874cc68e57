// Output files appear complete or not at all: written next to the target under a temporary name, then renamed.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Write through `write(tmpPath)`, then rename onto `path`; the temporary file is removed on failure. */
export async function writeAtomically(path: string, write: (tmpPath: string) => Promise<void> | void): Promise<void> {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    await write(tmp);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export const writeFileAtomically = (path: string, data: string | Uint8Array) => writeAtomically(path, (tmp) => writeFileSync(tmp, data));
