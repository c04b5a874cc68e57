/** Damaged files: whatever the damage, ingest either reads the file or stops with an IngestError (never another exception). */
import { describe, expect, it } from 'vitest';
import { IngestError } from '../../../pipelines/ingest/read.ts';
import type { RegistryInput } from '../../../schemas/sources.ts';
import { run, xlsx } from './fixtures.ts';

const source: RegistryInput['sources'][number] = {
  id: 'yb', layout: 'yearbook', file: 'yb/年鉴{edition}.xlsx', years: { from: 2010, to: 2022 }, sheet: '财政',
  indicators: [{ indicator: 'budget_revenue', labels: ['地方一般公共预算收入'] }],
};
const rows = [['城市', '地方一般公共预算收入'], [null, '全市'], [null, '万元'], ['河北省'], ['石家庄', 1], ['唐山', '2,000'], ['注：样本']];

/** xorshift32: deterministic damage positions */
function positions(seed: number, n: number, max: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out.push(x % max);
  }
  return out;
}

describe('damaged xlsx', () => {
  const good = xlsx({ 财政: rows });
  it('byte flips and truncations end in a value list or an IngestError', async () => {
    const flips: Buffer[] = [];
    for (const [i, p] of positions(7, 40, good.length).entries()) {
      const b = Buffer.from(good);
      b[p] ^= 1 << (i % 8);
      flips.push(b);
    }
    const truncations = positions(11, 15, good.length).map((p) => good.subarray(0, p));
    const outcome = async (data: Buffer): Promise<'read' | 'refused'> => {
      try {
        const { values } = await run([{ path: 'yb/年鉴2015.xlsx', data }], [source]);
        // read: then exactly what the file says — a damaged file never yields other numbers
        expect(values.map((v) => [v.name_raw, v.value])).toEqual([['石家庄', 1], ['唐山', 2000]]);
        return 'read';
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(IngestError);
        expect((e as Error).message).not.toMatch(/\n/);
        return 'refused';
      }
    };
    // a file cut short has lost its zip directory: always refused
    for (const data of truncations) expect(await outcome(data)).toBe('refused');
    const flipped = [];
    for (const data of flips) flipped.push(await outcome(data));
    expect(flipped).toContain('refused');
  });
});
