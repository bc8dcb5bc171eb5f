/**
 * Action and route tests fake exactly one thing: the next-auth session. Users,
 * roles, tenants, their server-side sessions and everything behind them stay
 * real. In a test file:
 *
 *   vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
 *   import { signInAs } from "@/lib/testing/fake-session";
 *   signInAs(userId);   // or signInAs(null): signed out
 */
type FakeSession = { userId: string; authAt?: number; sessionId?: string; twoFactor?: boolean };

export const session: { current: FakeSession | null } = { current: null };

export async function getServerSession(): Promise<FakeSession | null> {
  // A real sign-in opens a UserSession row; so does the first request of a fake one.
  if (session.current && !session.current.sessionId) {
    const { db } = await import("../db/portal");
    const { startSession } = await import("../auth/sessions");
    // A deleted account signs nobody in: its token names no session.
    const exists = await db.user.findUnique({ where: { id: session.current.userId }, select: { id: true } });
    if (exists) session.current.sessionId = await startSession(session.current.userId, session.current.authAt === undefined ? undefined : new Date(session.current.authAt * 1000));
  }
  return session.current;
}

/** Signs the fake session in as that user, now (or `signedInAt`), second factor passed (as staff must); null signs out. */
export function signInAs(userId: string | null, signedInAt = new Date()): void {
  session.current = userId ? { userId, twoFactor: true, authAt: Math.floor(signedInAt.getTime() / 1000) } : null;
}
