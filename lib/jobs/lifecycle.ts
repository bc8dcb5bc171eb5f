/**
 * The one owner of run and sandbox states. Every change of a run's status, and
 * of the sandbox status that follows from it, happens here, each in one
 * transaction with its partner, so the two never disagree:
 *
 *   request   run QUEUED (+ its job)  sandbox QUEUED (provision) / REFRESHING (refresh) / as is (delete)
 *   claim     run RUNNING             sandbox PROVISIONING (provision) / as is
 *   defer     run QUEUED (+ a later job)  as is: no slot for it (its tenant's runs, its sandbox server's copies)
 *   swap      run SUCCEEDED           sandbox READY, pointing at the verified copy (+ event sandbox.ready / .refreshed)
 *   deleted   run SUCCEEDED           sandbox DELETED (+ event sandbox.deleted)
 *   fail      run FAILED (+ words)    sandbox READY when it still has a copy, else FAILED (+ event sandbox.failed)
 *   retry     run QUEUED (+ words, + its job starting after a back-off)  sandbox as at request
 *   recover   run QUEUED (+ its job)  sandbox as at request; or fail, as above
 *   cancel    run FAILED, code CANCELLED (+ words)  sandbox READY when it has a copy, NOT_CREATED for a
 *             creation, as is for a deletion; nothing announced: a queued run at once; a running copy
 *             asked to stop (stopReason), ended by its worker
 *   hand back run QUEUED (+ words, + its job, the attempt not counted)  as at request: its worker shut down
 *
 * Events are the customer's webhook deliveries (lib/webhooks/outbox.ts), written in the
 * same transaction and sent after it commits.
 *
 * Plain TypeScript over the portal database: the worker, the CLI and the web share it.
 */
import { db } from "../db/portal";
import { AppError } from "../errors";
import { Prisma } from "../generated/portal/client";
import type { RunKind, SandboxStatus } from "../generated/portal/enums";
import type { SanitizationReport } from "../sanitizer/report";
import { CANCELLED, describeFailure, failureCode, hasOperatorOnlyDetails, isTransient, technicalDetail, WORKER_LOST_REASON } from "./failure";
import { enqueueRun, getBoss, queueTablesExist, RUN_QUEUE, wakeLocalRunWorkers, type SqlRunner } from "./queue";
import { findSlot, leaveLinesOnceTenantIsFull } from "./slots";
import { askMarkedServer, SERVER_DOWN_DEFER_MS, SERVER_DOWN_WORDS } from "./server-outage";
import { placedServerId } from "../sandbox-servers/registry";
import { log } from "../observability/log";
import { databaseNow, databaseNowAsLastRead } from "../db/database-clock";
import { withoutPasswords } from "../db/urls";
import { formatDuration } from "../format";
import { eventOfSucceededRun } from "../webhooks/events";
import { recordSandboxEvent } from "../webhooks/outbox";
import { FORGET_PSEUDONYMS } from "../sandboxes/pseudonym-secret";

export const ACTIVE_RUN_STATUSES = ["QUEUED", "RUNNING"] as const;

/** Whether a run still waits or runs, so its sandbox and its databases are in use. */
export const isActiveRun = (run: { status: string }): boolean =>
  (ACTIVE_RUN_STATUSES as readonly string[]).includes(run.status);

/** What a sandbox shows while a run of that kind waits and while it runs; null: unchanged. */
const SANDBOX_STATUS_WHILE: Record<RunKind, { queued: SandboxStatus | null; running: SandboxStatus | null }> = {
  PROVISION: { queued: "QUEUED", running: "PROVISIONING" },
  REFRESH: { queued: "REFRESHING", running: "REFRESHING" },
  // A sandbox being deleted stays usable until its database is dropped.
  DELETE: { queued: null, running: null },
};

const inTransaction = (tx: Prisma.TransactionClient): SqlRunner => (text, values) => tx.$queryRawUnsafe(text, ...values);

export interface RunRequest {
  sandboxId: string;
  kind: RunKind;
  requestedById: string | null;
  options: Prisma.InputJsonValue;
  /** Extra writes that must commit with the run (e.g. the wizard's confirmation). */
  alsoInTransaction?: (tx: Prisma.TransactionClient) => Promise<void>;
  /** The CLI runs the job itself instead of queueing it. */
  enqueue?: boolean;
}

/**
 * Creates a run unless one is already queued or running for that sandbox. The
 * sandbox row is locked first, so two concurrent requests cannot both pass the
 * check; a partial unique index backs this up. The run and its job commit together.
 */
