/**
 * Item 5 of issue 10, chaos: a standalone worker process carries out runs while
 * faults are injected — SIGKILL of the worker at random points (one aimed at a
 * refresh's swap), production's sessions terminated mid-copy, and the sandbox
 * server restarted mid-copy; that server also holds the portal database, so the
 * portal database restarts mid-run at the same time; and a SIGTERM mid-copy (a deploy),
 * which hands the copy back to the queue. After each fault:
 *   - no half-made database on any server (every sbx_ database is some sandbox's);
 *   - no run left queued or running once recovered;
 *   - the sandbox points at a verified copy (for a refresh: the new one, or its previous one);
 *   - production is byte-for-byte unchanged;
 *   - the retry succeeds.
 * CI size by default (one random kill, a small production); the bigger run:
 * CHAOS_KILLS=20 CHAOS_ROWS=200000 npx vitest run lib/worker/chaos.db.test.ts. Prints the figures.
 */
import type { ChildProcess } from "node:child_process";
import { spawnWorker } from "../testing/worker-process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, ensureDatabase, type LocalServer } from "../db/local-server";
import { applyMigrations } from "../db/migrate";
import { oneOffQuery } from "../db/one-off-query";
import { closeToPublic } from "../db/sandbox-role";
import { withDatabase } from "../db/urls";
import { generateProductionDatabase } from "../crm/generator";
import { checksums } from "../testing/sanitizer-fixtures";
import { createTestDatabase } from "../testing/pg";
import { freePort } from "../testing/free-port";
import type * as PortalModule from "../db/portal";
import type * as LifecycleModule from "../jobs/lifecycle";
import type * as RecoveryModule from "./recovery";

const KILLS = Number(process.env.CHAOS_KILLS ?? 1);
/** Extra rows in production, so that a copy lasts long enough to be hit mid-way. */
const ROWS = Number(process.env.CHAOS_ROWS ?? 30_000);
const PORTAL_DATABASE = "portal_chaos";

let server: LocalServer;
let serverOptions: Parameters<typeof startLocalServer>[0];
let productionUrl = "";
let worker: ChildProcess | undefined;
let workerLog = "";
const figures = { faults: 0, recovered: 0, leaked: 0, longestRecoveryMs: 0 };
/** Where each SIGKILL landed: the step the run was at (a table's copy counted as "copy"). */
const killPoints = new Map<string, number>();

