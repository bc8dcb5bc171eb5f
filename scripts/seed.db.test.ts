import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../lib/testing/portal-db";

usePortalDatabase();

const { db } = await import("../lib/db/portal");
const { PortalInUseError, seedDemoData } = await import("./seed");

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
});
