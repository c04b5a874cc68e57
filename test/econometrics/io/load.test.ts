import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  Bool, DateDay, Float32, Int64, Table, TimestampMillisecond, tableFromArrays, tableToIPC, vectorFromArray,
} from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NA, loadFrame, relationFor } from '../../../econometrics/io/load.ts';
import { InputError } from '../../../econometrics/errors.ts';

describe('loadFrame (chunked reader)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-'));
  const csv = join(dir, 'd.csv');
  writeFileSync(csv, 'id,name,amount,flag,big\n10,b,1.5,true,9007199254740\n9,a,,false,3\n10,,2.25,true,4\n');

  it('converts numeric types to float64 with NaN for NULL and codes factors by sorted string', async () => {
    const f = await loadFrame({ data: csv }, ['amount', 'flag', 'big', 'id'], ['id', 'name']);
    expect(f.nrows).toBe(3);
    expect(Array.from(f.numeric.amount)).toEqual([1.5, NaN, 2.25]);
    expect(Array.from(f.numeric.flag)).toEqual([1, 0, 1]);
    expect(Array.from(f.numeric.big)).toEqual([9007199254740, 3, 4]);
    // "10" sorts before "9" as text
    expect(f.factors.id.levels).toEqual(['10', '9']);
    expect(Array.from(f.factors.id.codes)).toEqual([0, 1, 0]);
    expect(f.factors.name.levels).toEqual(['a', 'b']);
    expect(Array.from(f.factors.name.codes)).toEqual([1, 0, -1]);
  });

  it('reads a column requested twice once (fixed effect that is also the cluster id), across many chunks', async () => {
    const big = join(dir, 'big.csv');
    const lines = ['id,year,v'];
    for (let i = 0; i < 10_000; i++) lines.push(`${i % 997},${2000 + (i % 7)},${i}`);
    writeFileSync(big, lines.join('\n') + '\n');
    const f = await loadFrame({ data: big }, ['v', 'v'], ['id', 'year', 'id']);
    expect(f.nrows).toBe(10_000);
    expect(f.factors.id.levels).toHaveLength(997);
    for (let i = 0; i < 10_000; i += 1234) expect(f.factors.id.levels[f.factors.id.codes[i]]).toBe(String(i % 997));
    expect(f.numeric.v[9999]).toBe(9999);
  });

  it('handles an empty selection and reports bad queries and text columns', async () => {
    const f = await loadFrame({ data: csv, where: 'id > 100' }, ['amount'], ['name']);
    expect(f.nrows).toBe(0);
    expect(f.numeric.amount.length).toBe(0);
    await expect(loadFrame({ data: csv }, ['name'])).rejects.toThrow(/variable 'name' is not numeric/);
    await expect(loadFrame({ data: csv, where: 'nosuch = 1' }, ['amount'])).rejects.toThrow(/query failed/);
  });
});

describe('missing-value codes in CSV input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-na-'));
  const csv = join(dir, 'na.csv');
  writeFileSync(csv, 'id,x,y,name\n1,NA,1.5,a\n2,.,-,b\n3,,2.5,NA\n4,-2,.,c\n');

  it('reads NA, ., an empty cell and - as missing by default (and -2 as a number)', async () => {
    expect(DEFAULT_NA).toEqual(['NA', '.', '', '-']);
    const f = await loadFrame({ data: csv }, ['x', 'y'], ['name']);
    expect(Array.from(f.numeric.x)).toEqual([NaN, NaN, NaN, -2]);
    expect(Array.from(f.numeric.y)).toEqual([1.5, NaN, 2.5, NaN]);
    expect(f.factors.name.levels).toEqual(['a', 'b', 'c']);
    expect(Array.from(f.factors.name.codes)).toEqual([0, 1, -1, 2]);
  });

  it('takes another list of codes: then NA is text and the column is not numeric', async () => {
    await expect(loadFrame({ data: csv, na: [''] }, ['x'])).rejects.toThrow(/variable 'x' is not numeric/);
    const f = await loadFrame({ data: csv, na: ['NA', '.', '', '-'] }, ['x']);
    expect(f.nrows).toBe(4);
  });
});

