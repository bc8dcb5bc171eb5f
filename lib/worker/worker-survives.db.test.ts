/**
 * Item 4 of issue 10, no fault crashes a worker: a standalone worker process
 * (`npm run worker`) whose production backends, then sandbox-server backends, are
 * terminated mid-copy stays up. Each dropped connection fails only that attempt,
 * with a plain reason; the queue retries it; the run completes, and so does
 * another run afterwards. Production is unchanged.
 */
import type { ChildProcess } from "node:child_process";
import { spawnWorker } from "../testing/worker-process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { generateProductionDatabase } from "../crm/generator";
import { oneOffQuery } from "../db/one-off-query";
import { checksums } from "../testing/sanitizer-fixtures";

usePortalDatabase();

const { db } = await import("../db/portal");
const { registerTenant } = await import("../tenants/registry");
const { requestRun, runDatabaseName } = await import("../jobs/lifecycle");
const { stopBoss } = await import("../jobs/queue");
const { databaseExists } = await import("../sanitizer/drop");

let productionUrl = "";
let tenantId = "";
let adminId = "";
let worker: ChildProcess | undefined;
let workerLog = "";

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) {
      const runs = await db.sandboxRun.findMany({ select: { status: true, attempts: true, error: true, progress: true } });
      throw new Error(`timed out waiting for ${what}; runs: ${JSON.stringify(runs)}\nworker log:\n${workerLog}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

/** Ends every session on `database` (on the test server, which plays production and the sandbox server). */
async function terminateSessionsOn(database: string): Promise<number> {
  const ended = await oneOffQuery<{ pid: number }>(
    testServerAdminUrl(),
    // In the select list, not the WHERE clause: there the planner may call it before filtering by database.
    "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [database],
  );
  return ended.length;
}

async function newSandbox(name: string, sandboxCustomerId: string) {
  return db.sandbox.create({ data: { tenantId, name, planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId, status: "QUEUED" } });
}

const runOf = (runId: string) => db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });

describe("a standalone worker whose connections are terminated mid-copy", () => {
  beforeAll(async () => {
    productionUrl = await createTestDatabase("dropprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: "Cust7373", companyName: "Drop AS", scale: "small", seed: 73 });
    tenantId = (await registerTenant({ customerId: "Cust7373", companyName: "Drop AS", productionUrl })).id;
    adminId = (await db.user.create({ data: { email: "drop@example.com", name: "D", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
    // Enough rows that the copy takes a while: the terminations land mid-copy.
    await oneOffQuery(productionUrl, `INSERT INTO ticket_message (ticket_id, author_email, body, created_at)
      SELECT (SELECT min(id) FROM ticket), 'someone@example.com', repeat('a long message body ', 20), now()
      FROM generate_series(1, 200000)`);
  }, 120_000);

  afterAll(async () => {
    worker?.kill("SIGKILL");
    await stopBoss();
  });

  it("stays up, retries each attempt that lost a connection, and completes this run and the next", async () => {
    const before = await checksums(productionUrl);
    const sandbox = await newSandbox("dropped", "Cust973730");
    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: null, options: {} });
    const targetDb = runDatabaseName("Cust7373", runId);
    worker = spawnWorker({
      // WORKER_CONCURRENCY set to nothing, as a container's list may have it: one slot, the default (Number("") made none).
      env: { ...process.env, COPY_RETRY_BACKOFF_SECONDS: "1", COPY_MAX_ATTEMPTS: "4", WORKER_CONCURRENCY: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    worker.stdout!.on("data", (chunk: Buffer) => (workerLog += chunk.toString()));
    worker.stderr!.on("data", (chunk: Buffer) => (workerLog += chunk.toString()));

    const copying = (attempt: number) => async () => {
      const run = await runOf(runId);
      const steps = (run.progress as { steps?: { key: string; state: string }[] } | null)?.steps ?? [];
      return run.status === "RUNNING" && run.attempts === attempt && steps.some((s) => s.key.startsWith("table:") && s.state === "running");
    };
    const retried = (attempt: number) => async () => {
      const run = await runOf(runId);
      if (run.status === "FAILED" || run.status === "SUCCEEDED") throw new Error(`attempt ${attempt} ended ${run.status}: ${run.error}\n${workerLog}`);
      return run.status === "QUEUED" && run.attempts === attempt ? run : null;
    };

    // Attempt 1: production's backends go away mid-copy.
    // Tried until some sessions were ended, not once: a single try raced with the attempt's start while a
    // claimed attempt still showed the last one's steps (claimRun clears them now); retrying costs nothing.
    const endSessionsWhileCopying = (attempt: number, database: string) => async () => (await copying(attempt)()) && (await terminateSessionsOn(database)) > 0;
    await waitFor("the first attempt's copy, its production sessions ended", endSessionsWhileCopying(1, databaseOf(productionUrl)));
    const first = await waitFor("the first attempt to end", retried(1));
    expect(first.error).toMatch(/^A connection to production or to the sandbox server was lost mid-run\. The copy will be retried at /);
    expect(worker.exitCode).toBeNull();

    // Attempt 2: the sandbox server's backends on the new copy go away mid-copy.
    await waitFor("the second attempt's copy, its sandbox sessions ended", endSessionsWhileCopying(2, targetDb));
    await waitFor("the second attempt to end", retried(2));
    expect(worker.exitCode).toBeNull();
    expect(await databaseExists(testServerAdminUrl(), targetDb)).toBe(false);

    // Attempt 3, with no fault, completes.
    const done = await waitFor("the run to succeed", async () => ((await runOf(runId)).status === "SUCCEEDED" ? runOf(runId) : null), 120_000);
    expect(done.attempts).toBe(3);
    expect(worker.exitCode).toBeNull();

    // The same process goes on with the next run.
    const next = await newSandbox("next", "Cust973731");
    const { runId: nextRunId } = await requestRun({ sandboxId: next.id, kind: "PROVISION", requestedById: null, options: {} });
    const nextDone = await waitFor("the next run", async () => {
      const run = await runOf(nextRunId);
      return run.status === "SUCCEEDED" || run.status === "FAILED" ? run : null;
    }, 120_000);
    expect(nextDone.status, nextDone.error ?? "").toBe("SUCCEEDED");
    expect(worker.exitCode).toBeNull();
    expect(workerLog).not.toMatch(/Unhandled 'error' event|uncaught/i);
    expect(await db.workerHeartbeat.findFirst({ where: { pid: worker.pid }, select: { concurrency: true } })).toEqual({ concurrency: 1 });

    expect(await checksums(productionUrl)).toEqual(before);
  }, 300_000);
});
