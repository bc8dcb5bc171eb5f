/**
 * A copy its customer stops while it runs: its worker stops it within a progress write,
 * drops what it made, and ends it cancelled; the sandbox keeps the copy it had and
 * nobody is told of a failure. A stop that meets a failed attempt, or a lost worker,
 * ends the run too: it never starts again.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { generateProductionDatabase } from "../crm/generator";
import type * as Lifecycle from "../jobs/lifecycle";

usePortalDatabase();

/** A swap that fails once asked to (its connection cut before the commit): the copy is made and verified, and not the sandbox's. */
const swapFails = vi.hoisted(() => ({ next: false, meanwhile: undefined as (() => Promise<unknown>) | undefined }));
vi.mock("../jobs/lifecycle", async (original) => {
  const lifecycle = await original<typeof Lifecycle>();
  return {
    ...lifecycle,
    completeCopy: async (...args: Parameters<typeof lifecycle.completeCopy>) => {
      if (!swapFails.next) return lifecycle.completeCopy(...args);
      swapFails.next = false;
      await swapFails.meanwhile?.();
      throw Object.assign(new Error("Connection terminated unexpectedly (simulated)"), { code: "57P01" });
    },
  };
});

const { db } = await import("../db/portal");
const { registerTenant } = await import("../tenants/registry");
const { claimRun, endStoppedRun, failAttempt, HANDED_BACK_REASON, requestRun, requestStop, runDatabaseName } = await import("../jobs/lifecycle");
const { cancelRun } = await import("../sandboxes/mutations");
const { loadActor } = await import("../auth/load-actor");
const { executeRun, handBackCopiesInHand } = await import("./execute");
const { recoverStaleRuns, STALE_AFTER_MS } = await import("./recovery");
const { stopBoss } = await import("../jobs/queue");
const { databaseExists } = await import("../sanitizer/drop");
const { SanitizationError } = await import("../sanitizer/errors");

const CUSTOMER = "Cust5252";
let adminId = "";
let tenantId = "";
let sandboxes = 0;

async function readySandbox(name: string): Promise<{ id: string; databaseName: string }> {
  const sandbox = await db.sandbox.create({
    data: { tenantId, name, planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId: `Cust95252${++sandboxes}`, status: "QUEUED" },
  });
  const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: adminId, options: {}, enqueue: false });
  await executeRun(runId, "test");
  const ready = await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } });
  expect(ready.status).toBe("READY");
  return { id: sandbox.id, databaseName: ready.databaseName! };
}

/** A refresh of `sandboxId`, claimed by this test's "worker" as executeRun would. */
async function claimedRefresh(sandboxId: string) {
  const { runId } = await requestRun({ sandboxId, kind: "REFRESH", requestedById: adminId, options: {}, enqueue: false });
  const run = await claimRun(runId, "test");
  expect(run).not.toBeNull();
  return run!;
}

