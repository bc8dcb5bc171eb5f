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
});
