import "server-only";
import { db } from "../db/portal";
import { openProductionClient } from "../crm/read-only";
import { tenantConnections } from "./registry";

/** Size of a tenant's production database, read through a read-only connection; null when unreachable. */
export async function productionDatabaseSize(tenantId: string): Promise<number | null> {
  try {
    const { productionUrl } = await tenantConnections(tenantId);
    const client = await openProductionClient(productionUrl, { connectionTimeoutMillis: 3000 });
    try {
      const { rows } = await client.query<{ size: string }>("SELECT pg_database_size(current_database())::text AS size");
      return Number(rows[0]?.size ?? 0);
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch {
    return null;
  }
}

/** Every tenant, for staff: no URLs, only what the page shows. */
export async function listTenantsForStaff() {
  const tenants = await db.tenant.findMany({
    orderBy: { customerId: "asc" },
    select: { id: true, customerId: true, companyName: true, createdAt: true, _count: { select: { users: true, sandboxes: true } } },
  });
  return Promise.all(tenants.map(async (t) => ({ ...t, productionBytes: await productionDatabaseSize(t.id) })));
}
