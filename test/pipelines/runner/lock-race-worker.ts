// One of the processes of the lock race in lock.test.ts: takes and releases the lock of a folder `rounds` times,
// and inside each hold checks that it is alone (an exclusive marker file; the lock file still names it). Every
// `staleEvery`-th round it leaves, instead of releasing, a stale lock of a dead process, which the other process
// (or itself) must take over. Writes {acquired, overlaps, recovered, refused} to `resultFile`.
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, LockError } from '../../../pipelines/runner/lock.ts';

const [dir, roundsText, staleEveryText, deadPidText, resultFile] = process.argv.slice(2);
const rounds = Number(roundsText);
const staleEvery = Number(staleEveryText);
const lockPath = join(dir, '.lock');
const marker = join(dir, 'inside');
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The pid the lock file names (null while it is missing or unreadable). */
function lockOwner(): number | null {
  try {
    return JSON.parse(readFileSync(lockPath, 'utf8')).pid;
  } catch {
    return null;
  }
}

let acquired = 0;
let overlaps = 0;
let recovered = 0;
let refused = 0;
while (acquired < rounds) {
  let lock;
  try {
    lock = acquireLock(dir);
  } catch (e) {
    if (!(e instanceof LockError)) throw e;
    refused++;
    pause(Math.random() < 0.5 ? 0 : 1);
    continue;
  }
  acquired++;
  if (lock.recoveredFrom) recovered++;
  let alone = true;
  let markerMine = false;
  try {
    closeSync(openSync(marker, 'wx'));
    markerMine = true;
  } catch {
    alone = false; // the other process is inside too
  }
  for (let i = 0; i < 20; i++) if (lockOwner() !== process.pid) alone = false;
  if (!alone) overlaps++;
  if (markerMine) rmSync(marker);
  if (staleEvery > 0 && acquired % staleEvery === 0) {
    // a run killed while holding the lock: its file stays, naming a process that is gone
    const tmp = `${lockPath}.fake-${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ pid: Number(deadPidText), proc_start: '1', started: 'killed', token: `dead-${process.pid}-${acquired}` }));
    renameSync(tmp, lockPath);
  }
  lock.release();
}
writeFileSync(resultFile, JSON.stringify({ acquired, overlaps, recovered, refused }));
