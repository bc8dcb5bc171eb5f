/**
 * Portal rows at the scale of a vendor with a thousand customers, for the audit
 * log's EXPLAIN bench: each table filled by one INSERT … SELECT generate_series, so
 * 200,000 audit rows take seconds. Deterministic; ids are readable (t_42, u_42_1,
 * s_42_3) so a bench can name an actor or a tenant. Portal database only.
 */
import { oneOffQuery } from "../../lib/db/one-off-query";

export const AUDIT_SCALE = { tenants: 1000, sandboxes: 10_000, auditRows: 200_000 } as const;

const ACTIONS = [
  "sandbox.ordered", "sandbox.order.edited", "sandbox.wizard.confirmed", "sandbox.refresh.requested", "sandbox.retry.requested",
  "sandbox.delete.requested", "sandbox.autoRefresh.changed", "checklist.fixed", "checklist.ticked", "sandbox.order.cancelled",
];

export async function seedAuditScale(url: string): Promise<void> {
  const { tenants, sandboxes, auditRows } = AUDIT_SCALE;
  const perTenant = sandboxes / tenants;
  await oneOffQuery(url, `
    INSERT INTO "Tenant" (id, "customerId", "companyName", "productionUrlEncrypted")
      SELECT 't_' || g, 'Cust' || (10000 + g), 'Company ' || g || ' AS', 'sealed' FROM generate_series(1, ${tenants}) g;
    INSERT INTO "User" (id, email, name, "passwordHash", role, "tenantId")
      SELECT 'u_' || g || '_' || k, 'admin' || k || '@c' || g || '.example', 'Admin ' || g || ' ' || k, '-', 'CUSTOMER_ADMIN', 't_' || g
      FROM generate_series(1, ${tenants}) g, generate_series(1, 2) k;
    INSERT INTO "User" (id, email, name, "passwordHash", role)
      SELECT 'u_staff_' || k, 'operator' || k || '@portal.example', 'Operator ' || k, '-', 'OPERATOR' FROM generate_series(1, 5) k;
    INSERT INTO "Sandbox" (id, "tenantId", name, status, "planCounts", "orderedById")
      SELECT 's_' || g || '_' || k, 't_' || g, 'Sandbox ' || ((g - 1) * ${perTenant} + k), 'READY', '{}', 'u_' || g || '_1'
      FROM generate_series(1, ${tenants}) g, generate_series(1, ${perTenant}) k;
    -- A year of events, newest now; one in a thousand a rare tenant setting; one in twenty by an operator.
    INSERT INTO "AuditEvent" (id, "tenantId", "actorId", action, "targetId", details, "createdAt")
      SELECT 'a_' || g, 't_' || (1 + g % ${tenants}),
        CASE WHEN g % 20 = 0 THEN 'u_staff_' || (1 + g % 5) ELSE 'u_' || (1 + g % ${tenants}) || '_' || (1 + g % 2) END,
        CASE WHEN g % 1000 = 7 THEN 'tenant.copyRate.changed' ELSE (ARRAY['${ACTIONS.join("','")}'])[1 + g % ${ACTIONS.length}] END,
        's_' || (1 + g % ${tenants}) || '_' || (1 + g % ${perTenant}),
        jsonb_build_object('name', 'Sandbox'),
        now() - (g * interval '157 seconds')
      FROM generate_series(1, ${auditRows}) g;
    ANALYZE;
  `);
}
