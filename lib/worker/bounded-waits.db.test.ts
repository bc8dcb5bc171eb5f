/**
 * Item 1 of issue 10, bounded waits: a table locked in production ends a run's
 * attempt within the lock timeout with a plain reason, its half-made database
 * dropped; the queue retries it with back-off a bounded number of times; the
 * CLI's single attempt ends failed; the retry succeeds once the lock is gone.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { generateProductionDatabase } from "../crm/generator";
import { oneOffQuery } from "../db/one-off-query";

usePortalDatabase();

const { db } = await import("../db/portal");
const { registerTenant } = await import("../tenants/registry");
const { requestRun, runDatabaseName } = await import("../jobs/lifecycle");
const { executeRun } = await import("./execute");
const { stopBoss } = await import("../jobs/queue");
const { databaseExists } = await import("../sanitizer/drop");
const { copyLimits } = await import("../config/copy-limits");

let productionUrl = "";
let tenantId = "";
let adminId = "";
let locker: pg.Client | null = null;

/** Another production session holds a table the copy needs, as a long migration or a stuck transaction would. */
async function lockInProduction(table: string): Promise<void> {
  locker = new pg.Client({ connectionString: productionUrl });
  await locker.connect();
  await locker.query("BEGIN");
  await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
}

async function unlock(): Promise<void> {
  await locker?.end();
  locker = null;
}

async function newRun(name: string) {
  const sandbox = await db.sandbox.create({
    data: { tenantId, name, planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId: `Cust9${name.length}${Date.now() % 10000}`, status: "QUEUED" },
  });
  const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: null, options: {}, enqueue: false });
  return { runId, sandboxId: sandbox.id, databaseName: runDatabaseName("Cust6161", runId) };
}

async function retryJobStartsIn(runId: string): Promise<number> {
  const rows = await oneOffQuery<{ seconds: number }>(
    process.env.DATABASE_URL!,
    "SELECT extract(epoch FROM start_after - now())::float AS seconds FROM pgboss.job WHERE data->>'runId' = $1 AND state = 'created' ORDER BY created_on DESC LIMIT 1",
    [runId],
  );
  return rows[0]?.seconds ?? Number.NaN;
}

describe("bounded waits on production", () => {
  beforeAll(async () => {
    process.env.PRODUCTION_LOCK_TIMEOUT_SECONDS = "1";
    process.env.COPY_RETRY_BACKOFF_SECONDS = "30";
    process.env.COPY_MAX_ATTEMPTS = "3";
    productionUrl = await createTestDatabase("lockprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: "Cust6161", companyName: "Lock AS", scale: "small", seed: 61 });
    tenantId = (await registerTenant({ customerId: "Cust6161", companyName: "Lock AS", productionUrl })).id;
    adminId = (await db.user.create({ data: { email: "lock@example.com", name: "L", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
  }, 120_000);

  afterAll(async () => {
    await unlock();
    await stopBoss();
    for (const name of ["PRODUCTION_LOCK_TIMEOUT_SECONDS", "COPY_RETRY_BACKOFF_SECONDS", "COPY_MAX_ATTEMPTS"]) delete process.env[name];
  });

  it("by default, a held lock ends an attempt within 60 s", () => {
    expect(copyLimits({}).lockTimeoutMs).toBeLessThanOrEqual(60_000);
  });

  it("a locked table ends the attempt with a plain reason, drops the half copy, retries with back-off, then succeeds", async () => {
    const { runId, sandboxId, databaseName } = await newRun("locked");
    await lockInProduction("ticket_message");

    const started = Date.now();
    expect(await executeRun(runId, "test")).toBe("retrying");
    expect(Date.now() - started).toBeLessThan(15_000);
    const first = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(first.status).toBe("QUEUED");
    expect(first.attempts).toBe(1);
    expect(first.error).toMatch(
      /^Production was busy: a table was locked by another session for more than 1 s\. The copy will be retried at \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/,
    );
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).status).toBe("QUEUED");
    expect(await databaseExists(testServerAdminUrl(), databaseName)).toBe(false);
    // The queue holds the retry back: 30 s after the first attempt, doubling after the second.
    expect(await retryJobStartsIn(runId)).toBeGreaterThan(20);
    expect(await retryJobStartsIn(runId)).toBeLessThan(31);

    expect(await executeRun(runId, "test")).toBe("retrying");
    expect(await retryJobStartsIn(runId)).toBeGreaterThan(50);

    await unlock();
    expect(await executeRun(runId, "test")).toBe("done");
    const done = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(done.status, done.error ?? "").toBe("SUCCEEDED");
    expect(done.error).toBeNull();
    expect(done.attempts).toBe(3);
  }, 120_000);

  it("fails for good after the last attempt, saying so", async () => {
    const { runId, sandboxId } = await newRun("given-up");
    await lockInProduction("ticket_message");
    for (let attempt = 1; attempt < 3; attempt++) expect(await executeRun(runId, "test")).toBe("retrying");
    expect(await executeRun(runId, "test")).toBe("done");
    await unlock();
    const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("FAILED");
    expect(run.error).toBe("Production was busy: a table was locked by another session for more than 1 s. It was tried 3 times; retry later.");
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).status).toBe("FAILED");
  }, 120_000);

  it("the CLI's single attempt ends failed with the reason and queues nothing", async () => {
    const { runId } = await newRun("cli");
    await lockInProduction("ticket_message");
    expect(await executeRun(runId, "cli", { direct: true })).toBe("done");
    await unlock();
    const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("FAILED");
    expect(run.error).toBe("Production was busy: a table was locked by another session for more than 1 s.");
    expect(await retryJobStartsIn(runId)).toBeNaN();
  }, 60_000);
});
