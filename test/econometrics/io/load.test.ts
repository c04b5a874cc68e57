import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NA, loadFrame } from '../../../econometrics/io/load.ts';
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
