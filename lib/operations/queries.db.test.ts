import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { sealSecret } = await import("../secrets/secret-box");
const { getOperationsOverview, SERVER_PROBE_MS, succeededSince } = await import("./queries");
const { webAppRegistry } = await import("../observability/metrics");
const { beatWorker } = await import("../observability/workers");

const NOW = new Date();
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const MIN = 60_000;

describe("the operator overview and the metrics", () => {
  let serverId = "";
  beforeAll(async () => {
    // A password no generated id can hold by chance (ids are lower-case letters and digits).
    const serverA = "postgres://maker:Pw-Secret_42@sandbox-a.internal:5433/postgres";
    // A server that cannot be reached (its name does not resolve): the page must not wait on it.
    const server = await db.sandboxServer.create({ data: { name: "pool-a", urlEncrypted: sealSecret(serverA), maxDatabases: 10, maxConcurrentRuns: 3 } });
    serverId = server.id;
    const tenant = await db.tenant.create({
      data: { customerId: "Cust61001", companyName: "Ops One AS", productionUrlEncrypted: sealSecret("postgres://r@p/x"), sandboxServerId: server.id },
    });
    const user = await db.user.create({ data: { email: "a@ops.example", name: "A", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    let n = 0;
    const sandbox = (status: "READY" | "QUEUED" | "PROVISIONING", sizeBytes: number | null) =>
      db.sandbox.create({
        data: { tenantId: tenant.id, orderedById: user.id, name: `S${++n}`, status, planCounts: { complete: 1 }, sandboxCustomerId: `Cust9610${n}`, sandboxServerId: serverId, databaseName: sizeBytes ? `sbx_${n}` : null, sizeBytes: sizeBytes === null ? null : BigInt(sizeBytes) },
      });
    const ready1 = await sandbox("READY", 1000);
    const ready2 = await sandbox("READY", 3000);
    const queued = await sandbox("QUEUED", null);
    const building = await sandbox("PROVISIONING", null);
    // Three successful copies of 60, 120 and 600 s; one failure an hour ago; one a week ago; one cancelled.
    for (const [s, seconds] of [[ready1, 60], [ready2, 120], [ready1, 600]] as const) {
      await db.sandboxRun.create({ data: { sandboxId: s.id, kind: "REFRESH", status: "SUCCEEDED", options: {}, startedAt: ago(seconds * 1000 + MIN), finishedAt: ago(MIN) } });
    }
    await db.sandboxRun.create({ data: { sandboxId: ready2.id, kind: "REFRESH", status: "FAILED", options: {}, finishedAt: ago(60 * MIN), error: "Production was busy." } });
    await db.sandboxRun.create({ data: { sandboxId: ready2.id, kind: "REFRESH", status: "FAILED", options: {}, finishedAt: ago(8 * 24 * 60 * MIN), error: "Old." } });
    // A refresh its customer cancelled before it started: not a failure.
    await db.sandboxRun.create({ data: { sandboxId: ready1.id, kind: "REFRESH", status: "FAILED", options: {}, finishedAt: ago(30 * MIN), error: "Cancelled by A before it started.", failureCode: "CANCELLED" } });
    await db.sandboxRun.create({ data: { sandboxId: queued.id, kind: "PROVISION", status: "QUEUED", options: {}, createdAt: ago(20 * MIN) } });
    // One webhook event still being retried, ten minutes old, and one delivered.
    const endpoint = await db.webhookEndpoint.create({ data: { tenantId: tenant.id, url: "https://hooks.ops.example/x", secretEncrypted: "sealed", events: ["sandbox.ready"] } });
    await db.webhookDelivery.create({ data: { endpointId: endpoint.id, messageId: "msg_a", eventType: "sandbox.ready", payload: "{}", attempts: 2, nextAttemptAt: ago(-MIN), createdAt: ago(10 * MIN) } });
    await db.webhookDelivery.create({ data: { endpointId: endpoint.id, messageId: "msg_b", eventType: "sandbox.ready", payload: "{}", status: "DELIVERED", attempts: 1 } });
    await db.sandboxRun.create({ data: { sandboxId: building.id, kind: "PROVISION", status: "RUNNING", options: {}, startedAt: ago(MIN), heartbeatAt: NOW, sandboxServer: serverId } });
    // Alerts: one raised again an hour ago (first a day before), one not seen for ten days.
    await db.alert.create({ data: { key: "server-down:pool-a", subject: "sandbox server pool-a does not answer", detail: "Copies to it wait.", link: "/operations", firstAt: ago(25 * 60 * MIN), lastAt: ago(60 * MIN), occurrences: 24 } });
    await db.alert.create({ data: { key: "queue-stale", subject: "a run has waited 20 minutes for a worker", detail: "Old.", firstAt: ago(10 * 24 * 60 * MIN), lastAt: ago(10 * 24 * 60 * MIN) } });
    await beatWorker("worker-alive", 2, NOW);
    await beatWorker("worker-dead", 1, ago(10 * MIN));
  });

  it("lists the alerts of the last seven days, newest first, with how often each came back", async () => {
    const { recentAlerts } = await getOperationsOverview(NOW);
    expect(recentAlerts).toEqual([
      { key: "server-down:pool-a", subject: "sandbox server pool-a does not answer", detail: "Copies to it wait.", link: "/operations", firstAt: ago(25 * 60 * MIN), lastAt: ago(60 * MIN), occurrences: 24, clearedAt: null },
    ]);
  });

  it("counts the queue, failures, copy times, workers and each server's use", async () => {
    const started = Date.now();
    const o = await getOperationsOverview(NOW);
    // The unreachable server costs at most its probe's bound.
    expect(Date.now() - started).toBeLessThan(SERVER_PROBE_MS + 1_500);
    expect(o).toMatchObject({ queued: 1, running: 1, failed24h: 1 });
    expect(o.durations.count).toBe(3);
    expect(o.durations.p50).toBeCloseTo(120, 0);
    expect(o.durations.p95).toBeCloseTo(552, 0); // 120 + 0.9 × (600 − 120)
    // S3 is queued, but has no job: no worker has been offered it, so it is not overdue (overdue-run.db.test.ts).
    expect(o.oldestOverdue).toBeNull();
    expect(o.workers.map((w) => w.id)).toEqual(["worker-alive"]);
    expect(o.recentFailures.map((f) => f.error)).toEqual(["Production was busy."]);
    // Its sandbox's refresh succeeded a minute ago: marked, for operators to pass over; a success before a failure is none.
    expect(succeededSince(o.recentFailures[0]!)).toEqual(ago(MIN));
    expect(succeededSince({ finishedAt: ago(MIN), sandbox: { runs: [{ finishedAt: ago(60 * MIN) }] } })).toBeNull();
    // Every placed sandbox that is not deleted holds a place, copied yet or not.
    expect(o.servers.find((s) => s.name === "pool-a")).toMatchObject({
      address: "sandbox-a.internal:5433", state: "ACTIVE", databases: 4, maxDatabases: 10, bytes: 4000, runsInFlight: 1, runCap: 3, reachable: false,
    });
    expect(o.servers.find((s) => s.name === "built-in")).toMatchObject({ databases: 0, runCap: 2, reachable: true });
    // Servers are named without their credentials.
    expect(JSON.stringify(o.servers)).not.toContain("Pw-Secret_42");
  });

  it("says a server REQUIRE_DATABASE_TLS refuses is refused, and why, without asking it", async () => {
    process.env.REQUIRE_DATABASE_TLS = "true";
    try {
      const o = await getOperationsOverview(NOW);
      // pool-a's URL reaches a host over the network without sslmode; the built-in server is on this machine.
      expect(o.servers.find((s) => s.name === "pool-a")).toMatchObject({ reachable: false, refusedTls: true });
      expect(o.servers.find((s) => s.name === "built-in")).toMatchObject({ reachable: true, refusedTls: false });
    } finally {
      delete process.env.REQUIRE_DATABASE_TLS;
    }
    const o = await getOperationsOverview(NOW);
    expect(o.servers.find((s) => s.name === "pool-a")).toMatchObject({ reachable: false, refusedTls: false });
  });

  it("exposes the same queue in Prometheus metrics, under stable names", async () => {
    const text = await webAppRegistry().metrics();
    for (const name of [
      "sandbox_portal_runs", "sandbox_portal_queue_depth", "sandbox_portal_queue_oldest_seconds", "sandbox_portal_workers_alive",
      "sandbox_portal_worker_heartbeat_age_seconds", "sandbox_portal_runs_finished_total", "sandbox_portal_copy_duration_seconds",
      "sandbox_portal_rows_copied_total", "sandbox_portal_bytes_copied_total", "sandbox_portal_http_request_duration_seconds",
      "sandbox_portal_sign_in_failures_total", "sandbox_portal_webhook_attempts_total", "sandbox_portal_webhook_deliveries_pending", "sandbox_portal_webhook_oldest_pending_seconds", "sandbox_portal_process_cpu_seconds_total",
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    expect(text).toMatch(/^sandbox_portal_queue_depth 1$/m);
    expect(text).toMatch(/^sandbox_portal_webhook_deliveries_pending 1$/m);
    expect(Number(/^sandbox_portal_webhook_oldest_pending_seconds (\S+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(600);
    expect(text).toMatch(/^sandbox_portal_runs\{kind="REFRESH",status="FAILED"\} 2$/m);
    expect(text).toMatch(/^sandbox_portal_runs\{kind="REFRESH",status="CANCELLED"\} 1$/m);
    expect(text).toMatch(/^sandbox_portal_workers_alive 1$/m);
    expect(text).toMatch(/^sandbox_portal_scrape_database_ok 1$/m);
  });
});
