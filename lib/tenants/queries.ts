import "server-only";
import { db } from "../db/portal";
import { productionDatabaseSize } from "./production-size";
import { tenantConnections } from "./registry";

/** Every tenant, for staff: no URLs, only what the page shows. */
export async function listTenantsForStaff() {
  const tenants = await db.tenant.findMany({
    orderBy: { customerId: "asc" },
    select: { id: true, customerId: true, companyName: true, createdAt: true, _count: { select: { users: true, sandboxes: true } } },
  });
  return Promise.all(
    tenants.map(async (t) => ({ ...t, productionBytes: await productionDatabaseSize((await tenantConnections(t.id)).productionUrl) })),
  );
}
