/**
 * What `npm run bench:lists` measures: for each list, typical filters, sorts and a deep
 * page, run through the list's own query function and URL parser (so the SQL is the
 * page's), with the predicate that picks that list's main query from Prisma's log.
 */
import type pg from "pg";
import type { PrismaClient } from "../../lib/generated/portal/client";
import type { Actor } from "../../lib/auth/policy";
import { listAuditEvents } from "../../lib/audit/queries";
import { parseAuditQuery } from "../../lib/audit/schema";
import { encodeCursor } from "../../lib/lists/cursor";
import { listOrders } from "../../lib/orders/queries";
import { listSandboxes } from "../../lib/sandboxes/queries";
import { orderListSchema, sandboxListSchema } from "../../lib/sandboxes/list-schema";
import { readTenantPage } from "../../lib/tenants/queries";
import { tenantListSchema } from "../../lib/tenants/list-schema";
import { SCALE } from "./scale-seed";

export interface ListBenchCase {
  list: "sandboxes" | "orders" | "tenants" | "audit";
  label: string;
  run: (client: PrismaClient) => Promise<unknown>;
  isMain: (sql: string) => boolean;
}

type Raw = Record<string, string>;

const operator: Actor = { id: "u_staff_1", email: "", name: "", role: "OPERATOR", tenantId: null, tenantName: null, customerId: null };
const admin: Actor = { ...operator, id: "u_500_1", role: "CUSTOMER_ADMIN", tenantId: "t_500" };
const salesRep: Actor = { ...operator, id: "u_sales_3", role: "SALES_REP" };

const sandboxQuery = (sql: string) => sql.includes('FROM "public"."Sandbox"') && sql.includes("ORDER BY") && sql.includes("LIMIT");
const auditQuery = (sql: string) => sql.includes('FROM "public"."AuditEvent"') && sql.includes("ORDER BY");
const tenantQuery = (sql: string) => sql.includes('FROM "Tenant" t');

export async function listBenchCases(db: pg.Client): Promise<ListBenchCase[]> {
  // Cursors halfway down the lists: page 100 of the sandboxes by name, page 2,000 of the audit log.
  const middle = async <T extends pg.QueryResultRow>(sql: string) => (await db.query<T>(sql)).rows[0]!;
  const byName = await middle<{ name: string; id: string }>(`SELECT name, id FROM "Sandbox" WHERE "deletedAt" IS NULL ORDER BY name, id OFFSET ${SCALE.sandboxes / 2} LIMIT 1`);
  const byCreated = await middle<{ createdAt: Date; id: string }>(`SELECT "createdAt", id FROM "Sandbox" ORDER BY "createdAt" DESC, id DESC OFFSET ${SCALE.sandboxes / 2} LIMIT 1`);
  const deepAudit = await middle<{ createdAt: Date; id: string }>(`SELECT "createdAt", id FROM "AuditEvent" ORDER BY "createdAt" DESC, id DESC OFFSET ${SCALE.auditRows / 2} LIMIT 1`);

  const sandboxes = (label: string, actor: Actor, raw: Raw): ListBenchCase => ({
    list: "sandboxes",
    label,
    run: (client) => listSandboxes(actor, sandboxListSchema.parse(raw), { client }),
    isMain: sandboxQuery,
  });
  const orders = (label: string, actor: Actor, raw: Raw): ListBenchCase => ({
    list: "orders",
    label,
    run: (client) => listOrders(actor, orderListSchema.parse(raw), { client }),
    isMain: sandboxQuery,
  });
  const tenants = (label: string, raw: Raw): ListBenchCase => ({ list: "tenants", label, run: (client) => readTenantPage(tenantListSchema.parse(raw), { client }), isMain: tenantQuery });
  const audit = (label: string, actor: Actor, raw: Raw): ListBenchCase => ({
    list: "audit",
    label,
    run: (client) => {
      const parsed = parseAuditQuery(raw);
      if (!parsed.ok) throw new Error(parsed.problems.join("; "));
      return listAuditEvents(actor, parsed.query, { client });
    },
    isMain: auditQuery,
  });

  return [
    sandboxes("staff, newest page", operator, {}),
    sandboxes("staff, newest, page 100 (cursor)", operator, { after: encodeCursor({ value: byCreated.createdAt, id: byCreated.id }) }),
    sandboxes("staff, by name, page 100 (cursor)", operator, { sort: "name", after: encodeCursor({ value: byName.name, id: byName.id }) }),
    sandboxes("staff, by name descending", operator, { sort: "-name" }),
    sandboxes("staff, by status", operator, { sort: "status" }),
    sandboxes("staff, last refreshed first", operator, { sort: "-refreshed" }),
    sandboxes("staff, status failed", operator, { status: "FAILED" }),
    sandboxes("staff, search a name", operator, { q: "Sandbox 1234" }),
    sandboxes("staff, one customer", operator, { customer: "Cust10500" }),
    sandboxes("staff, ordered by a sales rep", operator, { orderer: "sales3@" }),
    sandboxes("staff, one week", operator, { from: "2026-06-01", to: "2026-06-07" }),
    sandboxes("staff, show deleted", operator, { deleted: "shown" }),
    sandboxes("customer admin, newest page", admin, {}),
    sandboxes("customer admin, by name", admin, { sort: "name" }),
    {
      list: "sandboxes",
      label: "staff, the page's active runs",
      run: (client) => listSandboxes(operator, sandboxListSchema.parse({}), { client }),
      isMain: (sql) => sql.includes('FROM "public"."SandboxRun"'),
    },
    orders("staff, newest page", operator, {}),
    orders("staff, awaiting setup", operator, { status: "AWAITING_SETUP" }),
    orders("staff, setup confirmed latest first", operator, { sort: "-confirmed" }),
    orders("sales rep, own orders", salesRep, {}),
    orders("sales rep, own orders by name", salesRep, { sort: "name" }),
    orders("customer admin, newest page", admin, {}),
    tenants("by customer id", {}),
    tenants("by company name", { sort: "name" }),
    tenants("most sandboxes first", { sort: "-sandboxes" }),
    tenants("newest first", { sort: "-created" }),
    tenants("search", { q: "Company 42" }),
    audit("staff, newest page", operator, {}),
    audit("staff, page 2,000 (cursor)", operator, { before: `${deepAudit.createdAt.toISOString()}_${deepAudit.id}` }),
    audit("customer admin, newest page", admin, {}),
    audit("customer admin, URL asks for another tenant", admin, { tenant: "Cust10001" }),
    audit("staff, one customer", operator, { tenant: "Cust10500" }),
    audit("staff, a rare action", operator, { action: "tenant.copyRate.changed" }),
    audit("staff, a common action", operator, { action: "checklist.ticked" }),
    audit("staff, who = an admin's name", operator, { who: "Admin 42 " }),
    audit("staff, sandbox name", operator, { sandbox: "Sandbox 1234" }),
    audit("staff, one week", operator, { from: "2026-06-01", to: "2026-06-07" }),
  ];
}
