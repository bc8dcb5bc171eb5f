/**
 * The operators' customer list shows each production's size, read from production: a
 * production that answers slowly, or not at all, holds its own row, never the page.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../testing/pg";
import { freezingProxy, type FreezingProxy } from "../testing/freezing-proxy";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { sealSecret } = await import("../secrets/secret-box");
const { listTenantsForStaff } = await import("./queries");

let hung: FreezingProxy | undefined;

afterAll(async () => {
  await hung?.close();
});

describe("the customer list", () => {
  it("shows the sizes production gives within its wait, and says a hung production's is still being read", async () => {
    const answering = await createTestDatabase("list_answering");
    hung = await freezingProxy(await createTestDatabase("list_hung"), { answering: false });
    await db.tenant.create({ data: { customerId: "Cust7101", companyName: "Answers AS", productionUrlEncrypted: sealSecret(answering) } });
    await db.tenant.create({ data: { customerId: "Cust7102", companyName: "Hangs AS", productionUrlEncrypted: sealSecret(hung.url) } });
    await db.tenant.create({ data: { customerId: "Cust7103", companyName: "Gone AS", productionUrlEncrypted: sealSecret(answering.replace(/\/[^/]+$/, "/no_such_database")) } });
    // A customer that left has no production URL any more (offboard.ts): its row says so, and nothing is read.
    await db.tenant.create({ data: { customerId: "Cust7104", companyName: "Left AS", productionUrlEncrypted: null, offboardedAt: new Date() } });

    const page = await listTenantsForStaff({ q: "Cust710" });

    const size = (customerId: string) => page.rows.find((r) => r.customerId === customerId)?.productionSize;
    expect(size("Cust7101")).toBeGreaterThan(0);
    expect(size("Cust7102")).toBe("still reading");
    expect(size("Cust7103")).toBe("unreachable");
    expect(size("Cust7104")).toBe("customer left");
  }, 30_000);
});
