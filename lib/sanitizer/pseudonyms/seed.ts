/**
 * The seed of one pseudonym: an HMAC of the sandbox's secret, the kind of value,
 * the attempt (collision re-draws) and the production value. Without the secret no
 * one can tell which production value a pseudonym stands for, even knowing the
 * candidates; with it, the same value always draws the same pseudonym.
 */
import { createHmac } from "node:crypto";

export function pseudonymSeed(secret: string, kind: string, attempt: number, value: string): Buffer {
  return createHmac("sha256", secret).update(`${kind}\0${attempt}\0`).update(value).digest();
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
