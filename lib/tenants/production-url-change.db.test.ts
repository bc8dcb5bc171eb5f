/**
 * An operator points a registered tenant at its production's URL anew (a rotated
 * password, a moved host, a URL stored before its parameters were checked): checked
 * as a registration is, sealed, audited with the host and never the URL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { generateProductionDatabase } from "../crm/generator";

usePortalDatabase();

const { db } = await import("../db/portal");
const { changeProductionUrl, registerTenant, tenantConnections, TenantRegistrationError } = await import("./registry");

let production = "";
let other = "";

beforeAll(async () => {
  production = await createTestDatabase("urlprod");
  other = await createTestDatabase("urlother");
  await generateProductionDatabase({ databaseUrl: production, customerId: "Cust5150", companyName: "Url AS", scale: "small", seed: 5150 });
  await generateProductionDatabase({ databaseUrl: other, customerId: "Cust5151", companyName: "Other AS", scale: "small", seed: 5151 });
  await registerTenant({ customerId: "Cust5150", companyName: "Url AS", productionUrl: production });
}, 120_000);

afterAll(async () => {
  await dropTestDatabase(production);
  await dropTestDatabase(other);
});

describe("a tenant's production URL, changed", () => {
  it("takes the same production at a new URL, sealed, and audits its host", async () => {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { customerId: "Cust5150" } });
    const moved = new URL(production);
    moved.searchParams.set("connect_timeout", "5");
    await changeProductionUrl("Cust5150", moved.toString());
    expect((await tenantConnections(tenant.id)).productionUrl).toBe(moved.toString());
    const stored = (await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).productionUrlEncrypted;
    expect(stored).not.toContain(moved.password || "connect_timeout");
    const [event] = await db.auditEvent.findMany({ where: { action: "tenant.productionUrl.changed", tenantId: tenant.id } });
    expect(event?.details).toEqual({ via: "operator CLI", production: `${moved.hostname}:${moved.port}` });
  });

  it("refuses another customer's production, a URL whose parameters would override the session, and an unknown tenant, changing nothing", async () => {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { customerId: "Cust5150" } });
    const before = (await tenantConnections(tenant.id)).productionUrl;
    await expect(changeProductionUrl("Cust5150", other)).rejects.toThrow('That database belongs to "Cust5151", not Cust5150.');
    await expect(changeProductionUrl("Cust5150", `${production}?options=-c%20statement_timeout%3D0`)).rejects.toThrow(/productionUrl may carry only TLS and connection settings .* not options/);
    await expect(changeProductionUrl("Cust9999", production)).rejects.toThrow(TenantRegistrationError);
    expect((await tenantConnections(tenant.id)).productionUrl).toBe(before);
  });
});

describe("a tenant's customer id", () => {
  it("is never a sandbox's own key: the sandbox's sign-in address is made from it", async () => {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { customerId: "Cust5150" } });
    const admin = await db.user.create({ data: { email: "admin@url.example", name: "Admin", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    await db.sandbox.create({ data: { tenantId: tenant.id, name: "Keyed", planCounts: {}, orderedById: admin.id, sandboxCustomerId: "Cust5151" } });

    // A production whose own key is that sandbox's.
    await expect(registerTenant({ customerId: "Cust5151", companyName: "Other AS", productionUrl: other })).rejects.toThrow("Customer id Cust5151 is a sandbox's own key on this portal");
    expect(await db.tenant.count({ where: { customerId: "Cust5151" } })).toBe(0);
  });
});
