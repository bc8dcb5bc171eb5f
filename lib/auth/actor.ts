/**
 * The signed-in actor of a web request, re-read from the database on every
 * request (lib/auth/load-actor.ts): a role change or a removed account takes
 * effect at once.
 */
import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AppError } from "../errors";
import { loadActor } from "./load-actor";
import { authOptions } from "./options";
import { canActOnTenant, hasPermission, type Actor, type Permission } from "./policy";

export async function getActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions());
  if (!session?.userId) return null;
  return loadActor(session.userId, session.authAt);
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
