/**
 * Seeded random streams for the truth model. Every draw comes from its own stream, keyed by
 * (seed, purpose, city, year ...), so that a value never depends on how many other values were drawn:
 * extending the panel by one year, or adding a purpose, leaves every earlier value unchanged.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** 32-bit FNV-1a followed by a murmur3 finalizer, so nearby keys give unrelated seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export class Stream {
  private readonly rng: RandomGenerator;
  private spare: number | null = null;

  constructor(seed: number, key: string) {
    this.rng = xoroshiro128plus(hash32(`${seed}|${key}`));
    // the first outputs of a freshly seeded xoroshiro are weakly mixed: skip a few
    for (let i = 0; i < 4; i++) this.rng.next();
  }

  /** uniform on (0, 1) */
  uniform(): number {
    let u = uniformFloat64(this.rng);
    while (u === 0) u = uniformFloat64(this.rng);
    return u;
  }

  /** standard normal (Box–Muller) */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }
}

/** One standard normal draw from the stream named by the key parts. */
export function normalAt(seed: number, ...key: (string | number)[]): number {
  return new Stream(seed, key.join('|')).normal();
}

/** One uniform (0,1) draw from the stream named by the key parts. */
export function uniformAt(seed: number, ...key: (string | number)[]): number {
  return new Stream(seed, key.join('|')).uniform();
}
