/**
 * Action and route tests fake exactly one thing: the next-auth session. Users,
 * roles, tenants and everything behind them stay real. In a test file:
 *
 *   vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
 *   import { session } from "@/lib/testing/fake-session";
 *   session.current = { userId };   // signed in; null = signed out
 */
export const session: { current: { userId: string; authAt?: number } | null } = { current: null };

export async function getServerSession(): Promise<{ userId: string; authAt?: number } | null> {
  return session.current;
}
