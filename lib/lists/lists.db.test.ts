/**
 * The Sandboxes, Orders and Customers lists against a real PostgreSQL: every sort in
 * both directions walked page by page (ties on the sort column included) and compared
 * with one big page, the filters, and tenant scoping whatever the URL says. Queries
 * come from URL parameters through the same parsers the pages use.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { addCrowd, removeCrowd } from "../testing/crowd";
import type { Actor } from "../auth/policy";
import type { KeysetPage } from "./keyset";
import { ORDER_SORTS, SANDBOX_SORTS, orderListSchema, sandboxListSchema } from "../sandboxes/list-schema";
import { TENANT_SORTS, tenantListSchema } from "../tenants/list-schema";

usePortalDatabase();

const { db } = await import("../db/portal");
const { listSandboxes } = await import("../sandboxes/queries");
const { listOrders } = await import("../orders/queries");
const { readTenantPage } = await import("../tenants/queries");

type Raw = Record<string, string | undefined>;
const actor = (role: Actor["role"], tenantId: string | null, id = "x", email = ""): Actor => ({ id, email, name: "", role, tenantId, tenantName: null, customerId: null });
const ids = { tenants: [] as string[], adminA: "", userA: "", sales: "", operator: "", ingrid: "" };
let operator: Actor;

const sandboxes = (who: Actor, raw: Raw = {}, pageSize = 1000) => listSandboxes(who, sandboxListSchema.parse(raw), { pageSize });
const orders = (who: Actor, raw: Raw = {}, pageSize = 1000) => listOrders(who, orderListSchema.parse(raw), { pageSize });
const tenants = (raw: Raw = {}, pageSize = 1000) => readTenantPage(tenantListSchema.parse(raw), { pageSize });
const idsOf = (page: KeysetPage<{ id: string }>) => page.rows.map((r) => r.id);

/**
 * Walks a list forwards by its "Next" links and back by its "Previous" links, as a
 * person clicking would (the cursors go through the URL parser), and returns the ids
 * in the order shown; going back must show exactly the pages seen going forwards.
 */
async function walk(read: (raw: Raw) => Promise<KeysetPage<{ id: string }>>, raw: Raw): Promise<string[]> {
  const pages = [await read(raw)];
  expect(pages[0]!.previous).toBeNull();
  while (pages.at(-1)!.next) pages.push(await read({ ...raw, after: pages.at(-1)!.next! }));
  let page = pages.at(-1)!;
  const back: string[][] = [];
  while (page.previous) {
    page = await read({ ...raw, before: page.previous });
    back.unshift(idsOf(page));
  }
  expect(back).toEqual(pages.slice(0, -1).map(idsOf));
  return pages.flatMap(idsOf);
}

/** Every sort of a list, both ways: pages of 4 show what one big page shows, each row once. */
async function expectEverySortPagesWhole(sorts: Record<string, unknown>, read: (raw: Raw, pageSize: number) => Promise<KeysetPage<{ id: string }>>, raw: Raw = {}) {
  for (const key of Object.keys(sorts)) {
    for (const sort of [key, `-${key}`]) {
      const whole = idsOf(await read({ ...raw, sort }, 1000));
      expect(whole.length, sort).toBeGreaterThan(8);
      const walked = await walk((r) => read(r, 4), { ...raw, sort });
      expect(walked, sort).toEqual(whole);
      expect(new Set(walked).size, sort).toBe(walked.length);
    }
  }
}

