/**
 * An actor as the database says it is now, for web requests (lib/auth/actor.ts)
 * and for the operator CLI's `--as`. A token issued before the account's last
 * password change is no longer accepted. Plain TypeScript: no Next.js imports.
 */
import { env } from "../config/env";
import { db } from "../db/portal";
import { isStaff, type Actor } from "./policy";

const ACCOUNT = {
  id: true, email: true, name: true, role: true, tenantId: true, passwordChangedAt: true, disabledAt: true,
  tenant: { select: { companyName: true, customerId: true } },
} as const;

type Account = NonNullable<Awaited<ReturnType<typeof readAccount>>>;

const readAccount = (userId: string) => db.user.findUnique({ where: { id: userId }, select: ACCOUNT });

export async function loadActor(userId: string, authAt?: number, twoFactor = false): Promise<Actor | null> {
  const user = await readAccount(userId);
  return user ? actorOf(user, authAt, twoFactor) : null;
}

/**
 * The actor of a web request's session token: the session must still be open
 * (lib/auth/sessions.ts), and the account is read in the same statement, so a
 * signed-in page costs one round trip for who is asking.
 *
 * A session lasts SESSION_MAX_AGE_HOURS from its sign-in, however often its token is
 * renewed: next-auth gives a token a new lifetime each time the session is read, so a
 * stolen cookie asked for its session every few hours would otherwise live for ever.
 */
export async function loadSessionActor(userId: string, sessionId: string | undefined, authAt?: number, twoFactor = false, now = Date.now()): Promise<Actor | null> {
  if (!sessionId) return null;
  const signedInSince = new Date(now - env().SESSION_MAX_AGE_HOURS * 3_600_000);
  if (authAt !== undefined && authAt * 1000 < signedInSince.getTime()) return null;
  const session = await db.userSession.findFirst({
    where: { id: sessionId, userId, endedAt: null, createdAt: { gt: signedInSince } },
    select: { user: { select: ACCOUNT } },
  });
  const actor = session ? actorOf(session.user, authAt, twoFactor) : null;
  return actor && { ...actor, sessionId };
}

function actorOf(user: Account, authAt: number | undefined, twoFactor: boolean): Actor | null {
  // Disabled: every session and API token of the account stops here, on its next request.
  if (user.disabledAt) return null;
  if (authAt !== undefined && user.passwordChangedAt.getTime() > authAt * 1000 + 1000) return null;
  // Staff sessions must have passed a second factor (one from before that was required no longer counts).
  if (isStaff(user) && !twoFactor) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    tenantId: user.tenantId,
    tenantName: user.tenant?.companyName ?? null,
    customerId: user.tenant?.customerId ?? null,
    ...(authAt !== undefined ? { signedInAt: new Date(authAt * 1000) } : {}),
  };
}