export async function requestRun(request: RunRequest): Promise<{ runId: string }> {
  // Starting the queue (its first use in a process creates its schema) must not eat into
  // the transaction's time limit, which bounds how long the sandbox row stays locked.
  if (request.enqueue !== false) await getBoss();
  // By the database's clock: the sweeps that find runs without a job, and the wait for room, age it by that.
  const createdAt = await databaseNow();
  try {
    const requested = await db.$transaction(async (tx) => {
      // The customer's row first, shared (requests for its sandboxes do not wait for each other), as
      // every lock of it comes before its sandboxes' rows. An offboarding (which locks it) either
      // committed before, and `gone` below reads it, or waits for this run to commit and ends it with
      // the customer's other waiting runs. Without it, a confirmation that committed while an
      // offboarding ran left its run queued for a sandbox the offboarding had just ended as deleted.
      await tx.$queryRaw`SELECT 1 FROM "Tenant" WHERE id = (SELECT "tenantId" FROM "Sandbox" WHERE id = ${request.sandboxId}) FOR SHARE`;
      const [locked] = await tx.$queryRaw<{ deleted: boolean; gone: boolean }[]>`
        SELECT s."deletedAt" IS NOT NULL AS deleted, t."offboardedAt" IS NOT NULL AS gone
          FROM "Sandbox" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE s.id = ${request.sandboxId} FOR UPDATE OF s`;
      // Checked under the lock: an auto-refresh or a retry decided before a deletion ended
      // must not bring back, hours later, a copy its customer asked to have deleted.
      if (!locked) throw new AppError("NOT_FOUND");
      if (locked.deleted) throw new AppError("CONFLICT", "This sandbox was deleted: nothing more is run for it.");
      // A customer that has left (lib/tenants/offboard.ts): its sandboxes are only deleted.
      if (locked.gone && request.kind !== "DELETE") throw new AppError("CONFLICT", "This customer has left the portal: its sandboxes are being deleted, and nothing else is run for them.");
      const active = await tx.sandboxRun.findFirst({
        where: { sandboxId: request.sandboxId, status: { in: [...ACTIVE_RUN_STATUSES] } },
        select: { id: true },
      });
      if (active) throw new AppError("RUN_IN_PROGRESS");
      const run = await tx.sandboxRun.create({
        data: { sandboxId: request.sandboxId, kind: request.kind, requestedById: request.requestedById, options: request.options, createdAt },
        select: { id: true },
      });
      const status = SANDBOX_STATUS_WHILE[request.kind].queued;
      if (status) await tx.sandbox.update({ where: { id: request.sandboxId }, data: { status } });
      await request.alsoInTransaction?.(tx);
      if (request.enqueue !== false) await enqueueRun(run.id, inTransaction(tx));
      return { runId: run.id };
    });
    if (request.enqueue !== false) wakeLocalRunWorkers();
    return requested;
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new AppError("RUN_IN_PROGRESS");
    throw error;
  }
}

/** A queued run without a job is given one once it has existed this long (the CLI claims its own at once). */
export const JOBLESS_AFTER_MS = 60_000;
/** Runs given a new job per sweep: a failover may leave many, and the next sweep takes the rest. */
const JOBLESS_PER_SWEEP = 100;

/**
 * Queued runs that no job will ever offer to a worker, each given a new one. A claim
 * whose transaction failed (the portal's database failing over, a pool that made it
 * wait past its time limit) had taken the run's only job, and pg-boss does not retry
 * it: the run stayed queued for ever, its sandbox "Queued" with nothing to tell why,
 * and, once it held a place in its sandbox server's line, a slot of that server from
 * every other tenant. So did a run the CLI queued and was stopped before claiming.
 * One worker's sweep at a time (the others skip theirs): one that read before another's
 * jobs committed would give the same runs a second job. The runs are locked as a claim
 * locks them, so a claim going on meanwhile is waited for.
 */
