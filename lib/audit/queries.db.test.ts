import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { Actor } from "../auth/policy";

usePortalDatabase();

const { db } = await import("../db/portal");
const { listAuditEvents, AUDIT_PAGE_SIZE } = await import("./queries");
const { listNotifications } = await import("../notifications/queries");
const { markNotificationsRead } = await import("../notifications/mutations");

const actor = (role: Actor["role"], tenantId: string | null, id = "x"): Actor => ({ id, email: "", name: "", role, tenantId, tenantName: null, customerId: null });
let tenantA = "";
let tenantB = "";

describe("the audit log and notifications", () => {
  beforeAll(async () => {
    tenantA = (await db.tenant.create({ data: { customerId: "Cust1", companyName: "A", productionUrlEncrypted: "x" } })).id;
    tenantB = (await db.tenant.create({ data: { customerId: "Cust2", companyName: "B", productionUrlEncrypted: "x" } })).id;
    const rows = [
      ...Array.from({ length: AUDIT_PAGE_SIZE + 5 }, () => ({ tenantId: tenantA, action: "checklist.fixed" })),
      { tenantId: tenantA, action: "sandbox.delete.requested" },
      { tenantId: tenantB, action: "sandbox.delete.requested" },
    ];
    await db.auditEvent.createMany({ data: rows });
  });

  it("shows a customer admin their own tenant only, filtered and paginated", async () => {
    const admin = actor("CUSTOMER_ADMIN", tenantA);
    const first = await listAuditEvents(admin, { page: 1 });
    expect(first.total).toBe(AUDIT_PAGE_SIZE + 6);
    expect(first.events).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.pageCount).toBe(2);
    expect((await listAuditEvents(admin, { page: 2 })).events).toHaveLength(6);
    const deletions = await listAuditEvents(admin, { page: 1, action: "sandbox.delete.requested" });
    expect(deletions.total).toBe(1);
    expect(deletions.events[0]?.tenant?.customerId).toBe("Cust1");
    expect((await listAuditEvents(actor("CUSTOMER_ADMIN", null), { page: 1 })).total).toBe(0);
  });

  it("shows operators every tenant", async () => {
    expect((await listAuditEvents(actor("OPERATOR", null), { page: 1, action: "sandbox.delete.requested" })).total).toBe(2);
  });

  it("marks only the user's own notifications read", async () => {
    const user = async (email: string) => (await db.user.create({ data: { email, name: email, role: "CUSTOMER_USER", tenantId: tenantA, passwordHash: "-" } })).id;
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
});
