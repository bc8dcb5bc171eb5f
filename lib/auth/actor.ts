/**
 * The signed-in actor of a web request, re-read from the database on every
 * request (lib/auth/load-actor.ts): a role change or a removed account takes
 * effect at once, a token whose session was ended (sign-out, sign out
 * everywhere, password or role change) is refused, and so is a token issued
 * before the last password change.
 * Staff sessions must have passed a second factor.
 */
import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import { REQUESTED_PATH_HEADER, signInPathFor } from "../http/requested-path";
import { AppError } from "../errors";
import { loadSessionActor } from "./load-actor";
import { authOptions } from "./options";
import { canActOnTenant, hasPermission, type Actor, type Permission } from "./policy";

/**
 * Once per request (React's cache): the layout and the page both ask, and each
 * asking costs a token check and a query (the open session with its account).
 */
export const getActor = cache(async (): Promise<Actor | null> => {
  const session = await getServerSession(authOptions());
  if (!session?.userId) return null;
  return loadSessionActor(session.userId, session.sessionId, session.authAt, session.twoFactor);
});

/**
 * For pages: the actor; or sign-in, which returns to the page asked for (a link
 * in an e-mail must survive signing in); or a 403 when the role may not open it.
 */
export async function requireActor(permission?: Permission): Promise<Actor> {
  // Who is asking is only known at request time: pages that ask are never prerendered.
  await connection();
  const actor = await getActor();
  if (!actor) redirect(signInPathFor((await headers()).get(REQUESTED_PATH_HEADER)));
  if (permission && !hasPermission(actor, permission)) forbidden();
  return actor;
}

/** For actions and services: throws FORBIDDEN unless the actor may act on that tenant's object. */
export function assertTenantAccess(actor: Actor, permission: Permission, tenantId: string): void {
  if (!canActOnTenant(actor, permission, tenantId)) throw new AppError("FORBIDDEN");
}
