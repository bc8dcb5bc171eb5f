import "server-only";
import { db } from "../db/portal";
import { isStaff, type Actor } from "../auth/policy";

/** Customers a sales rep can order for (names and keys only: no connection data). */
export function listOrderableCustomers() {
  return db.tenant.findMany({ orderBy: { companyName: "asc" }, select: { id: true, companyName: true, customerId: true } });
}

export async function tenantExists(tenantId: string): Promise<boolean> {
  return (await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } })) !== null;
}

export async function isSandboxNameTaken(tenantId: string, name: string): Promise<boolean> {
  const found = await db.sandbox.findFirst({
    // Deleted sandboxes free their names (the partial unique index agrees).
    where: { tenantId, name: { equals: name, mode: "insensitive" }, deletedAt: null },
    select: { id: true },
  });
  return found !== null;
}

/**
 * Orders the actor may see: a sales rep those they filed, a customer admin their
 * tenant's (set up or still waiting), an operator all.
 */
export async function listOrders(actor: Actor) {
  const where =
    actor.role === "SALES_REP" ? { orderedById: actor.id } : isStaff(actor) ? {} : { tenantId: actor.tenantId ?? "__none__" };
  return db.sandbox.findMany({
    where,
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      tenantId: true,
      name: true,
      status: true,
      createdAt: true,
      confirmedAt: true,
      orderedOnBehalf: true,
      orderedById: true,
      planCounts: true,
      wizardDraft: true,
      orderedBy: { select: { name: true } },
      tenant: { select: { companyName: true, customerId: true } },
    },
  });
}
