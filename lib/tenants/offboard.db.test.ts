import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { createTestSandboxDatabase, testSandboxServerUrl } from "../testing/pg";
import { databaseNameOf } from "../db/urls";
import { oneOffQuery } from "../db/one-off-query";

usePortalDatabase();

const { db } = await import("../db/portal");
const { offboardTenant } = await import("./offboard");
const { tenantConnections } = await import("./registry");
const { sealSecret } = await import("../secrets/secret-box");
const { executeRun } = await import("../worker/execute");
const { createOrder } = await import("../orders/mutations");
const { listOrderableCustomers, isOrderableCustomer } = await import("../orders/queries");
const { requestRun } = await import("../jobs/lifecycle");

const databaseThere = async (name: string) => (await oneOffQuery(testSandboxServerUrl(), "SELECT 1 FROM pg_database WHERE datname = $1", [name])).length === 1;

describe("a customer leaving the portal", () => {
  it("deletes its sandboxes, forgets its production URL, disables its accounts and removes its webhooks, keeping its history; nothing new is made for it", async () => {
    const tenant = await db.tenant.create({ data: { customerId: "Cust7901", companyName: "Leaving AS", productionUrlEncrypted: sealSecret("postgres://crm:secret@prod-7901/crm") } });
    const admin = await db.user.create({ data: { email: "admin@leaving.example", name: "Admin", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const rep = await db.user.create({ data: { email: "rep@portal.example", name: "Rep", role: "SALES_REP", passwordHash: "-" } });
    await db.apiToken.create({ data: { name: "CI", prefix: "spt_abc", tokenHash: "hash-7901", scopes: ["sandboxes:read"], ownerId: admin.id, tenantId: tenant.id, expiresAt: new Date(Date.now() + 86_400_000) } });
    await db.webhookEndpoint.create({ data: { tenantId: tenant.id, url: "https://ci.leaving.example/hooks", secretEncrypted: sealSecret("whsec_x"), events: ["sandbox.deleted"] } });
    const copy = databaseNameOf(await createTestSandboxDatabase("sbx"));
    const sandbox = (name: string, data: Record<string, unknown>) => db.sandbox.create({ data: { tenantId: tenant.id, name, planCounts: {}, orderedById: admin.id, ...data } });
    const withCopy = await sandbox("UAT", { status: "REFRESHING", databaseName: copy });
    const waitingRefresh = await db.sandboxRun.create({ data: { sandboxId: withCopy.id, kind: "REFRESH", status: "QUEUED", options: {} } });
    // The wizard's preview of pseudonyms made the order its secret.
    const order = await sandbox("Training", { status: "AWAITING_SETUP", pseudonymSecretEncrypted: sealSecret("key") });
    const neverMade = await sandbox("Failed", { status: "FAILED" });
    const running = await sandbox("Busy", { status: "READY", databaseName: "sbx_busy_7901" });
    const copying = await db.sandboxRun.create({ data: { sandboxId: running.id, kind: "REFRESH", status: "RUNNING", options: {} } });

    await expect(offboardTenant("Cust7901", "Cust790")).rejects.toThrow("needs the customer id again to confirm: Cust7901");
    // A copy under way reads production: it is stopped first, and nothing was changed meanwhile.
    await expect(offboardTenant("Cust7901", "Cust7901")).rejects.toThrow("1 copy is under way for Cust7901: stop it first (sandbox:cancel)");
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({ offboardedAt: null, productionUrlEncrypted: expect.any(String) });
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: waitingRefresh.id } })).toMatchObject({ status: "QUEUED" });
    await db.sandboxRun.update({ where: { id: copying.id }, data: { status: "FAILED", finishedAt: new Date() } });
    await db.sandbox.update({ where: { id: running.id }, data: { databaseName: null, status: "FAILED" } });

    const outcome = await offboardTenant("Cust7901", "Cust7901");
    expect(outcome).toMatchObject({ leftNow: true, accountsDisabled: ["admin@leaving.example"], webhooksRemoved: 1, ordersCancelled: 1, runsCancelled: 1, endedWithoutCopy: 2 });
    expect(outcome.deletions.map((d) => d.sandboxId)).toEqual([withCopy.id]);

    // The portal keeps no way into its production, and reads nothing of it any more.
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({ productionUrlEncrypted: null, offboardedAt: expect.any(Date), sandboxServerId: null });
    await expect(tenantConnections(tenant.id)).rejects.toThrow("This customer has left the portal");
    expect(await db.user.findUniqueOrThrow({ where: { id: admin.id } })).toMatchObject({ disabledAt: expect.any(Date) });
    expect(await db.apiToken.findFirstOrThrow({ where: { tenantId: tenant.id } })).toMatchObject({ revokedAt: expect.any(Date) });
    expect(await db.webhookEndpoint.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: "CANCELLED", deletedAt: expect.any(Date), pseudonymSecretEncrypted: null });
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: neverMade.id } })).toMatchObject({ status: "DELETED", deletedAt: expect.any(Date) });
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: waitingRefresh.id } })).toMatchObject({ status: "FAILED", failureCode: "CANCELLED" });

    // The sandbox with a copy keeps it until its deletion is carried out; then its database is gone.
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: withCopy.id } })).toMatchObject({ status: "READY", deletedAt: null });
    expect(await databaseThere(copy)).toBe(true);
    await executeRun(outcome.deletions[0]!.runId, "test", { direct: true });
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: withCopy.id } })).toMatchObject({ status: "DELETED", databaseName: null });
    expect(await databaseThere(copy)).toBe(false);

    // Nothing new is ordered for it, by its people or by sales.
    expect((await listOrderableCustomers()).map((c) => c.customerId)).not.toContain("Cust7901");
    expect(await isOrderableCustomer(tenant.id)).toBe(false);
    const actor = { id: rep.id, name: rep.name, email: rep.email, role: "SALES_REP" as const, tenantId: null, tenantName: null, customerId: null };
    await expect(createOrder(actor, { tenantId: tenant.id, name: "Again", kind: "full", planCounts: { "sales-essentials": 0, "sales-premium": 0, "service-essentials": 0, "service-premium": 0, marketing: 0, complete: 1 }, note: "", onBehalf: true })).rejects.toThrow(
      "This customer has left the portal: no sandbox can be ordered for it.",
    );

    // Its history stays: the runs, and the audit of its leaving.
    expect(await db.sandboxRun.count({ where: { sandbox: { tenantId: tenant.id } } })).toBe(3);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "tenant.offboarded", tenantId: tenant.id } })).toMatchObject({ details: expect.objectContaining({ accountsDisabled: 1 }) });
    expect(await db.auditEvent.count({ where: { action: "tenant.offboarded", tenantId: tenant.id } })).toBe(1);
    // Once it has left, nothing but a deletion is run for its sandboxes.
    const late = await sandbox("Late", { status: "READY", databaseName: "sbx_late_7901" });
    await expect(requestRun({ sandboxId: late.id, kind: "REFRESH", requestedById: null, options: {}, enqueue: false })).rejects.toThrow("This customer has left the portal");
    // Asked again: what slipped in as it left is dealt with (a refresh that waited is ended, a copy
    // still running is named), nothing else changes.
    const slipped = await db.sandboxRun.create({ data: { sandboxId: late.id, kind: "REFRESH", status: "QUEUED", options: {} } });
    const stillRunning = await sandbox("Still running", { status: "REFRESHING", databaseName: "sbx_running_7901" });
    await db.sandboxRun.create({ data: { sandboxId: stillRunning.id, kind: "REFRESH", status: "RUNNING", options: {} } });
    const again = await offboardTenant("Cust7901", "Cust7901");
    expect(again).toMatchObject({ leftNow: false, accountsDisabled: [], stillCopying: ["Still running"] });
    expect(again.deletions.map((d) => d.sandboxId)).toEqual([late.id]);
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: slipped.id } })).toMatchObject({ status: "FAILED", failureCode: "CANCELLED" });
    expect(await db.auditEvent.count({ where: { action: "tenant.offboarded", tenantId: tenant.id } })).toBe(1);
  }, 60_000);
});
