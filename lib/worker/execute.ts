/**
 * Carries out one claimed run: provision, refresh or delete a sandbox through
 * the sanitization service, recording progress as it goes. Every change of
 * state goes through lib/jobs/lifecycle.ts: a sandbox's database pointer changes
 * only after the new copy is verified, in one transaction, so users never see a
 * half-made sandbox, and a failed refresh leaves the previous copy as it was.
 */
import { copyLimits, tenantCopyRateMBps } from "../config/copy-limits";
import { withDatabase } from "../db/urls";
import type { Prisma } from "../generated/portal/client";
import { provisionSandbox } from "../sanitizer/provision";
import { databaseExists, dropSandboxDatabase, databaseSize } from "../sanitizer/drop";
import { db } from "../db/portal";
import { sandboxOptionsSchema } from "../sanitizer/options";
import type { RunProgress } from "../sanitizer/progress";
import { getProductionSize } from "../tenants/production";
import { pseudonymSecretFor } from "../sandboxes/pseudonym-secret";
import { tenantClassification } from "../tenants/classification";
import { tenantConnections } from "../tenants/registry";
import { sandboxServerUrlOf } from "../sandbox-servers/registry";
import { reserveRoomForCopy } from "../sandbox-servers/room";
import { afterRunFinished } from "./run-finished";
import { claimRun, completeCopy, completeDelete, failAttempt, handBackRun, heartbeat, holdsRun, recordProgress, succeededOnThisAttempt, runDatabaseName, RunTakenOver, wakeRunsWaitingForSlots, type ClaimedRun, type HeldAnswer } from "../jobs/lifecycle";
import { log, withRunLogContext } from "../observability/log";
import { enqueueRun } from "../jobs/queue";
import { mayBeServerOutage } from "../jobs/failure";
import { markIfServerDown } from "../jobs/server-outage";

export interface ExecuteOptions {
  onProgress?: (p: RunProgress) => void;
  /**
   * Carried out by the operator CLI here and now, not by the queue: one attempt whose
   * failure is final (retries belong to the queue), and no deferral for the tenant's fair share.
   */
  direct?: boolean;
  /** Awaited before each step of a copy starts (keys as in its progress): for tests. */
  beforeStep?: (key: string) => Promise<void>;
}

export async function executeRun(runId: string, workerId: string, options: ExecuteOptions = {}): Promise<"done" | "retrying" | "skipped"> {
  if (shuttingDown.has(workerId)) {
    // Fetched just as its worker began to shut down: left queued, with a job of its own, for another worker.
    await enqueueRun(runId);
    return "skipped";
  }
  const run = await claimRun(runId, workerId, { fairShare: !options.direct });
  if (!run) return "skipped";
  // Every line logged while the run is carried out names it, its sandbox and its tenant.
  return withRunLogContext({ runId, sandboxId: run.sandboxId, tenantId: run.sandbox.tenantId }, async () => {
    try {
      return await carryOut(run, options);
    } finally {
      // Its slot is free: the runs waiting for one of its tenant or server ask again now.
      await wakeRunsWaitingForSlots(run.sandbox.tenantId, run.sandboxServer).catch((error: unknown) => log.error(error, "waiting runs not woken"));
    }
  });
}

/** Why a copy stopped when its own worker shut down: not a failure, and not its customer's doing. */
class WorkerShutDown extends Error {}

/** Workers of this process that are shutting down: a job they fetched meanwhile is not started. */
const shuttingDown = new Set<string>();

/** The copies this process is carrying out: what handBackCopiesInHand stops and waits for. */
const copiesInHand = new Map<string, { workerId: string; handBack: () => void; settled: Promise<void> }>();

/**
 * For a worker that is shutting down (a deploy, a scale-in): a copy can take an hour, far
 * longer than a process is given to stop. Each copy in hand is stopped, drops what it
 * made, and goes back to the queue at once for another worker, its attempt not counted
 * (lifecycle.ts handBackRun). Resolves once every one of them has. A deletion in hand is
 * short and is let finish: half a drop is no state to leave a sandbox in.
 */
export async function handBackCopiesInHand(workerId: string): Promise<void> {
  shuttingDown.add(workerId);
  const copies = [...copiesInHand.values()].filter((copy) => copy.workerId === workerId);
  for (const copy of copies) copy.handBack();
  await Promise.all(copies.map((copy) => copy.settled));
}

