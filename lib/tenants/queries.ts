import "server-only";
import { db } from "../db/portal";
import { getProductionSize, orNullWhenUnavailable } from "./production";
import { openConnections } from "./registry";

/** Every tenant, for staff: no URLs, only what the page shows. */
export async function listTenantsForStaff() {
  const tenants = await db.tenant.findMany({
    orderBy: { customerId: "asc" },
    select: {
      id: true, customerId: true, companyName: true, createdAt: true, entitledSandboxes: true, entitledPlans: true,
      productionUrlEncrypted: true,
      _count: { select: { users: true, sandboxes: true } },
    },
  });
  // The sealed URLs are opened here and dropped: only the size leaves this function.
  return Promise.all(
    tenants.map(async ({ productionUrlEncrypted, ...t }) => ({
      ...t,
      productionBytes: await orNullWhenUnavailable(getProductionSize(openConnections({ productionUrlEncrypted }).productionUrl)),
    })),
  );
}
