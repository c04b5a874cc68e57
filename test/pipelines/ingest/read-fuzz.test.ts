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
    const outcomes = { ok: 0, ingestError: 0 };
    const cases: Buffer[] = [];
    for (const [i, p] of positions(7, 40, good.length).entries()) {
      const b = Buffer.from(good);
      b[p] ^= 1 << (i % 8);
      cases.push(b);
    }
    for (const p of positions(11, 15, good.length)) cases.push(good.subarray(0, p));
    for (const data of cases) {
      try {
        await run([{ path: 'yb/年鉴2015.xlsx', data }], [source]);
        outcomes.ok++;
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(IngestError);
        expect((e as Error).message).not.toMatch(/\n/);
        outcomes.ingestError++;
      }
    }
    expect(outcomes.ok + outcomes.ingestError).toBe(55);
    expect(outcomes.ingestError).toBeGreaterThan(0);
  });
});
