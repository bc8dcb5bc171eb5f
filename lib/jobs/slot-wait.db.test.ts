import { afterAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { claimRun, requestRun, slotWaitDelayMs, wakeRunsWaitingForSlots } = await import("./lifecycle");
const { enqueueRun, RUN_QUEUE, stopBoss } = await import("./queue");
const { sealSecret } = await import("../secrets/secret-box");

afterAll(() => stopBoss());

/** The run's jobs not yet taken: when each may start, in seconds from now, and whether it waits for a slot. */
const waitingJobs = (runId: string) =>
  db.$queryRawUnsafe<{ inSeconds: number; waitingFor: string | null }[]>(
    `SELECT round(extract(epoch FROM start_after - now()))::int AS "inSeconds", data->>'waitingFor' AS "waitingFor"
       FROM pgboss.job WHERE name = $1 AND state = 'created' AND data->>'runId' = $2 ORDER BY start_after`,
    RUN_QUEUE,
    runId,
  );

describe("runs waiting for a slot", () => {
  it("ask again less often the longer they wait, and at once when a slot of theirs frees; a retry's back-off is left alone", async () => {
    expect([0, 59_000, 60_000, 9 * 60_000, 10 * 60_000, 6 * 3_600_000].map(slotWaitDelayMs)).toEqual([5_000, 5_000, 15_000, 15_000, 60_000, 60_000]);

    const tenant = await db.tenant.create({ data: { customerId: "Cust7601", companyName: "Busy AS", productionUrlEncrypted: sealSecret("postgres://nobody@127.0.0.1:1/none") } });
    const user = await db.user.create({ data: { email: "busy@example.com", name: "B", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const sandbox = (name: string) =>
      db.sandbox.create({ data: { tenantId: tenant.id, name, planCounts: {}, orderedById: user.id, sandboxCustomerId: `Cust97601${name.length}`, status: "READY", databaseName: `sbx_${name}` } });
    // The tenant's one slot (RUNS_PER_TENANT 1) is taken by a copy under way.
    const running = await sandbox("running");
    await db.sandboxRun.create({ data: { sandboxId: running.id, kind: "REFRESH", options: {}, status: "RUNNING", startedAt: new Date(), heartbeatAt: new Date() } });

    // One asked for 20 minutes ago, refused its slot: it asks again in a minute, not in 5 s.
    const waiting = await sandbox("waiting!");
    const { runId } = await requestRun({ sandboxId: waiting.id, kind: "REFRESH", requestedById: null, options: {} });
    await db.sandboxRun.update({ where: { id: runId }, data: { createdAt: new Date(Date.now() - 20 * 60_000) } });
    expect(await claimRun(runId, "w1")).toBeNull();
    const asked = await waitingJobs(runId);
    expect(asked.at(-1)).toEqual({ inSeconds: 60, waitingFor: "slot" });

    // Another of the tenant's runs waits for its retry's back-off: no slot wakes it early.
    const retrying = await sandbox("retry");
    const backOff = await db.sandboxRun.create({ data: { sandboxId: retrying.id, kind: "REFRESH", options: {}, status: "QUEUED", attempts: 1 } });
    await enqueueRun(backOff.id, undefined, new Date(Date.now() + 300_000));

    // The copy under way ends: the waiting run's job may start now; the back-off stays.
    expect(await wakeRunsWaitingForSlots(tenant.id, null)).toBe(1);
    expect((await waitingJobs(runId)).at(0)?.inSeconds).toBeLessThanOrEqual(0);
    expect((await waitingJobs(backOff.id)).at(0)?.inSeconds).toBeGreaterThan(290);
  });
});
