/**
 * A separate worker (`npm run worker`, WORKER_IN_APP=false on the web apps) serves the
 * counts of the runs it finished on WORKER_METRICS_PORT: nobody else can, since the web
 * apps never see its runs end. And one asked for a port it cannot have does not start.
 */
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateProductionDatabase } from "../crm/generator";
import { freePort } from "../testing/free-port";
import { createTestDatabase } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { spawnWorker } from "../testing/worker-process";

usePortalDatabase();

const { db } = await import("../db/portal");
const { registerTenant } = await import("../tenants/registry");
const { requestRun } = await import("../jobs/lifecycle");
const { stopBoss } = await import("../jobs/queue");

const TOKEN = "worker-metrics-test-token";
let worker: ChildProcess | undefined;
let workerLog = "";

function startWorker(metricsPort: number): ChildProcess {
  workerLog = "";
  const child = spawnWorker({ env: { ...process.env, WORKER_METRICS_PORT: String(metricsPort), METRICS_TOKEN: TOKEN, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (chunk: Buffer) => (workerLog += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (workerLog += chunk.toString()));
  return child;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\nworker log:\n${workerLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const scrape = async (port: number) => {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  return response.ok ? response.text() : null;
};

describe("a separate worker's metrics", () => {
  let productionUrl = "";
  let tenantId = "";
  let adminId = "";

  beforeAll(async () => {
    productionUrl = await createTestDatabase("metricsprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: "Cust4646", companyName: "Counted AS", scale: "small", seed: 46 });
    tenantId = (await registerTenant({ customerId: "Cust4646", companyName: "Counted AS", productionUrl })).id;
    adminId = (await db.user.create({ data: { email: "counted@example.com", name: "C", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
  }, 120_000);

  afterAll(async () => {
    worker?.kill("SIGKILL");
    await stopBoss();
  });

  it("count the run it finished, on its own port", async () => {
    const port = await freePort();
    worker = startWorker(port);
    const before = await waitFor("the worker's metrics endpoint", () => scrape(port));
    expect(before).not.toMatch(/^sandbox_portal_runs_finished_total\{/m);

    const sandbox = await db.sandbox.create({ data: { tenantId, name: "counted", planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId: "Cust464601", status: "QUEUED" } });
    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: null, options: {} });
    const run = await waitFor("the run to end", async () => {
      const r = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
      return r.status === "SUCCEEDED" || r.status === "FAILED" ? r : null;
    });
    expect(run.status, run.error ?? "").toBe("SUCCEEDED");

    const after = await waitFor("the finished run in the worker's metrics", async () => {
      const text = await scrape(port);
      return text && /^sandbox_portal_runs_finished_total\{kind="PROVISION",outcome="succeeded"\} 1$/m.test(text) ? text : null;
    }, 10_000);
    expect(Number(/^sandbox_portal_rows_copied_total (\d+)$/m.exec(after)?.[1])).toBeGreaterThan(0);
    expect(after).toMatch(/^sandbox_portal_copy_duration_seconds_count\{kind="PROVISION"\} 1$/m);
  }, 180_000);

  it("refuses to start when its port is taken, saying which", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const child = startWorker(port);
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code).toBe(1);
      expect(workerLog).toContain(`WORKER_METRICS_PORT ${port}: cannot listen (EADDRINUSE); stopping`);
      // It stopped before taking a job: no worker of its pid ever beat.
      expect(await db.workerHeartbeat.count({ where: { pid: child.pid } })).toBe(0);
    } finally {
      taken.close();
    }
  }, 60_000);
});
