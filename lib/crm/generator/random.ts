/**
 * Deterministic randomness without shared state.
 *
 * Every row is a pure function of (seed, stream, id): `rng.at(id)` reseeds a small
 * PRNG for that row. Tables can therefore be generated in any order, streamed
 * without keeping earlier rows, and one table can recompute a value of another
 * (a ticket's creation time for its messages) instead of remembering it.
 * Faker is only used to build word pools once per seed (see pools.ts): it is far
 * too slow to call per field at 10M rows.
 */

/** murmur3's 32-bit finalizer: a good avalanche for hashing integers. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** mulberry32: tiny, fast, good enough for synthetic data. */
export class Random {
  private state = 0;

  reseed(state: number): this {
    this.state = state | 0;
    return this;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  nextUint32(): number {
    return Math.floor(this.next() * 4294967296);
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  /** Picks by weight: `[["closed", 55], ["open", 15]]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let r = this.next() * total;
    for (const [value, w] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    const last = choices[choices.length - 1];
    if (!last) throw new Error("weighted pick from an empty list");
    return last[0];
  }

  /** Letters and digits, e.g. for passwords and tokens. */
  token(length: number, alphabet = TOKEN_ALPHABET): string {
    let s = "";
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }

  /** Fills `buffer` with random bytes (incompressible, like real PDFs and JPEGs). */
  fill(buffer: Buffer, from = 0): void {
    let i = from;
    for (; i + 4 <= buffer.length; i += 4) buffer.writeUInt32LE(this.nextUint32(), i);
    for (; i < buffer.length; i++) buffer[i] = this.nextUint32() & 0xff;
  }
}

const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A named stream of per-id randomness derived from the generation seed. */
export class Rng {
  private readonly key: number;
  private readonly random = new Random();

  constructor(seed: number, stream: string) {
    this.key = mix32((seed >>> 0) ^ hashString(stream));
  }

  /** The row PRNG for `id`. Reused between calls: finish with one row before the next. */
  at(id: number): Random {
    return this.random.reseed(mix32(this.key ^ Math.imul(id, 0x9e3779b1)) ^ mix32(id + 0x632be5ab));
  }
}