beforeAll(async () => {
  // Nine tenants: several with no sandbox, and several registered in the same millisecond (ties).
  const registered = new Date("2026-01-01T00:00:00.000Z");
  const companies = ["Nordlys Consulting AS", "Fjordline Logistics AB", "Bergen Bakeri", "Odd 100% Percent", "Alpha", "Beta", "Gamma", "Delta", "Epsilon"];
  for (const [i, companyName] of companies.entries()) {
    const tenant = await db.tenant.create({ data: { customerId: `Cust${i + 1}`, companyName, productionUrlEncrypted: "x", createdAt: i > 3 ? registered : new Date(registered.getTime() + i) } });
    ids.tenants.push(tenant.id);
  }
  const [a, b, c] = ids.tenants as [string, string, string];
  const user = async (email: string, name: string, role: Actor["role"], tenantId: string | null) => (await db.user.create({ data: { email, name, role, tenantId, passwordHash: "-" } })).id;
  ids.adminA = await user("ingrid@nordlys.example", "Ingrid Nordlys", "CUSTOMER_ADMIN", a);
  ids.userA = await user("ulf@nordlys.example", "Ulf User", "CUSTOMER_USER", a);
  ids.sales = await user("sam@portal.example", "Sam Sales", "SALES_REP", null);
  ids.operator = await user("olivia@portal.example", "Olivia Operator", "OPERATOR", null);
  const adminB = await user("bo@fjordline.example", "Bo Fjord", "CUSTOMER_ADMIN", b);
  operator = actor("OPERATOR", null, ids.operator);

  // Same instants, statuses and refresh times again and again: the tie-breaker is what pages.
  const at = (day: number) => new Date(`2026-11-${String(day).padStart(2, "0")}T12:00:00.000Z`);
  const statuses = ["READY", "READY", "FAILED", "AWAITING_SETUP", "QUEUED"] as const;
  const rows = [
    ...Array.from({ length: 14 }, (_, i) => ({ tenantId: a, name: `Sandbox ${i % 7}${i < 7 ? "" : " copy"}`, orderedById: i % 3 === 0 ? ids.sales : ids.adminA })),
    ...Array.from({ length: 8 }, (_, i) => ({ tenantId: b, name: `Sandbox ${i}`, orderedById: i % 2 ? ids.sales : adminB })),
    ...Array.from({ length: 3 }, (_, i) => ({ tenantId: c, name: `Bakery ${i}`, orderedById: ids.operator })),
  ].map((row, i) => ({
    ...row,
    status: statuses[i % statuses.length]!,
    planCounts: {},
    createdAt: at(1 + (i % 4)),
    lastRefreshedAt: i % 3 === 0 ? null : at(10 + (i % 2)),
    confirmedAt: i % 4 === 0 ? null : at(20),
  }));
  await db.sandbox.createMany({ data: rows });
  // Deleted and cancelled ones keep names the live ones use.
  await db.sandbox.createMany({
    data: [
      { tenantId: a, name: "Sandbox 1", status: "DELETED", deletedAt: at(5), planCounts: {}, orderedById: ids.adminA, createdAt: at(1) },
      { tenantId: a, name: "sandbox 2", status: "CANCELLED", deletedAt: at(5), planCounts: {}, orderedById: ids.sales, createdAt: at(2) },
    ],
  });
  // Ulf has (open) access to two of Nordlys's sandboxes, and had it to a third.
  const [one, two, three] = await db.sandbox.findMany({ where: { tenantId: a, deletedAt: null }, orderBy: { name: "asc" }, take: 3, select: { id: true } });
  const grant = (sandboxId: string, associateId: number, endedAt: Date | null = null) => ({ sandboxId, associateId, username: "ulf", fullName: "Ulf User", email: "ulf@nordlys.example", userPlan: "sales-premium", endedAt });
  await db.sandboxAccess.createMany({ data: [grant(one!.id, 1), grant(two!.id, 1), grant(three!.id, 1, new Date())] });
});

