/**
 * Sign-in throttling: after LOGIN_MAX_FAILURES failures within the lock window
 * for one account (e-mail) or one client address, further attempts are
 * refused until the lock expires. Counters live in the portal database so
 * every app instance sees the same ones.
 */
import { db } from "../db/portal";
import { env } from "../config/env";

export function throttleKeys(email: string, ip: string | undefined): string[] {
  const keys = [`email:${email.trim().toLowerCase()}`];
  if (ip) keys.push(`ip:${ip}`);
  return keys;
}

/** The moment the earliest lock among `keys` ends, or null when none is locked. */
export async function lockedUntil(keys: string[], now = new Date()): Promise<Date | null> {
  const rows = await db.loginThrottle.findMany({ where: { key: { in: keys }, lockedUntil: { gt: now } } });
  if (rows.length === 0) return null;
  return new Date(Math.max(...rows.map((r) => r.lockedUntil!.getTime())));
}

export async function recordFailure(keys: string[], now = new Date()): Promise<void> {
  const { LOGIN_MAX_FAILURES, LOGIN_LOCK_MINUTES } = env();
  const windowMs = LOGIN_LOCK_MINUTES * 60_000;
  for (const key of keys) {
    // One statement per key: concurrent failures must not lose increments.
    await db.$executeRaw`
      INSERT INTO "LoginThrottle" ("key", "failures", "windowStart", "lockedUntil")
      VALUES (${key}, 1, ${now}, NULL)
      ON CONFLICT ("key") DO UPDATE SET
        "failures" = CASE WHEN "LoginThrottle"."windowStart" < ${new Date(now.getTime() - windowMs)}
                          THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
        "windowStart" = CASE WHEN "LoginThrottle"."windowStart" < ${new Date(now.getTime() - windowMs)}
                          THEN ${now} ELSE "LoginThrottle"."windowStart" END`;
    await db.$executeRaw`
      UPDATE "LoginThrottle" SET "lockedUntil" = ${new Date(now.getTime() + windowMs)}, "failures" = 0, "windowStart" = ${now}
      WHERE "key" = ${key} AND "failures" >= ${LOGIN_MAX_FAILURES}`;
  }
}

/** A successful sign-in clears the account's counter (not the address's: one good password must not unlock a spraying client). */
export async function clearAccountFailures(email: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key: `email:${email.trim().toLowerCase()}` } });
}
