/**
 * An actor as the database says it is now, for web requests (lib/auth/actor.ts)
 * and for the operator CLI's `--as`. A token issued before the account's last
 * password change is no longer accepted. Plain TypeScript: no Next.js imports.
 */
import { db } from "../db/portal";
import { isStaff, type Actor } from "./policy";

export async function loadActor(userId: string, authAt?: number, twoFactor = false): Promise<Actor | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true, email: true, name: true, role: true, tenantId: true, passwordChangedAt: true,
      tenant: { select: { companyName: true, customerId: true } },
    },
  });
  if (!user) return null;
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
  };
}
