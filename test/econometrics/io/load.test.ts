import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFrame } from '../../../econometrics/io/load.ts';

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
