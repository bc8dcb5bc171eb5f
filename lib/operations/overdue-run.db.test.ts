import { afterAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { enqueueRun, stopBoss } = await import("../jobs/queue");
const { getOperationsOverview } = await import("./queries");
const { sealSecret } = await import("../secrets/secret-box");

afterAll(() => stopBoss());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe("the operations page's oldest waiting run", () => {
  it("is the run whose turn has come and that no worker took, aged from its turn, as the metric and the alert age it", async () => {
    const tenant = await db.tenant.create({ data: { customerId: "Cust7501", companyName: "Overdue AS", productionUrlEncrypted: sealSecret("postgres://nobody@127.0.0.1:1/none") } });
    const user = await db.user.create({ data: { email: "o@overdue.example", name: "O", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const queuedRun = async (name: string, createdAt: Date, customerId: string) => {
      const sandbox = await db.sandbox.create({ data: { tenantId: tenant.id, name, planCounts: {}, orderedById: user.id, sandboxCustomerId: customerId, status: "READY" } });
      return db.sandboxRun.create({ data: { sandboxId: sandbox.id, kind: "REFRESH", options: {}, status: "QUEUED", createdAt } });
    };
    // Asked for three hours ago, and in its retry's back-off: nobody owes it a worker yet.
    const backingOff = await queuedRun("Backing off", minutesAgo(180), "Cust97501");
    await enqueueRun(backingOff.id, undefined, new Date(Date.now() + 10 * 60_000));

    let o = await getOperationsOverview();
    expect(o.oldestOverdue).toBeNull();
    expect(o.queued).toBe(1);

    // Its turn came 5 minutes ago and no worker took it.
    const forgotten = await queuedRun("Forgotten", minutesAgo(10), "Cust97502");
    await enqueueRun(forgotten.id, undefined, minutesAgo(5));
    o = await getOperationsOverview();
    expect(o.oldestOverdue).toMatchObject({ id: forgotten.id, kind: "REFRESH", sandbox: { name: "Forgotten", tenant: { companyName: "Overdue AS" } } });
    expect(o.oldestOverdue!.overdueMs).toBeGreaterThan(4.9 * 60_000);
    expect(o.oldestOverdue!.overdueMs).toBeLessThan(6 * 60_000);
  });
});
