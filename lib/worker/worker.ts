/**
 * The worker: takes sandbox runs and webhook deliveries off the queue and
 * recovers runs of dead workers. Runs inside the web app by default (instrumentation.ts) and as any
 * number of separate processes (`npm run worker`) when scaling out.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type PgBoss from "pg-boss";
import { enqueueRun, getBoss, localRunWorkers, MAIL_RETRY_QUEUE, PASSWORD_RESET_QUEUE, RUN_QUEUE, WEBHOOK_QUEUE, type RunJob } from "../jobs/queue";
import { attemptDelivery, pruneDeliveryLog, queueDueDeliveries, type DeliveryJob } from "../webhooks/deliver";
import { pruneIdempotencyKeys } from "../api/idempotency";
import { pruneEndedTokens } from "../api-tokens/retention";
import { executeRun, handBackCopiesInHand } from "./execute";
import { recoverStaleRuns } from "./recovery";
import { requeueJoblessRuns, SLOT_BUSY_DEFER_MS } from "../jobs/lifecycle";
import { runSlot } from "./run-slot";
import { registerOrphanSweep } from "./orphan-copies";
import { registerSizeMeasuring } from "./sandbox-sizes";
import { registerAutoRefresh } from "./auto-refresh";
import { checkQueueAge, checkSandboxServers, FLEET_CHECK_EVERY_MS } from "../alerts/fleet-checks";
import { pruneAlerts } from "../alerts/raise";
import { pruneAuditLog } from "../audit/retention";
import { pruneRunReports } from "../sandboxes/report-retention";
import { pruneNotifications } from "../notifications/notify";
import { beatWorker, forgetWorker } from "../observability/workers";
import { log } from "../observability/log";
import { databaseNow } from "../db/database-clock";
import { pruneSessions } from "../auth/sessions";
import { pruneLoginThrottle } from "../auth/throttle";
import { mailPasswordReset, prunePasswordResets, type PasswordResetJob } from "../auth/password-reset";
import { knownSchemaVersion, outdatedWords } from "../db/schema-version";
import { portalNewerMigration } from "../db/portal-schema-version";
import { followUpsLeftUndone } from "./run-finished";
import { oneAtATime } from "../one-at-a-time";
import { retryMail, type MailRetryJob } from "../notifications/mail-retry";

/**
 * pg-boss 10.4 records a job's end without awaiting it (`this.complete(...)` and
 * `this.fail(...)` in its work loop, manager.js): when the portal database is down
 * at that moment the rejection goes unhandled, and Node ends the process with every
 * run in it. Found by the chaos test (lib/worker/chaos.db.test.ts). The run's own record
 * (lib/jobs/lifecycle.ts) and its heartbeat are what recovery relies on, so the
 * worker logs such a rejection and goes on.
 */
let keepsRunning = false;
function surviveUnhandledRejections(): void {
  if (keepsRunning) return;
  keepsRunning = true;
  process.on("unhandledRejection", (reason) => {
    // As an error, through the logger's serializer: it leaves out what a driver's message quotes of production's rows.
    if (reason instanceof Error) log.error({ err: reason }, "unhandled rejection (the worker keeps running)");
    else log.error({ reason: String(reason) }, "unhandled rejection (the worker keeps running)");
  });
}

/** Webhook attempts one worker process makes at once. */
const WEBHOOK_SENDERS = 8;

export interface WorkerHandle {
  id: string;
  stop(): Promise<void>;
}

/**
 * A poller of `queue` that handles one job at a time and takes the next at once, not at its
 * next poll: pg-boss waits out the polling interval from each fetch, so every job put back
 * (a run refused its slot by its tenant's or its server's limit, a delivery whose customer
 * has two in flight) took a whole interval of this poller, and one tenant with many queued
 * kept the others waiting that many intervals. An empty queue still waits for the next poll.
 */
async function workOneAtATime<T extends object>(
  boss: PgBoss,
  queue: string,
  pollingIntervalSeconds: number,
  handle: (data: T, retryCount: number) => Promise<unknown>,
): Promise<string> {
  let workId = "";
  workId = await boss.work<T>(queue, { batchSize: 1, pollingIntervalSeconds, includeMetadata: true }, async ([job]) => {
    if (!job) return;
    await handle(job.data, job.retryCount);
    boss.notifyWorker(workId);
  });
  return workId;
}

/**
 * `onOutdated`: called once when a newer version of the portal has migrated the database
 * under this worker (schema-version.ts): it takes no run after that, and should stop.
 */
