/**
 * Portal rows at the scale of a vendor with a thousand customers, for the lists'
 * EXPLAIN bench (and the page bench): each table filled by one INSERT … SELECT
 * generate_series, so 200,000 audit rows and 50,000 runs take seconds. Deterministic;
 * ids are readable (t_42, u_42_1, s_42_3, u_sales_2) so a bench can name an actor or a
 * tenant. Portal database only: the production databases are not needed.
 */
import { oneOffQuery } from "../../lib/db/one-off-query";

export const SCALE = { tenants: 1000, sandboxes: 10_000, runs: 50_000, auditRows: 200_000, salesReps: 20 } as const;

const ACTIONS = [
  "sandbox.ordered", "sandbox.order.edited", "sandbox.wizard.confirmed", "sandbox.refresh.requested", "sandbox.retry.requested",
  "sandbox.delete.requested", "sandbox.autoRefresh.changed", "checklist.fixed", "checklist.ticked", "sandbox.order.cancelled",
];

/**
 * Sandboxes in every state, in roughly the mix a live portal has: mostly ready, some
 * awaiting setup, a few failed, being copied, deleted or cancelled (those two with
 * deletedAt, as the app leaves them). One in four ordered by a sales rep for the customer.
 */
const SANDBOX_STATUS_BY_REMAINDER = `CASE
  WHEN n % 20 < 12 THEN 'READY' WHEN n % 20 < 14 THEN 'AWAITING_SETUP' WHEN n % 20 = 14 THEN 'FAILED'
  WHEN n % 20 = 15 THEN 'QUEUED' WHEN n % 20 = 16 THEN 'PROVISIONING' WHEN n % 20 = 17 THEN 'REFRESHING'
  WHEN n % 20 = 18 THEN 'DELETED' ELSE 'CANCELLED' END::"SandboxStatus"`;

export async function seedScale(url: string): Promise<void> {
  const { tenants, sandboxes, runs, auditRows, salesReps } = SCALE;
  const perTenant = sandboxes / tenants;
  await oneOffQuery(url, `
    INSERT INTO "Tenant" (id, "customerId", "companyName", "productionUrlEncrypted", "createdAt")
      SELECT 't_' || g, 'Cust' || (10000 + g), 'Company ' || g || ' AS', 'sealed', now() - (g * interval '7 hours') FROM generate_series(1, ${tenants}) g;
    INSERT INTO "User" (id, email, name, "passwordHash", role, "tenantId")
      SELECT 'u_' || g || '_' || k, 'admin' || k || '@c' || g || '.example', 'Admin ' || g || ' ' || k, '-', 'CUSTOMER_ADMIN', 't_' || g
      FROM generate_series(1, ${tenants}) g, generate_series(1, 2) k;
    INSERT INTO "User" (id, email, name, "passwordHash", role)
      SELECT 'u_staff_' || k, 'operator' || k || '@portal.example', 'Operator ' || k, '-', 'OPERATOR' FROM generate_series(1, 5) k;
    INSERT INTO "User" (id, email, name, "passwordHash", role)
      SELECT 'u_sales_' || k, 'sales' || k || '@portal.example', 'Sales Rep ' || k, '-', 'SALES_REP' FROM generate_series(1, ${salesReps}) k;
    INSERT INTO "Sandbox" (id, "tenantId", name, status, "planCounts", "orderedById", "orderedOnBehalf", "createdAt", "confirmedAt", "lastRefreshedAt", "deletedAt")
      SELECT id, "tenantId", name, status, '{}', "orderedById", "orderedById" LIKE 'u_sales_%', "createdAt",
        CASE WHEN status IN ('AWAITING_SETUP', 'CANCELLED') THEN NULL ELSE "createdAt" + interval '1 hour' END,
        CASE WHEN status IN ('READY', 'REFRESHING') AND n % 3 > 0 THEN "createdAt" + (n % 90) * interval '1 day' END,
        CASE WHEN status IN ('DELETED', 'CANCELLED') THEN "createdAt" + interval '2 days' END
      FROM (
        SELECT 's_' || g || '_' || k AS id, 't_' || g AS "tenantId", 'Sandbox ' || n AS name, n,
          CASE WHEN n % 4 = 0 THEN 'u_sales_' || (1 + n % ${salesReps}) ELSE 'u_' || g || '_' || (1 + n % 2) END AS "orderedById",
          ${SANDBOX_STATUS_BY_REMAINDER} AS status,
          now() - (n * interval '53 minutes') AS "createdAt"
        FROM generate_series(1, ${tenants}) g, generate_series(1, ${perTenant}) k, LATERAL (SELECT (g - 1) * ${perTenant} + k AS n) numbered
      ) planned;
    -- ${runs / sandboxes} runs per sandbox, newest first: mostly succeeded copies, some failed, and among each
    -- sandbox's newest run a few in flight (a sandbox has at most one active run).
    INSERT INTO "SandboxRun" (id, "sandboxId", kind, status, "requestedById", options, "createdAt", "startedAt", "finishedAt", error, "failureCode")
      SELECT 'r_' || r, s.id,
        (ARRAY['PROVISION', 'REFRESH', 'REFRESH', 'REFRESH', 'DELETE'])[1 + r % 5]::"RunKind",
        (CASE WHEN active AND r % 50 = 0 THEN 'QUEUED' WHEN active THEN 'RUNNING' WHEN r % 10 = 2 THEN 'FAILED' ELSE 'SUCCEEDED' END)::"RunStatus",
        s."orderedById", '{}', now() - (r * interval '11 minutes'),
        CASE WHEN NOT (active AND r % 50 = 0) THEN now() - (r * interval '11 minutes') + interval '10 seconds' END,
        CASE WHEN NOT active THEN now() - (r * interval '11 minutes') + interval '6 minutes' END,
        CASE WHEN r % 10 = 2 AND NOT active THEN 'The copy could not be finished.' END,
        CASE WHEN r % 10 = 2 AND NOT active THEN 'COPY_FAILED' END
      FROM generate_series(1, ${runs}) r
      CROSS JOIN LATERAL (SELECT r <= ${sandboxes} AND r % 50 IN (0, 1) AS active) state
      JOIN "Sandbox" s ON s.id = 's_' || (1 + r % ${tenants}) || '_' || (1 + (r / ${tenants}) % ${perTenant});
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
