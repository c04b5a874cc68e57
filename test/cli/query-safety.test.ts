// The query session cannot change the warehouse, reach other files, install extensions or change its own
// settings; a locked or broken warehouse file gives one line, never a stack trace.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { privateWarehouse, ROOT, runScript, stderrLines } from './helpers.ts';

let warehouse: string;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const query = (...args: string[]) => runScript('cli/query.ts', ['--warehouse', warehouse, ...args]);

beforeAll(async () => {
  warehouse = await privateWarehouse();
});

describe('query: the session is read-only', () => {
  const outside = () => join(mkdtempSync(join(tmpdir(), 'query-outside-')), 'x');
  const attacks: Array<[string, () => string, RegExp]> = [
    ['detach and attach read-write', () => `USE memory; DETACH wh; ATTACH '${warehouse}' AS rw; DELETE FROM rw.panel`, /memory/],
    ['attach the file again, read-write', () => `ATTACH '${warehouse}' AS rw (READ_WRITE); DELETE FROM rw.panel`, /disabled|read-only/],
    ['write into the open database', () => 'DELETE FROM panel', /read-only/],
    ['COPY over the warehouse file', () => `COPY (SELECT 'x') TO '${warehouse}' (FORMAT csv)`, /disabled/],
    // DuckDB allows a database's own path under enable_external_access=false: without a temporary file this
    // would overwrite the warehouse, which is why the whole local file system is disabled
    ['COPY over the warehouse file without a temporary file', () => `COPY (SELECT 'x') TO '${warehouse}' (FORMAT csv, USE_TMP_FILE false)`, /disabled/],
    ['COPY over its WAL', () => `COPY (SELECT 'x') TO '${warehouse}.wal' (FORMAT csv)`, /disabled/],
    ['EXPLAIN ANALYZE runs the statement', () => `EXPLAIN ANALYZE COPY (SELECT 'x') TO '${warehouse}' (FORMAT csv, USE_TMP_FILE false)`, /disabled/],
    ['file logging into the warehouse', () => `SELECT * FROM enable_logging(storage = 'file', storage_path = '${warehouse}')`, /disabled/],
    ['EXPORT DATABASE', () => `EXPORT DATABASE '${outside()}'`, /disabled/],
    ['SET threads', () => 'SET threads = 1', /locked/],
    ['SET enable_external_access', () => 'SET enable_external_access = true', /locked/],
    ['RESET disabled_filesystems', () => 'RESET disabled_filesystems', /locked/],
    ['read another file', () => "SELECT * FROM read_text('/etc/passwd')", /disabled/],
    ['read a CSV', () => "SELECT * FROM read_csv('/etc/passwd')", /disabled/],
    ['INSTALL an extension', () => 'INSTALL httpfs', /disabled/],
    ['LOAD an extension', () => 'LOAD httpfs', /disabled/],
  ];

  it.each(attacks)('%s: refused on one line, exit code 2, the file unchanged', (_name, sql, why) => {
    const before = sha256(warehouse);
    const r = query(sql());
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(stderrLines(r)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toMatch(why);
    expect(sha256(warehouse)).toBe(before);
    // nothing new next to the warehouse (no WAL, no temporary file)
    expect(readdirSync(dirname(warehouse))).toEqual(['warehouse.duckdb']);
  });

  it('still answers queries, temporary tables and views included', () => {
    const r = query('--format', 'csv', 'CREATE TEMP TABLE t AS SELECT count(*) AS n FROM panel; SELECT n * 2 AS twice FROM t');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('twice\n6504\n');
  });
});

describe('query: a warehouse it cannot open', () => {
  it('retries while another process writes the file, then gives one line naming it', async () => {
    const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
      import { DuckDBInstance } from '@duckdb/node-api';
      const db = await DuckDBInstance.create(${JSON.stringify(warehouse)});
      const con = await db.connect();
      process.stdout.write('holding\\n');
      setInterval(() => con, 1 << 30); // holds the file until the test stops it
    `], { cwd: ROOT });
    await new Promise<void>((ok) => holder.stdout.once('data', () => ok()));
    // (that it retries is shown by the next test: a writer that lets go meanwhile does not fail the query)
    try {
      const r = query('SELECT 1');
      expect(r.status).toBe(2);
      expect(stderrLines(r)).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: the warehouse .*warehouse\.duckdb is being written by another process.*try again/);
    } finally {
      holder.kill();
      await new Promise((ok) => holder.once('exit', ok));
    }
  });

  it('succeeds when the writer finishes within the wait', async () => {
    const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
      import { DuckDBInstance } from '@duckdb/node-api';
      const db = await DuckDBInstance.create(${JSON.stringify(warehouse)});
      const con = await db.connect();
      process.stdout.write('holding\\n');
      setTimeout(() => { con.closeSync(); db.closeSync(); }, 600);
    `], { cwd: ROOT });
    await new Promise<void>((ok) => holder.stdout.once('data', () => ok()));
    // a wait far longer than the writer's 0.6 s, so that a slow machine cannot make the query give up first
    const r = runScript('cli/query.ts', ['--warehouse', warehouse, '--format', 'csv', 'SELECT 42 AS answer'], { QUERY_LOCK_WAIT_MS: '60000' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('answer\n42\n');
    await new Promise((ok) => holder.once('exit', ok));
  });

  it.each([
    ['not a database', (bytes: Buffer) => Buffer.from('hello\n'), /not a valid DuckDB database/],
    ['empty', () => Buffer.alloc(0), /not a valid DuckDB database/],
    ['truncated', (bytes: Buffer) => bytes.subarray(0, 5000), /Could not read enough bytes/],
    ['a damaged block', (bytes: Buffer) => { const b = Buffer.from(bytes); b.fill(0, 4096, 8192); return b; }, /Corrupt database file/],
  ])('a %s file: one line naming the file and the repair', (_name, damage, cause) => {
    const bad = join(mkdtempSync(join(tmpdir(), 'query-damaged-')), 'warehouse.duckdb');
    writeFileSync(bad, damage(readFileSync(warehouse)));
    const r = runScript('cli/query.ts', ['--warehouse', bad, 'SELECT count(*) FROM panel']);
    expect(r.status).toBe(2);
    expect(stderrLines(r)).toHaveLength(1);
    expect(r.stderr).toContain(`error: the warehouse ${bad} is damaged or unreadable`);
    expect(r.stderr).toMatch(cause);
    expect(r.stderr).toContain(`rebuild it with \`npm run pipeline -- --full --out ${dirname(bad)}\``);
  });

  it('a missing file: one line saying how to build it', () => {
    const r = runScript('cli/query.ts', ['--warehouse', join(tmpdir(), 'no-such-dir', 'warehouse.duckdb'), 'SELECT 1']);
    expect(r.status).toBe(2);
    expect(stderrLines(r)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: warehouse not found: .*npm run pipeline/);
  });
});
