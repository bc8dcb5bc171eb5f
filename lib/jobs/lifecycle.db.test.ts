import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { claimRun, completeCopy, failAttempt, heartbeat, JOBLESS_AFTER_MS, recordProgress, requestRun, requeueJoblessRuns, RunTakenOver } = await import("./lifecycle");
const { RUN_JOB_EXPIRY_SECONDS, stopBoss } = await import("./queue");
const { recoverStaleRuns, STALE_AFTER_MS } = await import("../worker/recovery");
const { copyLimits } = await import("../config/copy-limits");
const { AppError } = await import("../errors");
const { sealSecret } = await import("../secrets/secret-box");

let sandboxId = "";

async function newSandbox(name: string, databaseName: string | null = null) {
  const tenant = await db.tenant.upsert({
    where: { customerId: "Cust500" },
    update: {},
    // Never connected to: recovery only drops half-made copies on the (default) sandbox server.
    create: { customerId: "Cust500", companyName: "Runs AS", productionUrlEncrypted: sealSecret("postgres://nobody@127.0.0.1:1/none") },
  });
  const user = await db.user.upsert({
    where: { email: "runs@example.com" },
    update: {},
    create: { email: "runs@example.com", name: "R", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" },
  });
  return db.sandbox.create({
    data: { tenantId: tenant.id, name, planCounts: { complete: 1 }, orderedById: user.id, sandboxCustomerId: `Cust9${name.length}${Date.now() % 100000}`, databaseName, status: databaseName ? "READY" : "AWAITING_SETUP" },
  });
}

describe("sandbox runs", () => {
  beforeAll(async () => {
    sandboxId = (await newSandbox("first")).id;
  });
  afterAll(async () => {
    await stopBoss();
  });

  it("queues a run and its job together, and marks the sandbox queued", async () => {
    const { runId } = await requestRun({ sandboxId, kind: "PROVISION", requestedById: null, options: {} });
    const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("QUEUED");
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).status).toBe("QUEUED");
    const jobs = await db.$queryRawUnsafe<{ n: bigint; seconds: number }[]>(
      `SELECT count(*) AS n, max(extract(epoch FROM expire_in))::int AS seconds FROM pgboss.job WHERE name = 'sandbox-run' AND data->>'runId' = $1`, runId);
    expect(Number(jobs[0]!.n)).toBe(1);
    // pg-boss never ends a run's job before the run's own deadline would (a copy of hundreds of GB takes days).
    expect(jobs[0]!.seconds).toBe(RUN_JOB_EXPIRY_SECONDS);
  });

  it("refuses a second run while one is active, also when requests race", async () => {
    const other = await newSandbox("racing", "sbx_existing");
    const attempts = await Promise.allSettled(
      Array.from({ length: 5 }, () => requestRun({ sandboxId: other.id, kind: "REFRESH", requestedById: null, options: {} })),
    );
    const won = attempts.filter((a) => a.status === "fulfilled");
    const refused = attempts.filter((a) => a.status === "rejected");
    expect(won).toHaveLength(1);
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
      expect(((r as PromiseRejectedResult).reason as InstanceType<typeof AppError>).code).toBe("RUN_IN_PROGRESS");
    }
    expect(await db.sandboxRun.count({ where: { sandboxId: other.id } })).toBe(1);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("REFRESHING");
  });

  it("refuses any run of a deleted sandbox: an auto-refresh or a retry decided before the deletion ended brings nothing back", async () => {
    const deleted = await newSandbox("deleted", null);
    await db.sandbox.update({ where: { id: deleted.id }, data: { status: "DELETED", deletedAt: new Date() } });
    for (const kind of ["REFRESH", "PROVISION"] as const) {
      await expect(requestRun({ sandboxId: deleted.id, kind, requestedById: null, options: {} })).rejects.toMatchObject({ code: "CONFLICT" });
    }
    expect(await db.sandboxRun.count({ where: { sandboxId: deleted.id } })).toBe(0);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: deleted.id } })).status).toBe("DELETED");
  });

  it("gives a queued run whose job is gone (a claim whose transaction failed) a new job, once, however many workers sweep", async () => {
    const lost = await newSandbox("jobless");
    const { runId } = await requestRun({ sandboxId: lost.id, kind: "PROVISION", requestedById: null, options: {} });
    const jobs = async (state: string) =>
      Number((await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'sandbox-run' AND data->>'runId' = $1 AND state::text = $2`, runId, state))[0]!.n);
    // The worker took the job, and its claim's transaction failed: pg-boss fails the job and does not retry it.
    await db.$executeRawUnsafe(`UPDATE pgboss.job SET state = 'failed' WHERE name = 'sandbox-run' AND data->>'runId' = $1`, runId);
    // Just queued, as the CLI's runs are before their claim: left alone.
    expect(await requeueJoblessRuns()).not.toContain(runId);
    const later = new Date(Date.now() + JOBLESS_AFTER_MS + 1000);
    const sweeps = await Promise.all([requeueJoblessRuns(later), requeueJoblessRuns(later), requeueJoblessRuns(later)]);
    expect(sweeps.flat().filter((id) => id === runId)).toHaveLength(1);
    expect(await jobs("created")).toBe(1);
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("QUEUED");
    // With its job back, nothing more is done for it.
    expect(await requeueJoblessRuns(later)).not.toContain(runId);
  });

  it("the database itself refuses a second active run", async () => {
    const other = await newSandbox("direct");
    await db.sandboxRun.create({ data: { sandboxId: other.id, kind: "PROVISION", options: {}, status: "RUNNING" } });
    await expect(db.sandboxRun.create({ data: { sandboxId: other.id, kind: "REFRESH", options: {} } })).rejects.toThrow();
  });

  it("re-queues a run whose worker died, then fails it with a reason after the last attempt", async () => {
    const ready = await newSandbox("orphaned", "sbx_still_there");
    const long = new Date(Date.now() - STALE_AFTER_MS - 1000);
    const run = await db.sandboxRun.create({
      data: { sandboxId: ready.id, kind: "DELETE", options: {}, status: "RUNNING", attempts: 1, heartbeatAt: long, workerId: "dead" },
    });
    expect(await recoverStaleRuns()).toContain(run.id);
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("QUEUED");

    await db.sandboxRun.update({ where: { id: run.id }, data: { status: "RUNNING", attempts: copyLimits().maxAttempts, heartbeatAt: long } });
    await recoverStaleRuns();
    const failed = await db.sandboxRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toMatch(/worker .* stopped unexpectedly/i);
    expect(failed.failureCode).toBe("WORKER_LOST");
    // Its people hear of it as of any failed run: the worker that would have told them is gone.
    expect(await db.notification.findMany({ where: { userId: ready.orderedById, link: `/sandboxes/${ready.id}` }, select: { message: true } })).toEqual([
      { message: expect.stringMatching(/failed/i) },
    ]);
    // The sandbox it belonged to still has its database: it stays usable.
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: ready.id } })).status).toBe("READY");
  });

  it("moves run and sandbox together: claimed means running and provisioning, never queued at 65 %", async () => {
    const fresh = await newSandbox("claimed");
    const { runId } = await requestRun({ sandboxId: fresh.id, kind: "PROVISION", requestedById: null, options: {} });
    // Earlier tests leave runs of this tenant running: the tenant's fair share (fairness.db.test.ts) is not the point here.
    const claimed = await claimRun(runId, "worker-1", { fairShare: false });
    expect(claimed?.status).toBe("RUNNING");
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: fresh.id } })).status).toBe("PROVISIONING");
    expect(await claimRun(runId, "worker-2")).toBeNull();

    // Its worker dies: the run goes back to the queue and the sandbox says so too.
    await db.sandboxRun.update({ where: { id: runId }, data: { heartbeatAt: new Date(Date.now() - STALE_AFTER_MS - 1000) } });
    expect(await recoverStaleRuns()).toContain(runId);
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("QUEUED");
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: fresh.id } })).status).toBe("QUEUED");
  });

  it("a worker cut off long enough for its run to be recovered and claimed again changes nothing of the new attempt, and stops", async () => {
    const cutOff = await newSandbox("cut off");
    const { runId } = await requestRun({ sandboxId: cutOff.id, kind: "PROVISION", requestedById: null, options: {} });
    const first = (await claimRun(runId, "worker-a", { fairShare: false }))!;
    // worker-a cannot reach the portal's database for a minute: its run is taken for lost, and worker-b claims it.
    await db.sandboxRun.update({ where: { id: runId }, data: { heartbeatAt: new Date(Date.now() - STALE_AFTER_MS - 1000) } });
    expect(await recoverStaleRuns()).toContain(runId);
    const second = (await claimRun(runId, "worker-b", { fairShare: false }))!;
    expect(second.attempts).toBe(first.attempts + 1);
    await recordProgress(second, { steps: [{ key: "copy", label: "Copy rows", state: "running" }] });

    // worker-a is back: each of its writes is told the run is not its own any more, and changes nothing.
    expect(await heartbeat(first)).toBeInstanceOf(RunTakenOver);
    expect(await recordProgress(first, { steps: [] })).toBeInstanceOf(RunTakenOver);
    expect(await failAttempt(first, Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), { maxAttempts: 3, backoffMs: 0 })).toBe("taken over");
    expect(await failAttempt(first, new Error("boom"), null)).toBe("taken over");
    const report = { snapshotAt: new Date().toISOString() } as unknown as Parameters<typeof completeCopy>[1]["report"];
    await expect(completeCopy(first, { databaseName: "sbx_worker_a", sizeBytes: 1, report })).rejects.toBeInstanceOf(RunTakenOver);

    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: "RUNNING",
      workerId: "worker-b",
      attempts: second.attempts,
      progress: { steps: [{ key: "copy", label: "Copy rows", state: "running" }] },
    });
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: cutOff.id } })).toMatchObject({ status: "PROVISIONING", databaseName: null });
    // worker-b's own writes go on.
    expect(await heartbeat(second)).toBeNull();
  });

  it("judges a run alive by the database's clock: a worker whose machine runs 10 minutes behind keeps its run, and retries on time", async () => {
    const skewed = await newSandbox("skewed clock");
    const { runId } = await requestRun({ sandboxId: skewed.id, kind: "PROVISION", requestedById: null, options: {} });
    const databaseTime = async () => (await db.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`)[0]!.now.getTime();
    // The worker's machine: its clock 10 minutes behind the database's (and the other workers').
    const behind = async <T>(work: () => Promise<T>) => {
      vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
      vi.setSystemTime(Date.now() - 10 * 60_000);
      try {
        return await work();
      } finally {
        vi.useRealTimers();
      }
    };
    const run = await behind(async () => {
      const claimed = (await claimRun(runId, "worker-behind", { fairShare: false }))!;
      expect(await heartbeat(claimed)).toBeNull();
      return claimed;
    });
    const beating = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(Math.abs(beating.heartbeatAt!.getTime() - (await databaseTime()))).toBeLessThan(30_000);
    // Another worker's sweep, on a clock that agrees with the database: the run's heartbeat is fresh.
    expect(await recoverStaleRuns()).not.toContain(runId);

    // A passing failure: the retry's job starts after the back-off by the database's clock, not 10 minutes late.
    await db.$executeRawUnsafe(`DELETE FROM pgboss.job WHERE name = 'sandbox-run' AND data->>'runId' = $1`, runId); // the job the worker took
    expect(await behind(() => failAttempt(run, Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), { maxAttempts: 3, backoffMs: 60_000 }))).toBe("retrying");
    const [job] = await db.$queryRawUnsafe<{ startAfter: Date }[]>(
      `SELECT start_after AS "startAfter" FROM pgboss.job WHERE name = 'sandbox-run' AND data->>'runId' = $1 AND state = 'created'`, runId);
    const wait = job!.startAfter.getTime() - (await databaseTime());
    expect(wait).toBeGreaterThan(30_000);
    expect(wait).toBeLessThan(90_000);
  });

  it("a new attempt starts with no steps: the last attempt's progress is shown while the run waits, not once it runs again", async () => {
    const retried = await newSandbox("retried");
    const { runId } = await requestRun({ sandboxId: retried.id, kind: "PROVISION", requestedById: null, options: {} });
    const first = (await claimRun(runId, "worker-1", { fairShare: false }))!;
    const lastAttempt = { steps: [{ key: "copy", label: "Copy rows", state: "failed" }] };
    await recordProgress(first, lastAttempt);
    // Production unreachable for a moment: the queue tries again.
    expect(await failAttempt(first, Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), { maxAttempts: 3, backoffMs: 0 })).toBe("retrying");
    const waiting = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(waiting.status).toBe("QUEUED");
    expect(waiting.progress).toEqual(lastAttempt);

    const again = await claimRun(runId, "worker-2", { fairShare: false });
    expect(again?.attempts).toBe(2);
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).progress).toBeNull();
  });

  it("re-queues a lost run together with its job: when the job cannot be written, the run is not left queued without one", async () => {
    const lost = await newSandbox("lost-job", "sbx_lost_job");
    const long = new Date(Date.now() - STALE_AFTER_MS - 1000);
    const run = await db.sandboxRun.create({
      data: { sandboxId: lost.id, kind: "DELETE", options: {}, status: "RUNNING", attempts: 1, heartbeatAt: long, workerId: "dead" },
    });
    const jobsFor = async () =>
      Number((await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM pgboss.job WHERE data->>'runId' = $1`, run.id))[0]!.n);
    // A fault between the run's update and its job: the queue refuses this run's job.
    await db.$executeRawUnsafe(`CREATE FUNCTION pg_temp_refuse_job() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.data->>'runId' = '${run.id}' THEN RAISE EXCEPTION 'queue down'; END IF; RETURN NEW; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER refuse_job BEFORE INSERT ON pgboss.job FOR EACH ROW EXECUTE FUNCTION pg_temp_refuse_job()`);
    try {
      await expect(recoverStaleRuns()).rejects.toThrow();
      const after = await db.sandboxRun.findUniqueOrThrow({ where: { id: run.id } });
      expect(after.status).toBe("RUNNING");
      expect(await jobsFor()).toBe(0);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER refuse_job ON pgboss.job`);
      await db.$executeRawUnsafe(`DROP FUNCTION pg_temp_refuse_job()`);
    }
    // Still running with a heartbeat of the failed attempt: it goes stale again and is recovered whole.
    await db.sandboxRun.update({ where: { id: run.id }, data: { heartbeatAt: long } });
    expect(await recoverStaleRuns()).toContain(run.id);
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("QUEUED");
    expect(await jobsFor()).toBe(1);
  });

  it("leaves runs with a fresh heartbeat alone", async () => {
    const busy = await newSandbox("busy");
    const run = await db.sandboxRun.create({
      data: { sandboxId: busy.id, kind: "PROVISION", options: {}, status: "RUNNING", attempts: 1, heartbeatAt: new Date() },
    });
    expect(await recoverStaleRuns()).not.toContain(run.id);
  });
});
