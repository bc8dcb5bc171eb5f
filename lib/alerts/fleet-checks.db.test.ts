import { afterAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { makeTempDir } from "../testing/temp-dir";

usePortalDatabase();

const { db } = await import("../db/portal");
const { enqueueRun, stopBoss } = await import("../jobs/queue");
const { checkQueueAge } = await import("./fleet-checks");
const { watchQueueWithoutWorkers } = await import("./queue-watch");
const { oldestOverdueRun } = await import("../jobs/overdue");
const { sealSecret } = await import("../secrets/secret-box");

afterAll(() => stopBoss());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe("the alert of a queue no worker takes from", () => {
  it("counts the runs whose turn has come and that no worker took, not those that wait on purpose", async () => {
    process.env.OUTBOX_DIR = await makeTempDir("fleet-outbox-");
    await db.user.create({ data: { email: "op@portal.example", name: "Op", role: "OPERATOR", passwordHash: "-" } });
    const tenant = await db.tenant.create({ data: { customerId: "Cust7401", companyName: "Queue AS", productionUrlEncrypted: sealSecret("postgres://nobody@127.0.0.1:1/none") } });
    const user = await db.user.create({ data: { email: "q@example.com", name: "Q", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const queuedRun = async (name: string, createdAt: Date) => {
      const sandbox = await db.sandbox.create({ data: { tenantId: tenant.id, name, planCounts: {}, orderedById: user.id, sandboxCustomerId: `Cust9${name.length}74${Date.now() % 1000}`, status: "READY" } });
      return db.sandboxRun.create({ data: { sandboxId: sandbox.id, kind: "REFRESH", options: {}, status: "QUEUED", createdAt } });
    };

    // Asked for an hour ago and waiting on purpose (its server's slot, a retry's back-off): its job starts later.
    const waiting = await queuedRun("Waiting for its slot", minutesAgo(60));
    await enqueueRun(waiting.id, undefined, new Date(Date.now() + 60_000));
    await checkQueueAge();
    expect(await db.alert.count({ where: { key: "queue-stale" } })).toBe(0);
    expect(await oldestOverdueRun()).toBeNull();

    // Its turn came 20 minutes ago and no worker has taken it: workers are down, or too few.
    const forgotten = await queuedRun("Nobody took it", minutesAgo(25));
    await enqueueRun(forgotten.id, undefined, minutesAgo(20));
    expect(await oldestOverdueRun()).toMatchObject({ runId: forgotten.id, overdueMs: expect.any(Number) });
    expect((await oldestOverdueRun())!.overdueMs).toBeGreaterThan(19 * 60_000);
    await checkQueueAge();
    expect(await db.alert.findUniqueOrThrow({ where: { key: "queue-stale" } })).toMatchObject({ subject: "a run has waited 20 minutes for a worker", link: `/operations/runs/${forgotten.id}` });
  });

  it("is raised by a web app that runs no worker: with every worker down, no worker checks", async () => {
    await db.alert.deleteMany({ where: { key: "queue-stale" } });
    // The run of the test above, still waiting: no worker runs in this process.
    const stop = watchQueueWithoutWorkers(100);
    try {
      await expect.poll(() => db.alert.count({ where: { key: "queue-stale" } }), { timeout: 5_000 }).toBe(1);
    } finally {
      stop();
    }
  });
});