describe("the Sandboxes list", () => {
  it("pages every sort both ways without skipping or repeating a row, ties and empty values included", async () => {
    await expectEverySortPagesWhole(SANDBOX_SORTS, (raw, size) => sandboxes(operator, raw, size));
    await expectEverySortPagesWhole(SANDBOX_SORTS, (raw, size) => sandboxes(operator, raw, size), { deleted: "shown" });
    await expectEverySortPagesWhole(SANDBOX_SORTS, (raw, size) => sandboxes(actor("CUSTOMER_ADMIN", ids.tenants[0]!, ids.adminA), raw, size));
  });

  it("sorts by the column asked for: names, statuses in their order, never-refreshed last either way", async () => {
    const names = (await sandboxes(operator, { sort: "name", customer: "Cust2" })).rows.map((r) => r.name);
    expect(names).toEqual([...names].sort());
    const statuses = (await sandboxes(operator, { sort: "-status" })).rows.map((r) => r.status);
    expect(statuses[0]).toBe("FAILED");
    expect(statuses.at(-1)).toBe("AWAITING_SETUP");
    for (const sort of ["refreshed", "-refreshed"]) {
      const refreshed = (await sandboxes(operator, { sort })).rows.map((r) => r.lastRefreshedAt);
      expect(refreshed.findIndex((d) => d === null)).toBe(refreshed.filter(Boolean).length);
    }
  });

  it("filters by words, status, customer, orderer and created days", async () => {
    const all = (raw: Raw, who = operator) => sandboxes(who, raw).then((p) => p.rows);
    expect((await all({ q: "COPY" })).map((r) => r.name).every((n) => n.endsWith(" copy"))).toBe(true);
    expect(await all({ q: "copy" })).toHaveLength(7);
    // Staff also find a customer's sandboxes by its name or id.
    expect((await all({ q: "fjordline" })).every((r) => r.tenant.customerId === "Cust2")).toBe(true);
    expect(await all({ q: "fjordline" })).toHaveLength(8);
    expect(await all({ q: "cust3" })).toHaveLength(3);
    expect(await all({ q: "%" })).toEqual([]);
    expect((await all({ status: "FAILED" })).every((r) => r.status === "FAILED")).toBe(true);
    expect(await all({ status: "FAILED" })).toHaveLength(5);
    expect(await all({ customer: "bergen" })).toHaveLength(3);
    expect(await all({ customer: "no such customer" })).toEqual([]);
    expect(await all({ orderer: "sam@portal" })).toHaveLength(9);
    expect(await all({ from: "2026-11-02", to: "2026-11-03" })).toHaveLength(12);
    expect(await all({ q: "sandbox", customer: "Cust1", orderer: "ingrid", status: "READY", from: "2026-11-01", to: "2026-11-04" })).not.toHaveLength(0);
  });

  it("filters by words that match more people or customers than one query can name (a large portal), as by a few", async () => {
    // More than PostgreSQL takes as a statement's parameters: each was one, and the list failed (a 500).
    await addCrowd(db);
    try {
      await db.sandbox.create({ data: { tenantId: "crowd-t-7", orderedById: "crowd-u-7", name: "Crowded", status: "READY", planCounts: {} } });
      const names = async (raw: Raw) => (await sandboxes(operator, raw)).rows.map((r) => r.name);
      expect(await names({ orderer: "crowd" })).toEqual(["Crowded"]);
      expect(await names({ customer: "crowd holding" })).toEqual(["Crowded"]);
      expect(await names({ q: "crowd holding" })).toEqual(["Crowded"]);
      expect(await names({ q: "crowd", orderer: "@crowd.example", customer: "crowd" })).toEqual(["Crowded"]);
      expect((await orders(operator, { orderer: "crowd" })).rows.map((r) => r.name)).toEqual(["Crowded"]);
    } finally {
      await db.sandbox.deleteMany({ where: { tenantId: "crowd-t-7" } });
      await removeCrowd(db);
    }
  });

  it("keeps deleted ones behind “Show deleted”, unless the status filter names them", async () => {
    const names = async (raw: Raw) => (await sandboxes(operator, { customer: "Cust1", ...raw })).rows.map((r) => r.status);
    expect(await names({})).toHaveLength(14);
    expect(await names({ deleted: "shown" })).toHaveLength(16);
    expect(await names({ status: "DELETED" })).toEqual(["DELETED"]);
    expect(await names({ status: "CANCELLED" })).toEqual(["CANCELLED"]);
  });

  it("shows a customer their own tenant only, and a customer user only the sandboxes they have access to, whatever the URL says", async () => {
    const [a] = ids.tenants as [string];
    const admin = actor("CUSTOMER_ADMIN", a, ids.adminA);
    const own = idsOf(await sandboxes(admin));
    expect(own).toHaveLength(14);
    const ownTenant = new Set((await db.sandbox.findMany({ where: { tenantId: a }, select: { id: true } })).map((s) => s.id));
    for (const raw of [{ customer: "Cust2" }, { customer: "Fjordline" }, { q: "Fjordline" }, { q: "Cust2" }, { deleted: "shown", sort: "-name" }, { orderer: "sam" }, { status: "DELETED" }]) {
      expect(idsOf(await sandboxes(admin, raw)).every((id) => ownTenant.has(id)), JSON.stringify(raw)).toBe(true);
    }
    // The customer filter is ignored for a customer; their search does not look at company names.
    expect(idsOf(await sandboxes(admin, { customer: "Cust2" }))).toEqual(own);
    expect(idsOf(await sandboxes(admin, { q: "Fjordline" }))).toEqual([]);
    // A cursor taken from an operator's page pages on within the admin's own rows only.
    const operatorPage = await sandboxes(operator, { sort: "name" }, 3);
    expect(idsOf(await sandboxes(admin, { sort: "name", after: operatorPage.next! })).every((id) => ownTenant.has(id))).toBe(true);

    const ulf = actor("CUSTOMER_USER", a, ids.userA, "ULF@nordlys.example");
    const access = await db.sandboxAccess.findMany({ where: { email: "ulf@nordlys.example", endedAt: null }, select: { sandboxId: true } });
    expect(idsOf(await sandboxes(ulf)).sort()).toEqual(access.map((g) => g.sandboxId).sort());
    for (const raw of [{}, { deleted: "shown" }, { customer: "Cust1" }, { sort: "-refreshed" }, { q: "Sandbox" }]) expect(idsOf(await sandboxes(ulf, raw))).toHaveLength(2);
    expect((await sandboxes(actor("CUSTOMER_ADMIN", null))).rows).toEqual([]);
  });
});