// Imported once DATABASE_URL points at the chaos server's portal database.
let db: typeof PortalModule.db;
let lifecycle: typeof LifecycleModule;
let recovery: typeof RecoveryModule;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startWorker(): void {
  worker = spawnWorker({
    env: { ...process.env, COPY_RETRY_BACKOFF_SECONDS: "1", COPY_MAX_ATTEMPTS: "10" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker.stdout!.on("data", (c: Buffer) => (workerLog += c.toString()));
  worker.stderr!.on("data", (c: Buffer) => (workerLog += c.toString()));
}

/** The step a run is at now, for the figures: the running step, or the last one done (e.g. verified, swapping). */
async function stepOf(runId: string): Promise<string> {
  const run = await runOf(runId);
  if (run.status !== "RUNNING") return `run ${run.status.toLowerCase()}`;
  const steps = (run.progress as { steps?: { key: string; state: string }[] } | null)?.steps ?? [];
  const at = steps.find((s) => s.state === "running") ?? steps.findLast((s) => s.state === "done");
  return at ? `${at.state === "done" ? "after " : ""}${at.key.startsWith("table:") ? "copy" : at.key}` : "claimed";
}

async function killWorker(runId: string): Promise<void> {
  const point = await stepOf(runId);
  killPoints.set(point, (killPoints.get(point) ?? 0) + 1);
  const dying = worker!;
  dying.kill("SIGKILL");
  if (dying.exitCode === null && dying.signalCode === null) await new Promise((r) => dying.once("exit", r));
  figures.faults++;
}

async function runOf(runId: string) {
  return db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 150_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null); // the portal database may be restarting
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${workerLog.slice(-3000)}`);
    await sleep(everyMs);
  }
}

/** A step of the copy is under way (or `key` has finished, for aiming at what follows it). */
const reached = (runId: string, test: (s: { key: string; state: string }) => boolean) => async () => {
  const run = await runOf(runId);
  const steps = (run.progress as { steps?: { key: string; state: string }[] } | null)?.steps ?? [];
  return run.status === "RUNNING" && steps.some(test);
};

/**
 * Starts a refresh and returns once production is streaming the big table to it. The
 * copy is seen on production itself (its progress row is written at most twice a
 * second, and a table may take less than that); a refresh that ends before it is
 * seen is simply followed by another, so the fault always lands mid-copy.
 */
async function refreshCaughtMidCopy(request: (kind: "REFRESH") => Promise<string>): Promise<string> {
  const productionDb = decodeURIComponent(new URL(productionUrl).pathname.slice(1));
  for (let attempt = 1; attempt <= 5; attempt++) {
    const runId = await request("REFRESH");
    for (;;) {
      const [copying] = await oneOffQuery(
        productionUrl,
        "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE 'COPY (%' AND query LIKE '%ticket_message%'",
        [productionDb],
      );
      if (copying) return runId;
      const run = await runOf(runId);
      if (run.status === "FAILED") throw new Error(`run failed: ${run.error}`);
      if (run.status === "SUCCEEDED") break;
      await sleep(10);
    }
  }
  throw new Error(`no refresh was caught copying in 5 tries\n${workerLog.slice(-3000)}`);
}

/**
 * Starts a refresh and returns once its copy is verified, before the swap. Between the
 * two there may be only milliseconds: a refresh that ends before it is seen there is
 * simply followed by another, as refreshCaughtMidCopy does.
 */
async function refreshCaughtAfterVerify(request: (kind: "REFRESH") => Promise<string>): Promise<string> {
  const verified = (s: { key: string; state: string }) => s.key === "verify" && s.state === "done";
  // The window is short, and shorter to a probe on a busy machine: looked at often, and tried often.
  for (let attempt = 1; attempt <= 12; attempt++) {
    const runId = await request("REFRESH");
    const seen = await waitFor(
      "the copy to be verified",
      async () => {
        if (await reached(runId, verified)()) return "caught";
        const run = await runOf(runId);
        if (run.status === "FAILED") return `failed: ${run.error}`;
        return run.status === "SUCCEEDED" ? "ended" : null;
      },
      150_000,
      10,
    );
    if (seen === "caught") return runId;
    if (seen !== "ended") throw new Error(`run ${seen}`);
  }
  throw new Error(`no refresh was caught between its verification and its swap in 12 tries\n${workerLog.slice(-3000)}`);
}

/**
 * Waits for the run to succeed, doing what a live worker's sweep does meanwhile:
 * a run whose heartbeat went quiet (its worker is dead) is recovered, as it
 * would be after STALE_AFTER_MS, without waiting that long.
 */
async function untilSucceeded(runId: string, faultAt: number): Promise<void> {
  await waitFor("the run to succeed", async () => {
    const run = await runOf(runId);
    if (run.status === "FAILED") throw new Error(`run failed: ${run.error}`);
    if (run.status === "RUNNING" && run.heartbeatAt && Date.now() - run.heartbeatAt.getTime() > 8_000) {
      figures.recovered += (await recovery.recoverStaleRuns(new Date(run.heartbeatAt.getTime() + recovery.STALE_AFTER_MS + 1_000))).length;
    }
    return run.status === "SUCCEEDED";
  });
  figures.longestRecoveryMs = Math.max(figures.longestRecoveryMs, Date.now() - faultAt);
}

async function assertInvariants(sandboxId: string, production: Record<string, string>): Promise<void> {
  const { dropOrphanCopies } = await import("./orphan-copies");
  await dropOrphanCopies(); // as every worker's sweep does
  const sandboxes = await db.sandbox.findMany({ select: { databaseName: true } });
  const referenced = new Set(sandboxes.map((s) => s.databaseName));
  const copies = await oneOffQuery<{ name: string }>(server.adminUrl, "SELECT datname AS name FROM pg_database WHERE datname LIKE 'sbx\\_%'");
  const leaked = copies.filter((c) => !referenced.has(c.name));
  figures.leaked += leaked.length;
  expect(leaked, "half-made or orphaned copies").toEqual([]);
  expect(await db.sandboxRun.count({ where: { status: { in: ["QUEUED", "RUNNING"] } } })).toBe(0);
  const sandbox = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
  expect(sandbox.status).toBe("READY");
  const [installation] = await oneOffQuery<{ environment: string }>(withDatabase(server.adminUrl, sandbox.databaseName!), "SELECT environment FROM installation");
  expect(installation?.environment).toBe("sandbox");
  expect(await checksums(productionUrl)).toEqual(production);
}

describe("chaos: a worker under faults", () => {
  beforeAll(async () => {
    serverOptions = { dataDir: await mkdtemp(path.join(tmpdir(), "sandbox-portal-chaos-")), port: await freePort() };
    server = await startLocalServer(serverOptions);
    await ensureDatabase(server.adminUrl, PORTAL_DATABASE);
    // As the launcher sets it up: the sandbox role builds sandboxes and cannot reach the portal database.
    await closeToPublic(server.adminUrl, PORTAL_DATABASE);
    process.env.DATABASE_URL = withDatabase(server.adminUrl, PORTAL_DATABASE);
    process.env.SANDBOX_SERVER_URL = server.sandboxServerUrl;
    process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
    process.env.DATABASE_SECRETS_KEY ??= randomBytes(32).toString("base64");
    await applyMigrations(process.env.DATABASE_URL);
    ({ db } = await import("../db/portal"));
    lifecycle = await import("../jobs/lifecycle");
    recovery = await import("./recovery");

    productionUrl = await createTestDatabase("chaosprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: "Cust9090", companyName: "Chaos AS", scale: "small", seed: 90 });
    await oneOffQuery(productionUrl, `INSERT INTO ticket_message (ticket_id, author_email, body, created_at)
      SELECT (SELECT min(id) FROM ticket), 'someone@example.com', repeat('a long message body ', 20), now() FROM generate_series(1, $1::int)`, [ROWS]);
    const { registerTenant } = await import("../tenants/registry");
    await registerTenant({ customerId: "Cust9090", companyName: "Chaos AS", productionUrl, sandboxServerUrl: server.sandboxServerUrl });
    startWorker();
  }, 180_000);

  afterAll(async () => {
    worker?.kill("SIGKILL");
    const { stopBoss } = await import("../jobs/queue");
    await stopBoss();
    await db?.$disconnect();
    await server?.stop();
    // A restartable server keeps its data on stop: this one's is the test's alone.
    if (serverOptions) await rm(serverOptions.dataDir, { recursive: true, force: true });
    console.log(
      `chaos: faults injected ${figures.faults}, runs recovered ${figures.recovered}, databases leaked ${figures.leaked}, ` +
        `longest recovery ${(figures.longestRecoveryMs / 1000).toFixed(1)} s; ` +
        `kills landed at: ${[...killPoints].map(([point, n]) => `${point} ×${n}`).join(", ")}`,
    );
  });

  it("keeps every invariant through kills, a terminated production, a SIGTERM mid-copy, and a restarted sandbox server and portal database", async () => {
    const production = await checksums(productionUrl);
    const tenant = await db.tenant.findUniqueOrThrow({ where: { customerId: "Cust9090" } });
    const admin = await db.user.create({ data: { email: "chaos@example.com", name: "C", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const sandbox = await db.sandbox.create({
      data: { tenantId: tenant.id, name: "chaos", planCounts: { complete: 1 }, orderedById: admin.id, sandboxCustomerId: "Cust909090", status: "QUEUED" },
    });
    const request = async (kind: "PROVISION" | "REFRESH") => {
      const options = kind === "PROVISION" ? {} : ((await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).options as object);
      return (await lifecycle.requestRun({ sandboxId: sandbox.id, kind, requestedById: admin.id, options })).runId;
    };

    // SIGKILL at random points of runs: the first provisions, the rest refresh. A point is
    // drawn over a whole attempt (as long as the last one that succeeded took), so kills
    // land in every phase: snapshot, copy, rules, verification, swap, dropping the old copy.
    // A run that ends before its drawn point teaches the draw its length, and another run takes the kill.
    let attemptMs = 4_000;
    let provisioned = false;
    for (let i = 0; i < KILLS; i++) {
      let runId = "";
      for (let tries = 0; ; tries++) {
        runId = await request(provisioned ? "REFRESH" : "PROVISION");
        await waitFor("the run to start", async () => (await runOf(runId)).status !== "QUEUED");
        await sleep(Math.floor(Math.random() * attemptMs));
        const run = await runOf(runId);
        if (run.status === "RUNNING" || tries === 5) break;
        expect(run.status, run.error ?? "").toBe("SUCCEEDED");
        provisioned = true;
        attemptMs = run.finishedAt!.getTime() - run.startedAt!.getTime();
      }
      provisioned = true;
      await killWorker(runId);
      const faultAt = Date.now();
      startWorker();
      await untilSucceeded(runId, faultAt);
      await assertInvariants(sandbox.id, production);
      const done = await runOf(runId);
      attemptMs = done.finishedAt!.getTime() - done.startedAt!.getTime();
    }

    // SIGKILL aimed at a refresh's swap: right after the copy is verified.
    const swapRun = await refreshCaughtAfterVerify(request);
    await killWorker(swapRun);
    let faultAt = Date.now();
    startWorker();
    await untilSucceeded(swapRun, faultAt);
    await assertInvariants(sandbox.id, production);

    // Production's sessions terminated mid-copy.
    const prodRun = await refreshCaughtMidCopy(request);
    const productionDb = decodeURIComponent(new URL(productionUrl).pathname.slice(1));
    await oneOffQuery(productionUrl, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [productionDb]);
    figures.faults++;
    faultAt = Date.now();
    await untilSucceeded(prodRun, faultAt);
    expect(worker!.exitCode, "the worker survives a terminated production").toBeNull();
    await assertInvariants(sandbox.id, production);

    // SIGTERM mid-copy, as a deploy or a scale-in sends it: the worker hands its copy back
    // (dropping what it made, the attempt not counted) and exits cleanly; the next worker carries it out.
    const handedRun = await refreshCaughtMidCopy(request);
    const stopping = worker!;
    const exited = new Promise<number | null>((resolve) => stopping.once("exit", (code) => resolve(code)));
    stopping.kill("SIGTERM");
    expect(await exited, workerLog.slice(-3000)).toBe(0);
    expect(await runOf(handedRun)).toMatchObject({ status: "QUEUED", attempts: 0, error: lifecycle.HANDED_BACK_REASON });
    expect(await oneOffQuery(server.adminUrl, "SELECT 1 FROM pg_database WHERE datname = $1", [lifecycle.runDatabaseName("Cust9090", handedRun)])).toEqual([]);
    figures.faults++;
    faultAt = Date.now();
    startWorker();
    await untilSucceeded(handedRun, faultAt);
    await assertInvariants(sandbox.id, production);

    // The sandbox server, which also holds the portal database, restarted mid-copy.
    const restartRun = await refreshCaughtMidCopy(request);
    await server.stop();
    server = await startLocalServer(serverOptions);
    figures.faults++;
    faultAt = Date.now();
    await untilSucceeded(restartRun, faultAt);
    expect(worker!.exitCode, "the worker survives a restarted sandbox server and portal database").toBeNull();
    await assertInvariants(sandbox.id, production);
  }, (5 + KILLS * 2) * 60_000); // the bigger run's kills each take a whole copy and a retry
});
