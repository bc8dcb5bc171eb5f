/**
 * Two-factor recovery codes: ten per enrolment, each 80 random bits, shown
 * once and stored only as SHA-256 hashes. A fast hash is enough here (unlike
 * passwords): 80 random bits cannot be guessed offline, and online guesses are
 * throttled like passwords.
 */
import { createHash, randomInt } from "node:crypto";

// 32 characters without look-alikes (no l, o, 0, 1): 5 bits each, 16 per code = 80 bits.
const ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
const CODE_COUNT = 10;

export function newRecoveryCodes(): string[] {
  return Array.from({ length: CODE_COUNT }, () => {
    const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
    return chars.match(/.{4}/g)!.join("-");
  });
}

/** Case, spaces and dashes do not matter when a code is typed back. */
export function hashRecoveryCode(code: string): string {
  return createHash("sha256").update(code.toLowerCase().replace(/[\s-]/g, "")).digest("hex");
}