export async function startWorker({ concurrency = 1, onOutdated }: { concurrency?: number; onOutdated?: (why: string) => void } = {}): Promise<WorkerHandle> {
  surviveUnhandledRejections();
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const boss = await getBoss();
  const workIds: string[] = [];
  for (let i = 0; i < concurrency; i++) {
    // One run per slot, even past its job's expiry (RUN_JOB_EXPIRY_SECONDS), when pg-boss stops
    // waiting for the handler and offers the slot the next job beside the copy still going.
    const slot = runSlot(
      (runId) => executeRun(runId, id),
      async (runId) => enqueueRun(runId, undefined, new Date((await databaseNow()).getTime() + SLOT_BUSY_DEFER_MS)),
    );
    workIds.push(await workOneAtATime<RunJob>(boss, RUN_QUEUE, 1, (job) => slot(job.runId)));
  }
  for (const workId of workIds) localRunWorkers().add(workId);
  // Webhook attempts on their own pollers, one job each: a customer's endpoint that hangs (for at most
  // 15 s) holds one of them, never a run; a customer holds two at most (lib/webhooks/deliver.ts).
  const webhookWorkIds: string[] = [];
  for (let i = 0; i < WEBHOOK_SENDERS; i++) {
    webhookWorkIds.push(await workOneAtATime<DeliveryJob>(boss, WEBHOOK_QUEUE, 2, (job) => attemptDelivery(job.deliveryId)));
  }
  // The fleet's scheduled work: any worker may take each job, once. Password links are mailed here
  // too, off the web request that asked (lib/auth/password-reset.ts).
  const scheduledWorkIds = [
    await registerAutoRefresh(boss),
    await registerSizeMeasuring(boss),
    await registerOrphanSweep(boss),
    await workOneAtATime<PasswordResetJob>(boss, PASSWORD_RESET_QUEUE, 2, (job) => mailPasswordReset(job)),
    await workOneAtATime<MailRetryJob>(boss, MAIL_RETRY_QUEUE, 5, (job, retryCount) => retryMail(job, retryCount)),
  ];
  // Each step apart: one that fails (a sandbox server down) does not stop the others, such as webhook deliveries.
  let outdated = false;
  const known = knownSchemaVersion();
  const sweepSteps: [string, () => Promise<void>][] = [
    // First: an outdated worker must not sweep, recover or queue with what it knows of the schema.
    ["schema version", async () => {
      if (!known || outdated) return;
      const newer = await portalNewerMigration(known);
      if (!newer) return;
      outdated = true;
      for (const workId of [...workIds, ...webhookWorkIds, ...scheduledWorkIds]) await boss.offWork({ id: workId });
      log.error({ newer, known }, outdatedWords(newer, known));
      onOutdated?.(outdatedWords(newer, known));
    }],
    ["worker heartbeat", () => beatWorker(id, concurrency)],
    ["stale-run recovery", async () => {
      const recovered = await recoverStaleRuns();
      if (recovered.length > 0) log.warn({ runIds: recovered }, "recovered runs of a dead worker");
    }],
    ["jobless-run queueing", async () => {
      const requeued = await requeueJoblessRuns();
      if (requeued.length > 0) log.warn({ runIds: requeued }, "queued runs without a job were given one");
    }],
    ["run follow-ups", async () => {
      const done = await followUpsLeftUndone();
      if (done.length > 0) log.warn({ runIds: done }, "did the follow-up of finished runs whose worker died before it");
    }],
    ["webhook delivery queueing", async () => void (await queueDueDeliveries())],
  ];
  const sweep = oneAtATime(async () => {
    for (const [what, step] of sweepSteps) {
      if (outdated) break;
      await step().catch((error: unknown) => log.error(error, `${what} failed`));
    }
  });
  await sweep();
  const timer = setInterval(() => void sweep(), 15_000);
  // What no single run notices: a stale queue, a sandbox server gone (alerts are de-duplicated across
  // workers); the webhook delivery log's old entries, the API's expired idempotency keys and long
  // ended tokens, the sessions and sign-in throttles that can no longer matter, old notices and alerts, and audit
  // events and runs' reports past the retentions an operator set.
  const checkFleet = oneAtATime(() =>
    Promise.all([
      checkQueueAge(),
      checkSandboxServers(),
      pruneDeliveryLog(),
      pruneIdempotencyKeys(),
      pruneEndedTokens(),
      pruneSessions(),
      pruneLoginThrottle(),
      prunePasswordResets(),
      pruneNotifications(),
      pruneAlerts(),
      pruneAuditLog(),
      pruneRunReports(),
    ]).then(
      () => undefined,
      (error: unknown) => log.error(error, "fleet checks failed"),
    ),
  );
  const fleetTimer = setInterval(() => void checkFleet(), FLEET_CHECK_EVERY_MS);
  log.info({ workerId: id, concurrency }, "worker started");
  return {
    id,
    async stop() {
      clearInterval(timer);
      clearInterval(fleetTimer);
      for (const workId of workIds) {
        localRunWorkers().delete(workId);
        await boss.offWork({ id: workId });
      }
      for (const workId of [...webhookWorkIds, ...scheduledWorkIds]) await boss.offWork({ id: workId });
      // No new runs are taken; the copies in hand go back to the queue for the other workers.
      await handBackCopiesInHand(id);
      await forgetWorker(id).catch(() => undefined);
    },
  };
}
