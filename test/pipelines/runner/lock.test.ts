// The lock of a warehouse folder: atomic, judged stale by pid and process start time, never taken while being
// written, released however the process ends, and never held twice (two processes racing 2,000 times).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, LockError, processStartTime } from '../../../pipelines/runner/lock.ts';
import { SAMPLE_RAW } from '../../helpers/sample-warehouse.ts';
import { newOutDir, startCli } from '../../helpers/rebuild.ts';

const newDir = () => mkdtempSync(join(tmpdir(), 'lock-'));
const lockFile = (dir: string) => join(dir, '.lock');
const holder = (dir: string) => JSON.parse(readFileSync(lockFile(dir), 'utf8'));
const hasProc = processStartTime(process.pid) !== null;

/** A pid that existed and is gone: a finished child process. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

/** A small script, run with tsx, that takes the lock of `dir` and then does `then`. */
function holderScript(dir: string, then: string): string {
  const lockModule = resolve(import.meta.dirname, '../../../pipelines/runner/lock.ts');
  const file = join(dir, '..', `holder-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, `import { acquireLock } from ${JSON.stringify(lockModule)};\nacquireLock(${JSON.stringify(dir)});\n${then}\n`);
  return file;
}

function startHolder(dir: string, then: string, stdout: 'pipe' | 'ignore' = 'ignore') {
  const child = spawn(process.execPath, ['--import', 'tsx', holderScript(dir, then)], { stdio: ['ignore', stdout, 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  return { child, exited };
}

/** Resolves once the lock file of `dir` names `pid`. */
async function heldBy(dir: string, pid: number): Promise<void> {
  for (;;) {
    try {
      if (holder(dir).pid === pid) return;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('lock', () => {
  it('is written whole before it is visible: pid, process start time, start timestamp; no temporary file stays', () => {
    const dir = newDir();
    const lock = acquireLock(dir);
    const h = holder(dir);
    expect(h.pid).toBe(process.pid);
    expect(h.proc_start).toBe(processStartTime(process.pid));
    expect(Date.parse(h.started)).not.toBeNaN();
    expect(readdirSync(dir)).toEqual(['.lock']);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stops a second run while a live process holds it, names it, and frees it on release', async () => {
    const dir = newDir();
    const first = acquireLock(dir);
    expect(() => acquireLock(dir)).toThrow(LockError);
    first.release();
    const other = startHolder(dir, 'setInterval(() => {}, 1000);');
    await heldBy(dir, other.child.pid!);
    const started = holder(dir).started;
    expect(() => acquireLock(dir)).toThrow(`another pipeline run (pid ${other.child.pid}, started ${started}) is building ${dir}; wait for it to finish (lock file ${lockFile(dir)})`);
    other.child.kill('SIGTERM');
    await other.exited;
    acquireLock(dir).release();
  });

  it('takes over a stale lock left by a dead process', () => {
    const dir = newDir();
    const pid = deadPid();
    writeFileSync(lockFile(dir), JSON.stringify({ pid, proc_start: '1', started: 'then', token: 'x' }));
    const lock = acquireLock(dir);
    expect(lock.recoveredFrom).toEqual({ pid, started: 'then' });
    expect(holder(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('a reused pid does not hold the lock: a live process that started at another time is not the owner', () => {
    const dir = newDir();
    // the parent process is alive; the lock says it started at another time
    writeFileSync(lockFile(dir), JSON.stringify({ pid: process.ppid, proc_start: '1', started: 'long ago', token: 'x' }));
    if (hasProc) {
      const lock = acquireLock(dir);
      expect(lock.recoveredFrom).toEqual({ pid: process.ppid, started: 'long ago' });
      lock.release();
    } else {
      // without /proc the pid alone decides
      expect(() => acquireLock(dir)).toThrow(LockError);
    }
    // the same live pid with its real start time holds it
    writeFileSync(lockFile(dir), JSON.stringify({ pid: process.ppid, proc_start: processStartTime(process.ppid), started: 'now', token: 'y' }));
    expect(() => acquireLock(dir)).toThrow(`another pipeline run (pid ${process.ppid}, started now)`);
    // a lock of an earlier version (pid and timestamp only): the pid decides
    writeFileSync(lockFile(dir), JSON.stringify({ pid: process.ppid, started: 'earlier version' }));
    expect(() => acquireLock(dir)).toThrow(`another pipeline run (pid ${process.ppid}, started earlier version)`);
  });

  it('an empty or half-written lock file is not taken while young, and is taken once older than a few seconds', () => {
    const dir = newDir();
    for (const content of ['', '{"pid": 12']) {
      writeFileSync(lockFile(dir), content);
      expect(() => acquireLock(dir)).toThrow(/another pipeline run is starting to build .*its lock file is being written/);
      const old = new Date(Date.now() - 60_000);
      utimesSync(lockFile(dir), old, old);
      const lock = acquireLock(dir);
      expect(lock.recoveredFrom).toEqual({ pid: -1, started: 'unknown' });
      lock.release();
    }
  });

  it('release removes only its own lock', () => {
    const dir = newDir();
    const lock = acquireLock(dir);
    // taken over by another run (as if this one had been judged stale)
    writeFileSync(lockFile(dir), JSON.stringify({ pid: process.ppid, proc_start: processStartTime(process.ppid), started: 'other', token: 'other' }));
    lock.release();
    expect(holder(dir).token).toBe('other');
  });

  it('is released when the process ends: SIGINT, SIGTERM, an uncaught error, EPIPE on stdout, normal end', async () => {
    const cases: Array<{ name: string; then: string; act?: (c: ReturnType<typeof startHolder>) => void; stdout?: 'pipe'; expect: { code?: number; signal?: string } }> = [
      { name: 'SIGINT', then: 'setInterval(() => {}, 1000);', act: (c) => c.child.kill('SIGINT'), expect: { signal: 'SIGINT' } },
      { name: 'SIGTERM', then: 'setInterval(() => {}, 1000);', act: (c) => c.child.kill('SIGTERM'), expect: { signal: 'SIGTERM' } },
      { name: 'uncaught error', then: 'setTimeout(() => { throw new Error("boom"); }, 10);', expect: { code: 1 } },
      {
        name: 'EPIPE', stdout: 'pipe', expect: { code: 1 },
        // like `npm run pipeline | head`: the reader goes away, the next writes fail with EPIPE
        then: 'setInterval(() => process.stdout.write("line\\n".repeat(1000)), 5);',
        act: (c) => c.child.stdout!.destroy(),
      },
      { name: 'normal end', then: 'setTimeout(() => {}, 10);', expect: { code: 0 } },
    ];
    for (const k of cases) {
      const dir = newDir();
      const c = startHolder(dir, k.then, k.stdout);
      let stderr = '';
      c.child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      if (k.act) {
        await heldBy(dir, c.child.pid!);
        k.act(c);
      }
      const end = await c.exited;
      expect({ name: k.name, ...(k.expect.signal ? { signal: end.signal } : { code: end.code }) }).toEqual({ name: k.name, ...k.expect });
      if (k.name === 'EPIPE') expect(stderr).toMatch(/EPIPE/);
      expect(existsSync(lockFile(dir)), k.name).toBe(false);
    }
  });

  it('two processes racing for it 2,000 times (with stale locks to take over) never hold it at once', async () => {
    const dir = newDir();
    const worker = resolve(import.meta.dirname, 'lock-race-worker.ts');
    const dead = deadPid();
    const run = (i: number) => new Promise<{ acquired: number; overlaps: number; recovered: number; refused: number }>((res, rej) => {
      const out = join(dir, '..', `race-${i}-${process.pid}.json`);
      const child = spawn(process.execPath, ['--import', 'tsx', worker, dir, '1000', '10', String(dead), out], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('exit', (code) => (code === 0 ? res(JSON.parse(readFileSync(out, 'utf8'))) : rej(new Error(`worker ${i} exited ${code}: ${stderr}`))));
    });
    const results = await Promise.all([run(1), run(2)]);
    expect(results.map((r) => r.acquired)).toEqual([1000, 1000]);
    expect(results.map((r) => r.overlaps)).toEqual([0, 0]);
    // stale locks were left 200 times; a run that removed one usually took the lock itself (or the other won it)
    expect(results[0].recovered + results[1].recovered).toBeGreaterThan(0);
    expect(results[0].recovered + results[1].recovered).toBeLessThanOrEqual(200);
    // the processes did meet: each was refused while the other held the lock
    expect(results[0].refused + results[1].refused).toBeGreaterThan(0);
    // nothing left but, at most, the stale lock of the last round
    expect(readdirSync(dir).filter((f) => f !== '.lock')).toEqual([]);
    if (existsSync(lockFile(dir))) expect(holder(dir).pid).toBe(dead);
  });

  it('`npm run pipeline | head`: the pipeline CLI whose stdout is closed leaves no lock', async () => {
    const out = newOutDir('lock-epipe');
    const cli = startCli(['--raw', SAMPLE_RAW, '--out', out]);
    await new Promise<void>((res) => cli.child.stdout!.once('data', () => res()));
    expect(existsSync(lockFile(out))).toBe(true);
    cli.child.stdout!.destroy();
    // (it dies of EPIPE at its next line, unless the CLI chooses to go on without its reader)
    await cli.exited;
    expect(existsSync(lockFile(out))).toBe(false);
  });
});