describe('Arrow IPC input (read with apache-arrow)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-arrow-'));
  const table = tableFromArrays({
    id: Int32Array.from([3, 1, 2, 1]),
    year: Int32Array.from([2001, 2001, 2002, 2002]),
    x: Float64Array.from([1.5, NaN, 2.5, 4]),
    name: ['b', null, 'a', 'b'],
  });
  const file = join(dir, 'panel.arrow');
  writeFileSync(file, tableToIPC(table, 'file'));
  const stream = join(dir, 'panel.ipc');
  writeFileSync(stream, tableToIPC(table, 'stream'));

  it('loads numeric and factor columns with --where, from the file and the stream format', async () => {
    for (const path of [file, stream]) {
      const f = await loadFrame({ data: path, where: 'year = 2002 OR id = 3' }, ['x', 'id'], ['year', 'name']);
      expect(f.nrows).toBe(3);
      expect(Array.from(f.numeric.x)).toEqual([1.5, 2.5, 4]);
      expect(Array.from(f.numeric.id)).toEqual([3, 2, 1]);
      expect(f.factors.year.levels).toEqual(['2001', '2002']);
      expect(f.factors.name.levels).toEqual(['a', 'b']);
      expect(Array.from(f.factors.name.codes)).toEqual([1, 0, 1]);
    }
    const all = await loadFrame({ data: file }, ['x'], ['name']);
    expect(Number.isNaN(all.numeric.x[1])).toBe(true);
    expect(all.factors.name.codes[1]).toBe(-1);
    await expect(loadFrame({ data: file }, ['name'])).rejects.toThrow(/variable 'name' is not numeric/);
    await expect(loadFrame({ data: file }, ['nosuch'])).rejects.toThrow(/unknown variable 'nosuch'/);
  });

  it('a file that is not Arrow is an input error, not a stack trace', async () => {
    const bad = join(dir, 'bad.arrow');
    writeFileSync(bad, 'not arrow at all');
    await expect(loadFrame({ data: bad }, ['x'])).rejects.toThrow(InputError);
    await expect(loadFrame({ data: bad }, ['x'])).rejects.toThrow(/cannot read .*bad\.arrow as an Arrow IPC file/);
  });
});

