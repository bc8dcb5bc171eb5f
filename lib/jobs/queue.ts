/**
 * The job queue: pg-boss on the portal database. One queue carries every
 * sandbox run (provision, refresh, delete); the run record in the portal
 * database, not the job, is the source of truth for what happens.
 */
import PgBoss from "pg-boss";
import { log } from "../observability/log";
import { withSessionLock } from "../db/session-lock";

export const RUN_QUEUE = "sandbox-run";
export const SCHEDULE_QUEUE = "sandbox-auto-refresh";
/** Measuring the sandboxes' sizes on their servers: scheduled once for the fleet, not by every worker (lib/worker/sandbox-sizes.ts). */
export const SIZES_QUEUE = "sandbox-sizes";
/** The sweep of copies no sandbox points at: scheduled once for the fleet, like the sizes (lib/worker/orphan-copies.ts). */
export const ORPHAN_SWEEP_QUEUE = "orphan-copy-sweep";
/** Webhook deliveries: one job per attempt; the delivery's row says whether it is still due (lib/webhooks/deliver.ts). */
export const WEBHOOK_QUEUE = "webhook-delivery";
/** A password-reset mail to send, if the address has an account (lib/auth/password-reset.ts): off the web request, so its time says nothing. */
export const PASSWORD_RESET_QUEUE = "password-reset-mail";
/** Mails the mail server would not take, to send again (lib/notifications/mail-retry.ts). */
export const MAIL_RETRY_QUEUE = "mail-retry";
/** Its tries after the first: a minute apart at first, doubling, about 17 hours in all. */
export const MAIL_RETRY_LIMIT = 10;

export interface RunJob {
  runId: string;
  /** Set on the job of a run that waits for a slot or room (lifecycle.ts claimRun): a slot that frees wakes it early. */
  waitingFor?: "slot";
}

/**
 * Whether the queue's tables exist: not before a worker or the web app has started pg-boss
 * once (the operator CLI carries its runs out here and now, with no queue).
 */
export async function queueTablesExist(client: { $queryRaw<T>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T> }): Promise<boolean> {
  const [queue] = await client.$queryRaw<{ started: boolean }[]>`SELECT to_regclass('pgboss.job') IS NOT NULL AS started`;
  return queue?.started === true;
}

const globalForBoss = globalThis as unknown as { boss?: Promise<PgBoss>; runWorkers?: Set<string>; runWakers?: Set<() => void> };

/** This process's workers on the run queue (pg-boss work ids). */
export function localRunWorkers(): Set<string> {
  globalForBoss.runWorkers ??= new Set();
  return globalForBoss.runWorkers;
}

/** Workers this process wakes by other means: the web app's own worker process (lib/worker/app-worker.ts). */
export function runWakers(): Set<() => void> {
  globalForBoss.runWakers ??= new Set();
  return globalForBoss.runWakers;
}

/**
 * Starts a run queued by this process now instead of at its workers' next poll (every
 * second: half a second on average, a quarter of a configuration-only copy). The web
 * app runs a worker of its own by default, so most runs are queued beside one: it is
 * woken over its channel. Called once the run's transaction has committed: a worker
 * woken earlier would find nothing and sleep again. Other workers still find the run
 * at their next poll.
 */
export function wakeLocalRunWorkers(): void {
  for (const wake of runWakers()) wake();
  const pending = globalForBoss.boss;
  const ids = localRunWorkers();
  if (!pending || ids.size === 0) return;
  void pending.then((boss) => ids.forEach((id) => boss.notifyWorker(id))).catch(() => undefined);
}

/**
 * How long pg-boss lets a run's job be active: the most it allows (under 24 hours). A run's own deadline
 * (20 minutes per GB) may be longer: the worker's slot then sends the jobs offered meanwhile back (lib/worker/run-slot.ts).
 */
export const RUN_JOB_EXPIRY_SECONDS = 24 * 3600 - 60;

/**
 * The process's pg-boss instance, started once (it creates its schema on first start). A
 * start that fails (the portal database down for a moment) is forgotten, so the next call
 * starts it again: kept, it would refuse every order, refresh and deletion of this web
 * server until it restarted, while its readiness said nothing was wrong.
 */
export function getBoss(): Promise<PgBoss> {
  if (globalForBoss.boss) return globalForBoss.boss;
  const starting = startBoss();
  globalForBoss.boss = starting;
  starting.catch(() => {
    if (globalForBoss.boss === starting) globalForBoss.boss = undefined;
  });
  return starting;
}