async function carryOut(run: ClaimedRun, options: ExecuteOptions): Promise<"done" | "retrying"> {
  const runId = run.id;
  log.info({ kind: run.kind }, "run started");
  // A stop asked for (requestStop: the stop button, the API, an operator) comes back with every heartbeat and progress write.
  const stop = new AbortController();
  // So does the news that the run is no longer this worker's (lifecycle.ts HeldRun): it stops, and writes nothing more.
  const heed = (answer: HeldAnswer) => {
    if (!answer || stop.signal.aborted) return;
    stop.abort(answer instanceof RunTakenOver ? answer : new Error("asked to stop"));
  };
  const beat = setInterval(() => void heartbeat(run).then(heed, () => undefined), HEARTBEAT_MS);
  let settle = () => undefined as void;
  if (run.kind !== "DELETE") {
    const settled = new Promise<void>((resolve) => (settle = resolve));
    copiesInHand.set(runId, { workerId: run.workerId!, handBack: () => stop.abort(new WorkerShutDown("its worker is shutting down")), settled });
  }
  let outcome: "succeeded" | "failed" | "retrying" | "cancelled" | "taken over" = "succeeded";
  try {
    if (run.kind === "DELETE") await deleteSandbox(run);
    else await buildCopy(run, stop.signal, heed, options);
  } catch (error) {
    if (error instanceof RunTakenOver || stop.signal.reason instanceof RunTakenOver) return stopsTakenOver(run);
    if (stop.signal.reason instanceof WorkerShutDown) {
      const handed = await handBackRun(run);
      log.info({ kind: run.kind, handed }, "run handed back as its worker shuts down");
      if (handed === "cancelled") await dropEndedRunsCopy(run);
      return handed === "cancelled" ? "done" : "retrying";
    }
    const limits = copyLimits();
    const retry = options.direct ? null : { maxAttempts: limits.maxAttempts, backoffMs: limits.retryBackoffMs };
    // Its sandbox server, not production, may be what failed it: asked (bounded), and marked down if it does not
    // answer, so that the copies queued for it wait for it rather than spend their attempts (server-outage.ts).
    const serverDown = retry !== null && run.sandboxServer !== null && mayBeServerOutage(error) && (await serverFoundDown(run.sandboxServer));
    outcome = await failAttempt(run, error, retry, { serverDown });
    if (run.kind !== "DELETE" && (outcome === "failed" || outcome === "cancelled")) await dropEndedRunsCopy(run);
    // Nobody is told about an attempt the queue will repeat: only the run's end is news.
    if (outcome === "retrying") {
      log.warn({ kind: run.kind }, "run attempt failed; it will be retried");
      return "retrying";
    }
    // Nor about a copy stopped as asked: whoever asked knows. A run taken from this worker is another's
    // to end; unless this attempt's own swap committed and only its answer was lost: then it is news.
    if (outcome === "taken over") {
      if (!(await succeededOnThisAttempt(run).catch(() => false))) return stopsTakenOver(run);
      outcome = "succeeded";
    }
    if (outcome === "cancelled") {
      log.info({ kind: run.kind }, "run stopped as asked");
      return "done";
    }
  } finally {
    clearInterval(beat);
    copiesInHand.delete(runId);
    settle();
  }
  await afterRunFinished(runId).catch((error: unknown) => log.error(error, "after-run work failed"));
  log.info({ kind: run.kind, outcome }, "run finished");
  return "done";
}

/** Whether the copy's sandbox server does not answer now (and is marked so); a failure to find out is logged and counts as no. */
async function serverFoundDown(serverId: string): Promise<boolean> {
  try {
    return await markIfServerDown(serverId);
  } catch (error) {
    log.warn({ err: error, serverId }, "could not find out whether the sandbox server answers");
    return false;
  }
}

/** A run taken from this worker (recovered as lost while it was cut off) is another's to end: this worker writes nothing more of it. */
function stopsTakenOver(run: ClaimedRun): "done" {
  log.warn({ kind: run.kind }, "the run was taken from this worker (recovered as lost while it was cut off); it stops here");
  return "done";
}

/** How often a running run tells it is alive, and learns whether it was asked to stop. */
const HEARTBEAT_MS = 5_000;

/**
 * `stop`: aborted once the run's customer asks to stop it (`heed`, given each progress
 * write's answer): the copy stops and its half-made database is dropped, and a copy that
 * was verified meanwhile is dropped before the swap. The caller then ends the run.
 */
