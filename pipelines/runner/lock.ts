// One build at a time per warehouse folder: the lock file <out>/.lock.
//
// Taking it is atomic and its content is complete before anyone can see it: the owner's pid, process start time
// and start timestamp are written to a temporary file, which is then hard-linked to the lock name (the link
// fails with EEXIST while the lock is held). A lock is stale when its owner is gone: no process has its pid, or
// the process with that pid started at another time (the pid was reused; Linux: /proc/<pid>/stat field 22;
// elsewhere the pid alone decides). An unreadable lock (empty, cut short: a file system without hard links, or a
// hand-made file) is taken for stale only once it is older than a few seconds. A stale lock is removed under a
// second, short-lived lock (.lock.break), and judged again there, so two runs that find the same stale lock
// cannot both take it. The lock is released however the process ends: release(), the end of the process, an
// uncaught error (EPIPE on a closed stdout included), SIGINT, SIGTERM or SIGHUP.
import { randomUUID } from 'node:crypto';
import {
  closeSync, constants, fstatSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockError';
  }
}

export interface Lock {
  path: string;
  /** set when a stale lock of a process that is gone was taken over */
  recoveredFrom?: { pid: number; started: string };
  release(): void;
}

/** What the lock file holds. */
interface Holder {
  pid: number;
  /** the owner's start time as the OS counts it (Linux: clock ticks after boot); null where unknown */
  proc_start: string | null;
  /** when the run started (ISO 8601), for messages */
  started: string;
  /** tells this lock from any other, even of the same process */
  token: string;
}

/** An unreadable lock file younger than this may be one being written: it is not taken over. */
export const UNREADABLE_LOCK_GRACE_MS = 5_000;
/** The breaker is held for microseconds; one older than this was left by a process that died holding it. */
const BREAKER_STALE_MS = 10_000;

/** Start time of a process (field 22 of /proc/<pid>/stat), or null when it cannot be read. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after its closing ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // fields[0] is field 3
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks this process holds: path → token (a lock file naming this pid but another token is a leftover). */
const heldHere = new Map<string, string>();

function ownerAlive(h: Holder, path: string): boolean {
  if (h.pid === process.pid) return heldHere.get(path) === h.token;
  if (!Number.isInteger(h.pid) || h.pid <= 0 || !pidAlive(h.pid)) return false;
  if (h.proc_start === null) return true;
  const now = processStartTime(h.pid);
  return now === null || now === h.proc_start; // null: no /proc here, the pid alone decides
}

type Found =
  | { kind: 'gone' }
  | { kind: 'holder'; holder: Holder }
  | { kind: 'unreadable'; ageMs: number };

function readLockFile(path: string): Found {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)); // a FIFO put there must not block
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw e;
  }
  try {
    const ageMs = Date.now() - fstatSync(fd).mtimeMs;
    const text = readFileSync(fd, 'utf8');
    try {
      const h = JSON.parse(text) as Partial<Holder> | null;
      // (a lock written by an earlier version holds only pid and started)
      if (typeof h?.pid === 'number') {
        return { kind: 'holder', holder: { pid: h.pid, proc_start: h.proc_start ?? null, started: String(h.started ?? 'unknown'), token: String(h.token ?? '') } };
      }
    } catch {
      // not JSON (yet)
    }
    return { kind: 'unreadable', ageMs };
  } finally {
    closeSync(fd);
  }
}

function isStale(found: Found, path: string): boolean {
  if (found.kind === 'holder') return !ownerAlive(found.holder, path);
  if (found.kind === 'unreadable') return found.ageMs > UNREADABLE_LOCK_GRACE_MS;
  return false;
}

/** Remove the lock file if it is (still) stale, under the breaker lock. */
function removeStale(path: string): 'removed' | 'not stale' | 'busy' {
  const breaker = `${path}.break`;
  try {
    closeSync(openSync(breaker, 'wx'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    try {
      if (Date.now() - statSync(breaker).mtimeMs > BREAKER_STALE_MS) rmSync(breaker, { force: true });
    } catch {
      // gone meanwhile
    }
    return 'busy';
  }
  try {
    // judged again now that no one else can remove it: it may have been replaced by a live lock since
    if (!isStale(readLockFile(path), path)) return 'not stale';
    rmSync(path, { force: true });
    return 'removed';
  } finally {
    rmSync(breaker, { force: true });
  }
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Temporary files of runs that died between writing and linking them: .lock.<pid>.<token>. */
function removeDeadTemporaries(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = /^\.lock\.(\d+)\.[0-9a-f-]{36}$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) rmSync(join(dir, name), { force: true });
  }
}

/** Link where the file system has hard links; else exclusive creation and a write (readers then may see an
 *  empty file for an instant, which the grace period covers). */
function createLock(path: string, tmp: string, content: string): boolean {
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
  }
  try {
    writeFileSync(path, content, { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

export function acquireLock(outDir: string): Lock {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, '.lock');
  const me: Holder = { pid: process.pid, proc_start: processStartTime(process.pid), started: new Date().toISOString(), token: randomUUID() };
  const content = JSON.stringify(me);
  const tmp = join(outDir, `.lock.${process.pid}.${me.token}`);
  removeDeadTemporaries(outDir);
  writeFileSync(tmp, content, { flag: 'wx' });
  let recoveredFrom: Lock['recoveredFrom'];
  try {
    for (let attempt = 0; attempt < 10; attempt++) {
      if (createLock(path, tmp, content)) return holdLock(path, me, recoveredFrom);
      const found = readLockFile(path);
      if (found.kind === 'gone') continue; // released meanwhile
      if (!isStale(found, path)) {
        if (found.kind === 'unreadable') {
          throw new LockError(`another pipeline run is starting to build ${outDir} (its lock file is being written); wait for it to finish (lock file ${path})`);
        }
        throw new LockError(
          `another pipeline run (pid ${found.holder.pid}, started ${found.holder.started}) is building ${outDir}; ` +
            `wait for it to finish (lock file ${path})`,
        );
      }
      const removed = removeStale(path);
      if (removed === 'removed') recoveredFrom = found.kind === 'holder' ? { pid: found.holder.pid, started: found.holder.started } : { pid: -1, started: 'unknown' };
      else if (removed === 'busy') pause(2); // another run is removing it this instant
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  throw new LockError(`could not take the lock ${path} (other runs keep taking it)`);
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function holdLock(path: string, me: Holder, recoveredFrom: Lock['recoveredFrom']): Lock {
  heldHere.set(path, me.token);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    heldHere.delete(path);
    process.off('exit', release);
    for (const s of SIGNALS) process.off(s, onSignal[s]);
    // only our own lock: one taken over from us (judged stale by mistake) belongs to another run now
    try {
      const found = readLockFile(path);
      if (found.kind === 'holder' && found.holder.token === me.token) unlinkSync(path);
    } catch {
      // gone already, or the folder with it
    }
  };
  // on a signal: release, then let the signal do what it would have done (another listener, or the default: end)
  const onSignal = Object.fromEntries(SIGNALS.map((s) => [s, () => {
    release();
    process.kill(process.pid, s);
  }])) as Record<(typeof SIGNALS)[number], () => void>;
  process.on('exit', release);
  for (const s of SIGNALS) process.on(s, onSignal[s]);
  return { path, recoveredFrom, release };
}
