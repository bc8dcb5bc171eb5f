/**
 * Rule 18's secret: made once and kept (the same fake people on every refresh),
 * sealed at rest, made once even when two runs ask at the same moment, and another
 * one after a renewal.
 */
import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { pseudonymSecretFor, renewPseudonymSecret } = await import("./pseudonym-secret");

async function newSandbox(): Promise<string> {
  const tenant = await db.tenant.create({ data: { customerId: `Cust${Date.now() % 100000}`, companyName: "Secret AS", productionUrlEncrypted: "sealed" } });
  const orderer = await db.user.create({ data: { email: `o${tenant.id}@secret.example`, name: "O", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
  return (await db.sandbox.create({ data: { tenantId: tenant.id, name: "Secret UAT", status: "READY", planCounts: {}, orderedById: orderer.id } })).id;
}

describe("the pseudonym secret", () => {
  it("is made once, kept, and stored sealed", async () => {
    const id = await newSandbox();
    const [a, b] = await Promise.all([pseudonymSecretFor(id), pseudonymSecretFor(id)]);
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(40);
    expect(await pseudonymSecretFor(id)).toBe(a);
    const stored = (await db.sandbox.findUniqueOrThrow({ where: { id } })).pseudonymSecretEncrypted;
    expect(stored).toMatch(/^v2:/);
    expect(stored).not.toContain(a);
  });

  it("is not made for a sandbox that has ended: a preview still running as its order was cancelled stores none", async () => {
    const id = await newSandbox();
    await db.sandbox.update({ where: { id }, data: { status: "CANCELLED", deletedAt: new Date() } });
    await expect(pseudonymSecretFor(id)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id } })).pseudonymSecretEncrypted).toBeNull();
  });

  it("is another one after a renewal", async () => {
    const id = await newSandbox();
    const first = await pseudonymSecretFor(id);
    await renewPseudonymSecret(id);
    expect(await pseudonymSecretFor(id)).not.toBe(first);
  });
});
