/**
 * The pool's migration on a database that already has tenants: a tenant's own
 * sandbox server URL becomes a registered server it is pinned to (its seal moved
 * as it is), everyone else keeps the built-in server, every existing sandbox is
 * placed where its tenant's sandboxes were made, and waiting runs name their server by id.
 */
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../db/migrate";
import { oneOffQuery } from "../db/one-off-query";
import { databaseBefore, type DatabaseBefore } from "../testing/migrations-before";

const POOL_MIGRATION = /_sandbox_server_pool$/;
let database: DatabaseBefore | undefined;

afterAll(() => database?.drop());

describe("the sandbox server pool's migration", () => {
  it("pins tenants that named a server, places existing sandboxes, and renames waiting runs' servers", async () => {
    // The migrations as they were just before the pool.
    database = await databaseBefore(POOL_MIGRATION, "pool_migration");
    const { url } = database;

    const q = (sql: string) => oneOffQuery(url, sql);
    await q(`INSERT INTO "Tenant" (id, "customerId", "companyName", "productionUrlEncrypted", "sandboxServerUrlEncrypted")
             VALUES ('t-own', 'Cust1', 'Own AS', 'sealed-prod-1', 'sealed-server-1'), ('t-default', 'Cust2', 'Default AS', 'sealed-prod-2', NULL)`);
    await q(`INSERT INTO "User" (id, email, name, "passwordHash", role) VALUES ('u', 'op@example.com', 'Op', '-', 'OPERATOR')`);
    await q(`INSERT INTO "Sandbox" (id, "tenantId", name, "planCounts", "orderedById", status)
             VALUES ('s-own', 't-own', 'UAT', '{}', 'u', 'READY'), ('s-default', 't-default', 'UAT', '{}', 'u', 'QUEUED')`);
    await q(`INSERT INTO "SandboxRun" (id, "sandboxId", kind, status, options, "sandboxServer")
             VALUES ('r-queued', 's-default', 'PROVISION', 'QUEUED', '{}', 'localhost:5432'), ('r-old', 's-own', 'REFRESH', 'SUCCEEDED', '{}', 'db1:5432')`);

    expect(await applyMigrations(url)).toEqual(database.pending);

    expect(await q(`SELECT id, name, "urlEncrypted", state FROM "SandboxServer" ORDER BY name`)).toEqual([
      { id: "tenant-t-own", name: "Cust1-server", urlEncrypted: "sealed-server-1", state: "ACTIVE" },
      { id: "built-in", name: "built-in", urlEncrypted: null, state: "ACTIVE" },
    ]);
    expect(await q(`SELECT id, "sandboxServerId" FROM "Tenant" ORDER BY id`)).toEqual([
      { id: "t-default", sandboxServerId: null },
      { id: "t-own", sandboxServerId: "tenant-t-own" },
    ]);
    expect(await q(`SELECT id, "sandboxServerId" FROM "Sandbox" ORDER BY id`)).toEqual([
      { id: "s-default", sandboxServerId: "built-in" },
      { id: "s-own", sandboxServerId: "tenant-t-own" },
    ]);
    // A waiting run's place in its server's line is kept under the server's id; finished runs keep their history.
    expect(await q(`SELECT id, "sandboxServer" FROM "SandboxRun" ORDER BY id`)).toEqual([
      { id: "r-old", sandboxServer: "db1:5432" },
      { id: "r-queued", sandboxServer: "built-in" },
    ]);
    // Only one built-in server can exist.
    await expect(q(`INSERT INTO "SandboxServer" (id, name, "updatedAt") VALUES ('x', 'second', now())`)).rejects.toThrow(/SandboxServer_one_built_in_key/);
  }, 120_000);
});
