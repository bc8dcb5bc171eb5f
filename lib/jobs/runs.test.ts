import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { requestRun } = await import("./runs");
const { stopBoss } = await import("./queue");
const { recoverStaleRuns, STALE_AFTER_MS, MAX_ATTEMPTS } = await import("./recovery");
const { AppError } = await import("../errors");

let sandboxId = "";

async function newSandbox(name: string, databaseName: string | null = null) {
  const tenant = await db.tenant.upsert({
    where: { customerId: "Cust500" },
    update: {},
    create: { customerId: "Cust500", companyName: "Runs AS", productionUrlEncrypted: "unused" },
  });
  const user = await db.user.upsert({
    where: { email: "runs@example.com" },
    update: {},
    create: { email: "runs@example.com", name: "R", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" },
  });
  return db.sandbox.create({
    data: { tenantId: tenant.id, name, planCounts: { complete: 1 }, orderedById: user.id, sandboxCustomerId: `Cust9${name.length}${Date.now() % 100000}`, databaseName, status: databaseName ? "READY" : "AWAITING_SETUP" },
  });
}

describe("sandbox runs", () => {
  beforeAll(async () => {
    sandboxId = (await newSandbox("first")).id;
  });
  afterAll(async () => {
    await stopBoss();
  });

  it("queues a run and its job together, and marks the sandbox queued", async () => {
    const { runId } = await requestRun({ sandboxId, kind: "PROVISION", requestedById: null, options: {} });
    const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("QUEUED");
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).status).toBe("QUEUED");
    const jobs = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM pgboss.job WHERE name = 'sandbox-run' AND data->>'runId' = $1`, runId);
    expect(Number(jobs[0]!.n)).toBe(1);
  });

  it("refuses a second run while one is active, also when requests race", async () => {
    const other = await newSandbox("racing", "sbx_existing");
    const attempts = await Promise.allSettled(
      Array.from({ length: 5 }, () => requestRun({ sandboxId: other.id, kind: "REFRESH", requestedById: null, options: {} })),
    );
    const won = attempts.filter((a) => a.status === "fulfilled");
    const refused = attempts.filter((a) => a.status === "rejected");
    expect(won).toHaveLength(1);
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
      expect(((r as PromiseRejectedResult).reason as InstanceType<typeof AppError>).code).toBe("RUN_IN_PROGRESS");
    }
    expect(await db.sandboxRun.count({ where: { sandboxId: other.id } })).toBe(1);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("REFRESHING");
  });

  it("the database itself refuses a second active run", async () => {
    const other = await newSandbox("direct");
    await db.sandboxRun.create({ data: { sandboxId: other.id, kind: "PROVISION", options: {}, status: "RUNNING" } });
    await expect(db.sandboxRun.create({ data: { sandboxId: other.id, kind: "REFRESH", options: {} } })).rejects.toThrow();
  });

  it("re-queues a run whose worker died, then fails it with a reason after the last attempt", async () => {
    const ready = await newSandbox("orphaned", "sbx_still_there");
    const long = new Date(Date.now() - STALE_AFTER_MS - 1000);
    const run = await db.sandboxRun.create({
      data: { sandboxId: ready.id, kind: "DELETE", options: {}, status: "RUNNING", attempts: 1, heartbeatAt: long, workerId: "dead" },
    });
    expect(await recoverStaleRuns()).toContain(run.id);
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("QUEUED");

    await db.sandboxRun.update({ where: { id: run.id }, data: { status: "RUNNING", attempts: MAX_ATTEMPTS, heartbeatAt: long } });
    await recoverStaleRuns();
    const failed = await db.sandboxRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toMatch(/worker .* stopped unexpectedly/i);
    // The sandbox it belonged to still has its database: it stays usable.
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: ready.id } })).status).toBe("READY");
  });

  it("leaves runs with a fresh heartbeat alone", async () => {
    const busy = await newSandbox("busy");
    const run = await db.sandboxRun.create({
      data: { sandboxId: busy.id, kind: "PROVISION", options: {}, status: "RUNNING", attempts: 1, heartbeatAt: new Date() },
    });
    expect(await recoverStaleRuns()).not.toContain(run.id);
  });
});
