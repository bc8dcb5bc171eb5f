/**
 * Runs end to end through the job layer: provision, refresh (swap, carry-over,
 * what a refresh keeps), a failed refresh that leaves the old copy exactly as it
 * was, and delete.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, createTestRole, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { generateProductionDatabase } from "../crm/generator";
import { withDatabase } from "../db/urls";
import { oneOffQuery } from "../db/one-off-query";

usePortalDatabase();

const { db } = await import("../db/portal");
const { registerTenant } = await import("../tenants/registry");
const { requestRun, runDatabaseName } = await import("../jobs/lifecycle");
const { executeRun, serviceMailboxAddress } = await import("./execute");
const { stopBoss } = await import("../jobs/queue");
const { databaseExists } = await import("../sanitizer/drop");

let productionUrl = "";
let sandboxId = "";
let adminId = "";


const sandboxUrl = (name: string) => withDatabase(testServerAdminUrl(), name);

async function run(kind: "PROVISION" | "REFRESH" | "DELETE", options: object = {}) {
  const { runId } = await requestRun({ sandboxId, kind, requestedById: adminId, options, enqueue: false });
  await executeRun(runId, "test");
  return db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
}

describe("sandbox runs through the job layer", () => {
  beforeAll(async () => {
    productionUrl = await createTestDatabase("execprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: "Cust5151", companyName: "Exec AS", scale: "small", seed: 51 });
    const tenant = await registerTenant({ customerId: "Cust5151", companyName: "Exec AS", productionUrl });
    adminId = (await db.user.create({ data: { email: "exec@example.com", name: "E", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } })).id;
    sandboxId = (await db.sandbox.create({
      data: { tenantId: tenant.id, name: "exec", planCounts: { complete: 2 }, orderedById: adminId, sandboxCustomerId: "Cust951510", status: "QUEUED" },
    })).id;
  }, 120_000);

  afterAll(async () => {
    await stopBoss();
  });

  it("provisions: the sandbox is ready with its report, snapshot time and size", async () => {
    const result = await run("PROVISION", { invalidationDomain: "example.invalid" });
    expect(result.status, result.error ?? "").toBe("SUCCEEDED");
    const sandbox = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
    expect(sandbox.status).toBe("READY");
    expect(sandbox.snapshotAt).not.toBeNull();
    expect(Number(sandbox.sizeBytes)).toBeGreaterThan(0);
    expect(result.report).toMatchObject({ sandboxCustomerId: "Cust951510", sourceCustomerId: "Cust5151" });
    const [installation] = await oneOffQuery<{ customer_id: string }>(sandboxUrl(sandbox.databaseName!), "SELECT customer_id FROM installation");
    expect(installation?.customer_id).toBe("Cust951510");
    // Built by the least-privilege role: it owns the copy, and nobody else may connect.
    expect(await oneOffQuery(testServerAdminUrl(), "SELECT pg_get_userbyid(datdba) AS owner, has_database_privilege('public', datname, 'CONNECT') AS public FROM pg_database WHERE datname = $1", [sandbox.databaseName])).toEqual([
      { owner: new URL(testSandboxServerUrl()).username, public: false },
    ]);
  });

  it("refreshes: a new copy swapped in, the old dropped; customer id, mailbox, choices and sandbox-made apps kept", async () => {
    const before = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
    const oldDb = before.databaseName!;
    await oneOffQuery(sandboxUrl(oldDb), `INSERT INTO app_authorization (app_name, client_id, scopes, authorized_at) VALUES ('Sandbox-made app', 'c-1', 'crm', now())`);
    await oneOffQuery(productionUrl, `UPDATE company SET name = 'Renamed in production' WHERE id = (SELECT min(id) FROM company)`);

    const result = await run("REFRESH", before.options as object);
    expect(result.status, result.error ?? "").toBe("SUCCEEDED");
    const after = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
    expect(after.status).toBe("READY");
    expect(after.databaseName).not.toBe(oldDb);
    expect(await databaseExists(testServerAdminUrl(), oldDb)).toBe(false);
    expect(after.snapshotAt!.getTime()).toBeGreaterThan(before.snapshotAt!.getTime());

    const url = sandboxUrl(after.databaseName!);
    expect(await oneOffQuery(url, "SELECT customer_id FROM installation")).toEqual([{ customer_id: "Cust951510" }]);
    expect(await oneOffQuery(url, "SELECT address FROM service_mailbox")).toEqual([{ address: serviceMailboxAddress("Cust951510") }]);
    expect(await oneOffQuery(url, "SELECT app_name FROM app_authorization")).toEqual([{ app_name: "Sandbox-made app" }]);
    expect(await oneOffQuery(url, "SELECT name FROM company WHERE id = (SELECT min(id) FROM company)")).toEqual([{ name: "Renamed in production" }]);
    const emails = await oneOffQuery<{ email: string }>(url, "SELECT email FROM contact WHERE email IS NOT NULL LIMIT 5");
    for (const { email } of emails) expect(email).toMatch(/@example\.invalid$/);
  });

  it("a refresh that fails leaves the previous copy exactly as it was, and ready", async () => {
    const before = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
    const checksum = "SELECT md5(string_agg(c::text, '|' ORDER BY c.id)) AS s FROM company c";
    const [old] = await oneOffQuery<{ s: string }>(sandboxUrl(before.databaseName!), checksum);
    // An unclassified column in production: rule 0 stops the refresh before anything is copied.
    await oneOffQuery(productionUrl, "ALTER TABLE company ADD COLUMN loyalty_tier text");
    try {
      const result = await run("REFRESH", before.options as object);
      expect(result.status).toBe("FAILED");
      expect(result.error).toContain("company.loyalty_tier");
      expect(result.error).not.toMatch(/postgres:\/\//);
      // Kept on the run, so that a retry first checks production again (lib/sandboxes/drift-recheck.ts).
      expect(result.failureCode).toBe("DRIFT");
    } finally {
      await oneOffQuery(productionUrl, "ALTER TABLE company DROP COLUMN loyalty_tier");
    }
    const after = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
    expect(after.status).toBe("READY");
    expect(after.databaseName).toBe(before.databaseName);
    expect(await oneOffQuery(sandboxUrl(before.databaseName!), checksum)).toEqual([old]);
  });

  it("a run whose earlier attempt left its copy behind (the drop failed while the server restarted) drops it and copies again", async () => {
    const before = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
    const { runId } = await requestRun({ sandboxId, kind: "REFRESH", requestedById: adminId, options: before.options as object, enqueue: false });
    const leftover = runDatabaseName("Cust5151", runId);
    await oneOffQuery(testSandboxServerUrl(), `CREATE DATABASE "${leftover}"`);
    await oneOffQuery(sandboxUrl(leftover), "CREATE TABLE half_made (id integer)");

    await executeRun(runId, "test");
    const result = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(result.status, result.error ?? "").toBe("SUCCEEDED");
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).databaseName).toBe(leftover);
    expect(await oneOffQuery(sandboxUrl(leftover), "SELECT to_regclass('half_made') AS t")).toEqual([{ t: null }]);
    // The copy the sandbox pointed at before was dropped as after any refresh.
    expect(await databaseExists(testServerAdminUrl(), before.databaseName!)).toBe(false);
  });

  it("refuses a run when the sandbox server's role was granted more after registration; customers get plain advice", async () => {
    const maker = await createTestRole("CREATEDB");
    const otherProduction = await createTestDatabase("execprod2");
    await generateProductionDatabase({ databaseUrl: otherProduction, customerId: "Cust5152", companyName: "Exec Two AS", scale: "small", seed: 52 });
    const tenant = await registerTenant({ customerId: "Cust5152", companyName: "Exec Two AS", productionUrl: otherProduction, sandboxServerUrl: maker });
    await oneOffQuery(testServerAdminUrl(), `GRANT pg_execute_server_program TO "${new URL(maker).username}"`);
    const other = await db.sandbox.create({
      data: { tenantId: tenant.id, name: "exec2", planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId: "Cust951520", status: "QUEUED" },
      select: { id: true },
    });
    const { runId } = await requestRun({ sandboxId: other.id, kind: "PROVISION", requestedById: adminId, options: {}, enqueue: false });
    await executeRun(runId, "test");
    const result = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(result.status).toBe("FAILED");
    expect(result.error).toBe(
      "The sandbox server is not set up safely, so nothing was created. An operator must restrict its role to creating databases; then retry.",
    );
    expect(await databaseExists(testServerAdminUrl(), runDatabaseName("Cust5152", runId))).toBe(false);
  });

  it("deletes: the database is dropped, the sandbox and its history kept", async () => {
    const before = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
    const result = await run("DELETE");
    expect(result.status).toBe("SUCCEEDED");
    expect(await databaseExists(testServerAdminUrl(), before.databaseName!)).toBe(false);
    const after = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
    expect(after).toMatchObject({ status: "DELETED", databaseName: null });
    expect(await db.sandboxRun.count({ where: { sandboxId } })).toBe(5);
  });
});
