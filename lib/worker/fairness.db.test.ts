/**
 * Item 3 of issue 10, fairness: tenant A's production is locked and A has twelve
 * runs queued ahead of tenant B's. A worker with two slots gives A one slot only
 * (RUNS_PER_TENANT = 1; A's other runs are deferred to the back of the queue), so
 * B's copy starts at once and completes normally while A's run waits on its lock.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { generateProductionDatabase } from "../crm/generator";

usePortalDatabase();

const { db } = await import("../db/portal");
const { registerTenant } = await import("../tenants/registry");
const { requestRun } = await import("../jobs/lifecycle");
const { startWorker } = await import("./worker");
const { stopBoss } = await import("../jobs/queue");

const LOCK_TIMEOUT_S = 20;
let locker: pg.Client | undefined;
let stopWorker: (() => Promise<void>) | undefined;

async function tenantWithSandboxes(customerId: string, seed: number, names: string[]) {
  const productionUrl = await createTestDatabase(`fair${seed}`);
  await generateProductionDatabase({ databaseUrl: productionUrl, customerId, companyName: `${customerId} AS`, scale: "small", seed });
  const tenant = await registerTenant({ customerId, companyName: `${customerId} AS`, productionUrl });
  const admin = await db.user.create({ data: { email: `${customerId}@example.com`, name: "A", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
  const sandboxes = await Promise.all(
    names.map((name, i) =>
      db.sandbox.create({ data: { tenantId: tenant.id, name, planCounts: { complete: 1 }, orderedById: admin.id, sandboxCustomerId: `${customerId}${i}`, status: "QUEUED" } }),
    ),
  );
  return { productionUrl, tenantId: tenant.id, sandboxIds: sandboxes.map((s) => s.id) };
}

describe("fairness between tenants", () => {
  beforeAll(() => {
    process.env.PRODUCTION_LOCK_TIMEOUT_SECONDS = String(LOCK_TIMEOUT_S);
    process.env.COPY_RETRY_BACKOFF_SECONDS = "600";
  });

  afterAll(async () => {
    await locker?.end();
    await stopWorker?.();
    await stopBoss();
    delete process.env.PRODUCTION_LOCK_TIMEOUT_SECONDS;
    delete process.env.COPY_RETRY_BACKOFF_SECONDS;
  });

  it("tenant A's locked production holds one slot at most; tenant B's copy still completes at once, behind however many of A's runs", async () => {
    // A's runs beyond its one slot are refused it one after another: each refusal once took a second of the free slot.
    const a = await tenantWithSandboxes("Cust8181", 81, Array.from({ length: 12 }, (_v, i) => `a-${i}`));
    const b = await tenantWithSandboxes("Cust8282", 82, ["b-one"]);
    locker = new pg.Client({ connectionString: a.productionUrl });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE ticket_message IN ACCESS EXCLUSIVE MODE");

    for (const sandboxId of a.sandboxIds) await requestRun({ sandboxId, kind: "PROVISION", requestedById: null, options: {} });
    await new Promise((r) => setTimeout(r, 200));
    const { runId: bRunId } = await requestRun({ sandboxId: b.sandboxIds[0]!, kind: "PROVISION", requestedById: null, options: {} });

    const worker = await startWorker({ concurrency: 2 });
    stopWorker = () => worker.stop();
    let mostOfARunning = 0;
    const until = Date.now() + 120_000;
    let bRun = await db.sandboxRun.findUniqueOrThrow({ where: { id: bRunId } });
    while (bRun.status !== "SUCCEEDED" && bRun.status !== "FAILED" && Date.now() < until) {
      const aRunning = await db.sandboxRun.count({ where: { status: "RUNNING", sandbox: { tenantId: a.tenantId } } });
      mostOfARunning = Math.max(mostOfARunning, aRunning);
      await new Promise((r) => setTimeout(r, 100));
      bRun = await db.sandboxRun.findUniqueOrThrow({ where: { id: bRunId } });
    }

    expect(bRun.status, bRun.error ?? "").toBe("SUCCEEDED");
    // B did not wait for A's stuck copy: it started well before A's lock timeout could free a slot.
    expect(bRun.startedAt!.getTime() - bRun.createdAt.getTime()).toBeLessThan((LOCK_TIMEOUT_S * 1000) / 2);
    expect(mostOfARunning).toBe(1);
  }, 180_000);

  it("with one slot in all (the default), a tenant with many runs queued first keeps another waiting behind one of them at most", async () => {
    await stopWorker?.();
    // The test above's runs, on its locked production, would hold the one slot: ended here.
    await locker?.end();
    locker = undefined;
    await db.sandboxRun.updateMany({ where: { status: { in: ["QUEUED", "RUNNING"] } }, data: { status: "FAILED", finishedAt: new Date() } });
    // Deletions of sandboxes that never got a copy: they need no production, and end at once.
    const waitingTenant = async (customerId: string, count: number) => {
      const tenant = await db.tenant.create({ data: { customerId, companyName: `${customerId} AS`, productionUrlEncrypted: "x" } });
      const admin = await db.user.create({ data: { email: `${customerId}@example.com`, name: "T", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
      return Promise.all(
        Array.from({ length: count }, async (_v, i) => {
          const sandbox = await db.sandbox.create({ data: { tenantId: tenant.id, name: `turn-${i}`, planCounts: { complete: 1 }, orderedById: admin.id, sandboxCustomerId: `${customerId}${i}`, status: "READY" } });
          return sandbox.id;
        }),
      );
    };
    const many = await waitingTenant("Cust8383", 6);
    const one = await waitingTenant("Cust8484", 1);
    const manyRuns: string[] = [];
    for (const sandboxId of many) manyRuns.push((await requestRun({ sandboxId, kind: "DELETE", requestedById: null, options: {} })).runId);
    await new Promise((r) => setTimeout(r, 50));
    const { runId: oneRun } = await requestRun({ sandboxId: one[0]!, kind: "DELETE", requestedById: null, options: {} });

    const worker = await startWorker({ concurrency: 1 });
    stopWorker = () => worker.stop();
    const until = Date.now() + 60_000;
    let run = await db.sandboxRun.findUniqueOrThrow({ where: { id: oneRun } });
    while (run.status !== "SUCCEEDED" && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      run = await db.sandboxRun.findUniqueOrThrow({ where: { id: oneRun } });
    }
    expect(run.status).toBe("SUCCEEDED");
    // First come, first served, it started after all six.
    const startedBefore = await db.sandboxRun.count({ where: { id: { in: manyRuns }, startedAt: { lt: run.startedAt! } } });
    expect(startedBefore).toBeLessThanOrEqual(1);
    // And the other tenant's runs all end all the same.
    await expect.poll(() => db.sandboxRun.count({ where: { id: { in: manyRuns }, status: "SUCCEEDED" } }), { timeout: 60_000 }).toBe(6);

    // Two tenants that both queued several: they take turns, neither giving way to the other for ever.
    const runsOf = async (sandboxIds: string[]) => {
      const ids: string[] = [];
      for (const sandboxId of sandboxIds) ids.push((await requestRun({ sandboxId, kind: "DELETE", requestedById: null, options: {} })).runId);
      return ids;
    };
    await worker.stop();
    const [first, second] = [await runsOf(await waitingTenant("Cust8585", 3)), await runsOf(await waitingTenant("Cust8686", 3))];
    const next = await startWorker({ concurrency: 1 });
    stopWorker = () => next.stop();
    await expect.poll(() => db.sandboxRun.count({ where: { id: { in: [...first, ...second] }, status: "SUCCEEDED" } }), { timeout: 60_000 }).toBe(6);
    const order = await db.sandboxRun.findMany({ where: { id: { in: [...first, ...second] } }, orderBy: { startedAt: "asc" }, select: { id: true } });
    // The second waited behind one of the first's runs; the first's runs, once yielded, follow later.
    expect(order.slice(0, 2).map((r) => (first.includes(r.id) ? "first" : "second"))).toEqual(["first", "second"]);
  }, 180_000);
});
