/** Which tokens a person may see and revoke: a customer admin their tenant's, an operator all. */
import type { Prisma } from "../generated/portal/client";
import { isStaff, type Actor } from "../auth/policy";
import { db } from "../db/portal";

export function tokenScope(actor: Actor): Prisma.ApiTokenWhereInput {
  return isStaff(actor) ? {} : { tenantId: actor.tenantId ?? "-" };
}

export type TokenState = "active" | "expired" | "revoked";

function tokenState(token: { expiresAt: Date; revokedAt: Date | null }, now = new Date()): TokenState {
  if (token.revokedAt) return "revoked";
  return token.expiresAt <= now ? "expired" : "active";
}

/** Tokens not revoked first (none may drop off the list while it can still be revoked), then newest first; never the hash. */
export async function listTokens(actor: Actor) {
  const rows = await db.apiToken.findMany({
    where: tokenScope(actor),
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }, { id: "desc" }],
    take: 200,
    select: {
      id: true, name: true, prefix: true, scopes: true, createdAt: true, expiresAt: true, lastUsedAt: true, revokedAt: true,
      owner: { select: { name: true } },
      tenant: { select: { companyName: true, customerId: true } },
    },
  });
  return rows.map((t) => ({ ...t, state: tokenState(t) }));
}
