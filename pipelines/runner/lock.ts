// One build at a time per warehouse folder: a lock file created atomically (O_EXCL) holding the owner's pid.
// A lock whose process is gone (killed, crashed) is stale and is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Lock {
  path: string;
  /** set when a stale lock of a dead process was taken over */
  recoveredFrom?: { pid: number; started: string };
  release(): void;
}

export function acquireLock(outDir: string): Lock {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, '.lock');
  let recoveredFrom: Lock['recoveredFrom'];
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, started: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      return {
        path, recoveredFrom,
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: { pid: number; started: string };
      try {
        holder = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        // a lock file being written this instant, or garbage left by a crash mid-write: treat as stale
        holder = { pid: -1, started: 'unknown' };
      }
      if (holder.pid > 0 && alive(holder.pid) && holder.pid !== process.pid) {
        throw new LockError(
          `another pipeline run (pid ${holder.pid}, started ${holder.started}) is building ${outDir}; ` +
            `wait for it to finish (lock file ${path})`,
        );
      }
      recoveredFrom = holder;
      rmSync(path, { force: true });
    }
  }
  throw new LockError(`could not take the lock ${path}`);
}
