/**
 * Lifecycle webhooks end to end against a real receiver (HTTPS on 127.0.0.1, which an
 * operator allows here): events written with the state change, signed deliveries,
 * retries with back-off, the attempt limit, one POST however many jobs race,
 * replays, and the SSRF refusal at registration and at connect time.
 */
import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { RECEIVER_CA, startWebhookReceiver } from "../testing/webhook-receiver";
import type { SanitizationReport } from "../sanitizer/report";
import { WEBHOOK_EVENTS, type WebhookEvent } from "./events";

vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
usePortalDatabase();

const { db } = await import("../db/portal");
const { stopBoss } = await import("../jobs/queue");
const { loadActor } = await import("../auth/load-actor");
const { completeCopy, completeDelete, failAttempt } = await import("../jobs/lifecycle");
const { attemptDelivery, DELIVERY_LOG_DAYS, DUE_PER_TENANT_PER_SWEEP, MAX_ATTEMPTS, pruneDeliveryLog, queueDueDeliveries, RETRY_DELAYS_MS } = await import("./deliver");
const { createEndpoint, deleteEndpoint, MAX_PENDING_REPLAYS_PER_TENANT, replayDelivery } = await import("./mutations");
const { newEndpointSchema } = await import("./schema");
const { PRIVATE_TARGET_REFUSED } = await import("./targets");
const { WebhookEventSchema } = await import("../api/schemas");

const send = { ca: RECEIVER_CA };
let tenantA = "";
let tenantB = "";
let adminA = "";
let adminB = "";
let n = 0;
const OPTIONS = { users: [{ associateId: 1, userPlan: "sales-premium" }], keepEnabledTaskIds: [], invalidationDomain: "example.org" };
const REPORT = { snapshotAt: "2026-12-01T09:00:00.000Z", rules: [], checks: [], tables: [] } as unknown as SanitizationReport;

async function runningRun(kind: "PROVISION" | "REFRESH" | "DELETE", tenantId = tenantA) {
  n++;
  const sandbox = await db.sandbox.create({
    data: { tenantId, orderedById: adminA, name: `Hooked ${n}`, status: kind === "PROVISION" ? "PROVISIONING" : "REFRESHING", planCounts: {}, options: OPTIONS, databaseName: kind === "PROVISION" ? null : `sbx_hook_${n}` },
  });
  const run = await db.sandboxRun.create({ data: { sandboxId: sandbox.id, kind, status: "RUNNING", options: OPTIONS, attempts: 1, startedAt: new Date() } });
  return { sandbox, run };
}

async function endpointFor(userId: string, url: string, events: readonly WebhookEvent[] = WEBHOOK_EVENTS) {
  return createEndpoint((await loadActor(userId))!, newEndpointSchema.parse({ url, events }));
}

const deliveriesOf = (runId: string) => db.webhookDelivery.findMany({ where: { payload: { contains: runId } }, orderBy: { createdAt: "asc" } });

beforeAll(async () => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.1/32";
  tenantA = (await db.tenant.create({ data: { customerId: "Cust53001", companyName: "Alpha AS", productionUrlEncrypted: "sealed" } })).id;
  tenantB = (await db.tenant.create({ data: { customerId: "Cust53002", companyName: "Beta AB", productionUrlEncrypted: "sealed" } })).id;
  adminA = (await db.user.create({ data: { email: "hooks@alpha.example", name: "Hook Admin", role: "CUSTOMER_ADMIN", tenantId: tenantA, passwordHash: "-" } })).id;
  adminB = (await db.user.create({ data: { email: "hooks@beta.example", name: "Beta Admin", role: "CUSTOMER_ADMIN", tenantId: tenantB, passwordHash: "-" } })).id;
});
afterEach(async () => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.1/32";
  await db.webhookEndpoint.deleteMany({});
});
afterAll(async () => {
  delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
  await stopBoss();
});

