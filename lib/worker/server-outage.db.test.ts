/**
 * A sandbox server that is down (a registered URL on a port nothing listens on) while
 * runs are queued for it: the first attempt that finds it down marks it, and the other
 * runs on it wait for it without taking an attempt, bounded; production being down, and
 * runs on other servers or of other tenants, go on as before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { freePort } from "../testing/free-port";

usePortalDatabase();

const { db } = await import("../db/portal");
const { sealSecret } = await import("../secrets/secret-box");
const { claimRun, requestRun } = await import("../jobs/lifecycle");
const { RUN_QUEUE, stopBoss } = await import("../jobs/queue");
const { BUILT_IN_SERVER_ID } = await import("../sandbox-servers/registry");
const { executeRun } = await import("./execute");

let downServerId = "";
let downAddress = "";
let productionUrl = "";
let tenants = 0;

beforeAll(async () => {
  process.env.RUNS_PER_TENANT = "4";
  productionUrl = await createTestDatabase("outageprod");
  const down = new URL(testServerAdminUrl());
  down.port = String(await freePort());
  downAddress = `${down.hostname}:${down.port}`;
  downServerId = (await db.sandboxServer.create({ data: { name: "down", urlEncrypted: sealSecret(down.toString()) } })).id;
  await db.user.create({ data: { email: "op@example.com", name: "Op", role: "OPERATOR", passwordHash: "-" } });
}, 60_000);

afterAll(async () => {
  delete process.env.RUNS_PER_TENANT;
  await stopBoss();
});

/** A tenant with `count` ready sandboxes on `server`, its production at `production`. */
async function tenantWith(count: number, server: string, production = productionUrl) {
  const n = ++tenants;
  const tenant = await db.tenant.create({ data: { customerId: `Cust61${String(n).padStart(3, "0")}`, companyName: `Outage ${n} AS`, productionUrlEncrypted: sealSecret(production) } });
  const user = await db.user.create({ data: { email: `outage${n}@example.com`, name: "O", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
  const sandboxIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const sandbox = await db.sandbox.create({
      data: { tenantId: tenant.id, name: `s${i}`, planCounts: {}, orderedById: user.id, sandboxCustomerId: `Cust61${n}${i}`, status: "READY", databaseName: `sbx_outage_${n}_${i}`, sandboxServerId: server },
    });
    sandboxIds.push(sandbox.id);
  }
  return { tenantId: tenant.id, sandboxIds };
}

const refresh = async (sandboxId: string) => (await requestRun({ sandboxId, kind: "REFRESH", requestedById: null, options: {} })).runId;
const runOf = (runId: string) => db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
const dueNow = (runId: string) => db.$executeRawUnsafe(`UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'created' AND data->>'runId' = $2`, RUN_QUEUE, runId);

describe("a sandbox server that does not answer", () => {
  it("is marked down by the first attempt that finds it so; the other runs on it wait for it without an attempt, operators are told once, and the wait is bounded", async () => {
    const t = await tenantWith(3, downServerId);
    const [first, second, third] = [await refresh(t.sandboxIds[0]!), await refresh(t.sandboxIds[1]!), await refresh(t.sandboxIds[2]!)];

    // The first attempt finds the server down: counted, as any attempt, and the server is marked.
    expect(await executeRun(first, "w1")).toBe("retrying");
    const marked = await db.sandboxServer.findUniqueOrThrow({ where: { id: downServerId } });
    expect(marked.unreachableSince).not.toBeNull();
    const afterFirst = await runOf(first);
    expect(afterFirst).toMatchObject({ status: "QUEUED", attempts: 1 });
    expect(afterFirst.error).toMatch(/sandbox server is not answering/);
    expect(afterFirst.error).toMatch(/starts as soon as it answers/);
    expect(afterFirst.error).not.toContain(downAddress);

    // The other runs on it take no attempt while it is down, and say why in plain words.
    for (const runId of [second, third]) {
      expect(await executeRun(runId, "w1")).toBe("skipped");
      const waiting = await runOf(runId);
      expect(waiting).toMatchObject({ status: "QUEUED", attempts: 0 });
      expect(waiting.error).toMatch(/sandbox server is not answering/);
      expect(waiting.error).not.toContain(downAddress);
    }
    // Nor does the first when its retry comes, however many times it asks.
    for (let i = 0; i < 3; i++) expect(await claimRun(first, "w1")).toBeNull();
    expect(await runOf(first)).toMatchObject({ status: "QUEUED", attempts: 1 });

    // Operators are told once for the outage, not once per run.
    const alerts = await db.alert.findMany({ where: { key: { startsWith: "server-unreachable:" } } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.notifiedAt).not.toBeNull();
    expect(await db.notification.count()).toBe(1);

    // Six hours into the outage, its attempts go on (every wait is bounded), and fail as before.
    const longAgo = new Date(Date.now() - 6 * 3600_000 - 60_000);
    await db.sandboxServer.update({ where: { id: downServerId }, data: { unreachableSince: longAgo } });
    await db.sandboxRun.update({ where: { id: second }, data: { createdAt: longAgo } });
    expect(await claimRun(second, "w1")).not.toBeNull();
    expect(await runOf(second)).toMatchObject({ status: "RUNNING", attempts: 1 });
  }, 60_000);

  it("lets the runs go once it answers again: the claim that asks it (one at a time) finds it up and clears the mark", async () => {
    const server = await db.sandboxServer.create({ data: { name: "back", urlEncrypted: sealSecret(testSandboxServerUrl()) } });
    const t = await tenantWith(1, server.id);
    const runId = await refresh(t.sandboxIds[0]!);
    // Marked down a minute ago, and last asked then; it answers now.
    const minuteAgo = new Date(Date.now() - 60_000);
    await db.sandboxServer.update({ where: { id: server.id }, data: { unreachableSince: minuteAgo, unreachableCheckedAt: minuteAgo } });
    // This claim waits, and asks the server: it answers, so the mark is cleared.
    expect(await claimRun(runId, "w1")).toBeNull();
    expect((await db.sandboxServer.findUniqueOrThrow({ where: { id: server.id } })).unreachableSince).toBeNull();
    expect(await claimRun(runId, "w1")).not.toBeNull();
  }, 30_000);

  it("holds up no run on another server, nor another tenant's, even when a held run's turn has come", async () => {
    await db.sandboxServer.update({ where: { id: downServerId }, data: { unreachableSince: new Date(), unreachableCheckedAt: new Date() } });
    const held = await tenantWith(1, downServerId);
    const heldRun = await refresh(held.sandboxIds[0]!);
    expect(await claimRun(heldRun, "w1")).toBeNull();
    // The other tenant started a run since the held one was asked for: the held run's turn would come first.
    const other = await tenantWith(2, BUILT_IN_SERVER_ID);
    await db.sandboxRun.create({ data: { sandboxId: other.sandboxIds[0]!, kind: "REFRESH", options: {}, status: "SUCCEEDED", startedAt: new Date(), finishedAt: new Date() } });
    const goes = await refresh(other.sandboxIds[1]!);
    await dueNow(heldRun);
    expect(await claimRun(goes, "w2")).not.toBeNull();
  }, 30_000);

  it("production down keeps today's behaviour: the server it copies into is not marked, and each attempt counts", async () => {
    const t = await tenantWith(1, BUILT_IN_SERVER_ID, "postgres://nobody@127.0.0.1:1/none");
    const runId = await refresh(t.sandboxIds[0]!);
    expect(await executeRun(runId, "w1")).toBe("retrying");
    expect((await db.sandboxServer.findUniqueOrThrow({ where: { id: BUILT_IN_SERVER_ID } })).unreachableSince).toBeNull();
    const after = await runOf(runId);
    expect(after).toMatchObject({ status: "QUEUED", attempts: 1 });
    expect(after.error).not.toMatch(/sandbox server is not answering/);
    await dueNow(runId);
    expect(await claimRun(runId, "w1")).not.toBeNull();
    expect(await runOf(runId)).toMatchObject({ status: "RUNNING", attempts: 2 });
  }, 60_000);
});
