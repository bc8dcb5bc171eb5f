/**
 * Sign-in throttling, shaped so that it cannot be turned against the people it
 * protects (OWASP Authentication and Credential Stuffing cheat sheets):
 *
 * - An account is locked only for the client address that failed on it
 *   (LOGIN_MAX_FAILURES failures for one e-mail from one address). Wrong
 *   passwords typed elsewhere never lock the real owner, or the operator, out.
 * - One client address is locked after ADDRESS_FAILURE_FACTOR times as many
 *   failures across any accounts, which stops password spraying.
 *
 * Locks last LOGIN_LOCK_MINUTES. The address is the real client address
 * (lib/http/client-address.ts), so rotating X-Forwarded-For does not help.
 * Counters live in the portal database so every app instance sees the same ones.
 */
import { db } from "../db/portal";
import { env } from "../config/env";

/** A spraying address gets this many times the per-account allowance before it is locked. */
export const ADDRESS_FAILURE_FACTOR = 4;

interface ThrottleKey {
  key: string;
  maxFailures: number;
}

const accountKey = (email: string, ip: string) => `account:${email.trim().toLowerCase()}|${ip}`;

export function throttleKeys(email: string, ip: string | undefined): ThrottleKey[] {
  const { LOGIN_MAX_FAILURES } = env();
  const address = ip ?? "unknown";
  return [
    { key: accountKey(email, address), maxFailures: LOGIN_MAX_FAILURES },
    { key: `ip:${address}`, maxFailures: LOGIN_MAX_FAILURES * ADDRESS_FAILURE_FACTOR },
  ];
}

/** The moment the latest lock among `keys` ends, or null when none is locked. */
export async function lockedUntil(keys: ThrottleKey[], now = new Date()): Promise<Date | null> {
  const rows = await db.loginThrottle.findMany({ where: { key: { in: keys.map((k) => k.key) }, lockedUntil: { gt: now } } });
  if (rows.length === 0) return null;
  return new Date(Math.max(...rows.map((r) => r.lockedUntil!.getTime())));
}

export async function recordFailure(keys: ThrottleKey[], now = new Date()): Promise<void> {
  const windowMs = env().LOGIN_LOCK_MINUTES * 60_000;
  const windowOpen = new Date(now.getTime() - windowMs);
  for (const { key, maxFailures } of keys) {
    // One statement per key: concurrent failures must not lose increments.
    await db.$executeRaw`
      INSERT INTO "LoginThrottle" ("key", "failures", "windowStart", "lockedUntil")
      VALUES (${key}, 1, ${now}, NULL)
      ON CONFLICT ("key") DO UPDATE SET
        "failures" = CASE WHEN "LoginThrottle"."windowStart" < ${windowOpen} THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
        "windowStart" = CASE WHEN "LoginThrottle"."windowStart" < ${windowOpen} THEN ${now} ELSE "LoginThrottle"."windowStart" END`;
    await db.$executeRaw`
      UPDATE "LoginThrottle" SET "lockedUntil" = ${new Date(now.getTime() + windowMs)}, "failures" = 0, "windowStart" = ${now}
      WHERE "key" = ${key} AND "failures" >= ${maxFailures}`;
  }
}

/**
 * A successful sign-in clears the account's counter for that address only: a
 * good password elsewhere must not unlock an attacker, nor one good password
 * unlock a spraying address.
 */
export async function clearAccountFailures(email: string, ip: string | undefined): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key: accountKey(email, ip ?? "unknown") } });
}

/** Lifts every lock on an account, from every address (an operator resetting the password). */
export async function clearAccountLocks(email: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key: { startsWith: accountKey(email, "") } } });
}
