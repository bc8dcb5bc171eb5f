import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { createTestSandboxDatabase, dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { databaseNameOf } from "../db/urls";

usePortalDatabase();

const { db } = await import("../db/portal");
const { addServer, removeServer } = await import("./mutations");
const { writeOffServer } = await import("./write-off");
const { sealSecret } = await import("../secrets/secret-box");
const { afterRunFinished } = await import("../worker/run-finished");

/** An address nothing listens on: a server lost for good. */
async function deadAddress(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  const url = new URL(testSandboxServerUrl());
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return url.toString();
}

const noLimits = { maxDatabases: null, maxTotalBytes: null, maxConcurrentRuns: null };

describe("writing off a sandbox server lost for good", () => {
  it("ends the sandboxes whose copies were there as deleted, telling their people why, moves orders with no copy, and lets the server leave the pool", async () => {
    const lost = await addServer({ name: "pg-lost", url: testSandboxServerUrl(), ...noLimits }, null, "operator CLI");
    const other = await addServer({ name: "pg-other", url: testSandboxServerUrl(), ...noLimits }, null, "operator CLI");
    const tenant = await db.tenant.create({ data: { customerId: "Cust7801", companyName: "Lost Disk AS", productionUrlEncrypted: "sealed" } });
    const admin = await db.user.create({ data: { email: "admin@lostdisk.example", name: "Admin", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    await db.webhookEndpoint.create({ data: { tenantId: tenant.id, url: "https://ci.lostdisk.example/hooks", secretEncrypted: sealSecret("whsec_test"), events: ["sandbox.deleted"] } });
    const copy = await createTestSandboxDatabase("sbx");
    const withCopy = await db.sandbox.create({
      data: { tenantId: tenant.id, name: "UAT", planCounts: {}, orderedById: admin.id, status: "READY", sandboxServerId: lost.id, databaseName: databaseNameOf(copy), sizeBytes: 1000n, pseudonymSecretEncrypted: sealSecret("key") },
    });
    await db.sandboxAccess.create({ data: { sandboxId: withCopy.id, associateId: 7, username: "ingrid", fullName: "Ingrid", userPlan: "complete" } });
    const waitingRefresh = await db.sandboxRun.create({ data: { sandboxId: withCopy.id, kind: "REFRESH", status: "QUEUED", options: {} } });
    const order = await db.sandbox.create({ data: { tenantId: tenant.id, name: "Training", planCounts: {}, orderedById: admin.id, status: "QUEUED", sandboxServerId: lost.id } });
    const waitingCopy = await db.sandboxRun.create({ data: { sandboxId: order.id, kind: "PROVISION", status: "QUEUED", options: {}, sandboxServer: lost.id, serverWaitSince: new Date() } });
    const bystander = await db.sandbox.create({ data: { tenantId: tenant.id, name: "Elsewhere", planCounts: {}, orderedById: admin.id, status: "READY", sandboxServerId: other.id, databaseName: "sbx_elsewhere" } });

    // Asked carelessly: refused, nothing changed.
    await expect(writeOffServer("pg-lost", "pg-other", "disk lost", null, "operator CLI")).rejects.toThrow("confirm with its name exactly: pg-lost");
    await expect(writeOffServer("pg-lost", "pg-lost", "  ", null, "operator CLI")).rejects.toThrow("Say why the server is written off");
    // Mailed to customers: no terminal escape (it reached their mails as it was typed), no bidirectional override.
    for (const reason of ["disk lost \u001b[31mnow", "disk \u202egnissim"]) {
      await expect(writeOffServer("pg-lost", "pg-lost", reason, null, "operator CLI")).rejects.toThrow("The reason can hold only words");
    }
    // A server that answers with its sandboxes' databases is not lost: deleting them is the way, or a new address.
    await expect(writeOffServer("pg-lost", "pg-lost", "disk lost", null, "operator CLI")).rejects.toThrow("pg-lost answers and still holds 1 of its 1 sandbox database: it is not lost");
    await dropTestDatabase(copy);
    // Nor is one whose PostgreSQL refuses the check (a password rotated without server:set).
    const wrongPassword = new URL(testSandboxServerUrl());
    wrongPassword.password = "not-the-password";
    await db.sandboxServer.update({ where: { id: lost.id }, data: { urlEncrypted: sealSecret(wrongPassword.toString()) } });
    await expect(writeOffServer("pg-lost", "pg-lost", "disk lost", null, "operator CLI")).rejects.toThrow(/pg-lost answers but refused the check \(.*\): it is not known to be lost/);
    await expect(writeOffServer("pg-lost", "pg-lost", "disk lost", null, "operator CLI")).rejects.not.toThrow("not-the-password");
    await db.sandboxServer.update({ where: { id: lost.id }, data: { urlEncrypted: sealSecret(await deadAddress()) } });
    // A run under way there must end first; a customer pinned there must be pinned elsewhere.
    const running = await db.sandboxRun.create({ data: { sandboxId: bystander.id, kind: "REFRESH", status: "RUNNING", options: {}, sandboxServer: lost.id } });
    await expect(writeOffServer("pg-lost", "pg-lost", "disk lost", null, "operator CLI")).rejects.toThrow("1 run is under way on pg-lost: stop it first");
    await db.sandboxRun.update({ where: { id: running.id }, data: { status: "FAILED", finishedAt: new Date() } });
    await db.tenant.update({ where: { id: tenant.id }, data: { sandboxServerId: lost.id } });
    await expect(writeOffServer("pg-lost", "pg-lost", "disk lost", null, "operator CLI")).rejects.toThrow("Customers are pinned to pg-lost (Cust7801)");
    await db.tenant.update({ where: { id: tenant.id }, data: { sandboxServerId: null } });
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: withCopy.id } })).toMatchObject({ status: "READY", deletedAt: null });
    expect(await db.sandboxServer.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({ state: "ACTIVE" });

    const outcome = await writeOffServer("pg-lost", "pg-lost", "the disk failed on 1 December\nand had no replica", null, "operator CLI");
    expect(outcome.deleted.map((s) => s.id)).toEqual([withCopy.id]);
    expect(outcome.moved.map((s) => s.id)).toEqual([order.id]);
    expect(outcome.moved[0]!.to).not.toBe("pg-lost");

    // The sandbox with a copy there is deleted, by a deletion that dropped nothing and says why.
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: withCopy.id } })).toMatchObject({ status: "DELETED", databaseName: null, sizeBytes: null, pseudonymSecretEncrypted: null });
    const deletion = await db.sandboxRun.findUniqueOrThrow({ where: { id: outcome.deleted[0]!.runId } });
    expect(deletion).toMatchObject({ kind: "DELETE", status: "SUCCEEDED", options: { writtenOff: { server: "pg-lost", reason: "the disk failed on 1 December and had no replica" } } });
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: waitingRefresh.id } })).toMatchObject({
      status: "FAILED",
      failureCode: "CANCELLED",
      error: "Its sandbox server was lost, and its database with it: the disk failed on 1 December and had no replica",
    });
    const hooks = await db.webhookDelivery.findMany({ select: { eventType: true, payload: true } });
    expect(hooks.map((h) => h.eventType)).toEqual(["sandbox.deleted"]);
    expect(JSON.parse(hooks[0]!.payload)).toMatchObject({ data: { sandbox: { id: withCopy.id, status: "DELETED" }, run: { kind: "DELETE", status: "SUCCEEDED" } } });

    // The order with no copy lost nothing: it waits on the other server, its run with it.
    const moved = await db.sandbox.findUniqueOrThrow({ where: { id: order.id } });
    expect(moved).toMatchObject({ status: "QUEUED", deletedAt: null });
    expect(moved.sandboxServerId).not.toBe(lost.id);
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: waitingCopy.id } })).toMatchObject({ status: "QUEUED", sandboxServer: null, serverWaitSince: null });
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: bystander.id } })).toMatchObject({ status: "READY", sandboxServerId: other.id });

    // What follows a deletion: access ends, and its people are told that the server was lost.
    await afterRunFinished(deletion.id);
    expect(await db.sandboxAccess.findFirstOrThrow({ where: { sandboxId: withCopy.id } })).toMatchObject({ endedAt: expect.any(Date) });
    const told = await db.notification.findMany({ where: { userId: admin.id }, select: { message: true } });
    expect(told.map((n) => n.message)).toEqual(['Sandbox "UAT" is gone: its server was lost']);

    const audit = await db.auditEvent.findMany({ where: { action: { in: ["sandbox.writtenOff", "sandbox.replaced", "sandboxServer.writtenOff"] } }, orderBy: { action: "asc" }, select: { action: true, tenantId: true, targetId: true } });
    expect(audit).toEqual([
      { action: "sandbox.replaced", tenantId: tenant.id, targetId: order.id },
      { action: "sandbox.writtenOff", tenantId: tenant.id, targetId: withCopy.id },
      { action: "sandboxServer.writtenOff", tenantId: null, targetId: lost.id },
    ]);

    // Draining, nothing lives there any more: it leaves the pool.
    expect(await db.sandboxServer.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({ state: "DRAINING" });
    await db.sandbox.update({ where: { id: bystander.id }, data: { status: "DELETED", deletedAt: new Date(), databaseName: null } });
    await removeServer("pg-lost", null, "operator CLI");
    expect(await db.sandboxServer.findUnique({ where: { id: lost.id } })).toBeNull();
  }, 60_000);

  it("checks a server rebuilt empty with new credentials with the ones given, at its own address only, and never keeps them", async () => {
    const rebuilt = await addServer({ name: "pg-rebuilt", url: testSandboxServerUrl(), ...noLimits }, null, "operator CLI");
    const tenant = await db.tenant.create({ data: { customerId: "Cust7802", companyName: "Rebuilt AS", productionUrlEncrypted: "sealed" } });
    const admin = await db.user.create({ data: { email: "admin@rebuilt.example", name: "Admin", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const copy = await createTestSandboxDatabase("sbx");
    const sandbox = await db.sandbox.create({
      data: { tenantId: tenant.id, name: "QA", planCounts: {}, orderedById: admin.id, status: "READY", sandboxServerId: rebuilt.id, databaseName: databaseNameOf(copy) },
    });
    // The stored credentials no longer work: the server was rebuilt with a new password.
    const old = new URL(testSandboxServerUrl());
    old.password = "the-old-password";
    const storedUrl = sealSecret(old.toString());
    await db.sandboxServer.update({ where: { id: rebuilt.id }, data: { urlEncrypted: storedUrl } });
    await expect(writeOffServer("pg-rebuilt", "pg-rebuilt", "rebuilt empty", null, "operator CLI")).rejects.toThrow("If it was rebuilt empty with new credentials, give them (--url -)");

    // Credentials for another address check nothing of this server.
    const elsewhere = await deadAddress();
    await expect(writeOffServer("pg-rebuilt", "pg-rebuilt", "rebuilt empty", null, "operator CLI", { answersAt: elsewhere })).rejects.toThrow(/The URL given is for 127\.0\.0\.1:\d+, but pg-rebuilt is at/);
    // With the credentials it answers with now, it is seen to hold the database still: not lost.
    await expect(writeOffServer("pg-rebuilt", "pg-rebuilt", "rebuilt empty", null, "operator CLI", { answersAt: testSandboxServerUrl() })).rejects.toThrow("pg-rebuilt answers and still holds 1 of its 1 sandbox database");
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).toMatchObject({ status: "READY", deletedAt: null });

    // Emptied, as a rebuild leaves it: written off, and the credentials given were only checked with.
    await dropTestDatabase(copy);
    const outcome = await writeOffServer("pg-rebuilt", "pg-rebuilt", "rebuilt empty", null, "operator CLI", { answersAt: testSandboxServerUrl() });
    expect(outcome.deleted.map((s) => s.id)).toEqual([sandbox.id]);
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).toMatchObject({ status: "DELETED" });
    expect(await db.sandboxServer.findUniqueOrThrow({ where: { id: rebuilt.id } })).toMatchObject({ state: "DRAINING", urlEncrypted: storedUrl });
  }, 60_000);
});
