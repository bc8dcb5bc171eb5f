import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { createTestSandboxDatabase, testSandboxServerUrl } from "../testing/pg";
import { databaseNameOf } from "../db/urls";

usePortalDatabase();

const { db } = await import("../db/portal");
const { addServer, changeServerUrl, removeServer } = await import("./mutations");
const { BUILT_IN_SERVER_ID, serverUrl } = await import("./registry");

describe("a registered sandbox server over its life", () => {
  it("is pointed at a new address only where its sandboxes' databases are, and removed only once nothing lives on it", async () => {
    const server = await addServer({ name: "pg-eu-9", url: testSandboxServerUrl(), maxDatabases: null, maxTotalBytes: null, maxConcurrentRuns: null }, null, "operator CLI");
    const tenant = await db.tenant.create({ data: { customerId: "Cust7701", companyName: "Moving AS", productionUrlEncrypted: "sealed" } });
    const user = await db.user.create({ data: { email: "mover@example.com", name: "M", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const living = await createTestSandboxDatabase("sbx");
    const onIt = await db.sandbox.create({
      data: { tenantId: tenant.id, name: "On it", planCounts: {}, orderedById: user.id, status: "READY", sandboxServerId: server.id, databaseName: databaseNameOf(living) },
    });

    // The same server under another name (a moved DNS entry, a rotated password): taken.
    const sameServer = new URL(testSandboxServerUrl());
    sameServer.hostname = sameServer.hostname === "localhost" ? "127.0.0.1" : "localhost";
    await changeServerUrl("pg-eu-9", sameServer.toString(), null, "operator CLI");
    expect(serverUrl(await db.sandboxServer.findUniqueOrThrow({ where: { id: server.id } }))).toBe(sameServer.toString());
    const moved = await db.auditEvent.findFirstOrThrow({ where: { action: "sandboxServer.moved" } });
    expect(JSON.stringify(moved.details)).not.toContain(new URL(testSandboxServerUrl()).password);

    // A server that does not hold the sandboxes' databases is another server: refused, nothing changed.
    const elsewhere = await db.sandbox.create({
      data: { tenantId: tenant.id, name: "Elsewhere", planCounts: {}, orderedById: user.id, status: "READY", sandboxServerId: server.id, databaseName: "sbx_not_on_that_server" },
    });
    await expect(changeServerUrl("pg-eu-9", testSandboxServerUrl(), null, "operator CLI")).rejects.toThrow(/does not hold 1 of the 2 sandbox databases on pg-eu-9 \(sbx_not_on_that_server\): it is another server/);
    expect(serverUrl(await db.sandboxServer.findUniqueOrThrow({ where: { id: server.id } }))).toBe(sameServer.toString());

    // Removed only once no sandbox lives on it and no customer is pinned to it.
    await expect(removeServer("pg-eu-9", null, "operator CLI")).rejects.toThrow("2 sandboxes still live on pg-eu-9: delete them first.");
    await db.sandbox.updateMany({ where: { id: { in: [onIt.id, elsewhere.id] } }, data: { status: "DELETED", deletedAt: new Date(), databaseName: null } });
    await db.tenant.update({ where: { id: tenant.id }, data: { sandboxServerId: server.id } });
    await expect(removeServer("pg-eu-9", null, "operator CLI")).rejects.toThrow("Customers are pinned to pg-eu-9 (Cust7701): pin them elsewhere first.");
    await db.tenant.update({ where: { id: tenant.id }, data: { sandboxServerId: null } });
    await removeServer("pg-eu-9", null, "operator CLI");
    expect(await db.sandboxServer.findUnique({ where: { id: server.id } })).toBeNull();
    // The deleted sandboxes keep their history, without the server.
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: onIt.id } })).toMatchObject({ status: "DELETED", sandboxServerId: null });
    expect(await db.auditEvent.count({ where: { action: "sandboxServer.removed", targetId: server.id } })).toBe(1);

    // The built-in server is the environment's.
    await expect(removeServer(BUILT_IN_SERVER_ID, null, "operator CLI")).rejects.toThrow("The built-in sandbox server is SANDBOX_SERVER_URL");
  }, 60_000);

  it("is refused at registration, and as a new address, with a URL of its own session settings: every refresh's carry-over refused it after, and the other sessions lost theirs to it", async () => {
    const withSetting = (name: string, value: string) => {
      const url = new URL(testSandboxServerUrl());
      url.searchParams.set(name, value);
      return url.toString();
    };
    for (const url of [withSetting("options", "-c statement_timeout=0"), withSetting("statement_timeout", "0"), withSetting("search_path", "public")]) {
      const refused = addServer({ name: "pg-eu-8", url, maxDatabases: null, maxTotalBytes: null, maxConcurrentRuns: null }, null, "operator CLI");
      await expect(refused).rejects.toMatchObject({
        name: "SandboxServerError",
        message: expect.stringMatching(/^The sandbox server's URL may carry only TLS and connection settings .* as parameters, not (options|statement_timeout|search_path): the portal sets its sessions' own settings on that server \(time limits, search path, read-only\), and a URL's would override them\. Remove it from the URL\.$/),
      });
      expect(await db.sandboxServer.findUnique({ where: { name: "pg-eu-8" } })).toBeNull();
    }
    const server = await addServer({ name: "pg-eu-8", url: testSandboxServerUrl(), maxDatabases: null, maxTotalBytes: null, maxConcurrentRuns: null }, null, "operator CLI");
    await expect(changeServerUrl("pg-eu-8", withSetting("options", "-c statement_timeout=0"), null, "operator CLI")).rejects.toThrow(/not options/);
    expect(serverUrl(await db.sandboxServer.findUniqueOrThrow({ where: { id: server.id } }))).toBe(testSandboxServerUrl());
    await removeServer("pg-eu-8", null, "operator CLI");
  }, 60_000);
});