describe("stopping a copy while it runs", () => {
  beforeAll(async () => {
    const productionUrl = await createTestDatabase("stopprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: CUSTOMER, companyName: "Stop AS", scale: "small", seed: 52 });
    const tenant = await registerTenant({ customerId: CUSTOMER, companyName: "Stop AS", productionUrl });
    tenantId = tenant.id;
    adminId = (await db.user.create({ data: { email: "stop@example.com", name: "Stina", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
  }, 120_000);

  afterAll(async () => {
    await stopBoss();
  });

  it("stops a refresh whose rows are in: the half-made copy dropped, the old one kept, nothing announced", async () => {
    const sandbox = await readySandbox("stopped");
    const actor = (await loadActor(adminId))!;
    const notifiedBefore = await db.notification.count({ where: { userId: adminId } });
    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "REFRESH", requestedById: adminId, options: {}, enqueue: false });
    // The customer presses Stop once the copy's rows are in, as its keys are about to be built;
    // the copy's foreign keys then wait long enough for a progress write (every 0.5 s) to carry it.
    let asked: unknown;
    const beforeStep = async (key: string) => {
      if (key === "indexes") asked = await cancelRun(actor, sandbox.id);
      if (key === "constraints") await new Promise((resolve) => setTimeout(resolve, 3_000));
    };
    expect(await executeRun(runId, "test", { beforeStep })).toBe("done");
    expect(asked).toEqual({ runId, state: "stopping" });

    const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "FAILED", failureCode: "CANCELLED", error: "Stopped by Stina while it ran. Nothing of it was kept.", attempts: 1 });
    // Stopped where it was, not carried on to its end and dropped there.
    expect(run.progress).toMatchObject({ steps: expect.arrayContaining([expect.objectContaining({ key: "verify", state: "pending" })]) });
    expect(await databaseExists(testServerAdminUrl(), runDatabaseName(CUSTOMER, runId))).toBe(false);
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).toMatchObject({ status: "READY", databaseName: sandbox.databaseName });
    expect(await databaseExists(testServerAdminUrl(), sandbox.databaseName)).toBe(true);
    // No failure mail, notification, webhook event or operators' alert.
    expect(await db.notification.count({ where: { userId: adminId } })).toBe(notifiedBefore);
    expect(await db.alert.count({ where: { key: { contains: sandbox.id } } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "sandbox.run.stopRequested", targetId: sandbox.id } })).toBe(1);
  });

  it("a stopped creation leaves its sandbox Not created: nothing failed", async () => {
    const sandbox = await db.sandbox.create({
      data: { tenantId, name: "never made", planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId: "Cust952529", status: "QUEUED" },
    });
    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: adminId, options: {}, enqueue: false });
    const run = (await claimRun(runId, "test"))!;
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).status).toBe("PROVISIONING");
    const reason = "Stopped by Stina while it ran. Nothing of it was kept.";
    expect(await db.$transaction((tx) => requestStop(tx, runId, reason))).toBe(true);
    expect(await endStoppedRun(run, reason)).toBe(true);
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).toMatchObject({ status: "NOT_CREATED", databaseName: null });
  });

  it("a stop that meets a failing attempt ends the run: it is not queued again", async () => {
    const sandbox = await readySandbox("failing");
    const run = await claimedRefresh(sandbox.id);
    expect(await db.$transaction((tx) => requestStop(tx, run.id, "Stopped by Stina while it ran. Nothing of it was kept."))).toBe(true);
    const busy = new SanitizationError("PRODUCTION_BUSY", "Production is busy.");
    expect(await failAttempt(run, busy, { maxAttempts: 3, backoffMs: 1_000 })).toBe("cancelled");
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "FAILED", failureCode: "CANCELLED" });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).status).toBe("READY");
  });

  it("a run queued again as its stop was asked does not start: its claim ends it", async () => {
    const sandbox = await readySandbox("requeued");
    const run = await claimedRefresh(sandbox.id);
    // The stop landed between the attempt's failure and its requeue.
    await db.sandboxRun.update({ where: { id: run.id }, data: { status: "QUEUED", stopReason: "Stopped by Stina while it ran. Nothing of it was kept." } });
    expect(await claimRun(run.id, "test")).toBeNull();
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "FAILED", failureCode: "CANCELLED", attempts: 1 });
  });

  it("a lost worker's run that was asked to stop is ended, not queued again", async () => {
    const sandbox = await readySandbox("lost");
    const run = await claimedRefresh(sandbox.id);
    await db.$transaction((tx) => requestStop(tx, run.id, "Stopped by Stina while it ran. Nothing of it was kept."));
    expect(await recoverStaleRuns(new Date(Date.now() + STALE_AFTER_MS + 5_000))).toContain(run.id);
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "FAILED", failureCode: "CANCELLED", error: "Stopped by Stina while it ran. Nothing of it was kept." });
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).toMatchObject({ status: "READY", databaseName: sandbox.databaseName });
  });

  it("a worker shutting down hands its copy back: dropped, queued again at once without an attempt counted, and another worker carries it out", async () => {
    const sandbox = await readySandbox("handed back");
    const notifiedBefore = await db.notification.count({ where: { userId: adminId } });
    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "REFRESH", requestedById: adminId, options: {}, enqueue: false });
    // The worker is told to stop (a deploy) once the copy's rows are in; another worker of the same process goes on.
    let handingBack: Promise<void> | undefined;
    let othersHandedBack = false;
    const beforeStep = async (key: string) => {
      if (key !== "indexes") return;
      await handBackCopiesInHand("another worker").then(() => (othersHandedBack = true));
      handingBack = handBackCopiesInHand("stopping worker");
    };
    expect(await executeRun(runId, "stopping worker", { beforeStep })).toBe("retrying");
    await handingBack;
    expect(othersHandedBack).toBe(true); // it had nothing of its own, and did not stop this copy

    const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "QUEUED", attempts: 0, workerId: null, error: HANDED_BACK_REASON, failureCode: null, finishedAt: null });
    expect(await databaseExists(testServerAdminUrl(), runDatabaseName(CUSTOMER, runId))).toBe(false);
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).toMatchObject({ databaseName: sandbox.databaseName });
    expect(await databaseExists(testServerAdminUrl(), sandbox.databaseName)).toBe(true);
    // Its job is back on the queue, due now, for whichever worker comes next.
    const [job] = await db.$queryRaw<{ state: string; due: boolean }[]>`SELECT state::text, start_after <= now() AS due FROM pgboss.job WHERE data->>'runId' = ${runId} AND state = 'created'`;
    expect(job).toEqual({ state: "created", due: true });
    // Nothing failed, so nobody is told.
    expect(await db.notification.count({ where: { userId: adminId } })).toBe(notifiedBefore);
    expect(await db.alert.count({ where: { key: { contains: sandbox.id } } })).toBe(0);

    // A job the stopping worker fetched meanwhile is not started: it is left queued, with a job of its own.
    const late = await readySandbox("fetched late");
    const { runId: lateRun } = await requestRun({ sandboxId: late.id, kind: "REFRESH", requestedById: adminId, options: {}, enqueue: false });
    expect(await executeRun(lateRun, "stopping worker")).toBe("skipped");
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: lateRun } })).toMatchObject({ status: "QUEUED", attempts: 0 });
    expect(await db.$queryRaw`SELECT 1 FROM pgboss.job WHERE data->>'runId' = ${lateRun} AND state = 'created'`).toHaveLength(1);

    expect(await executeRun(runId, "next worker")).toBe("done");
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "SUCCEEDED", attempts: 1 });
    expect(await databaseExists(testServerAdminUrl(), runDatabaseName(CUSTOMER, runId))).toBe(true);
  });

  it("a run that ends after its copy was made, unswapped (stopped as it was verified, or failed at the swap), leaves no database behind", async () => {
    const sandbox = await readySandbox("unswapped");
    const actor = (await loadActor(adminId))!;
    // Stopped as the verified copy was being swapped in, and the swap failed: the run ends as stopped.
    Object.assign(swapFails, { next: true, meanwhile: () => cancelRun(actor, sandbox.id) });
    const stopped = await requestRun({ sandboxId: sandbox.id, kind: "REFRESH", requestedById: adminId, options: {}, enqueue: false });
    expect(await executeRun(stopped.runId, "test", { direct: true })).toBe("done");
    // Failed at the swap, for good (one attempt: the CLI's).
    Object.assign(swapFails, { next: true, meanwhile: undefined });
    const failed = await requestRun({ sandboxId: sandbox.id, kind: "REFRESH", requestedById: adminId, options: {}, enqueue: false });
    expect(await executeRun(failed.runId, "test", { direct: true })).toBe("done");

    const runs = await db.sandboxRun.findMany({ where: { id: { in: [stopped.runId, failed.runId] } }, orderBy: { createdAt: "asc" }, select: { status: true, failureCode: true } });
    expect(runs.map((r) => r.status)).toEqual(["FAILED", "FAILED"]);
    expect(runs.map((r) => r.failureCode === "CANCELLED")).toEqual([true, false]);
    for (const runId of [stopped.runId, failed.runId]) expect(await databaseExists(testServerAdminUrl(), runDatabaseName(CUSTOMER, runId))).toBe(false);
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).toMatchObject({ status: "READY", databaseName: sandbox.databaseName });
    expect(await databaseExists(testServerAdminUrl(), sandbox.databaseName)).toBe(true);
  });

  it("a deletion under way is never asked to stop", async () => {
    const sandbox = await readySandbox("deleting");
    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "DELETE", requestedById: adminId, options: {}, enqueue: false });
    expect(await claimRun(runId, "test")).not.toBeNull();
    expect(await db.$transaction((tx) => requestStop(tx, runId, "no"))).toBe(false);
  });
});