/**
 * Our own advisory-lock key for setting the queue up ("SbxQueue"), not pg-boss's: pg-boss creates
 * its schema under a lock of its own, but not a queue's table. Two processes creating one queue at
 * once (a deploy's workers and web servers started together, on a fresh database or on one whose
 * new version adds a queue) deadlocked in pg-boss's create_queue, and every process but one failed
 * to start.
 */
const QUEUE_SETUP_LOCK_KEY = 0x5362785175657565n;

/** A new pg-boss instance, started, with our queues created: exported for the test of processes starting at once. */
export async function startBoss(): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: process.env.DATABASE_URL!, schema: "pgboss", max: 4 });
  // As `err`: pg-boss hands a failed fetch over as a plain object, which merged into the line passed the
  // filter that masks what drivers put in errors (lib/observability/log.ts).
  boss.on("error", (error) => log.error({ err: error }, "job queue error"));
  try {
    await withSessionLock(process.env.DATABASE_URL!, QUEUE_SETUP_LOCK_KEY, () => setUpQueues(boss));
    return boss;
  } catch (error) {
    // Half started (its pool open, its timers set): stopped, so the next start begins afresh.
    await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
    throw error;
  }
}

async function setUpQueues(boss: PgBoss): Promise<void> {
  await boss.start();
  // Recovery from dead workers is ours (lib/worker/recovery.ts): pg-boss must not run a job twice.
  // Nor end one early: at a job's expiry it stops waiting for the handler. Updated as well as
  // created: a queue made with an earlier expiry keeps it otherwise.
  const runQueue = { name: RUN_QUEUE, retryLimit: 0, expireInSeconds: RUN_JOB_EXPIRY_SECONDS };
  await boss.createQueue(RUN_QUEUE, runQueue);
  await boss.updateQueue(RUN_QUEUE, runQueue);
  await boss.createQueue(SCHEDULE_QUEUE, { name: SCHEDULE_QUEUE, retryLimit: 0 });
  await boss.createQueue(SIZES_QUEUE, { name: SIZES_QUEUE, retryLimit: 0, expireInSeconds: 600 });
  await boss.createQueue(ORPHAN_SWEEP_QUEUE, { name: ORPHAN_SWEEP_QUEUE, retryLimit: 0, expireInSeconds: 600 });
  await boss.createQueue(WEBHOOK_QUEUE, { name: WEBHOOK_QUEUE, retryLimit: 0, expireInSeconds: 120 });
  // A mail server down for a moment: tried again, a minute apart; a link older than its half hour is not worth sending.
  await boss.createQueue(PASSWORD_RESET_QUEUE, { name: PASSWORD_RESET_QUEUE, retryLimit: 3, retryDelay: 60, expireInSeconds: 120, retentionSeconds: 1_800 });
  await boss.createQueue(MAIL_RETRY_QUEUE, { name: MAIL_RETRY_QUEUE, retryLimit: MAIL_RETRY_LIMIT, retryDelay: 60, retryBackoff: true, expireInSeconds: 120 });
}

export async function stopBoss(): Promise<void> {
  const pending = globalForBoss.boss;
  globalForBoss.boss = undefined;
  if (pending) await (await pending).stop({ graceful: true, wait: true, timeout: 30_000 });
}

/** This process's queue if it has started one (a worker, or the app that queued a run), without starting it. */
export function runningBoss(): Promise<PgBoss> | undefined {
  return globalForBoss.boss;
}

/** Runs a SQL statement of pg-boss inside the caller's transaction, so a run and its job commit together. */
export type SqlRunner = (text: string, values: unknown[]) => Promise<unknown[]>;

/** Queues the run's job; `startAfter` delays it (a retry's back-off, a wait for a slot: `waitingFor`). */
export async function enqueueRun(runId: string, sql?: SqlRunner, startAfter?: Date, waitingFor?: RunJob["waitingFor"]): Promise<void> {
  const boss = await getBoss();
  const db = sql ? { executeSql: async (text: string, values: unknown[]) => ({ rows: await sql(text, values) }) } : undefined;
  const job: RunJob = { runId, ...(waitingFor ? { waitingFor } : {}) };
  await boss.send(RUN_QUEUE, job, { singletonKey: runId, ...(db ? { db } : {}), ...(startAfter ? { startAfter } : {}) });
}
