/**
 * The signed-in actor, re-read from the database on every request: a role
 * change or a removed account takes effect at once, and a token issued before
 * the last password change is no longer accepted. Staff sessions must have
 * passed a second factor: a session from before two-factor was required, or
 * from before a customer became staff, no longer counts.
 */
import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { authOptions } from "./options";
import { canActOnTenant, hasPermission, isStaff, type Actor, type Permission } from "./policy";

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

export async function getActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions());
  if (!session?.userId) return null;
  return loadActor(session.userId, session.authAt, session.twoFactor);
}

/** For pages: the actor, or a redirect to sign-in / the not-allowed page. */
export async function requireActor(permission?: Permission): Promise<Actor> {
  // Who is asking is only known at request time: pages that ask are never prerendered.
  await connection();
  const actor = await getActor();
  if (!actor) redirect("/sign-in");
  if (permission && !hasPermission(actor, permission)) redirect("/forbidden");
  return actor;
}

/** For actions and services: throws FORBIDDEN unless the actor may act on that tenant's object. */
export function assertTenantAccess(actor: Actor, permission: Permission, tenantId: string): void {
  if (!canActOnTenant(actor, permission, tenantId)) throw new AppError("FORBIDDEN");
}