describe("the Orders list", () => {
  it("pages every sort both ways, for an operator and for a sales rep", async () => {
    await expectEverySortPagesWhole(ORDER_SORTS, (raw, size) => orders(operator, raw, size));
    await expectEverySortPagesWhole(ORDER_SORTS, (raw, size) => orders(actor("SALES_REP", null, ids.sales), raw, size));
  });

  it("shows a sales rep the orders they filed, a customer admin their tenant's, whatever the URL says", async () => {
    const rep = actor("SALES_REP", null, ids.sales);
    const filed = new Set((await db.sandbox.findMany({ where: { orderedById: ids.sales }, select: { id: true } })).map((s) => s.id));
    expect(filed.size).toBe(10);
    for (const raw of [{}, { orderer: "ingrid" }, { customer: "Cust2" }, { sort: "-confirmed" }]) {
      expect(idsOf(await orders(rep, raw)).every((id) => filed.has(id))).toBe(true);
    }
    expect(await orders(rep, { orderer: "ingrid" }).then((p) => p.rows)).toEqual([]);
    const admin = actor("CUSTOMER_ADMIN", ids.tenants[1]!);
    expect((await orders(admin, { customer: "Cust1" })).rows.every((o) => o.tenant.customerId === "Cust2")).toBe(true);
    expect((await orders(admin, { customer: "Cust1" })).rows).toHaveLength(8);
    // Orders include cancelled and deleted ones: they are the order's history.
    expect((await orders(operator, { status: "CANCELLED" })).rows.map((o) => o.name)).toEqual(["sandbox 2"]);
  });
});

describe("the Customers list", () => {
  it("pages every sort both ways, the number of sandboxes and registration ties included", async () => {
    await expectEverySortPagesWhole(TENANT_SORTS, (raw, size) => tenants(raw, size));
  });

  it("counts sandboxes and users, and searches company names and customer ids, LIKE characters literally", async () => {
    const bySandboxes = (await tenants({ sort: "-sandboxes" })).rows;
    expect(bySandboxes.slice(0, 3).map((t) => [t.customerId, t.sandboxCount])).toEqual([["Cust1", 16], ["Cust2", 8], ["Cust3", 3]]);
    expect(bySandboxes.find((t) => t.customerId === "Cust1")?.userCount).toBe(2);
    expect((await tenants({ q: "fjord" })).rows.map((t) => t.customerId)).toEqual(["Cust2"]);
    expect((await tenants({ q: "CUST4" })).rows.map((t) => t.customerId)).toEqual(["Cust4"]);
    expect((await tenants({ q: "100%" })).rows.map((t) => t.customerId)).toEqual(["Cust4"]);
    expect((await tenants({ q: "%" })).rows.map((t) => t.customerId)).toEqual(["Cust4"]);
    expect((await tenants({ q: "_" })).rows).toEqual([]);
  });
});
