/**
 * Sign-in throttling, shaped so that it cannot be turned against the people it
 * protects (OWASP Authentication and Credential Stuffing cheat sheets):
 *
 * - An account is locked only for the client address that failed on it
 *   (LOGIN_MAX_FAILURES failures for one e-mail from one address). Wrong
 *   passwords typed elsewhere never lock the real owner, or the operator, out.
 * - One client address is locked after ADDRESS_FAILURE_FACTOR times as many
 *   failures across any accounts, which stops password spraying.
 * - An attempt refused by a lock counts nowhere: a locked colleague retrying from
 *   the office's address must not lock the office out.
 *
 * An attempt is counted before it is checked and given back when it was right, so
 * the counters hold the failed attempts and those still being checked. Locks last
 * LOGIN_LOCK_MINUTES. The address is the real client address
 * (lib/http/client-address.ts), so rotating X-Forwarded-For does not help.
 * Counters live in the portal database so every app instance sees the same ones, and are
 * timed by its clock (database-clock.ts): by each instance's own, one whose machine ran an
 * hour ahead locked people out for an hour more on every other, one running behind set locks
 * the others took as long over.
 */
import { isIPv6 } from "node:net";
import { db } from "../db/portal";
import { databaseNow } from "../db/database-clock";
import { env } from "../config/env";

/** A spraying address gets this many times the per-account allowance before it is locked. */
export const ADDRESS_FAILURE_FACTOR = 4;

export interface ThrottleKey {
  key: string;
  maxFailures: number;
}

const accountKey = (email: string, ip: string) => `account:${email.trim().toLowerCase()}|${clientBlock(ip)}`;

/**
 * The block one client holds: its IPv4 address, or the /64 of its IPv6 address (a single
 * subscriber is given a whole /64, so counting each address would give it 2^64 allowances).
 */
export function clientBlock(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  const top = groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, ""));
  // No /64 of a subscriber: IPv4 in another IPv6 spelling (::ffff:c000:209, ::192.0.2.9), counted whole.
  if (top.every((g) => g === "0")) return ip.toLowerCase();
  return `${top.join(":")}::/64`;
}

export function throttleKeys(email: string, ip: string | undefined): ThrottleKey[] {
  const { LOGIN_MAX_FAILURES } = env();
  const address = clientBlock(ip ?? "unknown");
  return [
    { key: accountKey(email, address), maxFailures: LOGIN_MAX_FAILURES },
    { key: `ip:${address}`, maxFailures: LOGIN_MAX_FAILURES * ADDRESS_FAILURE_FACTOR },
  ];
}

/** The moment the latest lock among `keys` ends, or null when none is locked. Counts nothing. */
async function lockedUntil(keys: ThrottleKey[], now: Date): Promise<Date | null> {
  const rows = await db.loginThrottle.findMany({ where: { key: { in: keys.map((k) => k.key) }, lockedUntil: { gt: now } } });
  if (rows.length === 0) return null;
  return new Date(Math.max(...rows.map((r) => r.lockedUntil!.getTime())));
}

/** Whether any of `keys` is locked now. Counts nothing. */
export async function isLocked(keys: ThrottleKey[], at?: Date): Promise<boolean> {
  return (await lockedUntil(keys, at ?? (await databaseNow()))) !== null;
}

/**
 * Counts an attempt against every key before it is checked, and answers when it may not
 * be made: a key locked already (then it counts nowhere), or its allowance for the window
 * used (which locks the key). Counted first, in one statement per key, so a burst of
 * attempts sent at once cannot all pass while the first of them is still checking its
 * password: at most `maxFailures` of a key's attempts are checked per window, however
 * they arrive. A refused attempt gives back what it counted on the other keys; one that
 * turns out right gives back all it counted (`clearAccountFailures`, `returnAttempt`).
 */
export async function reserveAttempt(keys: ThrottleKey[], at?: Date): Promise<Date | null> {
  const now = at ?? (await databaseNow());
  const locked = await lockedUntil(keys, now);
  if (locked) return locked;
  const windowMs = env().LOGIN_LOCK_MINUTES * 60_000;
  const windowOpen = new Date(now.getTime() - windowMs);
  const lockEnd = new Date(now.getTime() + windowMs);
  let refusedUntil: Date | null = null;
  const counted: ThrottleKey[] = [];
  for (const { key, maxFailures } of keys) {
    const [row] = await db.$queryRaw<{ failures: number; lockedUntil: Date | null }[]>`
      INSERT INTO "LoginThrottle" ("key", "failures", "windowStart", "lockedUntil")
      VALUES (${key}, 1, ${now}, NULL)
      ON CONFLICT ("key") DO UPDATE SET
        "failures" = CASE WHEN "LoginThrottle"."windowStart" < ${windowOpen} THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
        "windowStart" = CASE WHEN "LoginThrottle"."windowStart" < ${windowOpen} THEN ${now} ELSE "LoginThrottle"."windowStart" END
      RETURNING "failures", "lockedUntil"`;
    let until = row!.lockedUntil && row!.lockedUntil > now ? row!.lockedUntil : null;
    if (!until && row!.failures > maxFailures) {
      await db.$executeRaw`UPDATE "LoginThrottle" SET "lockedUntil" = ${lockEnd}, "failures" = 0, "windowStart" = ${now} WHERE "key" = ${key}`;
      until = lockEnd;
    }
    if (until && (!refusedUntil || until > refusedUntil)) refusedUntil = until;
    else counted.push({ key, maxFailures });
  }
  if (refusedUntil) await returnAttempt(counted);
  return refusedUntil;
}

