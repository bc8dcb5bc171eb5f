/**
 * Through the worker: an event written by a run's end is queued and delivered by
 * the worker's senders; one customer's receiver that hangs does not hold up
 * another customer's event.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { startWebhookReceiver } from "../testing/webhook-receiver";
import type { SanitizationReport } from "../sanitizer/report";

vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
usePortalDatabase();

const { db } = await import("../db/portal");
const { stopBoss } = await import("../jobs/queue");
const { loadActor } = await import("../auth/load-actor");
const { completeCopy } = await import("../jobs/lifecycle");
const { startWorker } = await import("../worker/worker");
const { createEndpoint } = await import("./mutations");
const { queueDueDeliveries } = await import("./deliver");

const REPORT = { snapshotAt: "2026-12-01T09:00:00.000Z", rules: [], checks: [], tables: [] } as unknown as SanitizationReport;
let stopWorker: (() => Promise<void>) | undefined;

beforeAll(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.1";
  process.env.WEBHOOK_CA_FILE = fileURLToPath(new URL("../testing/tls/receiver.crt", import.meta.url));
});
afterAll(async () => {
  await stopWorker?.();
  await stopBoss();
  delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
  delete process.env.WEBHOOK_CA_FILE;
});

async function customerWithEndpoint(n: number, url: string) {
  const tenant = await db.tenant.create({ data: { customerId: `Cust5410${n}`, companyName: `Receiver ${n} AS`, productionUrlEncrypted: "sealed" } });
  const admin = await db.user.create({ data: { email: `hooks${n}@receiver.example`, name: "Admin", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
  await createEndpoint((await loadActor(admin.id))!, { url, description: "", events: ["sandbox.ready"] });
  const sandbox = await db.sandbox.create({ data: { tenantId: tenant.id, orderedById: admin.id, name: `Hooked ${n}`, status: "PROVISIONING", planCounts: {}, options: {} } });
  const run = await db.sandboxRun.create({ data: { sandboxId: sandbox.id, kind: "PROVISION", status: "RUNNING", options: {}, attempts: 1, startedAt: new Date() } });
  return { tenantId: tenant.id, run };
}

describe("webhook delivery through the worker", () => {
  it("delivers a customer's event while another customer's receiver hangs", async () => {
    const hanging = await startWebhookReceiver(["hang"]);
    const healthy = await startWebhookReceiver();
    try {
      const slow = await customerWithEndpoint(1, hanging.url());
      const quick = await customerWithEndpoint(2, healthy.url());
      const worker = await startWorker();
      stopWorker = () => worker.stop();
      // As the worker does after each run: the due events are queued at once.
      await completeCopy(slow.run, { databaseName: "sbx_hook_slow", sizeBytes: 1, report: REPORT });
      await queueDueDeliveries();
      await vi.waitUntil(() => hanging.received.length === 1, { timeout: 10_000, interval: 50 });
      // The slow customer's receiver now holds a sender; the next event goes out on another one.
      await completeCopy(quick.run, { databaseName: "sbx_hook_quick", sizeBytes: 1, report: REPORT });
      await queueDueDeliveries();
      await vi.waitUntil(() => healthy.received.length === 1, { timeout: 8_000, interval: 50 });
      // The worker records the delivery once the receiver has answered: a moment after the receiver has the request.
      const quickDelivery = () => db.webhookDelivery.findFirstOrThrow({ where: { endpoint: { tenantId: quick.tenantId } } });
      await vi.waitUntil(async () => (await quickDelivery()).status !== "PENDING", { timeout: 5_000, interval: 50 });
      expect(await quickDelivery()).toMatchObject({ status: "DELIVERED", attempts: 1 });
      // Still waiting for the hanging receiver's answer (at most 15 s), not yet given a retry time.
      expect(await db.webhookDelivery.findFirstOrThrow({ where: { endpoint: { tenantId: slow.tenantId } } })).toMatchObject({ status: "PENDING", attempts: 1, lastError: null });
    } finally {
      await hanging.close();
      await healthy.close();
    }
  });
});
