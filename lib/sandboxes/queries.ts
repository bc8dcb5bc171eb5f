import "server-only";
import { db } from "../db/portal";
import { isStaff, type Actor } from "../auth/policy";

/** Sandboxes the actor may see: their tenant's, or every tenant's for staff. Deleted ones are kept for history. */
export async function listSandboxes(actor: Actor) {
  return db.sandbox.findMany({
    where: isStaff(actor) ? {} : { tenantId: actor.tenantId ?? "__none__" },
    orderBy: [{ createdAt: "desc" }],
    select: {
      id: true,
      name: true,
      status: true,
      snapshotAt: true,
      lastRefreshedAt: true,
      sizeBytes: true,
      createdAt: true,
      tenant: { select: { companyName: true, customerId: true } },
    },
  });
}
