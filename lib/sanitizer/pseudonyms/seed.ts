/**
 * The seed of one pseudonym: an HMAC of the sandbox's secret, the kind of value,
 * the attempt (collision re-draws) and the production value. Without the secret no
 * one can tell which production value a pseudonym stands for, even knowing the
 * candidates; with it, the same value always draws the same pseudonym.
 */
import type { Randomizer } from "@faker-js/faker";
import { HmacSha256 } from "./hmac-sha256";

export class PseudonymSeeds {
  private readonly hmac: HmacSha256;

  constructor(secret: string) {
    this.hmac = new HmacSha256(secret);
  }

  seed(kind: string, attempt: number, value: string): Buffer {
    return this.hmac.digest(`${kind}\0${attempt}\0${value}`);
  }
}

/** A seed as faker takes it: eight 32-bit words. */
export function fakerSeed(digest: Buffer): number[] {
  return Array.from({ length: 8 }, (_v, i) => digest.readUInt32BE(i * 4));
}

/** `count` decimal digits from the seed (bytes re-used round-robin; each byte mod 10 is close enough to uniform here). */
export function seedDigits(digest: Buffer, count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += String(digest[i % digest.length]! % 10);
  return out;
}

/**
 * faker's random numbers for pseudonyms: sfc32 (a small fast counter generator),
 * seeded from the HMAC. faker's own Mersenne Twister spends some 2,000 steps on every
 * seeding, and every pseudonym is drawn from a fresh seed: with it, seeding was most
 * of a pseudonymised copy's time. The HMAC already supplies the unpredictability.
 */
export class SeedRandomizer implements Randomizer {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  // Arrow functions: faker calls them detached from the object.
  seed = (seed: number | number[]): void => {
    const s = Array.isArray(seed) ? seed : [seed];
    [this.a, this.b, this.c, this.d] = [s[0] ?? 0, s[1] ?? 0, s[2] ?? 0, s[3] ?? 1].map((x) => x >>> 0) as [number, number, number, number];
    // A few rounds mix the seed words before the first number is used.
    for (let i = 0; i < 12; i++) this.next();
  };

  next = (): number => {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}