describe('file types, missing files and relationFor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-types-'));
  const csv = join(dir, 'a.csv');
  writeFileSync(csv, 'x,g\n1,a\n2,b\n');

  it('builds the read_csv clause with the missing-value codes (none: no nullstr) and read_parquet', () => {
    const abs = resolve(csv);
    expect(relationFor(csv)).toBe(`read_csv('${abs}', header = true, nullstr = ['NA', '.', '', '-'])`);
    expect(relationFor(csv, [])).toBe(`read_csv('${abs}', header = true)`);
    expect(relationFor(csv, ["it's"])).toBe(`read_csv('${abs}', header = true, nullstr = ['it''s'])`);
    for (const ext of ['.tsv', '.txt', '.CSV']) {
      const p = join(dir, `b${ext}`);
      writeFileSync(p, 'x\n1\n');
      expect(relationFor(p, [])).toBe(`read_csv('${resolve(p)}', header = true)`);
    }
    const pq = join(dir, 'c.parquet');
    writeFileSync(pq, 'not parquet');
    expect(relationFor(pq)).toBe(`read_parquet('${resolve(pq)}')`);
  });

  it('a missing file or an unknown extension is an input error naming the path', () => {
    const missing = join(dir, 'nope.csv');
    expect(() => relationFor(missing)).toThrow(InputError);
    expect(() => relationFor(missing)).toThrow(`data file not found: ${missing}`);
    const json = join(dir, 'd.json');
    writeFileSync(json, '{}');
    expect(() => relationFor(json)).toThrow(
      `unsupported data file type '.json' (expected .csv, .tsv, .txt, .parquet, .arrow, .feather or .ipc): ${json}`,
    );
    const none = join(dir, 'noext');
    writeFileSync(none, 'x\n1\n');
    expect(() => relationFor(none)).toThrow(/unsupported data file type ''/);
  });

  it('loadFrame reads .tsv and .txt through read_csv, and reports missing files', async () => {
    const tsv = join(dir, 'e.tsv');
    writeFileSync(tsv, 'x\tg\n1.5\tu\n-\tv\n');
    const f = await loadFrame({ data: tsv }, ['x'], ['g']);
    expect(Array.from(f.numeric.x)).toEqual([1.5, NaN]);
    expect(f.factors.g.levels).toEqual(['u', 'v']);
    const txt = join(dir, 'f.txt');
    writeFileSync(txt, 'x,y\n1,2\n3,4\n');
    expect(Array.from((await loadFrame({ data: txt, where: 'y > 2' }, ['x'])).numeric.x)).toEqual([3]);
    await expect(loadFrame({ data: join(dir, 'nope.csv') }, ['x'])).rejects.toThrow(`data file not found: ${join(dir, 'nope.csv')}`);
    await expect(loadFrame({ data: join(dir, 'nope.arrow') }, ['x'])).rejects.toThrow(`data file not found: ${join(dir, 'nope.arrow')}`);
    await expect(loadFrame({ data: join(dir, 'nope.parquet') }, ['x'])).rejects.toThrow(InputError);
  });

  it('reads Parquet (written by DuckDB); a broken Parquet file cannot be read', async () => {
    const pq = join(dir, 'g.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(`COPY (SELECT * FROM (VALUES (1, 'a', 2.5), (2, 'b', 3.5), (3, 'a', NULL)) v(id, g, x)) TO '${pq}' (FORMAT parquet)`);
    con.closeSync();
    db.closeSync();
    const f = await loadFrame({ data: pq, where: 'id <> 2' }, ['x', 'id'], ['g']);
    expect(f.nrows).toBe(2);
    expect(Array.from(f.numeric.x)).toEqual([2.5, NaN]);
    expect(Array.from(f.numeric.id)).toEqual([1, 3]);
    expect(f.factors.g.levels).toEqual(['a']);
    const bad = join(dir, 'bad.parquet');
    writeFileSync(bad, 'definitely not parquet');
    await expect(loadFrame({ data: bad }, ['x'])).rejects.toThrow(InputError);
    await expect(loadFrame({ data: bad }, ['x'])).rejects.toThrow(`cannot read ${bad}: `);
  });

  it('names the unknown variable and the columns, and the type of a non-numeric one', async () => {
    await expect(loadFrame({ data: csv }, ['nosuch'])).rejects.toThrow("unknown variable 'nosuch' (columns: x, g)");
    await expect(loadFrame({ data: csv }, ['x'], ['nosuch'])).rejects.toThrow("unknown variable 'nosuch' (columns: x, g)");
    await expect(loadFrame({ data: csv }, ['g'])).rejects.toThrow("variable 'g' is not numeric (type VARCHAR)");
    await expect(loadFrame({ data: csv, where: 'nosuch = 1' }, ['x'])).rejects.toThrow(/^query failed: /);
  });
});

describe('warehouse tables and views', () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-wh-'));
  const wh = join(dir, 'wh.duckdb');

  beforeAll(async () => {
    const db = await DuckDBInstance.create(wh);
    const con = await db.connect();
    await con.run(`CREATE TABLE t AS SELECT * FROM (VALUES (1, 'a', 2.5), (2, 'b', 3.5), (3, 'a', NULL)) v(id, g, x)`);
    await con.run('CREATE VIEW v AS SELECT id, x * 2 AS x2 FROM t');
    await con.run('CREATE TABLE gone AS SELECT 1 AS a');
    await con.run('CREATE VIEW broken AS SELECT * FROM gone');
    await con.run('DROP TABLE gone');
    // a view of the same name in another schema: one table and one view match 't'
    await con.run('CREATE SCHEMA other');
    await con.run('CREATE VIEW other.t AS SELECT 42 AS id');
    con.closeSync();
    db.closeSync();
  });

  it('loads a table with a where clause, and a view', async () => {
    const f = await loadFrame({ warehouse: wh, table: 't', where: 'id >= 2' }, ['x', 'id'], ['g']);
    expect(f.nrows).toBe(2);
    expect(Array.from(f.numeric.x)).toEqual([3.5, NaN]);
    expect(Array.from(f.numeric.id)).toEqual([2, 3]);
    expect(f.factors.g.levels).toEqual(['a', 'b']);
    expect(Array.from(f.factors.g.codes)).toEqual([1, 0]);
    const v = await loadFrame({ warehouse: wh, table: 'v' }, ['x2']);
    expect(Array.from(v.numeric.x2)).toEqual([5, 7, NaN]);
  });

  it('a missing warehouse or table, and a view that cannot be read, are input errors', async () => {
    const nowh = join(dir, 'none.duckdb');
    await expect(loadFrame({ warehouse: nowh, table: 't' }, ['x'])).rejects.toThrow(`warehouse not found: ${nowh}`);
    await expect(loadFrame({ warehouse: wh, table: 'nosuch' }, ['x'])).rejects.toThrow(`table 'nosuch' not found in warehouse ${wh}`);
    await expect(loadFrame({ warehouse: wh, table: 'nosuch' }, ['x'])).rejects.toBeInstanceOf(InputError);
    await expect(loadFrame({ warehouse: wh, table: 'broken' }, ['a'])).rejects.toThrow(/^cannot read broken: /);
  });
});

