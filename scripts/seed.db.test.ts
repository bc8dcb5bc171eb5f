import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../lib/testing/portal-db";

usePortalDatabase();

const { db } = await import("../lib/db/portal");
const { PortalInUseError, seedDemoData } = await import("./seed");
const { DEMO_TENANTS, DEMO_USERS } = await import("./demo-accounts");
const { oneOffQuery } = await import("../lib/db/one-off-query");
const { testServerAdminUrl } = await import("../lib/testing/pg");

describe("the demo seed", () => {
  it("refuses a portal database given by URL that holds accounts of its own: the demo operator's password and code are published", async () => {
    await db.user.create({ data: { email: "real.operator@hosting.example", name: "Real", role: "OPERATOR", passwordHash: "-" } });
    const lines: string[] = [];
    await expect(seedDemoData({ log: (l) => lines.push(l), embedded: false })).rejects.toBeInstanceOf(PortalInUseError);
    expect(await db.user.count({ where: { email: "operator@sandbox-portal.example" } })).toBe(0);
    expect(await db.tenant.count()).toBe(0);
    expect(lines).toEqual([]);
  });

  it("refuses one that has customers of its own though no account yet", async () => {
    await db.user.deleteMany({ where: { email: "real.operator@hosting.example" } });
    await db.tenant.create({ data: { customerId: "Cust77001", companyName: "Real Customer AS", productionUrlEncrypted: "sealed" } });
    await expect(seedDemoData({ log: () => undefined, embedded: false })).rejects.toThrow(/1 customer\(s\) of its own/);
    expect(await db.user.count()).toBe(0);
  });

  it("seeds once when instances started together seed at once: each had dropped and made the demo productions, and all but one failed", async () => {
    const lines: string[] = [];
    try {
      // As the embedded portal's launcher (the customer of its own above is not refused then).
      const seeds = await Promise.allSettled([1, 2].map(() => seedDemoData({ log: (l) => lines.push(l), embedded: true })));
      expect(seeds.map((s) => (s.status === "rejected" ? String(s.reason) : s.status))).toEqual(["fulfilled", "fulfilled"]);
      expect(await db.tenant.count({ where: { customerId: { in: DEMO_TENANTS.map((t) => t.customerId) } } })).toBe(DEMO_TENANTS.length);
      expect(await db.user.count({ where: { email: { in: DEMO_USERS.map((u) => u.email) } } })).toBe(DEMO_USERS.length);
      expect(lines.filter((l) => l.startsWith("demo tenant "))).toHaveLength(DEMO_TENANTS.length);
    } finally {
      for (const t of DEMO_TENANTS) await oneOffQuery(testServerAdminUrl(), `DROP DATABASE IF EXISTS crm_${t.customerId.toLowerCase()}_production WITH (FORCE)`);
    }
  }, 240_000);
});
