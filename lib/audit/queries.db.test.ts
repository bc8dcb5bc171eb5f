import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { addCrowd, removeCrowd } from "../testing/crowd";
import type { Actor } from "../auth/policy";
import { parseAuditQuery } from "./schema";

usePortalDatabase();

const { db } = await import("../db/portal");
const { listAuditEvents, eachAuditEvent, AUDIT_PAGE_SIZE } = await import("./queries");
const { MATCHED_IDS_AT_MOST } = await import("../lists/matching");
const { listNotifications } = await import("../notifications/queries");
const { markNotificationsRead } = await import("../notifications/mutations");

const actor = (role: Actor["role"], tenantId: string | null, id = "x"): Actor => ({ id, email: "", name: "", role, tenantId, tenantName: null, customerId: null });
const operator = actor("OPERATOR", null);
const ids = { tenantA: "", tenantB: "", tenantC: "", ingrid: "", olivia: "", uatA: "", trainingA: "", uatB: "" };

/** The query as the page gets it: from URL parameters, through the same parser. */
function query(raw: Record<string, string>) {
  const parsed = parseAuditQuery(raw);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.query;
}
const list = async (who: Actor, raw: Record<string, string> = {}) => (await listAuditEvents(who, query(raw))).events;

describe("the audit log's filters and pages", () => {
  beforeAll(async () => {
    const tenant = async (customerId: string, companyName: string) => (await db.tenant.create({ data: { customerId, companyName, productionUrlEncrypted: "x" } })).id;
    ids.tenantA = await tenant("Cust1", "Nordlys Consulting AS");
    ids.tenantB = await tenant("Cust2", "Fjordline Logistics AB");
    ids.tenantC = await tenant("Cust3", "Bergen Bakeri");
    const user = async (email: string, name: string, role: Actor["role"], tenantId: string | null) =>
      (await db.user.create({ data: { email, name, role, tenantId, passwordHash: "-" } })).id;
    ids.ingrid = await user("ingrid@nordlys.example", "Ingrid Nordlys", "CUSTOMER_ADMIN", ids.tenantA);
    ids.olivia = await user("olivia@portal.example", "Olivia Operator", "OPERATOR", null);
    const sandbox = async (tenantId: string, name: string, deleted = false) =>
      (await db.sandbox.create({ data: { tenantId, orderedById: ids.ingrid, name, status: deleted ? "DELETED" : "READY", planCounts: {}, deletedAt: deleted ? new Date() : null } })).id;
    ids.uatA = await sandbox(ids.tenantA, "UAT");
    ids.trainingA = await sandbox(ids.tenantA, "Training", true);
    ids.uatB = await sandbox(ids.tenantB, "UAT");
    const at = (day: string) => new Date(`${day}T12:00:00.000Z`);
    await db.auditEvent.createMany({
      data: [
        { tenantId: ids.tenantA, actorId: ids.ingrid, action: "sandbox.wizard.confirmed", targetId: ids.uatA, details: { options: {} }, createdAt: at("2026-11-01") },
        { tenantId: ids.tenantA, actorId: ids.ingrid, action: "sandbox.delete.requested", targetId: ids.trainingA, details: { name: "Training" }, createdAt: at("2026-11-02") },
        { tenantId: ids.tenantA, actorId: null, action: "tenant.copyRate.changed", details: { via: "operator CLI", fromMBps: null, toMBps: 10 }, createdAt: at("2026-11-03") },
        { tenantId: ids.tenantB, actorId: ids.olivia, action: "tenant.copyRate.changed", details: { via: "portal", fromMBps: null, toMBps: 5 }, createdAt: at("2026-11-03") },
        { tenantId: ids.tenantB, actorId: ids.olivia, action: "sandbox.refresh.requested", targetId: ids.uatB, details: { name: "UAT" }, createdAt: at("2026-11-04") },
      ],
    });
    // Tenant C: more rows than three pages hold, all written in the same millisecond.
    const same = new Date("2026-11-10T08:00:00.000Z");
    await db.auditEvent.createMany({ data: Array.from({ length: 2 * AUDIT_PAGE_SIZE + 20 }, () => ({ tenantId: ids.tenantC, action: "checklist.ticked", createdAt: same })) });
  });

  it("names the sandbox from its target, deleted or not, in a plain sentence", async () => {
    const rows = await list(operator, { tenant: "Cust1" });
    expect(rows.map((r) => r.sentence)).toEqual([
      "An operator (CLI) changed the copy rate of Nordlys Consulting AS to 10 MB/s",
      "Ingrid Nordlys asked for sandbox “Training” for Nordlys Consulting AS to be deleted",
      "Ingrid Nordlys confirmed the setup of sandbox “UAT” for Nordlys Consulting AS",
    ]);
  });

  it("filters by who (name or e-mail), customer, sandbox, action and UTC days", async () => {
    const tenants = (rows: Awaited<ReturnType<typeof list>>) => rows.map((r) => r.tenant?.customerId);
    expect((await list(operator, { who: "olivia" })).every((r) => r.actor?.name === "Olivia Operator")).toBe(true);
    expect(await list(operator, { who: "OLIVIA@portal" })).toHaveLength(2);
    expect(tenants(await list(operator, { tenant: "cust2" }))).toEqual(["Cust2", "Cust2"]);
    expect(tenants(await list(operator, { tenant: "fjordline" }))).toEqual(["Cust2", "Cust2"]);
    expect(tenants(await list(operator, { sandbox: "uat" }))).toEqual(["Cust2", "Cust1"]);
    expect((await list(operator, { sandbox: ids.trainingA })).map((r) => r.action)).toEqual(["sandbox.delete.requested"]);
    expect(await list(operator, { sandbox: "no such sandbox" })).toEqual([]);
    // LIKE's characters are meant literally, in every word filter.
    for (const wildcard of ["%", "_"]) for (const key of ["tenant", "who", "sandbox"]) expect(await list(operator, { [key]: wildcard })).toEqual([]);
    expect(tenants(await list(operator, { action: "tenant.copyRate.changed" }))).toEqual(expect.arrayContaining(["Cust1", "Cust2"]));
    expect(await list(operator, { action: "tenant.copyRate.changed" })).toHaveLength(2);
    // "To" includes its whole day; "From" starts at its midnight.
    expect((await list(operator, { from: "2026-11-02", to: "2026-11-03" })).map((r) => r.action).sort()).toEqual([
      "sandbox.delete.requested",
      "tenant.copyRate.changed",
      "tenant.copyRate.changed",
    ]);
    expect(await list(operator, { from: "2026-11-05", to: "2026-11-09" })).toEqual([]);
    expect(await list(operator, { who: "olivia", tenant: "Cust2", sandbox: "UAT", action: "sandbox.refresh.requested", from: "2026-11-04", to: "2026-11-04" })).toHaveLength(1);
  });

  it("keeps a customer admin to their own tenant, whatever the URL says", async () => {
    const admin = actor("CUSTOMER_ADMIN", ids.tenantA, ids.ingrid);
    const own = await list(admin);
    expect(own).toHaveLength(3);
    for (const tampered of [{ tenant: "Cust2" }, { tenant: "Fjordline" }, { tenant: "Cust3" }]) {
      expect((await list(admin, tampered)).map((r) => r.id)).toEqual(own.map((r) => r.id));
    }
    // Another tenant's sandbox, by name or by id, finds nothing; nor does its operator.
    expect(await list(admin, { sandbox: ids.uatB })).toEqual([]);
    expect((await list(admin, { sandbox: "UAT" })).map((r) => r.tenant?.customerId)).toEqual(["Cust1"]);
    expect(await list(admin, { who: "olivia" })).toEqual([]);
    expect(await list(actor("CUSTOMER_ADMIN", null))).toEqual([]);
  });

  it("never shows a customer where its databases run (production's host, the sandbox servers' names), in the sentence, the details or the export; staff see it", async () => {
    const hosts = ["db7.hosting.example:5432", "sbx-10-0-0-7-5433", "sbx-old-5433", "sbx-new-5434"];
    const made = await Promise.all(
      [
        { action: "tenant.productionUrl.changed", details: { via: "operator CLI", production: hosts[0] } },
        { action: "tenant.registered", details: { via: "operator CLI", customerId: "Cust3", company: "Bergen Bakeri", production: hosts[0], pinnedTo: hosts[1] } },
        { action: "sandbox.writtenOff", details: { via: "operator CLI", name: "UAT", server: hosts[1], reason: "its disk failed" } },
        { action: "sandbox.replaced", details: { via: "operator CLI", name: "UAT", from: hosts[2], to: hosts[3] } },
        // Another event's "to" is no server: it stays.
        { action: "sandbox.autoRefresh.changed", details: { name: "UAT", to: 12 } },
      ].map(({ action, details }) => db.auditEvent.create({ data: { action, tenantId: ids.tenantC, details } })),
    );
    try {
      const admin = actor("CUSTOMER_ADMIN", ids.tenantC, "someone");
      const seen = (await list(admin)).filter((e) => made.some((m) => m.id === e.id));
      expect(seen).toHaveLength(made.length);
      const exported = [];
      for await (const e of eachAuditEvent(admin, query({}))) exported.push(e);
      for (const shown of [JSON.stringify(seen), JSON.stringify(exported)]) for (const host of hosts) expect(shown).not.toContain(host);
      const byAction = (events: typeof seen) => new Map(events.map((e) => [e.action, e]));
      const customer = byAction(seen);
      expect(customer.get("tenant.productionUrl.changed")!.sentence).toBe("An operator (CLI) changed the production address of Bergen Bakeri");
      expect(customer.get("tenant.productionUrl.changed")!.details).toEqual({ via: "operator CLI" });
      expect(customer.get("tenant.registered")!.sentence).toBe("An operator (CLI) registered the customer Cust3");
      expect(customer.get("sandbox.writtenOff")!.sentence).toContain("its sandbox server was lost (its disk failed)");
      expect(customer.get("sandbox.replaced")!.sentence).toContain("from the lost sandbox server to another");
      expect(customer.get("sandbox.autoRefresh.changed")!.details).toEqual({ name: "UAT", to: 12 });
      const staff = byAction((await list(operator)).filter((e) => made.some((m) => m.id === e.id)));
      expect(staff.get("tenant.productionUrl.changed")!.sentence).toContain(`to ${hosts[0]}`);
      expect(staff.get("tenant.registered")!.sentence).toContain(`pinned to the server “${hosts[1]}”`);
      expect(staff.get("sandbox.writtenOff")!.sentence).toContain(`“${hosts[1]}” was lost`);
      expect(staff.get("sandbox.replaced")!.sentence).toContain(`“${hosts[2]}” to “${hosts[3]}”`);
    } finally {
      await db.auditEvent.deleteMany({ where: { id: { in: made.map((m) => m.id) } } });
    }
  });

  it("pages by (createdAt, id): rows with equal timestamps neither repeat nor go missing, in both directions", async () => {
    const all = (await db.auditEvent.findMany({ where: { tenantId: ids.tenantC }, select: { id: true } })).map((r) => r.id);
    const first = await listAuditEvents(operator, query({ tenant: "Cust3" }));
    expect(first.newer).toBeNull();
    const second = await listAuditEvents(operator, { ...query({ tenant: "Cust3" }), before: first.older! });
    const third = await listAuditEvents(operator, { ...query({ tenant: "Cust3" }), before: second.older! });
    expect([first, second, third].map((p) => p.events.length)).toEqual([AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE, 20]);
    expect(third.older).toBeNull();
    const seen = [first, second, third].flatMap((p) => p.events.map((e) => e.id));
    expect(new Set(seen).size).toBe(all.length);
    expect(seen.sort()).toEqual([...all].sort());
    // Back from the last page: "Newer" shows exactly the page before it, then the first.
    const back = await listAuditEvents(operator, { ...query({ tenant: "Cust3" }), after: third.newer! });
    expect(back.events.map((e) => e.id)).toEqual(second.events.map((e) => e.id));
    const backToFirst = await listAuditEvents(operator, { ...query({ tenant: "Cust3" }), after: back.newer! });
    expect(backToFirst.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(backToFirst.newer).toBeNull();
    expect(backToFirst.older).toEqual(first.older);
  });

  it("filters by words that match more people or customers than one query can name (a large portal), as by a few", async () => {
    // More than PostgreSQL takes as a statement's parameters: each was one, and the page failed (a 500).
    await addCrowd(db);
    try {
      await db.auditEvent.createMany({
        data: [
          { tenantId: "crowd-t-7", actorId: "crowd-u-7", action: "sandbox.refresh.requested", createdAt: new Date("2026-11-20T10:00:00.000Z") },
          { tenantId: ids.tenantA, actorId: "crowd-u-8", action: "sandbox.refresh.requested", createdAt: new Date("2026-11-20T11:00:00.000Z") },
        ],
      });
      expect((await list(operator, { who: "crowd" })).map((e) => e.actor?.name)).toEqual(["Crowd Person 8", "Crowd Person 7"]);
      expect((await list(operator, { tenant: "crowd holding" })).map((e) => e.tenant?.companyName)).toEqual(["Crowd Holding 7"]);
      // A customer's own tenant only, whoever did it.
      expect((await list(actor("CUSTOMER_ADMIN", ids.tenantA, ids.ingrid), { who: "@crowd.example" })).map((e) => e.actor?.name)).toEqual(["Crowd Person 8"]);
      const exported = [];
      for await (const e of eachAuditEvent(operator, query({ who: "crowd", tenant: "crowd" }))) exported.push(e.actor?.name);
      expect(exported).toEqual(["Crowd Person 7"]);
    } finally {
      await db.auditEvent.deleteMany({ where: { actorId: { startsWith: "crowd-u-" } } });
      await removeCrowd(db);
    }
  });

  it("refuses, in words, a sandbox filter that matches more sandboxes than one query can name, rather than failing", async () => {
    // More than PostgreSQL takes as a statement's parameters: each id was one, and the page failed (a 500).
    await db.$executeRaw`INSERT INTO "Sandbox" (id, "tenantId", name, "planCounts", "orderedById")
      SELECT 'crowd-s-' || n, ${ids.tenantA}, 'Crowd box ' || n, '{}'::jsonb, ${ids.ingrid} FROM generate_series(1, 40000) n`;
    try {
      const words = `“Sandbox” matches more than ${MATCHED_IDS_AT_MOST.toLocaleString("en")} sandboxes: type more of the name, or the sandbox's id.`;
      for (const who of [operator, actor("CUSTOMER_ADMIN", ids.tenantA, ids.ingrid)]) {
        await expect(list(who, { sandbox: "crowd box" })).rejects.toMatchObject({ code: "INVALID_INPUT", userMessage: words, fieldErrors: { sandbox: [words] } });
      }
      // Fewer, or one by its id, still filter.
      expect(await list(operator, { sandbox: "crowd box 39999" })).toEqual([]);
      expect(await list(operator, { sandbox: "crowd-s-7" })).toEqual([]);
    } finally {
      await db.$executeRaw`DELETE FROM "Sandbox" WHERE id LIKE 'crowd-s-%'`;
    }
  });

  it("reads every matching event in keyset batches, once each", async () => {
    const ids: string[] = [];
    for await (const e of eachAuditEvent(operator, query({ tenant: "Cust3" }), 7)) ids.push(e.id);
    expect(ids).toHaveLength(2 * AUDIT_PAGE_SIZE + 20);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("notifications", () => {
  it("marks only the user's own notifications read", async () => {
    const user = async (email: string) => (await db.user.create({ data: { email, name: email, role: "CUSTOMER_USER", tenantId: ids.tenantA, passwordHash: "-" } })).id;
    const mine = await user("me@a.example");
    const theirs = await user("them@a.example");
    const n1 = await db.notification.create({ data: { userId: mine, message: "one" } });
    await db.notification.create({ data: { userId: mine, message: "two" } });
    const other = await db.notification.create({ data: { userId: theirs, message: "theirs" } });
    expect((await listNotifications(mine)).unread).toBe(2);
    expect(await markNotificationsRead(mine, other.id)).toBe(0);
    expect(await markNotificationsRead(mine, n1.id)).toBe(1);
    expect((await listNotifications(mine)).unread).toBe(1);
    expect(await markNotificationsRead(mine)).toBe(1);
    expect((await listNotifications(theirs)).unread).toBe(1);
  });

  it("lists the user's newest notifications only, as stored, with every unread counted", async () => {
    const me = (await db.user.create({ data: { email: "bell@a.example", name: "Bell", role: "CUSTOMER_USER", tenantId: ids.tenantA, passwordHash: "-" } })).id;
    const other = (await db.user.create({ data: { email: "other-bell@a.example", name: "Other", role: "CUSTOMER_USER", tenantId: ids.tenantA, passwordHash: "-" } })).id;
    expect(await listNotifications(me)).toEqual({ items: [], unread: 0 });
    const start = Date.UTC(2026, 0, 1, 8);
    await db.notification.createMany({
      data: Array.from({ length: 14 }, (_, k) => ({ userId: me, message: `notice ${k}`, link: k % 2 ? `/sandboxes/s${k}` : null, createdAt: new Date(start + k * 60_000), readAt: k < 3 ? new Date(start + 3_600_000) : null })),
    });
    await db.notification.create({ data: { userId: other, message: "not mine", createdAt: new Date(start + 3_600_000) } });
    const { items, unread } = await listNotifications(me, 5);
    expect(unread).toBe(11);
    expect(items.map((n) => n.message)).toEqual(["notice 13", "notice 12", "notice 11", "notice 10", "notice 9"]);
    const stored = await db.notification.findMany({ where: { userId: me }, orderBy: { createdAt: "desc" }, take: 5, select: { id: true, message: true, link: true, createdAt: true, readAt: true } });
    expect(items).toEqual(stored);
    // Read ones are listed too, as read.
    expect((await listNotifications(me, 14)).items.at(-1)).toMatchObject({ message: "notice 0", readAt: new Date(start + 3_600_000) });
  });
});
