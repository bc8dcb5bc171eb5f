/**
 * One organisation's changes one at a time (People changes, orders, entitlements, webhooks, slots,
 * offboarding): each locks its Tenant row FOR NO KEY UPDATE, which two transactions cannot hold at once.
 *
 * Not FOR UPDATE: that also held back every row written that names the tenant (an audit event, a
 * token, an order: their foreign key takes the Tenant's key share). A transaction that had locked a
 * person and then wrote its audit event waited for the Tenant, while a People change held the Tenant
 * and waited for that person: a deadlock, which PostgreSQL broke after a second by failing one of
 * the two at random. A Tenant row is never deleted nor its id changed, all a key share guards against.
 */
import type { Prisma } from "../generated/portal/client";

/** Locks the tenant's row until `tx` ends; whether it has left the portal, or null when there is no such tenant. */
export async function lockTenant(tx: Prisma.TransactionClient, tenantId: string): Promise<{ offboarded: boolean } | null> {
  const [row] = await tx.$queryRaw<{ offboarded: boolean }[]>`
    SELECT "offboardedAt" IS NOT NULL AS offboarded FROM "Tenant" WHERE id = ${tenantId} FOR NO KEY UPDATE`;
  return row ?? null;
}
