/**
 * Action and route tests fake exactly one thing: the next-auth session. Users,
 * roles, tenants and everything behind them stay real. In a test file:
 *
 *   vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
 *   import { signInAs } from "@/lib/testing/fake-session";
 *   signInAs(userId);   // or signInAs(null): signed out
 */
type FakeSession = { userId: string; authAt?: number; twoFactor?: boolean };

export const session: { current: FakeSession | null } = { current: null };

export async function getServerSession(): Promise<FakeSession | null> {
  return session.current;
}

/** Signs the fake session in as that user, second factor passed (as staff must); null signs out. */
export function signInAs(userId: string | null): void {
  session.current = userId ? { userId, twoFactor: true } : null;
}
