import "server-only";
import { db } from "../db/portal";
import { getTenantProductionSize, orNullWhenUnavailable } from "./production";
import { openConnections } from "./registry";

/** Every tenant, for staff: no URLs, only what the page shows. */
export async function listTenantsForStaff() {
  const tenants = await db.tenant.findMany({
    orderBy: { customerId: "asc" },
    select: {
      id: true, customerId: true, companyName: true, createdAt: true, entitledSandboxes: true, entitledPlans: true,
      productionUrlEncrypted: true, sandboxServerUrlEncrypted: true,
      _count: { select: { users: true, sandboxes: true } },
    },
  });
  // The sealed URLs are opened here and dropped: only the size leaves this function.
  return Promise.all(
    tenants.map(async ({ productionUrlEncrypted, sandboxServerUrlEncrypted, ...t }) => ({
      ...t,
      productionBytes: await orNullWhenUnavailable(getTenantProductionSize(t.id, openConnections({ productionUrlEncrypted, sandboxServerUrlEncrypted }).productionUrl)),
    })),
  );
}
