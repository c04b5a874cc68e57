import { describe, expect, it } from 'vitest';
import { SideWork } from '../../../pipelines/runner/side-work.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('side work', () => {
  it('runs in the order queued, one piece at a time', async () => {
    const side = new SideWork();
    const seen: string[] = [];
    side.later(async () => { await tick(); seen.push('a'); });
    side.later(() => { seen.push('b'); });
    side.later(async () => { seen.push('c'); });
    expect(seen).toEqual([]);
    await side.drain();
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('keeps the first failure, runs nothing queued after it, and throws it on drain only', async () => {
    const side = new SideWork();
    const seen: string[] = [];
    side.later(async () => { await tick(); throw new Error('first'); });
    side.later(() => { seen.push('after'); });
    await side.settle();
    side.fail(new Error('second'));
    expect(side.error?.message).toBe('first');
    await expect(side.drain()).rejects.toThrow('first');
    expect(seen).toEqual([]);
  });
});
