import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "@/lib/testing/portal-db";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));

usePortalDatabase();

const { db } = await import("@/lib/db/portal");
const { GET } = await import("./route");

const ids = { adminA: "", userA: "", operator: "" };
const exportCsv = (query = "") => GET(new Request(`http://x/api/audit/export${query}`));

describe("the audit export", () => {
  beforeAll(async () => {
    const tenant = async (customerId: string, companyName: string) => (await db.tenant.create({ data: { customerId, companyName, productionUrlEncrypted: "x" } })).id;
    const tenantA = await tenant("Cust1", "Nordlys Consulting AS");
    const tenantB = await tenant("Cust2", "Fjordline Logistics AB");
    const user = async (email: string, name: string, role: "CUSTOMER_ADMIN" | "CUSTOMER_USER" | "OPERATOR", tenantId: string | null) =>
      (await db.user.create({ data: { email, name, role, tenantId, passwordHash: "-" } })).id;
    ids.adminA = await user("ingrid@nordlys.example", "Ingrid Nordlys", "CUSTOMER_ADMIN", tenantA);
    ids.userA = await user("user@nordlys.example", "Nora User", "CUSTOMER_USER", tenantA);
    ids.operator = await user("olivia@portal.example", "Olivia Operator", "OPERATOR", null);
    const hostileActor = await user("mallory@nordlys.example", "=cmd|' /C calc'!A0", "CUSTOMER_ADMIN", tenantA);
    // A name a customer chose, made to run as a formula in a spreadsheet.
    const hostile = (await db.sandbox.create({ data: { tenantId: tenantA, orderedById: ids.adminA, name: '=HYPERLINK("http://evil.example")', status: "READY", planCounts: {} } })).id;
    await db.auditEvent.createMany({
      data: [
        { tenantId: tenantA, actorId: ids.adminA, action: "sandbox.delete.requested", targetId: hostile, details: { name: "x" }, createdAt: new Date("2026-11-01T10:00:00.000Z") },
        { tenantId: tenantA, actorId: hostileActor, action: "checklist.fixed", targetId: hostile, details: { what: "@SUM(1)" }, createdAt: new Date("2026-11-01T09:00:00.000Z") },
        { tenantId: tenantB, actorId: ids.operator, action: "tenant.copyRate.changed", details: { toMBps: 10 }, createdAt: new Date("2026-11-02T10:00:00.000Z") },
        ...Array.from({ length: 600 }, (_, i) => ({ tenantId: tenantA, action: "checklist.ticked", details: { item: "dead-end", ticked: true }, createdAt: new Date(Date.UTC(2026, 10, 3, 0, 0, i)) })),
      ],
    });
  });
  beforeEach(() => signInAs(null));

  it("needs a session and the audit permission", async () => {
    expect((await exportCsv()).status).toBe(401);
    signInAs(ids.userA);
    expect((await exportCsv()).status).toBe(403);
  });

  it("gives a customer admin their own tenant's rows only, whatever the URL says, streamed past one batch", async () => {
    signInAs(ids.adminA);
    const response = await exportCsv("?tenant=Cust2");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await response.text()).split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("time (UTC),sentence,actor,tenant,action,details");
    expect(lines).toHaveLength(1 + 602);
    expect(lines.join("\n")).not.toContain("Fjordline");
    expect(lines[1]).toBe("2026-11-03T00:09:59.000Z,The system ticked “a dead end” on the checklist of a sandbox for Nordlys Consulting AS,The system,Nordlys Consulting AS (Cust1),checklist.ticked,\"{\"\"item\"\":\"\"dead-end\"\",\"\"ticked\"\":true}\"");
  });

  it("keeps the filters, and a cell that would run as a formula starts with an apostrophe", async () => {
    signInAs(ids.operator);
    const lines = (await (await exportCsv("?action=sandbox.delete.requested")).text()).split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('Ingrid Nordlys asked for sandbox “=HYPERLINK(""http://evil.example"")” for Nordlys Consulting AS to be deleted');
    expect(lines[1]).toContain(",Ingrid Nordlys <ingrid@nordlys.example>,");
    const fixed = (await (await exportCsv("?action=checklist.fixed")).text()).split("\r\n")[1];
    expect(fixed).toBe(
      `2026-11-01T09:00:00.000Z,"'=cmd|' /C calc'!A0 applied the checklist fix “@SUM(1)” to sandbox “=HYPERLINK(""http://evil.example"")” for Nordlys Consulting AS",` +
        `'=cmd|' /C calc'!A0 <mallory@nordlys.example>,Nordlys Consulting AS (Cust1),checklist.fixed,"{""what"":""@SUM(1)""}"`,
    );
    const everyone = (await (await exportCsv()).text()).split("\r\n").filter(Boolean);
    expect(everyone).toHaveLength(1 + 603);
    expect(everyone.join("\n")).toContain("Olivia Operator changed the copy rate of Fjordline Logistics AB to 10 MB/s");
  });

  it("refuses bad filters with the reason, not a crash", async () => {
    signInAs(ids.adminA);
    const response = await exportCsv("?from=2026-13-01");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "INVALID_INPUT", problems: ["“From” must be a day written as YYYY-MM-DD (UTC), such as 2026-11-30."] });
  });

  it("refuses a filter the log cannot be read by before the download starts, with the reason (a stream broken after its first line before)", async () => {
    const tenantId = (await db.tenant.findUniqueOrThrow({ where: { customerId: "Cust1" } })).id;
    await db.$executeRaw`INSERT INTO "Sandbox" (id, "tenantId", name, "planCounts", "orderedById")
      SELECT 'crowd-s-' || n, ${tenantId}, 'Crowd box ' || n, '{}'::jsonb, ${ids.adminA} FROM generate_series(1, 40000) n`;
    try {
      signInAs(ids.operator);
      const response = await exportCsv("?sandbox=crowd");
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: "INVALID_INPUT", problems: ["“Sandbox” matches more than 1,000 sandboxes: type more of the name, or the sandbox's id."] });
    } finally {
      await db.$executeRaw`DELETE FROM "Sandbox" WHERE id LIKE 'crowd-s-%'`;
    }
  });
});
