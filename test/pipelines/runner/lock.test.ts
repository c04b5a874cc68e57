import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, LockError } from '../../../pipelines/runner/lock.ts';

describe('lock', () => {
  it('stops a second run while the first holds the lock, and frees it on release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    const first = acquireLock(dir);
    // a live process other than us holds it: simulate with the parent of this process
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: process.ppid, started: '2026-01-01T00:00:00Z' }));
    expect(() => acquireLock(dir)).toThrow(LockError);
    expect(() => acquireLock(dir)).toThrow(`another pipeline run (pid ${process.ppid}, started 2026-01-01T00:00:00Z) is building`);
    first.release();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    acquireLock(dir).release();
  });

  it('takes over a stale lock left by a dead process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    // a pid that existed and is gone: a finished child process
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout.toString());
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: deadPid, started: 'then' }));
    const lock = acquireLock(dir);
    expect(lock.recoveredFrom).toEqual({ pid: deadPid, started: 'then' });
    expect(JSON.parse(readFileSync(join(dir, '.lock'), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('treats an unreadable lock file as stale', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    writeFileSync(join(dir, '.lock'), '{"pid": 12');
    const lock = acquireLock(dir);
    expect(lock.recoveredFrom?.pid).toBe(-1);
    lock.release();
  });
});
