/**
 * A worker killed with SIGKILL in the middle of a copy: no half sandbox is ever
 * visible, the half-made database is dropped, the run is retried and finishes,
 * and production is unchanged.
 */
import type { ChildProcess } from "node:child_process";
import { spawnWorker } from "../testing/worker-process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { generateProductionDatabase } from "../crm/generator";
import { withDatabase } from "../db/urls";

usePortalDatabase();

const { db } = await import("../db/portal");
const { registerTenant } = await import("../tenants/registry");
const { requestRun, runDatabaseName } = await import("../jobs/lifecycle");
const { recoverStaleRuns, STALE_AFTER_MS } = await import("./recovery");
const { executeRun } = await import("./execute");
const { stopBoss } = await import("../jobs/queue");
const { databaseExists } = await import("../sanitizer/drop");
const { copySessionName } = await import("../sanitizer/snapshot");

let productionUrl = "";
let worker: ChildProcess | undefined;

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function checksums(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows;
    const sums: string[] = [];
    for (const { t } of tables) {
      const { rows } = await client.query<{ s: string }>(`SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) AS s FROM "${t}" x`);
      sums.push(`${t}:${rows[0]!.s}`);
    }
    return sums.join("\n");
  } finally {
    await client.end();
  }
}

describe("a worker killed mid-run", () => {
  beforeAll(async () => {
    productionUrl = await createTestDatabase("killprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: "Cust4242", companyName: "Kill AS", scale: "small", seed: 42 });
    await registerTenant({ customerId: "Cust4242", companyName: "Kill AS", productionUrl });
    // Enough rows that the copy takes a while: the kill lands mid-copy.
    const client = new pg.Client({ connectionString: productionUrl });
    await client.connect();
    await client.query(`INSERT INTO ticket_message (ticket_id, author_email, body, created_at)
      SELECT (SELECT min(id) FROM ticket), 'someone@example.com', repeat('a long message body ', 20), now()
      FROM generate_series(1, 400000)`);
    await client.end();
  }, 120_000);

  afterAll(async () => {
    worker?.kill("SIGKILL");
    await stopBoss();
  });

  it("leaves no half sandbox, is recovered, and production is untouched", async () => {
    const before = await checksums(productionUrl);
    const tenant = await db.tenant.findUniqueOrThrow({ where: { customerId: "Cust4242" } });
    const admin = await db.user.create({ data: { email: `k${randomBytes(3).toString("hex")}@example.com`, name: "K", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const sandbox = await db.sandbox.create({
      data: { tenantId: tenant.id, name: "killed", planCounts: { complete: 2 }, orderedById: admin.id, sandboxCustomerId: "Cust942420", status: "QUEUED" },
    });

    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: admin.id, options: {} });
    worker = spawnWorker({
      env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
      stdio: process.env.DEBUG_WORKER ? "inherit" : "ignore",
    });
    const targetDb = runDatabaseName("Cust4242", runId);
    await waitFor("the copy to be under way", async () => {
      const run = await db.sandboxRun.findUnique({ where: { id: runId } });
      return run?.status === "RUNNING" && (await databaseExists(testServerAdminUrl(), targetDb));
    });
    worker.kill("SIGKILL");
    await new Promise((r) => worker!.once("exit", r));

    // Nothing half-made is visible to users.
    const afterKill = await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } });
    expect(afterKill.databaseName).toBeNull();
    expect(afterKill.status).not.toBe("READY");

    // Recovery (as any live worker does once the heartbeat is stale): drop the half copy, queue again.
    const recovered = await recoverStaleRuns(new Date(Date.now() + STALE_AFTER_MS + 5_000));
    expect(recovered).toContain(runId);
    expect(await databaseExists(testServerAdminUrl(), targetDb)).toBe(false);
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("QUEUED");

    // The retry completes.
    expect(await executeRun(runId, "test-worker")).toBe("done");
    const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.error).toBeNull();
    expect(run.status).toBe("SUCCEEDED");
    expect(run.attempts).toBe(2);
    const ready = await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } });
    expect(ready.status).toBe("READY");
    expect(ready.databaseName).toBe(targetDb);
    const copy = new pg.Client({ connectionString: withDatabase(testServerAdminUrl(), targetDb) });
    await copy.connect();
    const { rows } = await copy.query("SELECT environment, customer_id FROM installation");
    await copy.end();
    expect(rows).toEqual([{ environment: "sandbox", customer_id: "Cust942420" }]);

    expect(await checksums(productionUrl)).toBe(before);
  }, 180_000);

  it("frozen rather than killed: recovery ends the sessions it left on production, which held production's snapshot", async () => {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { customerId: "Cust4242" } });
    const admin = await db.user.create({ data: { email: `f${randomBytes(3).toString("hex")}@example.com`, name: "F", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const sandbox = await db.sandbox.create({
      data: { tenantId: tenant.id, name: "frozen", planCounts: { complete: 2 }, orderedById: admin.id, sandboxCustomerId: "Cust942421", status: "QUEUED" },
    });
    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: admin.id, options: {} });
    worker = spawnWorker({ env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL }, stdio: process.env.DEBUG_WORKER ? "inherit" : "ignore" });
    const targetDb = runDatabaseName("Cust4242", runId);
    const productionDb = decodeURIComponent(new URL(productionUrl).pathname.slice(1));
    const copySessions = async () =>
      (await rowsOf(testServerAdminUrl(), "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2", [productionDb, copySessionName(targetDb, 1)])).length;
    await waitFor("the copy to read production", async () => (await copySessions()) > 0 && (await databaseExists(testServerAdminUrl(), targetDb)));
    worker.kill("SIGSTOP");
    try {
      expect(await copySessions()).toBeGreaterThan(0);
      // Recovery sweeps as the worker's timer does, each sweep 50 s on from the frozen worker's last beat.
      // A progress write the worker had sent as it froze can land after a sweep read the run (the
      // server runs what is already on the socket): the run looks alive to that sweep, and the next
      // one takes it, as in service. More than a few sweeps would be a run that recovery never takes.
      let recovered: string[] = [];
      for (let sweep = 0; sweep < 3 && !recovered.includes(runId); sweep++) {
        recovered = await recoverStaleRuns(new Date(Date.now() + STALE_AFTER_MS + 5_000));
      }
      // Should it not be recovered, the run as it stands and who is still on its copy say why (a drop refused, a run ended meanwhile).
      const why = async () =>
        JSON.stringify({
          run: await db.sandboxRun.findUnique({ where: { id: runId }, select: { status: true, attempts: true, error: true, heartbeatAt: true, lostAt: true } }),
          onCopy: await rowsOf(testServerAdminUrl(), "SELECT usename, state, backend_type, left(query, 80) AS query FROM pg_stat_activity WHERE datname = $1", [targetDb]),
        });
      expect(recovered, recovered.includes(runId) ? "" : await why()).toContain(runId);
      await waitFor("the frozen copy's sessions to end", async () => (await copySessions()) === 0, 10_000);
      expect(await databaseExists(testServerAdminUrl(), targetDb)).toBe(false);
    } finally {
      worker.kill("SIGKILL");
      await new Promise((r) => worker!.once("exit", r));
    }
  }, 180_000);
});

async function rowsOf(url: string, sql: string, params: unknown[]): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}