/** Gives back an attempt `reserveAttempt` counted that turned out right (a good password, asked for its code next), or was refused. */
export async function returnAttempt(keys: ThrottleKey[]): Promise<void> {
  for (const { key } of keys) {
    await db.$executeRaw`UPDATE "LoginThrottle" SET "failures" = GREATEST("failures" - 1, 0) WHERE "key" = ${key}`;
  }
}

/**
 * The one-time codes tried on an account, from any address. Only someone who has its
 * password reaches this step, so locking it cannot be turned against the owner by anyone
 * else; counted per address alone, codes could be guessed from many addresses at once.
 */
export function codeThrottleKey(email: string): ThrottleKey {
  return { key: `code:${email.trim().toLowerCase()}`, maxFailures: env().LOGIN_MAX_FAILURES * 2 };
}

/**
 * One signed-in session's tries at its account's current password (to change how the
 * account signs in). Per session, not per account: a stolen cookie's wrong guesses must
 * not lock the owner out of changing the password, which is what the owner needs then.
 * At the limit the session ends (current-password.ts), so a stolen cookie gets this
 * many guesses in all, from however many addresses.
 */
export function sessionPasswordThrottleKey(sessionId: string): ThrottleKey {
  return { key: `session-password:${sessionId}`, maxFailures: env().LOGIN_MAX_FAILURES };
}

/**
 * Whether `key` has had all its tries: its failures at the limit, or locked (a lock sets the
 * count back to 0, so a burst whose last try locked the key must not read as none used).
 */
export async function triesUsedUp(key: ThrottleKey, at?: Date): Promise<boolean> {
  const now = at ?? (await databaseNow());
  const row = await db.loginThrottle.findUnique({ where: { key: key.key }, select: { failures: true, lockedUntil: true } });
  return (row?.failures ?? 0) >= key.maxFailures || (row?.lockedUntil != null && row.lockedUntil > now);
}

/**
 * A successful sign-in clears the account's counter for that address only: a
 * good password elsewhere must not unlock an attacker, nor one good password
 * unlock a spraying address, nor the owner's sign-in reset the codes an attacker
 * with the password has tried.
 */
export async function clearAccountFailures(email: string, ip: string | undefined): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key: accountKey(email, ip ?? "unknown") } });
}

/**
 * The account's keys from every address, as a LIKE prefix: Prisma's startsWith passes LIKE's own
 * characters on as wildcards, and an address may hold "_" (any one character), so lifting the locks
 * of "a_b@…" lifted those of "a.b@…" and "axb@…" too.
 */
const everyAddressOf = (email: string) => ({ startsWith: accountKey(email, "").replace(/[\\%_]/g, "\\$&") });

/**
 * Lifts the password locks on an account, from every address, and not its codes' (a person who
 * set a new password through a mailed link: holding the mailbox says nothing of the phone).
 */
export async function clearPasswordLocks(email: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { OR: [{ key: everyAddressOf(email) }, ...(await knownBrowsersKey(email))] } });
}

/** Lifts every lock on an account, from every address (an operator resetting the password). */
export async function clearAccountLocks(email: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { OR: [{ key: everyAddressOf(email) }, { key: codeThrottleKey(email).key }, ...(await knownBrowsersKey(email))] } });
}

/** The key counting all of an account's known browsers together (known-device.ts). */
export const knownBrowsersKeyOf = (userId: string) => `devices-of:${userId}`;

/** Its row, to lift with the account's locks: a new password leaves none of its known browsers, so nor their lock. */
async function knownBrowsersKey(email: string): Promise<{ key: string }[]> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true } });
  return user ? [{ key: knownBrowsersKeyOf(user.id) }] : [];
}

/**
 * Forgets the throttle rows that say nothing any more: their window has closed and no lock
 * holds (the next attempt would start them again at one). Rows are made per address and per
 * account tried, so a credential-stuffing run would otherwise grow the table at its own pace.
 */
export async function pruneLoginThrottle(now = new Date()): Promise<number> {
  const windowOpen = new Date(now.getTime() - env().LOGIN_LOCK_MINUTES * 60_000);
  const { count } = await db.loginThrottle.deleteMany({ where: { windowStart: { lt: windowOpen }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] } });
  return count;
}

