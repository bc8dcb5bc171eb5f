/**
 * Runs per sandbox server (SANDBOX_SERVER_MAX_RUNS, here 1), over all workers:
 *   - two tenants on one sandbox server: the second copy starts only once the first
 *     has ended, its customer is told why it waits, and both complete;
 *   - a tenant on another sandbox server is not held up by a full one;
 *   - a worker killed while holding the slot does not keep it: recovery frees it,
 *     and the slot goes to the run that has waited longest.
 */
import type { ChildProcess } from "node:child_process";
import { spawnWorker } from "../testing/worker-process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { freePort } from "../testing/free-port";
import { generateProductionDatabase } from "../crm/generator";
import { startLocalServer, type LocalServer } from "../db/local-server";

usePortalDatabase();

const { db } = await import("../db/portal");
const { registerTenant } = await import("../tenants/registry");
const { requestRun } = await import("../jobs/lifecycle");
const { executeRun } = await import("./execute");
const { recoverStaleRuns, STALE_AFTER_MS } = await import("./recovery");
const { startWorker } = await import("./worker");
const { stopBoss } = await import("../jobs/queue");
const { getProgressSnapshot } = await import("../sandboxes/queries");
const { loadActor } = await import("../auth/load-actor");
const { SERVER_WAIT_WORDS } = await import("../jobs/slots");

let otherServer: LocalServer | undefined;
/** Its folder: the server removes its data, the folder and its credentials file are ours to remove. */
let otherServerDir: string | undefined;
let child: ChildProcess | undefined;
const lockers: pg.Client[] = [];

interface Tenant {
  tenantId: string;
  adminId: string;
  productionUrl: string;
  sandboxId: string;
}

