/**
 * Delivering events: a queue job per attempt, retried with back-off. The delivery
 * row is the truth: an attempt first claims it (moving its next attempt a lease
 * ahead), so a duplicate job, or two workers, never POST the same attempt twice,
 * and a worker that dies mid-attempt leaves a row that falls due again and is
 * picked up by any worker's sweep.
 *
 * One tenant's endpoints never hold up another's events: a tenant has at most
 * SENDING_PER_TENANT attempts in flight across all workers (an endpoint that hangs
 * holds a sender for up to 15 s), and each sweep queues at most DUE_PER_TENANT_PER_SWEEP
 * of a tenant's due deliveries, so a backlog of thousands is not ahead of everyone.
 */
import { readFileSync } from "node:fs";
import { databaseNow } from "../db/database-clock";
import type { Prisma } from "../generated/portal/client";
import { db } from "../db/portal";
import { getBoss, runningBoss, WEBHOOK_QUEUE } from "../jobs/queue";
import { log } from "../observability/log";
import { countWorkerEvent } from "../observability/worker-counts";
import { openSecret } from "../secrets/secret-box";
import { signedHeaders } from "./signing";
import { ATTEMPT_TIMEOUT_MS, DeliveryFailed, postSigned, type SendOptions } from "./send";

/** Waits after attempts 1, 2, …: the Standard Webhooks schedule; eight attempts over about a day. */
export const RETRY_DELAYS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 5 * 3600_000, 10 * 3600_000, 10 * 3600_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Longer than an attempt can take: until then a claimed delivery is another worker's. */
const CLAIM_LEASE_MS = ATTEMPT_TIMEOUT_MS * 4;
/** A tenant's attempts in flight at once, across all workers (each has WEBHOOK_SENDERS senders). */
const SENDING_PER_TENANT = 2;
/** A tenant's due deliveries one sweep queues at most; the rest wait for the next sweeps. */
export const DUE_PER_TENANT_PER_SWEEP = 50;
/** A delivery whose tenant had no room in flight is offered again this soon (the sweep is 15 s apart). */
const BUSY_RETRY_SECONDS = 2;
/**
 * An attempt due within this is due: processes read the database's clock each with their
 * own round trip, and an event written a moment ago by another process must go out now.
 */
const DUE_SLACK_MS = 1_000;
/** The moment up to which an attempt is due, `now` by the database's clock. */
const dueBy = (now: Date) => new Date(now.getTime() + DUE_SLACK_MS);

export interface DeliveryJob {
  deliveryId: string;
}

/** "busy": the delivery's tenant already has SENDING_PER_TENANT attempts in flight; its job comes back in BUSY_RETRY_SECONDS. */
export type AttemptOutcome = "delivered" | "retrying" | "failed" | "not-due" | "busy";

/** The operator's extra certificate authorities for receivers (WEBHOOK_CA_FILE), read once per file. */
const caFiles = new Map<string, string>();
function configuredSendOptions(): SendOptions {
  // Set to nothing (or blanks) it is unset, as the start-up check reads it.
  const file = process.env.WEBHOOK_CA_FILE;
  if (!file?.trim()) return {};
  if (!caFiles.has(file)) caFiles.set(file, readFileSync(file, "utf8"));
  return { ca: caFiles.get(file)! };
}

/** One attempt of one delivery, if it is due; records the outcome and schedules the next attempt. */
export async function attemptDelivery(deliveryId: string, send: SendOptions = configuredSendOptions()): Promise<AttemptOutcome> {
  const outcome = await attempt(deliveryId, send);
  if (outcome !== "not-due" && outcome !== "busy") countWorkerEvent({ type: "webhook-attempt", outcome });
  return outcome;
}

/**
 * Claims a due delivery for one attempt, moving its next attempt a lease ahead; "busy"
 * when its tenant has SENDING_PER_TENANT attempts in flight. The tenant's claims take
 * turns, so two workers cannot both see room for one more.
 */