export async function requeueJoblessRuns(at?: Date): Promise<string[]> {
  const now = at ?? (await databaseNow());
  const cutoff = new Date(now.getTime() - JOBLESS_AFTER_MS);
  const requeued = await db.$transaction(async (tx) => {
    const [turn] = await tx.$queryRaw<{ ours: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended('requeue-jobless-runs', 0)) AS ours`;
    if (!turn?.ours) return [];
    const runs = await tx.$queryRaw<{ id: string }[]>(joblessRunsQuery(cutoff));
    for (const { id } of runs) await enqueueRun(id, inTransaction(tx));
    return runs.map((r) => r.id);
  });
  if (requeued.length > 0) wakeLocalRunWorkers();
  return requeued;
}

/**
 * What requeueJoblessRuns asks, under its lock (exported for the test of its plan at scale). The runs
 * with a job are gathered once: asked run by run, the queue's jobs were all read again for each queued
 * run (600 of each: 180,000 rows every sweep, on a regular-refresh day).
 */
export function joblessRunsQuery(cutoff: Date): Prisma.Sql {
  return Prisma.sql`
      SELECT r.id FROM "SandboxRun" r
       WHERE r.status = 'QUEUED' AND r."createdAt" < ${cutoff}
         AND r.id NOT IN (SELECT j.data->>'runId' FROM pgboss.job j WHERE j.name = ${RUN_QUEUE} AND j.state <= 'active' AND j.data->>'runId' IS NOT NULL)
       ORDER BY r."createdAt" LIMIT ${JOBLESS_PER_SWEEP}
         FOR UPDATE OF r`;
}

/** A worker's slot busy with another run: the job offered to it goes back for this long (worker.ts). */
export const SLOT_BUSY_DEFER_MS = 5_000;
/** How often a run waiting for room on its sandbox server looks again: room frees when copies end, minutes apart. */
export const ROOM_WAIT_DEFER_MS = 30_000;

/** How long a run that gave another tenant its turn (slots.ts) waits to ask again: that tenant's run takes the free slot at once. */
const TURN_YIELD_DELAY_MS = 2_000;

/**
 * How long a run refused a slot (its tenant's, its server's) waits before asking again: soon
 * at first, less often the longer it has waited. Every ask is a claim's transaction and a new
 * job: a thousand runs due on one refresh day, each asking every 5 s, made hundreds a second.
 * A slot that frees wakes the runs waiting for it at once (wakeRunsWaitingForSlots), so the
 * longer delays cost no turn; they only bound how long a slot freed by a crash goes unseen.
 */
export function slotWaitDelayMs(waitedMs: number): number {
  if (waitedMs < 60_000) return 5_000;
  if (waitedMs < 10 * 60_000) return 15_000;
  return 60_000;
}

/**
 * A run ended (done, failed, retrying later, handed back): the runs waiting for a slot of its
 * tenant or its server, or for room there, ask again now rather than at their next turn.
 * Their claims decide, in the server's line (slots.ts), who gets what freed.
 */
export async function wakeRunsWaitingForSlots(tenantId: string, server: string | null): Promise<number> {
  // A queue never started (a run carried out here and now, by the CLI) has no job waiting.
  if (!(await queueTablesExist(db))) return 0;
  const woken = await db.$executeRaw(wakeQuery(tenantId, server));
  if (woken > 0) wakeLocalRunWorkers();
  return woken;
}

/**
 * What wakeRunsWaitingForSlots writes (exported for the test of its plan at scale). The waiting runs
 * are not looked up by their status: the statistics say a run is seldom QUEUED until the day hundreds
 * are, and the planner then read every queued run again for each waiting job (600 of each: 720,000
 * rows and half a second at every run's end).
 */
export function wakeQuery(tenantId: string, server: string | null): Prisma.Sql {
  return Prisma.sql`
    UPDATE pgboss.job j SET start_after = now()
     WHERE j.name = ${RUN_QUEUE} AND j.state IN ('created', 'retry') AND j.start_after > now() AND j.data->>'waitingFor' = 'slot'
       AND j.data->>'runId' IN (
         SELECT r.id FROM "SandboxRun" r JOIN "Sandbox" s ON s.id = r."sandboxId"
          WHERE r.status::text = 'QUEUED' AND (s."tenantId" = ${tenantId} OR r."sandboxServer" = ${server}))`;
}

/**
 * Claims a queued run for this worker; null when another worker has it, it is no
 * longer queued, it was asked to stop (it ends cancelled), or there is no slot for it
 * (lib/jobs/slots.ts): its tenant already has RUNS_PER_TENANT runs going, its sandbox
 * server as many copies as it takes (its own limit, else SANDBOX_SERVER_MAX_RUNS), or
 * no room for the copy yet, or its server was found not answering (server-outage.ts). A run
 * without a slot gets a new job later (slotWaitDelayMs: sooner while the wait is young;
 * ROOM_WAIT_DEFER_MS while it waits for room, SERVER_DOWN_DEFER_MS for its server), leaving
 * this worker's slot to other runs and losing no attempt. `fairShare: false` (the CLI's
 * one attempt, here and now) skips the limits; its copy still counts against them.
 */
export async function claimRun(runId: string, workerId: string, { fairShare = true }: { fairShare?: boolean } = {}) {
  const now = await databaseNow();
  // Set when the run waits for its server to answer again: asked after the claim's transaction, never inside it.
  const waits: { forServer?: { server: string; tenantId: string } } = {};
  const claimed = await db.$transaction(async (tx) => {
    const queued = await tx.sandboxRun.findFirst({
      where: { id: runId, status: "QUEUED" },
      select: {
        kind: true,
        sandboxId: true,
        serverWaitSince: true,
        roomRefusedBytes: true,
        createdAt: true,
        startedAt: true,
        stopReason: true,
        sandbox: { select: { tenantId: true, sandboxServerId: true, databaseName: true, tenant: { select: { sandboxServerId: true } } } },
      },
    });
    if (!queued) return null;
    // Asked to stop as its attempt failed and was queued again: it does not start again.
    if (queued.stopReason) {
      await endCancelled(tx, { id: runId, sandbox: { id: queued.sandboxId, databaseName: queued.sandbox.databaseName } }, "QUEUED", queued.stopReason);
      return null;
    }
    const sandboxServer = queued.kind === "DELETE" ? null : placedServerId(queued.sandbox);
    if (fairShare) {
      const slot = await findSlot(tx, {
        runId,
        tenantId: queued.sandbox.tenantId,
        server: sandboxServer,
        serverWaitSince: queued.serverWaitSince,
        roomRefused: queued.roomRefusedBytes === null ? null : Number(queued.roomRefusedBytes),
        // Room is refused to an attempt, so the run has one (its start is kept while it waits).
        roomRefusedSince: queued.startedAt ?? queued.createdAt,
        createdAt: queued.createdAt,
      }, now);
      if (!slot.go) {
        const words = slot.waitingForRoom ?? slot.waitingForServer;
        const said = words ? { error: words } : {};
        await tx.sandboxRun.update({ where: { id: runId }, data: { sandboxServer, serverWaitSince: slot.serverWaitSince, ...said } });
        const waited = now.getTime() - (slot.serverWaitSince ?? queued.createdAt).getTime();
        if (slot.waitingForServer && sandboxServer) waits.forServer = { server: sandboxServer, tenantId: queued.sandbox.tenantId };
        const delayMs = slot.waitingForRoom ? ROOM_WAIT_DEFER_MS : slot.waitingForServer ? SERVER_DOWN_DEFER_MS : slot.yieldsTurn ? TURN_YIELD_DELAY_MS : slotWaitDelayMs(waited);
        await enqueueRun(runId, inTransaction(tx), new Date(now.getTime() + delayMs), "slot");
        return null;
      }
    }
    const claimed = await tx.sandboxRun.updateMany({
      where: { id: runId, status: "QUEUED" },
      // The previous attempt's reason and steps (kept while the run waited for its retry) no longer
      // apply: until this attempt records its own, the page shows the run starting, not the last
      // attempt's failed step under a running status.
      data: { status: "RUNNING", workerId, startedAt: now, heartbeatAt: now, lostAt: null, attempts: { increment: 1 }, error: null, progress: Prisma.DbNull, sandboxServer, serverWaitSince: null, reservedBytes: null },
    });
    if (claimed.count === 0) return null;
    await leaveLinesOnceTenantIsFull(tx, queued.sandbox.tenantId);
    // A sandbox ordered before the pool existed lives, from its first copy on, where that copy is made.
    if (sandboxServer && !queued.sandbox.sandboxServerId) {
      await tx.sandbox.update({ where: { id: queued.sandboxId }, data: { sandboxServerId: sandboxServer } });
    }
    const run = await tx.sandboxRun.findUniqueOrThrow({
      where: { id: runId },
      include: { sandbox: { include: { tenant: { select: { id: true, customerId: true, companyName: true, copyRateLimitMBps: true } } } } },
    });
    const status = SANDBOX_STATUS_WHILE[run.kind].running;
    if (status) await tx.sandbox.update({ where: { id: run.sandboxId }, data: { status } });
    return run;
  });
  if (waits.forServer) await askWaitedForServer(waits.forServer.server, waits.forServer.tenantId);
  return claimed;
}

/**
 * A run waits for its sandbox server to answer again (server-outage.ts): when it is this claim's
 * turn to ask the server, it asks (bounded), and once it answers the runs waiting for it ask again
 * now rather than at their next turn. Any failure here leaves the mark for the next ask.
 */
async function askWaitedForServer(server: string, tenantId: string): Promise<void> {
  try {
    if (await askMarkedServer(server)) await wakeRunsWaitingForSlots(tenantId, server);
  } catch (error) {
    log.warn({ err: error, serverId: server }, "could not ask a sandbox server marked down whether it answers again");
  }
}

export type ClaimedRun = NonNullable<Awaited<ReturnType<typeof claimRun>>>;

/**
 * A claimed run as its worker holds it: the worker, and the attempt it is on. Every write
 * of that attempt names both. A worker cut off from the portal's database for longer than
 * STALE_AFTER_MS (a failover, a paused machine) has its run recovered as lost and claimed
 * by another worker meanwhile: its writes then change nothing of the attempt that has the
 * run now, and it stops its copy (RunTakenOver).
 */
export type HeldRun = Pick<ClaimedRun, "id" | "workerId" | "attempts">;
export const heldBy = (run: HeldRun): Prisma.SandboxRunWhereInput => ({ id: run.id, status: "RUNNING", workerId: run.workerId, attempts: run.attempts });

/** Whether the run succeeded on this worker's attempt: a swap that committed though its answer was lost. */
export async function succeededOnThisAttempt(run: HeldRun): Promise<boolean> {
  return (await db.sandboxRun.count({ where: { ...heldBy(run), status: "SUCCEEDED" } })) === 1;
}

/** Whether this worker still holds the run, on this attempt. */
export async function holdsRun(run: HeldRun): Promise<boolean> {
  return (await db.sandboxRun.count({ where: heldBy(run) })) === 1;
}

/** A run no longer this worker's (see HeldRun): it stops, and writes nothing more. */
export class RunTakenOver extends Error {
  constructor() {
    super("the run was taken from this worker");
    this.name = "RunTakenOver";
  }
}

/** A verified copy whose stop was asked before its swap: not swapped in; its run ends as stopped. */
export class StopAskedBeforeSwap extends Error {
  constructor() {
    super("asked to stop before the copy was swapped in");
    this.name = "StopAskedBeforeSwap";
  }
}

/** What a progress write or a heartbeat answers: the stop its customer asked for (requestStop), or null; or that the run is no longer this worker's. */
export type HeldAnswer = string | null | RunTakenOver;

/** Writes a run's progress (a heartbeat too). */
export async function recordProgress(run: HeldRun, progress: Prisma.InputJsonValue): Promise<HeldAnswer> {
  const [held] = await db.sandboxRun.updateManyAndReturn({ where: heldBy(run), data: { progress, heartbeatAt: await databaseNow(), lostAt: null }, select: { stopReason: true } });
  return held ? held.stopReason : new RunTakenOver();
}

/** Tells that the run's worker is alive. */
export async function heartbeat(run: HeldRun): Promise<HeldAnswer> {
  // A worker that beats is not lost, even if recovery once took its run for lost (lostAt).
  const [held] = await db.sandboxRun.updateManyAndReturn({ where: heldBy(run), data: { heartbeatAt: await databaseNow(), lostAt: null }, select: { stopReason: true } });
  return held ? held.stopReason : new RunTakenOver();
}

/** What every copy's database name begins with: the orphan sweep lists the databases so named. */
export const COPY_DATABASE_PREFIX = "sbx_";

/** The database a run builds: named after the run, so a dead run's leftovers can be found and dropped. */
export function runDatabaseName(customerId: string, runId: string): string {
  return `${COPY_DATABASE_PREFIX}${customerId.toLowerCase().replace(/[^a-z0-9]/g, "")}_${runId.toLowerCase()}`;
}

/**
 * The swap: the sandbox points at the new, verified copy and the run succeeds, in
 * one transaction, with the customer's webhook events. Users never see a half-made
 * sandbox; the caller drops the previous copy only after this commits.
 */
export async function completeCopy(
  run: HeldRun & Pick<ClaimedRun, "sandboxId" | "options" | "kind">,
  copy: { databaseName: string; sizeBytes: number | null; report: SanitizationReport },
): Promise<void> {
  const now = await databaseNow();
  await db.$transaction(async (tx) => {
    // The run first: one taken from this worker swaps nothing in (the transaction ends there); nor
    // does one its customer asked to stop before its worker heard it: it ends as they asked (failAttempt).
    const ended = await tx.sandboxRun.updateMany({
      where: { ...heldBy(run), stopReason: null },
      data: { status: "SUCCEEDED", finishedAt: now, report: copy.report as unknown as Prisma.InputJsonValue },
    });
    if (ended.count === 0) throw (await tx.sandboxRun.count({ where: heldBy(run) })) === 1 ? new StopAskedBeforeSwap() : new RunTakenOver();
    await tx.sandbox.update({
      where: { id: run.sandboxId },
      data: {
        status: "READY",
        databaseName: copy.databaseName,
        snapshotAt: new Date(copy.report.snapshotAt),
        lastRefreshedAt: now,
        sizeBytes: copy.sizeBytes === null ? null : BigInt(copy.sizeBytes),
        options: run.options as Prisma.InputJsonValue,
      },
    });
    await recordSandboxEvent(tx, eventOfSucceededRun(run.kind), run.id);
  });
}

/** The sandbox's database is gone: the sandbox is deleted (kept for its history) and the run succeeded. */
export async function completeDelete(run: HeldRun & Pick<ClaimedRun, "sandboxId">): Promise<void> {
  const now = await databaseNow();
  await db.$transaction(async (tx) => {
    const ended = await tx.sandboxRun.updateMany({ where: heldBy(run), data: { status: "SUCCEEDED", finishedAt: now } });
    if (ended.count === 0) throw new RunTakenOver();
    await tx.sandbox.update({ where: { id: run.sandboxId }, data: endedAsDeleted(now) });
    await recordSandboxEvent(tx, "sandbox.deleted", run.id);
  });
}

/** What a sandbox is once deleted (by its deletion run, a write-off, its customer leaving): no copy, no size, no pseudonym secret. */
export const endedAsDeleted = (at: Date) => ({ status: "DELETED" as const, databaseName: null, deletedAt: at, sizeBytes: null, ...FORGET_PSEUDONYMS });

/** What a run that waited ends with when it is cancelled: a failure only in its status, marked CANCELLED (shownRunStatus), with the reason in words. */
const cancelledRun = (reason: string, at: Date) => ({ status: "FAILED" as const, finishedAt: at, error: reason, failureCode: CANCELLED, serverWaitSince: null });

/** Ends the waiting (QUEUED) runs matching `where` as cancelled for `reason`, leaving their sandboxes as they are; how many. */
export async function cancelWaitingRuns(tx: Pick<Prisma.TransactionClient, "sandboxRun">, where: Prisma.SandboxRunWhereInput, reason: string, at: Date): Promise<number> {
  return (await tx.sandboxRun.updateMany({ where: { ...where, status: "QUEUED" }, data: cancelledRun(reason, at) })).count;
}

/** The status a sandbox returns to when its run ends without success: its previous copy is still there, or it has none. */
const statusAfterFailure = (sandbox: { databaseName: string | null }): SandboxStatus => (sandbox.databaseName ? "READY" : "FAILED");

/** Enough of a run to end it: the sandbox's id and whether it still has a copy. */
type EndingRun = { id: string; sandbox: { id: string; databaseName: string | null } };
type AttemptedRun = EndingRun & Pick<ClaimedRun, "kind" | "attempts">;
type HeldAttempt = AttemptedRun & HeldRun;

/** How the queue retries a run whose attempt failed transiently: null (the CLI) for one attempt only. */
export interface RetryPolicy {
  maxAttempts: number;
  /** Wait before the second attempt; it doubles for each one after. */
  backoffMs: number;
}

/**
 * An attempt that failed; its half-made database was already dropped by the
 * service. A transient failure (production busy, a deadline, a dropped
 * connection) of a run with attempts left goes back to the queue, its job
 * starting after the back-off, with the reason and the retry time in plain
 * words; anything else fails the run.
 */
export async function failAttempt(
  run: HeldAttempt,
  error: unknown,
  retry: RetryPolicy | null,
  /** Its sandbox server was found not answering (server-outage.ts): a run queued again says so, as it waits for it. */
  { serverDown = false }: { serverDown?: boolean } = {},
): Promise<"retrying" | "failed" | "cancelled" | "taken over"> {
  const held = heldBy(run);
  // Whatever stopped it, a copy its customer asked to stop ends as they asked: never queued again.
  const asked = await db.sandboxRun.findFirst({ where: held, select: { stopReason: true } });
  if (!asked) return "taken over";
  if (asked.stopReason) {
    // A half-made database its stop could not drop is the orphan sweep's (the run is over, nothing points at it); operators read why.
    const cleanup = (error as { cleanupFailure?: string } | undefined)?.cleanupFailure;
    if (cleanup) log.error({ runId: run.id, cleanup: withoutPasswords(cleanup) }, "a stopped run's half-made database was not dropped; the orphan sweep drops it");
    return (await endStoppedRun(run, asked.stopReason, cleanup ? technicalDetail(error) : undefined)) ? "cancelled" : "taken over";
  }
  const transient = isTransient(error);
  if (!transient && hasOperatorOnlyDetails(error)) log.error({ err: error, runId: run.id }, "run failed");
  const failureDetail = technicalDetail(error);
  if (retry && transient && run.attempts < retry.maxAttempts) {
    const retryAt = new Date((await databaseNow()).getTime() + retry.backoffMs * 2 ** (run.attempts - 1));
    const reason = serverDown ? SERVER_DOWN_WORDS : describeFailure(error, { retryAt });
    return (await db.$transaction((tx) => requeue(tx, run, held, { error: reason, failureDetail, startAfter: retryAt }))) ? "retrying" : "taken over";
  }
  const reason = describeFailure(error, transient && retry ? { attempts: run.attempts } : null);
  return (await db.$transaction((tx) => markFailed(tx, run, held, reason, failureDetail, failureCode(error)))) ? "failed" : "taken over";
}

/** What a run handed back by its stopping worker says while it waits for the next one. */
export const HANDED_BACK_REASON = "The worker carrying out this copy was shut down, so another one takes it up shortly. Nothing of the first start was kept.";

/**
 * A copy its own worker stopped because that worker is shutting down (a deploy, a
 * scale-in), its half-made database dropped: queued again at once for another worker,
 * the attempt not counted, since nothing failed; or, when its customer had asked to stop
 * it meanwhile, ended as they asked. Only while this worker still holds it.
 */
export function handBackRun(run: HeldAttempt): Promise<"requeued" | "cancelled" | null> {
  return takeBackRun(run, heldBy(run), async (tx, held) => {
    const said = { error: HANDED_BACK_REASON, failureDetail: `Handed back by worker ${run.workerId ?? "?"} as it shut down.`, startAfter: databaseNowAsLastRead() };
    return (await requeue(tx, run, held, said, { attemptCounted: false })) ? ("requeued" as const) : null;
  });
}

/**
 * A run taken back from its worker (lost, or handed back), in one transaction, only while
 * it is still RUNNING as `held` says: `then` decides what becomes of it, unless its
 * customer had asked to stop it, which ends it as they asked. Null when it no longer is.
 */
async function takeBackRun<T>(
  run: EndingRun,
  held: Prisma.SandboxRunWhereInput,
  then: (tx: Prisma.TransactionClient, held: Prisma.SandboxRunWhereInput) => Promise<T>,
): Promise<T | "cancelled" | null> {
  await getBoss(); // started before the transaction that may queue the run's job
  const still: Prisma.SandboxRunWhereInput = { ...held, id: run.id, status: "RUNNING" };
  return db.$transaction(async (tx) => {
    const found = await tx.sandboxRun.findFirst({ where: still, select: { stopReason: true } });
    if (!found) return null;
    if (found.stopReason) return (await endCancelled(tx, run, "RUNNING", found.stopReason, still)) ? "cancelled" : null;
    // Each write of `then` names the run as found here: one changed meanwhile is left as it is.
    return then(tx, still);
  });
}

/**
 * `held`: the run as the caller holds it; false, and nothing written, when it no longer is.
 * `attemptCounted: false`: the attempt that ends here was no attempt (its worker handed it back).
 */
async function requeue(
  tx: Prisma.TransactionClient,
  run: AttemptedRun,
  held: Prisma.SandboxRunWhereInput,
  retry: { error: string; failureDetail: string; startAfter: Date } | null,
  { attemptCounted = true }: { attemptCounted?: boolean } = {},
): Promise<boolean> {
  const said = retry ? { error: retry.error, failureDetail: retry.failureDetail } : {};
  const uncounted = attemptCounted ? {} : { attempts: { decrement: 1 } };
  const queued = await tx.sandboxRun.updateMany({ where: { ...held, id: run.id }, data: { status: "QUEUED", workerId: null, lostAt: null, ...said, ...uncounted } });
  if (queued.count === 0) return false;
  const status = SANDBOX_STATUS_WHILE[run.kind].queued;
  if (status) await tx.sandbox.update({ where: { id: run.sandbox.id }, data: { status } });
  await enqueueRun(run.id, inTransaction(tx), retry?.startAfter);
  return true;
}

/**
 * Ends a run that has not started, at its customer's word: only while it is still
 * QUEUED (a worker that claims it first wins, and the run goes on). Its job, when
 * offered, finds nothing to claim. Its sandbox is as a failed run leaves it: a copy
 * still ready if it had one. No failure is announced: the customer ended it.
 */
export function cancelQueuedRun(tx: Prisma.TransactionClient, run: EndingRun, reason: string): Promise<boolean> {
  return endCancelled(tx, run, "QUEUED", reason);
}

/**
 * Asks the worker carrying out a copy to stop it, at its customer's word: only a copy
 * (a deletion that has started goes on), only while it runs, and once. The worker reads
 * the request with its next progress write or heartbeat, stops the copy (which drops
 * its half-made database) and ends the run with `reason` (endStoppedRun). A copy
 * verified and swapped in before that is kept: the run has succeeded.
 */
export async function requestStop(tx: Prisma.TransactionClient, runId: string, reason: string): Promise<boolean> {
  const asked = await tx.sandboxRun.updateMany({
    where: { id: runId, status: "RUNNING", kind: { in: ["PROVISION", "REFRESH"] }, stopReason: null },
    data: { stopReason: reason },
  });
  return asked.count === 1;
}

/**
 * Ends a copy its worker stopped at its customer's word (requestStop): as a cancelled run,
 * with nothing announced; only while that worker still holds it on this attempt.
 */
export function endStoppedRun(run: EndingRun & HeldRun, reason: string, failureDetail?: string): Promise<boolean> {
  return db.$transaction((tx) => endCancelled(tx, run, "RUNNING", reason, heldBy(run), failureDetail));
}

/**
 * A run its customer ended, queued or stopped: FAILED with the code CANCELLED and
 * `reason`, only while it is still `from`. No failure is announced: the customer ended
 * it. Its sandbox is as it was before the run: a copy still ready if it had one; a
 * creation's sandbox NOT_CREATED, not FAILED; a deletion's as it stood (it never moved).
 */
async function endCancelled(tx: Prisma.TransactionClient, run: EndingRun, from: "QUEUED" | "RUNNING", reason: string, held: Prisma.SandboxRunWhereInput = {}, failureDetail?: string): Promise<boolean> {
  const ended = await tx.sandboxRun.updateManyAndReturn({
    where: { ...held, id: run.id, status: from },
    data: { ...cancelledRun(reason, databaseNowAsLastRead()), ...(failureDetail ? { failureDetail } : {}) },
    select: { kind: true },
  });
  const kind = ended[0]?.kind;
  if (!kind) return false;
  if (kind !== "DELETE") await tx.sandbox.update({ where: { id: run.sandbox.id }, data: { status: run.sandbox.databaseName ? "READY" : "NOT_CREATED" } });
  return true;
}

/** `held`: the run as the caller holds it; false, and nothing written, when it no longer is. */
async function markFailed(tx: Prisma.TransactionClient, run: EndingRun, held: Prisma.SandboxRunWhereInput, reason: string, failureDetail: string, code: string | null): Promise<boolean> {
  const failed = await tx.sandboxRun.updateMany({ where: { ...held, id: run.id }, data: { status: "FAILED", finishedAt: databaseNowAsLastRead(), error: reason, failureDetail, failureCode: code } });
  if (failed.count === 0) return false;
  await tx.sandbox.update({ where: { id: run.sandbox.id }, data: { status: statusAfterFailure(run.sandbox) } });
  await recordSandboxEvent(tx, "sandbox.failed", run.id);
  return true;
}

type LostRun = EndingRun & Pick<ClaimedRun, "kind" | "attempts" | "heartbeatAt" | "lostAt" | "workerId">;

/**
 * Takes a run whose worker died for one recoverer: only the caller that still
 * sees the stale heartbeat it read wins. The heartbeat moves to `now`, so a
 * recoverer that dies in turn leaves a run that goes stale again and is recovered
 * later: never a run stranded half-way. `lostAt` keeps when it was first found lost,
 * however many times it is taken while its sandbox server does not answer.
 * The run is taken from its worker too (no worker holds it: heldBy): the recoverer drops
 * its copy next, and a worker that was only cut off and beats again meanwhile must not win
 * the run back and swap in the copy just dropped. Given back (giveBackLostRun) when
 * nothing was dropped.
 */
export async function takeLostRun(run: LostRun, now: Date): Promise<boolean> {
  const taken = await db.sandboxRun.updateMany({
    where: { id: run.id, status: "RUNNING", heartbeatAt: run.heartbeatAt },
    data: { heartbeatAt: now, lostAt: run.lostAt ?? now, workerId: null },
  });
  return taken.count === 1;
}

/**
 * A taken lost run whose copy could not be dropped (its sandbox server does not answer) goes
 * back to its worker, as it was: one that was only cut off and beats again keeps its run.
 */
export async function giveBackLostRun(run: LostRun, takenAt: Date): Promise<void> {
  await db.sandboxRun.updateMany({ where: { id: run.id, status: "RUNNING", heartbeatAt: takenAt, workerId: null }, data: { workerId: run.workerId } });
}

/**
 * What the customer is told of a run whose worker was lost (a killed process, a crashed
 * machine) and that recovery has not queued again yet: that waits for its half-made copy
 * to be dropped, so for its sandbox server to answer. Until then the run does not move,
 * and says why.
 */
export function describeLostRun(run: { status: string; lostAt: Date | null }, now: Date): string | null {
  if (run.status !== "RUNNING" || !run.lostAt) return null;
  return (
    `The worker carrying out this run stopped ${formatDuration(now.getTime() - run.lostAt.getTime())} ago. ` +
    "The run is queued again (or ended, if it has used all its attempts) as soon as the sandbox server answers and the half-made copy is removed."
  );
}

/** A running run's worker beats every 5 s (execute.ts): this long without a beat, its customer is told; recovery takes it at 45 s (recovery.ts). */
export const SILENT_AFTER_MS = 15_000;

/**
 * What the customer is told of a running run whose worker has not been heard from for a while,
 * before recovery has found it lost: the page would otherwise show a frozen bar, a time left and a
 * clock still counting for most of a minute.
 */
export function describeSilentRun(run: { status: string; lostAt: Date | null; heartbeatAt: Date | null }, now: Date): string | null {
  if (run.status !== "RUNNING" || run.lostAt || !run.heartbeatAt) return null;
  const silentMs = now.getTime() - run.heartbeatAt.getTime();
  if (silentMs < SILENT_AFTER_MS) return null;
  return (
    `Nothing heard from the worker carrying out this run for ${formatDuration(silentMs)}. ` +
    "If it has stopped, the run is taken up again within about a minute, from the start; nothing half-made is kept."
  );
}

/**
 * A taken lost run (its half-made database dropped): queued again together with
 * its job, in one transaction, or failed once it has had `maxAttempts`; or, when its
 * customer had asked to stop it, ended as they asked.
 */
export function requeueOrFailLostRun(run: LostRun, takenAt: Date, maxAttempts: number): Promise<"requeued" | "failed" | "cancelled" | null> {
  return takeBackRun(run, { heartbeatAt: takenAt }, async (tx, held) => {
    if (run.attempts >= maxAttempts) {
      const detail = `The worker holding the run stopped beating (last heartbeat ${run.heartbeatAt?.toISOString() ?? "never"}) on its attempt ${run.attempts} of ${maxAttempts}.`;
      return (await markFailed(tx, run, held, WORKER_LOST_REASON, detail, "WORKER_LOST")) ? ("failed" as const) : null;
    }
    return (await requeue(tx, run, held, null)) ? ("requeued" as const) : null;
  });
}
