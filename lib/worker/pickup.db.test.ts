/**
 * A run queued in a process that runs a worker (the web app, by default) starts at
 * once, not at the worker's next poll of the queue (pg-boss polls every second).
 * Delete runs of sandboxes with no copy: they need no production, and end at once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { requestRun } = await import("../jobs/lifecycle");
const { startWorker } = await import("./worker");
const { stopBoss } = await import("../jobs/queue");

let stopWorker: (() => Promise<void>) | undefined;

afterAll(async () => {
  await stopWorker?.();
  await stopBoss();
});

async function claimedAfterMs(runId: string): Promise<number> {
  const until = Date.now() + 10_000;
  for (;;) {
    const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    if (run.startedAt) return run.startedAt.getTime() - run.createdAt.getTime();
    if (Date.now() > until) throw new Error("the run was never claimed");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("job pickup", () => {
  it("a worker in the same process claims a queued run at once, not at its next poll", async () => {
    const tenant = await db.tenant.create({ data: { customerId: "Cust7171", companyName: "Pickup AS", productionUrlEncrypted: "x" } });
    const admin = await db.user.create({ data: { email: "pickup@example.com", name: "A", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const worker = await startWorker({ concurrency: 1 });
    stopWorker = () => worker.stop();

    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      // At different points of the worker's one-second polling cycle.
      await new Promise((r) => setTimeout(r, 150 + i * 230));
      const sandbox = await db.sandbox.create({
        data: { tenantId: tenant.id, name: `pickup-${i}`, planCounts: { complete: 1 }, orderedById: admin.id, sandboxCustomerId: `Cust7171${i}`, status: "READY" },
      });
      const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "DELETE", requestedById: admin.id, options: {} });
      waits.push(await claimedAfterMs(runId));
    }
    // The first claim in a process also pays for its first queries. Polling alone would
    // leave most of the others at 300–1000 ms; on a machine busy with other work one of
    // them may be that late all the same, so three of the four must be quicker.
    const [, , third] = waits.slice(1).sort((a, b) => a - b);
    expect(third, waits.join(", ")).toBeLessThan(300);
  }, 60_000);
});