async function tenantWithSandbox(customerId: string, seed: number, sandboxServerUrl?: string): Promise<Tenant> {
  const productionUrl = await createTestDatabase(`slot${seed}`);
  await generateProductionDatabase({ databaseUrl: productionUrl, customerId, companyName: `${customerId} AS`, scale: "small", seed });
  const tenant = await registerTenant({ customerId, companyName: `${customerId} AS`, productionUrl, sandboxServerUrl });
  const admin = await db.user.create({ data: { email: `${customerId}@example.com`, name: "A", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
  const sandbox = await db.sandbox.create({
    data: { tenantId: tenant.id, name: "uat", planCounts: { complete: 1 }, orderedById: admin.id, sandboxCustomerId: `${customerId}0`, status: "QUEUED" },
  });
  return { tenantId: tenant.id, adminId: admin.id, productionUrl, sandboxId: sandbox.id };
}

const runOf = (runId: string) => db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Holds production's ticket_message locked, so that a copy of it waits (its slot stays taken). */
async function lockProduction(productionUrl: string): Promise<pg.Client> {
  const locker = new pg.Client({ connectionString: productionUrl });
  await locker.connect();
  await locker.query("BEGIN");
  await locker.query("LOCK TABLE ticket_message IN ACCESS EXCLUSIVE MODE");
  lockers.push(locker);
  return locker;
}

const refresh = (t: Tenant) => requestRun({ sandboxId: t.sandboxId, kind: "REFRESH", requestedById: null, options: {}, enqueue: false }).then((r) => r.runId);

describe("runs per sandbox server", () => {
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    process.env.SANDBOX_SERVER_MAX_RUNS = "1";
    // A copy held up by a locked table keeps its slot for the test's length, not for 30 s.
    process.env.PRODUCTION_LOCK_TIMEOUT_SECONDS = "120";
    a = await tenantWithSandbox("Cust7171", 71);
    b = await tenantWithSandbox("Cust7272", 72);
  }, 120_000);

  afterAll(async () => {
    child?.kill("SIGKILL");
    for (const locker of lockers) await locker.end().catch(() => undefined);
    await stopBoss();
    await otherServer?.stop();
    if (otherServerDir) await rm(otherServerDir, { recursive: true, force: true });
    delete process.env.SANDBOX_SERVER_MAX_RUNS;
    delete process.env.PRODUCTION_LOCK_TIMEOUT_SECONDS;
  });

  it("two tenants on one server: the second copy starts when the first ends, and says why it waits", async () => {
    const first = await requestRun({ sandboxId: a.sandboxId, kind: "PROVISION", requestedById: null, options: {} });
    const second = await requestRun({ sandboxId: b.sandboxId, kind: "PROVISION", requestedById: null, options: {} });
    const bAdmin = (await loadActor(b.adminId))!;
    const aAdmin = (await loadActor(a.adminId))!;
    const worker = await startWorker({ concurrency: 2 });
    try {
      let mostRunning = 0;
      const waitingWords = new Set<string>();
      await waitFor("both copies to end", async () => {
        const runs = await db.sandboxRun.findMany({ where: { id: { in: [first.runId, second.runId] } } });
        mostRunning = Math.max(mostRunning, runs.filter((r) => r.status === "RUNNING").length);
        for (const [actor, sandboxId] of [[aAdmin, a.sandboxId], [bAdmin, b.sandboxId]] as const) {
          const waiting = (await getProgressSnapshot(actor, sandboxId))?.run?.waiting;
          if (waiting) waitingWords.add(waiting);
        }
        return runs.every((r) => r.status === "SUCCEEDED" || r.status === "FAILED");
      }, 120_000);

      const [one, two] = [await runOf(first.runId), await runOf(second.runId)];
      expect([one.status, two.status], `${one.error} ${two.error}`).toEqual(["SUCCEEDED", "SUCCEEDED"]);
      expect(mostRunning).toBe(1);
      const [earlier, later] = one.startedAt! < two.startedAt! ? [one, two] : [two, one];
      expect(later.startedAt!.getTime()).toBeGreaterThanOrEqual(earlier.finishedAt!.getTime());
      // Waiting cost no attempt, and the customer saw why the run waited, without a word of the other tenant's copy.
      expect([one.attempts, two.attempts]).toEqual([1, 1]);
      expect([...waitingWords]).toContain(SERVER_WAIT_WORDS);
      for (const words of waitingWords) expect(words).not.toMatch(/\d|cop(y|ies) (is|are) running/);
    } finally {
      await worker.stop();
    }
  }, 180_000);

  it("a tenant on another sandbox server is not held up by a full one", async () => {
    otherServerDir = await mkdtemp(path.join(tmpdir(), "sandbox-portal-slots-"));
    otherServer = await startLocalServer({ dataDir: otherServerDir, port: await freePort(), throwaway: true });
    const c = await tenantWithSandbox("Cust7373", 73, otherServer.sandboxServerUrl);
    const locker = await lockProduction(a.productionUrl);
    const held = await refresh(a);
    const holding = executeRun(held, "holder");
    await waitFor("A's copy to hold the slot", async () => (await runOf(held)).status === "RUNNING");

    // B shares A's server: it waits, keeping its attempts, and its place in the server's line.
    const waiting = await refresh(b);
    expect(await executeRun(waiting, "other")).toBe("skipped");
    const deferred = await runOf(waiting);
    expect(deferred).toMatchObject({ status: "QUEUED", attempts: 0 });
    expect(deferred.serverWaitSince).not.toBeNull();

    // C's server is free: C's copy runs to the end while A still holds its own server's slot.
    const { runId: cRun } = await requestRun({ sandboxId: c.sandboxId, kind: "PROVISION", requestedById: null, options: {}, enqueue: false });
    expect(await executeRun(cRun, "other")).toBe("done");
    expect((await runOf(cRun)).status).toBe("SUCCEEDED");
    expect((await runOf(held)).status).toBe("RUNNING");

    await locker.query("ROLLBACK");
    expect(await holding).toBe("done");
    expect(await executeRun(waiting, "other")).toBe("done");
    expect((await runOf(waiting)).status).toBe("SUCCEEDED");
  }, 180_000);

  it("a worker killed while holding the slot does not keep it: recovery frees it", async () => {
    const locker = await lockProduction(a.productionUrl);
    const { runId: held } = await requestRun({ sandboxId: a.sandboxId, kind: "REFRESH", requestedById: null, options: {} });
    child = spawnWorker({ env: process.env, stdio: process.env.DEBUG_WORKER ? "inherit" : "ignore" });
    await waitFor("the worker to take the slot", async () => (await runOf(held)).status === "RUNNING");
    child.kill("SIGKILL");
    await new Promise((r) => child!.once("exit", r));

    const waiting = await refresh(b);
    expect(await executeRun(waiting, "other"), "the dead worker's run still counts until its heartbeat is stale").toBe("skipped");

    // As a live worker's sweep does once the heartbeat is stale.
    expect(await recoverStaleRuns(new Date(Date.now() + STALE_AFTER_MS + 5_000))).toContain(held);
    await locker.query("ROLLBACK");
    // The slot is free, but B has waited longer than A's retry: first come, first served, so no run starves.
    expect(await executeRun(held, "other")).toBe("skipped");
    expect(await executeRun(waiting, "other")).toBe("done");
    expect(await executeRun(held, "other")).toBe("done");
    expect((await runOf(held)).attempts).toBe(2);
  }, 180_000);
});