describe("lifecycle webhooks", () => {
  it("writes the event with the swap and delivers it signed, verifiable with the secret shown once", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const { secret, id } = await endpointFor(adminA, receiver.url());
      expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id } })).secretEncrypted).not.toContain(secret.slice(6));
      const { sandbox, run } = await runningRun("PROVISION");
      await completeCopy(run, { databaseName: `sbx_hook_${n}`, sizeBytes: 1, report: REPORT });

      const [delivery] = await deliveriesOf(run.id);
      expect(delivery).toMatchObject({ eventType: "sandbox.ready", status: "PENDING", attempts: 0 });
      expect(await attemptDelivery(delivery!.id, send)).toBe("delivered");
      expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery!.id } })).toMatchObject({ status: "DELIVERED", attempts: 1, responseStatus: 200 });

      const [event] = receiver.received;
      const { "webhook-id": messageId, "webhook-timestamp": timestamp, "webhook-signature": signature } = event!.headers as Record<string, string>;
      const key = Buffer.from(secret.slice("whsec_".length), "base64");
      expect(signature).toBe(`v1,${createHmac("sha256", key).update(`${messageId}.${timestamp}.${event!.body}`).digest("base64")}`);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
      // The body is what the OpenAPI document's `webhooks` section says it is.
      expect(() => WebhookEventSchema.parse(JSON.parse(event!.body))).not.toThrow();
      expect(JSON.parse(event!.body)).toMatchObject({
        type: "sandbox.ready",
        data: { sandbox: { id: sandbox.id, name: sandbox.name, status: "READY", customer: { id: "Cust53001" } }, run: { id: run.id, kind: "PROVISION", status: "SUCCEEDED" }, links: { report: `/api/v1/sandboxes/${sandbox.id}/runs/${run.id}/report` } },
      });
      // A due delivery is attempted once: a second job for it finds nothing to do.
      expect(await attemptDelivery(delivery!.id, send)).toBe("not-due");
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("sends refreshed, failed and deleted events only to endpoints subscribed to them, and none to another customer's", async () => {
    await endpointFor(adminA, "https://hooks.alpha.example/refreshes", ["sandbox.refreshed"]);
    await endpointFor(adminB, "https://hooks.beta.example/all");
    const refreshed = await runningRun("REFRESH");
    await completeCopy(refreshed.run, { databaseName: "sbx_hook_new", sizeBytes: 1, report: REPORT });
    expect((await deliveriesOf(refreshed.run.id)).map((d) => d.eventType)).toEqual(["sandbox.refreshed"]);

    const failed = await runningRun("REFRESH");
    await failAttempt({ id: failed.run.id, kind: "REFRESH", attempts: 1, workerId: null, sandbox: { id: failed.sandbox.id, databaseName: failed.sandbox.databaseName } }, new Error("Driver said: boom at /srv/db"), null);
    expect(await deliveriesOf(failed.run.id)).toEqual([]);

    await endpointFor(adminA, "https://hooks.alpha.example/all");
    const failedAgain = await runningRun("REFRESH");
    await failAttempt({ id: failedAgain.run.id, kind: "REFRESH", attempts: 1, workerId: null, sandbox: { id: failedAgain.sandbox.id, databaseName: failedAgain.sandbox.databaseName } }, new Error("Driver said: boom at /srv/db"), null);
    const [failure] = await deliveriesOf(failedAgain.run.id);
    // With the failure's code: an error of no kind of the portal's is UNEXPECTED, worth one retry.
    expect(WebhookEventSchema.parse(JSON.parse(failure!.payload))).toMatchObject({
      type: "sandbox.failed",
      data: { run: { status: "FAILED", error: expect.any(String), failureCode: "UNEXPECTED", retryable: true }, sandbox: { status: "READY" } },
    });
    // The reason is the one users see: no driver text, no stack.
    expect(failure!.payload).not.toContain("Driver said");

    // Choices production no longer fits: not worth retrying as they are.
    const refused = await runningRun("REFRESH");
    const { SanitizationError } = await import("../sanitizer/errors");
    await failAttempt({ id: refused.run.id, kind: "REFRESH", attempts: 1, workerId: null, sandbox: { id: refused.sandbox.id, databaseName: refused.sandbox.databaseName } }, new SanitizationError("INVALID_OPTIONS", "User 7 is gone."), null);
    const [refusal] = await deliveriesOf(refused.run.id);
    expect(WebhookEventSchema.parse(JSON.parse(refusal!.payload)).data.run).toMatchObject({ failureCode: "INVALID_OPTIONS", retryable: false });

    const deleted = await runningRun("DELETE");
    await completeDelete(deleted.run);
    expect((await deliveriesOf(deleted.run.id)).map((d) => [d.eventType, JSON.parse(d.payload).data.links.report])).toEqual([["sandbox.deleted", null]]);
    expect(await db.webhookDelivery.count({ where: { endpoint: { tenantId: tenantB } } })).toBe(0);
  });

  it("retries a failing receiver with back-off, succeeds later, and gives up after the last attempt", async () => {
    const receiver = await startWebhookReceiver([500, 503]);
    try {
      await endpointFor(adminA, receiver.url());
      const { run } = await runningRun("PROVISION");
      await completeCopy(run, { databaseName: `sbx_hook_${n}`, sizeBytes: 1, report: REPORT });
      const [delivery] = await deliveriesOf(run.id);
      const id = delivery!.id;

      const before = Date.now();
      expect(await attemptDelivery(id, send)).toBe("retrying");
      const first = await db.webhookDelivery.findUniqueOrThrow({ where: { id } });
      expect(first).toMatchObject({ status: "PENDING", attempts: 1, responseStatus: 500, lastError: "The endpoint answered HTTP 500." });
      expect(first.nextAttemptAt!.getTime() - before).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0]! - 50);
      // Not due yet: a job arriving early does nothing.
      expect(await attemptDelivery(id, send)).toBe("not-due");

      await db.webhookDelivery.update({ where: { id }, data: { nextAttemptAt: new Date() } });
      expect(await attemptDelivery(id, send)).toBe("retrying");
      const second = await db.webhookDelivery.findUniqueOrThrow({ where: { id } });
      expect(second.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan(RETRY_DELAYS_MS[1]! - 5_000);

      await db.webhookDelivery.update({ where: { id }, data: { nextAttemptAt: new Date() } });
      expect(await attemptDelivery(id, send)).toBe("delivered");
      expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual(Array(3).fill(delivery!.messageId));

      // A receiver that never answers well: the last attempt fails the delivery for good.
      const { run: other } = await runningRun("PROVISION");
      await completeCopy(other, { databaseName: `sbx_hook_${n}`, sizeBytes: 1, report: REPORT });
      const [doomed] = await deliveriesOf(other.id);
      await receiver.close();
      await db.webhookDelivery.update({ where: { id: doomed!.id }, data: { attempts: MAX_ATTEMPTS - 1 } });
      expect(await attemptDelivery(doomed!.id, send)).toBe("failed");
      expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: doomed!.id } })).toMatchObject({ status: "FAILED", attempts: MAX_ATTEMPTS, nextAttemptAt: null, lastError: "The endpoint refused the connection." });
    } finally {
      await receiver.close().catch(() => undefined);
    }
  });

  it("POSTs once when several workers take the same delivery at once", async () => {
    const receiver = await startWebhookReceiver();
    try {
      await endpointFor(adminA, receiver.url());
      const { run } = await runningRun("PROVISION");
      await completeCopy(run, { databaseName: `sbx_hook_${n}`, sizeBytes: 1, report: REPORT });
      const [delivery] = await deliveriesOf(run.id);
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => attemptDelivery(delivery!.id, send)));
      expect(outcomes.filter((o) => o === "delivered")).toHaveLength(1);
      expect(outcomes.filter((o) => o === "not-due")).toHaveLength(4);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("lets a tenant's hanging endpoints hold at most two senders, never another tenant's events, and queues a few of its backlog per sweep", async () => {
    const hanging = await startWebhookReceiver(["hang", "hang"]);
    const answering = await startWebhookReceiver();
    try {
      const slow = await endpointFor(adminA, hanging.url());
      const theirs = await endpointFor(adminB, answering.url());
      const due = (endpointId: string, i: number) =>
        db.webhookDelivery.create({ data: { endpointId, messageId: `msg_fair_${n}_${endpointId}_${i}`, eventType: "sandbox.ready", payload: "{}", nextAttemptAt: new Date(Date.now() - 60_000 + i) } });
      const [first, second, third] = [await due(slow.id, 0), await due(slow.id, 1), await due(slow.id, 2)];
      // They hang until released below, after the asserts that need them in flight: the send's
      // timeout (the default, 15 s, well inside the claim's lease) is only a backstop.
      const hangs = [first, second].map((d) => attemptDelivery(d.id, send));
      await vi.waitFor(() => expect(hanging.received).toHaveLength(2), { timeout: 10_000 });
      // Both of tenant A's senders hang: its third waits, and tenant B's event goes out meanwhile.
      expect(await attemptDelivery(third.id, send)).toBe("busy");
      expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: third.id } })).toMatchObject({ status: "PENDING", attempts: 0 });
      // Its job is offered again in a moment, not at the next sweep.
      const [again] = await db.$queryRawUnsafe<{ wait: number }[]>(
        `SELECT extract(epoch FROM start_after - now())::float8 AS wait FROM pgboss.job WHERE name = 'webhook-delivery' AND data->>'deliveryId' = $1 AND state = 'created'`, third.id);
      expect(again!.wait).toBeLessThan(5);
      // Busy again, and swept meanwhile: still one job waits for it, not one more each time.
      expect(await attemptDelivery(third.id, send)).toBe("busy");
      await queueDueDeliveries();
      const waiting = await db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM pgboss.job WHERE name = 'webhook-delivery' AND data->>'deliveryId' = $1 AND state = 'created'`, third.id);
      expect(waiting).toHaveLength(1);
      expect(await attemptDelivery((await due(theirs.id, 0)).id, send)).toBe("delivered");
      // Both were still waiting for their answer through all of the above; an error answer retries them.
      expect(hanging.release(503)).toBe(2);
      expect(await Promise.all(hangs)).toEqual(["retrying", "retrying"]);
      expect(await attemptDelivery(third.id, send)).toBe("delivered");

      // A backlog of A's is not ahead of B's newer event: a sweep queues 50 of A's at most, and B's.
      await db.webhookDelivery.deleteMany({ where: { endpointId: { in: [slow.id, theirs.id] } } });
      await db.$executeRawUnsafe(`DELETE FROM pgboss.job WHERE name = 'webhook-delivery'`);
      for (let i = 0; i < DUE_PER_TENANT_PER_SWEEP + 10; i++) await due(slow.id, i);
      const newest = await db.webhookDelivery.create({ data: { endpointId: theirs.id, messageId: `msg_fair_b_${n}`, eventType: "sandbox.ready", payload: "{}", nextAttemptAt: new Date() } });
      expect(await queueDueDeliveries()).toBe(DUE_PER_TENANT_PER_SWEEP + 1);
      const queued = await db.$queryRawUnsafe<{ id: string }[]>(`SELECT data->>'deliveryId' AS id FROM pgboss.job WHERE name = 'webhook-delivery'`);
      expect(queued.map((q) => q.id)).toContain(newest.id);
      // The next sweeps queue the rest, and nothing twice while its job waits.
      expect(await queueDueDeliveries()).toBe(10);
      expect(await queueDueDeliveries()).toBe(0);
    } finally {
      await hanging.close();
      await answering.close();
    }
  });

  it("ends an attempt quietly whose endpoint was removed while it was being sent, answered or not, and sends it no more", async () => {
    const receiver = await startWebhookReceiver(["hang", "hang"]);
    try {
      for (const answer of [200, 503]) {
        const { id } = await endpointFor(adminA, receiver.url());
        const { run } = await runningRun("PROVISION");
        await completeCopy(run, { databaseName: `sbx_hook_${n}`, sizeBytes: 1, report: REPORT });
        const [delivery] = await deliveriesOf(run.id);
        const sending = attemptDelivery(delivery!.id, send);
        await vi.waitFor(() => expect(receiver.received).toHaveLength(answer === 200 ? 1 : 2), { timeout: 10_000 });
        await deleteEndpoint((await loadActor(adminA))!, id);
        receiver.release(answer);
        // Its row went with the endpoint: the outcome has nowhere to be written, and no retry is due.
        expect(await sending).toBe(answer === 200 ? "delivered" : "failed");
        expect(await db.webhookDelivery.count({ where: { id: delivery!.id } })).toBe(0);
      }
    } finally {
      await receiver.close();
    }
  });

  it("replays a finished delivery with the same message id, for its own customer only, and keeps the log for its period", async () => {
    const receiver = await startWebhookReceiver([500]);
    try {
      await endpointFor(adminA, receiver.url());
      const { run } = await runningRun("PROVISION");
      await completeCopy(run, { databaseName: `sbx_hook_${n}`, sizeBytes: 1, report: REPORT });
      const [delivery] = await deliveriesOf(run.id);
      const actorA = (await loadActor(adminA))!;
      await attemptDelivery(delivery!.id, send);
      await expect(replayDelivery(actorA, delivery!.id)).rejects.toMatchObject({ code: "CONFLICT" });
      await db.webhookDelivery.update({ where: { id: delivery!.id }, data: { status: "FAILED", nextAttemptAt: null } });

      await expect(replayDelivery((await loadActor(adminB))!, delivery!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
      const { deliveryId } = await replayDelivery(actorA, delivery!.id);
      // Once sent again is enough: a second replay waits until the first has gone out.
      await expect(replayDelivery(actorA, delivery!.id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already being sent again") });
      expect(await attemptDelivery(deliveryId, send)).toBe("delivered");
      expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([delivery!.messageId, delivery!.messageId]);
      expect(await db.auditEvent.count({ where: { action: "webhook.replayed", tenantId: tenantA } })).toBe(1);

      // The log keeps finished deliveries for its period; one still being delivered stays however old.
      const later = new Date(Date.now() + (DELIVERY_LOG_DAYS + 1) * 86_400_000);
      const pending = await db.webhookDelivery.create({ data: { endpointId: delivery!.endpointId, messageId: "msg_pending", eventType: "sandbox.ready", payload: "{}", nextAttemptAt: later } });
      expect(await pruneDeliveryLog(new Date(Date.now() + 86_400_000))).toBe(0);
      expect(await pruneDeliveryLog(later)).toBe(2);
      expect((await db.webhookDelivery.findMany({ where: { endpointId: delivery!.endpointId } })).map((d) => d.id)).toEqual([pending.id]);
    } finally {
      await receiver.close();
    }
  });

  it("holds a customer's replays waiting to be sent to a few, so that no customer can fill the senders' queue", async () => {
    const endpoint = await endpointFor(adminA, "https://hooks.example.com/never-answers");
    const actorA = (await loadActor(adminA))!;
    const failed = await Promise.all(
      Array.from({ length: MAX_PENDING_REPLAYS_PER_TENANT + 1 }, (_, i) =>
        db.webhookDelivery.create({ data: { endpointId: endpoint.id, messageId: `msg_failed_${n}_${i}`, eventType: "sandbox.ready", payload: "{}", status: "FAILED" } }),
      ),
    );
    for (const d of failed.slice(0, MAX_PENDING_REPLAYS_PER_TENANT)) await replayDelivery(actorA, d.id);
    await expect(replayDelivery(actorA, failed.at(-1)!.id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining(`At most ${MAX_PENDING_REPLAYS_PER_TENANT}`) });
    // Once one has been sent (or has failed), the next may wait its turn.
    await db.webhookDelivery.updateMany({ where: { replayOfId: failed[0]!.id }, data: { status: "DELIVERED", nextAttemptAt: null } });
    await replayDelivery(actorA, failed.at(-1)!.id);
    expect(await db.webhookDelivery.count({ where: { endpointId: endpoint.id, status: "PENDING" } })).toBe(MAX_PENDING_REPLAYS_PER_TENANT);
  });

  it("refuses private targets at registration and at connect time, and leaves another customer's endpoints alone", async () => {
    delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
    expect(newEndpointSchema.safeParse({ url: "http://ci.example.com/x", events: ["sandbox.ready"] }).success).toBe(false);
    for (const url of ["https://127.0.0.1:8443/x", "https://localhost/x", "https://169.254.169.254/latest"]) {
      await expect(endpointFor(adminA, url), url).rejects.toMatchObject({ code: "INVALID_INPUT", fieldErrors: { url: [PRIVATE_TARGET_REFUSED] } });
    }
    expect(await db.webhookEndpoint.count({ where: { tenantId: tenantA } })).toBe(0);
    // Allowed when registered; the allowance is withdrawn before the event goes out.
    process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.1/32";
    const receiver = await startWebhookReceiver();
    try {
      // A name, not a literal: the address is checked where the connection is made (DNS rebinding).
      await endpointFor(adminA, receiver.url("localhost"));
      const { run } = await runningRun("PROVISION");
      await completeCopy(run, { databaseName: `sbx_hook_${n}`, sizeBytes: 1, report: REPORT });
      const [delivery] = await deliveriesOf(run.id);
      delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
      expect(await attemptDelivery(delivery!.id, send)).toBe("retrying");
      expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery!.id } })).toMatchObject({ lastError: PRIVATE_TARGET_REFUSED, responseStatus: null });
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }

    const theirs = await endpointFor(adminB, "https://hooks.beta.example/x");
    await expect(deleteEndpoint((await loadActor(adminA))!, theirs.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db.webhookEndpoint.count({ where: { id: theirs.id } })).toBe(1);
  });
});