async function buildCopy(run: ClaimedRun, stop: AbortSignal, heed: (answer: HeldAnswer) => void, { onProgress, beforeStep }: ExecuteOptions): Promise<void> {
  const { sandbox } = run;
  const { productionUrl } = await tenantConnections(sandbox.tenantId);
  const sandboxServerUrl = await sandboxServerUrlOf(sandbox.id);
  // The run's deadline scales with production's size (a bounded read: a busy production fails this attempt).
  const limits = copyLimits();
  const deadlineMs = limits.deadlineMs(await getProductionSize(productionUrl));
  const rateMBps = tenantCopyRateMBps(sandbox.tenant, limits);
  const options = sandboxOptionsSchema.parse(run.options);
  const databaseName = runDatabaseName(sandbox.tenant.customerId, run.id);
  await dropEarlierAttemptsCopy(sandboxServerUrl, databaseName);

  const previous = run.kind === "REFRESH" && sandbox.databaseName ? sandbox.databaseName : null;
  const report = await provisionSandbox({
    productionUrl,
    sandboxServerUrl,
    databaseName,
    attempt: run.attempts,
    sandboxCustomerId: sandbox.sandboxCustomerId!,
    serviceMailboxAddress: serviceMailboxAddress(sandbox.sandboxCustomerId!),
    options,
    deadlineMs,
    classification: await tenantClassification(sandbox.tenantId),
    rateLimitMBps: rateMBps,
    carryOverFromUrl: previous ? withDatabase(sandboxServerUrl, previous) : undefined,
    pseudonymSecret: options.personalData === "pseudonymise" ? await pseudonymSecretFor(sandbox.id) : undefined,
    reserveRoom: (bytes) => reserveRoomForCopy(run, bytes),
    roomAtLeastBytes: Number(run.roomRefusedBytes ?? 0),
    signal: stop,
    // The database shares its name with the run's other attempts: one taken from this worker is another's now.
    stillOwnsDatabase: () => holdsRun(run),
    beforeStep,
    onProgress: async (progress) => {
      onProgress?.(progress);
      heed(await recordProgress(run, progress as unknown as Prisma.InputJsonValue));
    },
  });
  if (stop.aborted) {
    if (await holdsRun(run)) await dropSandboxDatabase(sandboxServerUrl, databaseName);
    throw stop.reason;
  }
  const sizeBytes = await databaseSize(sandboxServerUrl, databaseName);

  // The swap commits first; only then is the old copy dropped. A swap whose answer was
  // lost (the connection cut after the commit) looks like a failure: asked again, it may
  // have happened, and the copy is then the sandbox's. One that did not happen leaves the
  // copy to the run's next attempt (dropEarlierAttemptsCopy) or, once the run has ended,
  // to dropEndedRunsCopy: never dropped here, where it may be the sandbox's only copy.
  await completeCopy(run, { databaseName, sizeBytes, report }).catch(async (error: unknown) => {
    // Another worker's now: its swap, if any, is its own.
    if (error instanceof RunTakenOver) throw error;
    if (!(await succeededOnThisAttempt(run).catch(() => false))) throw error;
  });
  if (previous) {
    await dropSandboxDatabase(sandboxServerUrl, previous).catch((error) =>
      log.error({ err: error, database: previous }, "could not drop the previous copy"),
    );
  }
}

/**
 * The copy an earlier attempt of this run made and could not drop (the sandbox server was
 * restarting, or the swap's answer was lost and it did not happen): named after the run,
 * so it is this run's own, and dropped before the attempt begins. Left in place, the
 * attempt refused to overwrite it, and a passing fault became the run's failure.
 */
async function dropEarlierAttemptsCopy(sandboxServerUrl: string, databaseName: string): Promise<void> {
  await dropLeftCopy(sandboxServerUrl, databaseName, "dropping the copy an earlier attempt of this run left");
}

/**
 * A copy run that ended without success (failed, or stopped as asked) owns its database's
 * name no more: whatever is still there is dropped now. That is a database its stop or
 * failure could not drop, or a verified copy whose swap did not happen (its failure came
 * after the copy was made). The orphan sweep would drop it within minutes, but a copy of
 * production's data should not outlive its run; and the operator CLI has no sweep.
 * A failure here is logged and left to the sweep: the run has ended either way.
 */
async function dropEndedRunsCopy(run: ClaimedRun): Promise<void> {
  const databaseName = runDatabaseName(run.sandbox.tenant.customerId, run.id);
  try {
    await dropLeftCopy(await sandboxServerUrlOf(run.sandbox.id), databaseName, "dropping the copy the ended run left");
  } catch (error) {
    log.error({ err: error, database: databaseName }, "the copy the ended run left could not be dropped; the orphan sweep drops it");
  }
}

/** Drops `databaseName` if it exists and no sandbox points at it (provisionSandbox never overwrites a sandbox's copy). */
async function dropLeftCopy(sandboxServerUrl: string, databaseName: string, saying: string): Promise<void> {
  if (!(await databaseExists(sandboxServerUrl, databaseName))) return;
  if ((await db.sandbox.count({ where: { databaseName } })) > 0) return;
  log.warn({ database: databaseName }, saying);
  await dropSandboxDatabase(sandboxServerUrl, databaseName);
}

async function deleteSandbox(run: ClaimedRun): Promise<void> {
  const { sandbox } = run;
  if (sandbox.databaseName) {
    await dropSandboxDatabase(await sandboxServerUrlOf(sandbox.id), sandbox.databaseName);
  }
  await completeDelete(run);
}

export function serviceMailboxAddress(sandboxCustomerId: string): string {
  return `service.${sandboxCustomerId.toLowerCase()}@sandbox-mail.invalid`;
}