async function claim(deliveryId: string) {
  // The database's clock: a lease another worker reads must not depend on this machine's.
  const now = await databaseNow();
  const due = dueBy(now);
  return db.$transaction(async (tx) => {
    const pending = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, status: "PENDING", nextAttemptAt: { lte: due } }, select: { endpoint: { select: { tenantId: true } } } });
    if (!pending) return null;
    const { tenantId } = pending.endpoint;
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`webhook-sending:${tenantId}`}, 0))::text AS taken`;
    const sending = await tx.webhookDelivery.count({ where: { sendingUntil: { gt: now }, endpoint: { tenantId } } });
    if (sending >= SENDING_PER_TENANT) return "busy" as const;
    const leaseEnd = new Date(now.getTime() + CLAIM_LEASE_MS);
    const [claimed] = await tx.webhookDelivery.updateManyAndReturn({
      where: { id: deliveryId, status: "PENDING", nextAttemptAt: { lte: due } },
      data: { attempts: { increment: 1 }, lastAttemptAt: now, nextAttemptAt: leaseEnd, sendingUntil: leaseEnd },
      select: { attempts: true, messageId: true, payload: true, endpoint: { select: { url: true, secretEncrypted: true } } },
    });
    return claimed ?? null;
  });
}

async function attempt(deliveryId: string, send: SendOptions): Promise<AttemptOutcome> {
  const delivery = await claim(deliveryId);
  if (delivery === "busy") {
    // Due still: offered again shortly, unless a job for it waits already (the sweep's, or
    // another busy one's): one waiting job a delivery, however often it is busy.
    if (!(await hasWaitingJob(deliveryId))) await (await getBoss()).send(WEBHOOK_QUEUE, { deliveryId } satisfies DeliveryJob, { startAfter: BUSY_RETRY_SECONDS });
    return "busy";
  }
  if (!delivery) return "not-due";
  // updateMany, not update: the endpoint (and its deliveries with it) may be removed while an
  // attempt is in flight; its outcome then has no row to go to, and nothing is tried again.
  const record = async (data: Prisma.WebhookDeliveryUpdateManyMutationInput) => (await db.webhookDelivery.updateMany({ where: { id: deliveryId }, data })).count === 1;
  let status: number;
  try {
    const headers = signedHeaders(openSecret(delivery.endpoint.secretEncrypted), delivery.messageId, delivery.payload);
    status = await postSigned(delivery.endpoint.url, headers, delivery.payload, send);
  } catch (error) {
    if (!(error instanceof DeliveryFailed)) log.error({ err: error, deliveryId }, "webhook attempt failed unexpectedly");
    const reason = error instanceof DeliveryFailed ? error.reason : "The event could not be sent.";
    const responseStatus = error instanceof DeliveryFailed ? error.responseStatus : null;
    if (delivery.attempts >= MAX_ATTEMPTS) {
      await record({ status: "FAILED", nextAttemptAt: null, sendingUntil: null, responseStatus, lastError: reason });
      return "failed";
    }
    const next = new Date((await databaseNow()).getTime() + RETRY_DELAYS_MS[delivery.attempts - 1]!);
    if (!(await record({ nextAttemptAt: next, sendingUntil: null, responseStatus, lastError: reason }))) return "failed";
    await (await getBoss()).send(WEBHOOK_QUEUE, { deliveryId } satisfies DeliveryJob, { startAfter: next });
    return "retrying";
  }
  await record({ status: "DELIVERED", nextAttemptAt: null, sendingUntil: null, responseStatus: status, lastError: null });
  return "delivered";
}

/** Whether a job for the delivery waits to be offered (pg-boss's `created`: a job being handled is `active`). */
async function hasWaitingJob(deliveryId: string): Promise<boolean> {
  const waiting = await db.$queryRaw<unknown[]>`SELECT 1 FROM pgboss.job WHERE name = ${WEBHOOK_QUEUE} AND state = 'created' AND data->>'deliveryId' = ${deliveryId} LIMIT 1`;
  return waiting.length > 0;
}

/**
 * Queues every delivery that is due: new events (written inside the lifecycle's
 * transactions, where nothing may be sent) and any whose attempt was lost with its
 * worker. Workers call it on their sweep; a finished run calls it at once.
 */
export async function queueDueDeliveries(limit = 200): Promise<number> {
  const by = dueBy(await databaseNow());
  // Oldest first, but no more than DUE_PER_TENANT_PER_SWEEP of one tenant's.
  const due = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM (
      SELECT d.id, d."nextAttemptAt", row_number() OVER (PARTITION BY e."tenantId" ORDER BY d."nextAttemptAt") AS nth
        FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e.id = d."endpointId"
       WHERE d.status = 'PENDING' AND d."nextAttemptAt" <= ${by}
         -- One waiting job a delivery: a busy tenant's backlog does not pile up a job per sweep.
         AND NOT EXISTS (SELECT 1 FROM pgboss.job j WHERE j.name = ${WEBHOOK_QUEUE} AND j.state = 'created' AND j.data->>'deliveryId' = d.id)
    ) due
     WHERE nth <= ${DUE_PER_TENANT_PER_SWEEP}
     ORDER BY "nextAttemptAt" LIMIT ${limit}`;
  if (due.length === 0) return 0;
  const boss = await getBoss();
  await boss.insert(due.map(({ id }) => ({ name: WEBHOOK_QUEUE, data: { deliveryId: id } satisfies DeliveryJob })));
  return due.length;
}

/** After a run's state change committed: its events go out now where this process has a queue, else on the next sweep. */
export function queueDueDeliveriesSoon(): void {
  if (!runningBoss()) return;
  void queueDueDeliveries().catch((error: unknown) => log.error(error, "queueing webhook deliveries failed"));
}

/** How long the delivery log keeps finished deliveries (the page shows the newest 50). */
export const DELIVERY_LOG_DAYS = 90;

/** Drops finished deliveries older than the log keeps; pending ones stay whatever their age. */
export async function pruneDeliveryLog(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - DELIVERY_LOG_DAYS * 86_400_000);
  const { count } = await db.webhookDelivery.deleteMany({ where: { createdAt: { lt: cutoff }, status: { in: ["DELIVERED", "FAILED"] } } });
  return count;
}
