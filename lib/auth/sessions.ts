/**
 * Server-side sessions. The session token (a signed JWT) names one UserSession
 * row; a token is honoured only while its row is open. Ending the row ends the
 * token at once, in every app instance, even though the cookie lives on until
 * it expires. Web requests read the open session with its account in one
 * statement (lib/auth/load-actor.ts loadSessionActor).
 */
import { db } from "../db/portal";
import type { Prisma } from "../generated/portal/client";
import { env } from "../config/env";

/** Opens a session for a user who has just signed in, and notes when; also forgets that user's old ones. */
export async function startSession(userId: string, now = new Date()): Promise<string> {
  const opened = await startSessionOver(userId, undefined, now);
  if (!opened) throw new Error("no account to open a session for");
  return opened;
}

/**
 * As startSession, over the password the sign-in checked: `signedInOver` is when it was set. A
 * password set since (a reset, a change, landing while the old one's hash was being checked) has
 * ended every session already: this one is not opened then (null). Noting the sign-in takes the
 * account's row first, so a change that comes after waits for this session, and ends it.
 */
export async function startSessionOver(userId: string, signedInOver: Date | undefined, now = new Date()): Promise<string | null> {
  const expired = new Date(now.getTime() - env().SESSION_MAX_AGE_HOURS * 3_600_000);
  await db.userSession.deleteMany({ where: { userId, OR: [{ endedAt: { not: null } }, { createdAt: { lt: expired } }] } });
  return db.$transaction(async (tx) => {
    const noted = await tx.user.updateMany({ where: { id: userId, ...(signedInOver ? { passwordChangedAt: signedInOver } : {}) }, data: { lastSignInAt: now } });
    if (noted.count !== 1) return null;
    return (await tx.userSession.create({ data: { userId }, select: { id: true } })).id;
  });
}

/** Signing out: this browser's session only. */
export async function endSession(sessionId: string): Promise<void> {
  await db.userSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: new Date() } });
}

/** "Sign out everywhere", a password change, a role change: every session of the user (in `client`'s transaction, when given one). */
export async function endAllSessions(userId: string, client: Prisma.TransactionClient = db): Promise<void> {
  await client.userSession.updateMany({ where: { userId, endedAt: null }, data: { endedAt: new Date() } });
}

/**
 * Forgets every session that can no longer be used: ended, or older than a session lives.
 * Starting a session forgets its own user's; this is for the users who never sign in again
 * (a customer's people who left), whose rows would otherwise stay for good.
 */
export async function pruneSessions(now = new Date()): Promise<number> {
  const expired = new Date(now.getTime() - env().SESSION_MAX_AGE_HOURS * 3_600_000);
  const { count } = await db.userSession.deleteMany({ where: { OR: [{ endedAt: { not: null } }, { createdAt: { lt: expired } }] } });
  return count;
}