describe('Arrow column types', () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-arrow-types-'));

  it('int64, bool, float32, date, timestamp and text columns, with nulls', async () => {
    const t = new Table({
      i: vectorFromArray([1n, 2n, null], new Int64()),
      b: vectorFromArray([true, false, null], new Bool()),
      d: vectorFromArray([new Date(Date.UTC(2020, 0, 2)), new Date(Date.UTC(2021, 5, 3)), null], new DateDay()),
      ts: vectorFromArray([new Date(Date.UTC(2020, 0, 2, 3, 4, 5)), null, new Date(0)], new TimestampMillisecond()),
      f: vectorFromArray([1.5, null, 2], new Float32()),
      s: vectorFromArray(['x', 'y', null]),
    });
    const path = join(dir, 'types.feather');
    writeFileSync(path, tableToIPC(t, 'file'));
    const f = await loadFrame({ data: path }, ['i', 'b', 'f'], ['d', 'ts', 's', 'b', 'i']);
    expect(Array.from(f.numeric.i)).toEqual([1, 2, NaN]);
    expect(Array.from(f.numeric.b)).toEqual([1, 0, NaN]);
    expect(Array.from(f.numeric.f)).toEqual([1.5, NaN, 2]);
    expect(f.factors.d.levels).toEqual(['2020-01-02T00:00:00.000Z', '2021-06-03T00:00:00.000Z']);
    expect(Array.from(f.factors.d.codes)).toEqual([0, 1, -1]);
    expect(f.factors.ts.levels).toEqual(['1970-01-01T00:00:00.000Z', '2020-01-02T03:04:05.000Z']);
    expect(Array.from(f.factors.ts.codes)).toEqual([1, -1, 0]);
    expect(f.factors.s.levels).toEqual(['x', 'y']);
    expect(f.factors.b.levels).toEqual(['false', 'true']);
    expect(Array.from(f.factors.b.codes)).toEqual([1, 0, -1]);
    expect(f.factors.i.levels).toEqual(['1', '2']);
    await expect(loadFrame({ data: path }, ['d'])).rejects.toThrow("variable 'd' is not numeric (type VARCHAR)");
  });

  it('more rows than one DuckDB chunk, in order', async () => {
    const n = 5000;
    const t = tableFromArrays({ v: Float64Array.from({ length: n }, (_, i) => i), k: Int32Array.from({ length: n }, (_, i) => i % 3) });
    const path = join(dir, 'long.ipc');
    writeFileSync(path, tableToIPC(t, 'stream'));
    const f = await loadFrame({ data: path, where: 'k = 0' }, ['v']);
    expect(f.nrows).toBe(1667);
    expect(f.numeric.v[0]).toBe(0);
    expect(f.numeric.v[700]).toBe(2100);
    expect(f.numeric.v[1666]).toBe(4998);
    const all = await loadFrame({ data: path }, ['v'], ['k']);
    expect(all.nrows).toBe(n);
    expect(all.numeric.v[4097]).toBe(4097);
    expect(all.factors.k.codes[4097]).toBe(4097 % 3);
  });

  it('an Arrow file without columns is an input error', async () => {
    const path = join(dir, 'empty.arrow');
    writeFileSync(path, tableToIPC(new Table(), 'file'));
    await expect(loadFrame({ data: path }, ['x'])).rejects.toThrow(`Arrow file ${path} has no columns`);
  });
});
