/**
 * Sandboxes live on their own server of the pool. Two servers stand in here: the
 * built-in one (the test PostgreSQL, as SANDBOX_SERVER_URL names it) and a server
 * that is down (a registered URL on a port nothing listens on). A draining server
 * takes no new sandboxes but its sandboxes still refresh and delete; a server that
 * is down fails only the runs of sandboxes on it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { freePort } from "../testing/free-port";
import { freezingProxy } from "../testing/freezing-proxy";
import { generateProductionDatabase } from "../crm/generator";
import type { Actor } from "../auth/policy";

usePortalDatabase();

const { db } = await import("../db/portal");
const { sealSecret } = await import("../secrets/secret-box");
const { registerTenant } = await import("../tenants/registry");
const { createOrder } = await import("../orders/mutations");
const { heartbeat, requestRun } = await import("../jobs/lifecycle");
const { executeRun } = await import("./execute");
const { dropOrphanCopies } = await import("./orphan-copies");
const { measureSandboxSizes } = await import("./sandbox-sizes");
const { oneOffQuery } = await import("../db/one-off-query");
const { checkSandboxServers } = await import("../alerts/fleet-checks");
const { stopBoss } = await import("../jobs/queue");
const { databaseExists } = await import("../sanitizer/drop");
const { BUILT_IN_SERVER_ID } = await import("../sandbox-servers/registry");
const { TENANT_WAIT_WORDS } = await import("../jobs/slots");
const { recoverStaleRuns, STALE_AFTER_MS } = await import("./recovery");
const { getProgressSnapshot } = await import("../sandboxes/queries");

let tenantId = "";
let admin: Actor;
let downServerId = "";

async function run(sandboxId: string, kind: "PROVISION" | "REFRESH" | "DELETE") {
  const { runId } = await requestRun({ sandboxId, kind, requestedById: admin.id, options: { invalidationDomain: "example.invalid" }, enqueue: false });
  await executeRun(runId, "test", { direct: true });
  return db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
}

const orderOn = async (name: string) => {
  const { sandboxId } = await createOrder(admin, { tenantId, name, kind: "full", planCounts: { complete: 1 } as never, note: "", onBehalf: false });
  return db.sandbox.findUniqueOrThrow({ where: { id: sandboxId }, select: { id: true, sandboxServerId: true } });
};

describe("a pool of two sandbox servers", () => {
  beforeAll(async () => {
    const productionUrl = await createTestDatabase("poolprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: "Cust5353", companyName: "Pool AS", scale: "small", seed: 53 });
    tenantId = (await registerTenant({ customerId: "Cust5353", companyName: "Pool AS", productionUrl })).id;
    const adminId = (await db.user.create({ data: { email: "pool@example.com", name: "P", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
    admin = { id: adminId, email: "pool@example.com", name: "P", role: "CUSTOMER_ADMIN", tenantId, tenantName: "Pool AS", customerId: "Cust5353" };
    await db.user.create({ data: { email: "op@example.com", name: "Op", role: "OPERATOR", passwordHash: "-" } });
    const down = new URL(testServerAdminUrl());
    down.port = String(await freePort());
    downServerId = (await db.sandboxServer.create({ data: { name: "down", urlEncrypted: sealSecret(down.toString()), state: "DRAINING" } })).id;
  }, 120_000);

  afterAll(async () => {
    await stopBoss();
  });

  it("a draining server gets no new sandboxes, and its sandboxes still refresh and delete", async () => {
    const first = await orderOn("Before draining");
    expect(first.sandboxServerId).toBe(BUILT_IN_SERVER_ID);
    expect((await run(first.id, "PROVISION")).status).toBe("SUCCEEDED");

    await db.sandboxServer.update({ where: { id: BUILT_IN_SERVER_ID }, data: { state: "DRAINING" } });
    const spare = await db.sandboxServer.create({ data: { name: "spare", urlEncrypted: sealSecret("postgres://maker:pw@spare.internal/postgres") } });
    expect((await orderOn("After draining")).sandboxServerId).toBe(spare.id);

    const before = await db.sandbox.findUniqueOrThrow({ where: { id: first.id } });
    const refreshed = await run(first.id, "REFRESH");
    expect(refreshed.status, refreshed.error ?? "").toBe("SUCCEEDED");
    const after = await db.sandbox.findUniqueOrThrow({ where: { id: first.id } });
    expect(after).toMatchObject({ status: "READY", sandboxServerId: BUILT_IN_SERVER_ID });
    expect(after.databaseName).not.toBe(before.databaseName);

    expect((await run(first.id, "DELETE")).status).toBe("SUCCEEDED");
    expect(await databaseExists(testServerAdminUrl(), after.databaseName!)).toBe(false);
    await db.sandboxServer.update({ where: { id: BUILT_IN_SERVER_ID }, data: { state: "ACTIVE" } });
    await db.sandboxServer.update({ where: { id: spare.id }, data: { state: "DRAINING" } });
  }, 120_000);

  it("measures sandboxes' sizes again on their servers, as their people fill them, past a server that does not answer", async () => {
    const growing = await orderOn("Growing");
    await db.sandboxServer.update({ where: { id: BUILT_IN_SERVER_ID }, data: { state: "ACTIVE" } });
    expect((await run(growing.id, "PROVISION")).status).toBe("SUCCEEDED");
    const made = await db.sandbox.findUniqueOrThrow({ where: { id: growing.id } });
    // The sandbox's people import 8 MB of documents after the swap.
    const sandboxUrl = new URL(testServerAdminUrl());
    sandboxUrl.pathname = `/${made.databaseName}`;
    await oneOffQuery(sandboxUrl.toString(), "CREATE TABLE imported AS SELECT g, repeat(md5(g::text), 32) AS body FROM generate_series(1, 8000) g");
    // A sandbox on the server that is down keeps its size; the others are measured.
    const elsewhere = await db.sandbox.create({ data: { tenantId, orderedById: admin.id, name: "On the down server", status: "READY", planCounts: {}, options: {}, databaseName: "sbx_cust5353_elsewhere", sandboxServerId: downServerId, sizeBytes: 1234 } });
    await measureSandboxSizes();
    const measured = await db.sandbox.findUniqueOrThrow({ where: { id: growing.id } });
    expect(Number(measured.sizeBytes)).toBeGreaterThan(Number(made.sizeBytes) + 8_000_000);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: elsewhere.id } })).sizeBytes).toBe(1234n);
    await db.sandbox.delete({ where: { id: elsewhere.id } });
    // Every Ready sandbox on the server that answered has its database there: nothing to say.
    expect(await db.alert.count({ where: { key: { startsWith: "databases-missing:" } } })).toBe(0);
  }, 120_000);

  it("tells operators of Ready sandboxes whose database is not on their server (SANDBOX_SERVER_URL pointed elsewhere), and of no other", async () => {
    const sandbox = (name: string, status: "READY" | "FAILED", databaseName: string, sandboxServerId: string | null = BUILT_IN_SERVER_ID) =>
      db.sandbox.create({ data: { tenantId, orderedById: admin.id, name, status, planCounts: {}, options: {}, databaseName, sandboxServerId } });
    const lost = await sandbox("Lost copy", "READY", "sbx_cust5353_lostcopy");
    // Never placed: it lives where its tenant's sandboxes go, the built-in server.
    const unplaced = await sandbox("Unplaced lost copy", "READY", "sbx_cust5353_unplaced", null);
    const failed = await sandbox("Failed, no copy", "FAILED", "sbx_cust5353_failedcopy");
    const onDown = await sandbox("On the down server", "READY", "sbx_cust5353_ondown", downServerId);
    try {
      await measureSandboxSizes();
      const alerts = await db.alert.findMany({ where: { key: { startsWith: "databases-missing:" } }, select: { key: true, subject: true, detail: true } });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ key: "databases-missing:built-in", subject: expect.stringMatching(/^2 Ready sandboxes on built-in \([\w.]+:\d+\) have no database there$/) });
      expect(alerts[0]!.detail).toContain("“Lost copy” of Pool AS (sbx_cust5353_lostcopy)");
      expect(alerts[0]!.detail).toContain("“Unplaced lost copy” of Pool AS");
      expect(alerts[0]!.detail).toMatch(/SANDBOX_SERVER_URL/);
      // Neither a sandbox without a copy nor one on a server that did not answer is named; nor a password.
      expect(alerts[0]!.detail).not.toMatch(/Failed, no copy|On the down server/);
      expect(alerts[0]!.detail).not.toContain(new URL(testServerAdminUrl()).password || "\u0000");
    } finally {
      await db.sandbox.deleteMany({ where: { id: { in: [lost.id, unplaced.id, failed.id, onDown.id] } } });
      await db.alert.deleteMany({ where: { key: { startsWith: "databases-missing:" } } });
    }
  }, 120_000);

  it("one server down fails only the sandboxes on it; the other server's copies, the sweep and the alerts go on", async () => {
    const onDown = await orderOn("On the down server");
    await db.sandbox.update({ where: { id: onDown.id }, data: { sandboxServerId: downServerId } });
    const onUp = await orderOn("On the built-in server");
    expect(onUp.sandboxServerId).toBe(BUILT_IN_SERVER_ID);

    const failed = await run(onDown.id, "PROVISION");
    expect(failed.status).toBe("FAILED");
    const fine = await run(onUp.id, "PROVISION");
    expect(fine.status, fine.error ?? "").toBe("SUCCEEDED");
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: onUp.id } })).status).toBe("READY");

    // The worker's sweep lists every server holding sandboxes: the down one is skipped, not fatal.
    await expect(dropOrphanCopies()).resolves.toEqual([]);
    await checkSandboxServers();
    const alerts = await db.alert.findMany({ where: { key: { startsWith: "server-unreachable:" } }, select: { key: true, subject: true } });
    expect(alerts).toContainEqual({ key: "server-unreachable:down", subject: expect.stringMatching(/^sandbox server down \([\w.]+:\d+\) does not answer$/) });
    expect(alerts.map((a) => a.key)).not.toContain("server-unreachable:built-in");
  }, 120_000);

  it("under REQUIRE_DATABASE_TLS, alerts of a server whose URL has no checked TLS as refused, without connecting to it", async () => {
    await db.sandboxServer.create({ data: { name: "plain", urlEncrypted: sealSecret("postgres://maker:pw@sandbox-db.invalid:5432/postgres"), state: "DRAINING" } });
    vi.stubEnv("REQUIRE_DATABASE_TLS", "true");
    try {
      await checkSandboxServers();
    } finally {
      vi.unstubAllEnvs();
      await db.sandboxServer.delete({ where: { name: "plain" } });
    }
    const alert = await db.alert.findFirst({ where: { key: "server-unreachable:plain" }, select: { subject: true, detail: true } });
    expect(alert).toEqual({ subject: "sandbox server plain (sandbox-db.invalid:5432) is refused: its URL has no checked TLS", detail: expect.stringMatching(/^REQUIRE_DATABASE_TLS refuses the URL/) });
    expect(alert?.detail).not.toContain("pw");
  });
  it("a server that takes connections and never answers holds up neither the recovery of other servers' lost runs nor the sweep", async () => {
    const hung = await freezingProxy(testServerAdminUrl(), { answering: false });
    const connectTimeout = process.env.SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS;
    process.env.SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS = "1";
    try {
      const hungServer = await db.sandboxServer.create({ data: { name: "hung", urlEncrypted: sealSecret(hung.url), state: "DRAINING" } });
      const onHung = await orderOn("On the hung server");
      await db.sandbox.update({ where: { id: onHung.id }, data: { sandboxServerId: hungServer.id } });
      const onUp = await orderOn("Lost on the built-in server");
      // Both runs' workers died mid-copy: their heartbeats are stale.
      const stale = new Date(Date.now() - STALE_AFTER_MS - 1000);
      const lost = async (sandboxId: string) =>
        (await db.sandboxRun.create({ data: { sandboxId, kind: "PROVISION", options: {}, status: "RUNNING", attempts: 1, heartbeatAt: stale, workerId: "dead" } })).id;
      const lostOnHung = await lost(onHung.id);
      const lostOnUp = await lost(onUp.id);

      const started = Date.now();
      const recovered = await recoverStaleRuns();
      // The hung server's run waits for a server that answers; the other is queued again.
      expect(recovered).toEqual([lostOnUp]);
      expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: lostOnHung } })).status).toBe("RUNNING");
      // Its customer is told why it does not move, with no time left promised.
      const seen = await getProgressSnapshot(admin, onHung.id);
      expect(seen?.run?.waiting).toMatch(/^The worker carrying out this run stopped \d+ s ago\. The run is queued again .* as soon as the sandbox server answers/);
      expect(seen?.remainingMs).toBeNull();
      // The other is queued again, told of no lost worker: it waits its turn behind the customer's run held for the hung server (one run at a time).
      expect((await getProgressSnapshot(admin, onUp.id))?.run).toMatchObject({ status: "QUEUED", waiting: TENANT_WAIT_WORDS });
      expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: lostOnUp } })).lostAt).toBeNull();
      // Taken again at the next sweeps, it still says when it was first found lost.
      const { lostAt } = await db.sandboxRun.findUniqueOrThrow({ where: { id: lostOnHung } });
      await db.sandboxRun.update({ where: { id: lostOnHung }, data: { heartbeatAt: stale } });
      await recoverStaleRuns();
      expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: lostOnHung } })).lostAt).toEqual(lostAt);
      // A worker that beats again was not lost after all: its customer is told nothing of it.
      await heartbeat({ id: lostOnHung, workerId: "dead", attempts: 1 });
      expect((await getProgressSnapshot(admin, onHung.id))?.run?.waiting).toBeNull();
      // Silent for 20 s, before recovery finds it lost: its customer is told, and promised no time left.
      await db.sandboxRun.update({ where: { id: lostOnHung }, data: { heartbeatAt: new Date(Date.now() - 20_000), lostAt: null } });
      const silent = await getProgressSnapshot(admin, onHung.id);
      expect(silent?.run?.waiting).toMatch(/^Nothing heard from the worker carrying out this run for 2\d s\. If it has stopped, the run is taken up again within about a minute/);
      expect(silent?.remainingMs).toBeNull();
      await db.sandboxRun.update({ where: { id: lostOnHung }, data: { heartbeatAt: stale, lostAt } });
      await expect(dropOrphanCopies()).resolves.toEqual([]);
      expect(hung.connections()).toBeGreaterThan(0);
      // Its customer asks to stop it: it ends now, as they asked, though the server still does not answer.
      await db.sandboxRun.update({ where: { id: lostOnHung }, data: { stopReason: "Stopped by its customer." } });
      await recoverStaleRuns();
      expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: lostOnHung } })).toMatchObject({ status: "FAILED", failureCode: "CANCELLED" });
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: onHung.id } })).status).toBe("NOT_CREATED");
      // One connection bound each (1 s here), not for good.
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      if (connectTimeout === undefined) delete process.env.SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS;
      else process.env.SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS = connectTimeout;
      await hung.close();
    }
  }, 60_000);
});
