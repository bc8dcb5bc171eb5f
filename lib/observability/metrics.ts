/**
 * Prometheus metrics (prom-client), one registry per process, cached on
 * globalThis so dev-server reloads do not register twice.
 *
 * Two kinds: what this process observes as it happens (HTTP durations, sign-in
 * failures, runs and webhook attempts of its own worker process: counters and
 * histograms, lib/observability/worker-counts.ts), and what
 * the portal database says at scrape time (runs by status, queue depth and age,
 * workers alive: gauges), so a web instance reports the fleet's queue even when
 * the copies run in separate worker processes. A web app serves both at /api/metrics;
 * a separate worker serves only the first, on WORKER_METRICS_PORT: every instance
 * reading the fleet from the database would only repeat the web apps' numbers.
 */
import client from "prom-client";
import { databaseNow } from "../db/database-clock";
import { db } from "../db/portal";
import { WORKER_ALIVE_MS } from "./workers";
import { shownRunStatus } from "../jobs/failure";
import { oldestOverdueRun } from "../jobs/overdue";

const PREFIX = "sandbox_portal_";

interface FleetState {
  /** When it was read, by the database's clock, which the workers' beats and the runs' times were written by. */
  readAt: Date;
  runs: { kind: string; status: string; count: number }[];
  /** How long the run that has waited longest for a worker since its turn came has waited (overdue.ts oldestOverdueRun), ms. */
  oldestOverdueMs: number;
  workers: { id: string; beatAt: Date }[];
  /** Webhook deliveries not yet delivered or given up on, and the oldest one's creation. */
  webhooks: { pending: number; oldestPendingAt: Date | null };
}

async function readFleet(): Promise<FleetState> {
  const readAt = await databaseNow();
  const [groups, oldest, workers, webhooks] = await Promise.all([
    db.sandboxRun.groupBy({ by: ["kind", "status", "failureCode"], _count: { _all: true } }),
    // The queue's own table: none until a process has started the queue once.
    oldestOverdueRun().catch(() => null),
    db.workerHeartbeat.findMany({ where: { beatAt: { gt: new Date(readAt.getTime() - 10 * WORKER_ALIVE_MS) } }, select: { id: true, beatAt: true } }),
    db.webhookDelivery.aggregate({ where: { status: "PENDING" }, _count: { _all: true }, _min: { createdAt: true } }),
  ]);
  // A run its customer cancelled is counted apart from the failures, which an alert may watch.
  const runs = new Map<string, { kind: string; status: string; count: number }>();
  for (const g of groups) {
    const status = shownRunStatus(g);
    const key = `${g.kind}/${status}`;
    const counted = runs.get(key) ?? runs.set(key, { kind: g.kind, status, count: 0 }).get(key)!;
    counted.count += g._count._all;
  }
  return {
    readAt,
    runs: [...runs.values()],
    oldestOverdueMs: oldest?.overdueMs ?? 0,
    workers,
    webhooks: { pending: webhooks._count._all, oldestPendingAt: webhooks._min.createdAt },
  };
}

// prom-client collects every metric of a scrape at once: they share one reading of the database.
let lastReading: { at: number; state: Promise<FleetState | null> } | undefined;
function fleetState(): Promise<FleetState | null> {
  if (!lastReading || Date.now() - lastReading.at > 1_000) lastReading = { at: Date.now(), state: readFleet().catch(() => null) };
  return lastReading.state;
}

/** A gauge read from the portal database at scrape time; left empty when the database does not answer. */
function fleetGauge(registry: client.Registry, config: { name: string; help: string; labelNames?: string[] }, fill: (gauge: client.Gauge, state: FleetState) => void) {
  return new client.Gauge({
    ...config,
    registers: [registry],
    async collect() {
      const state = await fleetState();
      this.reset();
      if (state) fill(this, state);
    },
  });
}

/** What the portal database says at scrape time: what a web app's /api/metrics adds to its own process's metrics. */
function buildFleet(): client.Registry {
  const registry = new client.Registry();
  /** Seconds from `at` to the reading, both by the database's clock. */
  const age = (s: FleetState, at: Date) => (s.readAt.getTime() - at.getTime()) / 1000;
  fleetGauge(registry, { name: `${PREFIX}runs`, help: "Sandbox runs by kind and status, as the portal database holds them; runs their customers cancelled or stopped are CANCELLED, not FAILED", labelNames: ["kind", "status"] }, (g, s) => {
    for (const r of s.runs) g.set({ kind: r.kind, status: r.status }, r.count);
  });
  fleetGauge(registry, { name: `${PREFIX}queue_depth`, help: "Runs queued: those whose turn has come and that wait for a worker, and those waiting on purpose (a retry's back-off, a slot of their customer or server, room on it); queue_oldest_seconds ages only the first" }, (g, s) => {
    g.set(s.runs.filter((r) => r.status === "QUEUED").reduce((n, r) => n + r.count, 0));
  });
  fleetGauge(registry, { name: `${PREFIX}queue_oldest_seconds`, help: "How long the run that has waited longest for a worker since its turn came has waited (0 when none; runs waiting for a retry, a slot or room are not counted)" }, (g, s) => {
    g.set(s.oldestOverdueMs / 1000);
  });
  fleetGauge(registry, { name: `${PREFIX}webhook_deliveries_pending`, help: "Webhook deliveries not yet delivered or given up on" }, (g, s) => {
    g.set(s.webhooks.pending);
  });
  fleetGauge(registry, { name: `${PREFIX}webhook_oldest_pending_seconds`, help: "Age of the oldest webhook delivery still pending (0 when none)" }, (g, s) => {
    g.set(s.webhooks.oldestPendingAt ? age(s, s.webhooks.oldestPendingAt) : 0);
  });
  fleetGauge(registry, { name: `${PREFIX}workers_alive`, help: "Worker processes whose heartbeat is recent" }, (g, s) => {
    g.set(s.workers.filter((w) => age(s, w.beatAt) * 1000 < WORKER_ALIVE_MS).length);
  });
  fleetGauge(registry, { name: `${PREFIX}worker_heartbeat_age_seconds`, help: "Seconds since each recently seen worker's last heartbeat", labelNames: ["worker"] }, (g, s) => {
    for (const w of s.workers) g.set({ worker: w.id }, age(s, w.beatAt));
  });
  new client.Gauge({
    name: `${PREFIX}scrape_database_ok`,
    help: "1 when the portal database answered this scrape's queries",
    registers: [registry],
    async collect() {
      this.set((await fleetState()) ? 1 : 0);
    },
  });
  return registry;
}

/** What this process observes as it happens: all that a separate worker's own endpoint serves (worker-metrics-server.ts). */
function build() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: PREFIX });
  return {
    registry,
    runsFinished: new client.Counter({ name: `${PREFIX}runs_finished_total`, help: "Runs this process (or the web app's own worker) finished, by kind and outcome", labelNames: ["kind", "outcome"], registers: [registry] }),
    copyDuration: new client.Histogram({
      name: `${PREFIX}copy_duration_seconds`,
      help: "Wall time of successful copies (provision and refresh) this process (or the web app's own worker) ran",
      labelNames: ["kind"],
      buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 2400, 3600, 7200],
      registers: [registry],
    }),
    rowsCopied: new client.Counter({ name: `${PREFIX}rows_copied_total`, help: "Rows this process (or the web app's own worker) copied into sandboxes", registers: [registry] }),
    bytesCopied: new client.Counter({ name: `${PREFIX}bytes_copied_total`, help: "Bytes this process (or the web app's own worker) streamed into sandboxes", registers: [registry] }),
    httpDuration: new client.Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: "Server actions and API route handlers, by route and outcome",
      labelNames: ["route", "outcome"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    signInFailures: new client.Counter({ name: `${PREFIX}sign_in_failures_total`, help: "Refused sign-ins, by reason", labelNames: ["reason"], registers: [registry] }),
    webhookAttempts: new client.Counter({
      name: `${PREFIX}webhook_attempts_total`,
      help: "Webhook delivery attempts this process (or the web app's own worker) made, by outcome (delivered, retrying, failed)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof build>;
const globalForMetrics = globalThis as unknown as { portalMetrics?: Metrics; webAppRegistry?: client.Registry };

/** This process's counters and histograms, and their registry. */
export function metrics(): Metrics {
  globalForMetrics.portalMetrics ??= build();
  return globalForMetrics.portalMetrics;
}

/** What a web app's /api/metrics serves: its own process's metrics and the fleet's, read from the portal database. */
export function webAppRegistry(): client.Registry {
  globalForMetrics.webAppRegistry ??= client.Registry.merge([metrics().registry, buildFleet()]);
  return globalForMetrics.webAppRegistry;
}

/** Times `work` into the HTTP histogram: "ok", or "error" when it throws. */
export async function timed<T>(route: string, work: () => Promise<T>, outcomeOf: (result: T) => string = () => "ok"): Promise<T> {
  const stop = metrics().httpDuration.startTimer({ route });
  try {
    const result = await work();
    stop({ outcome: outcomeOf(result) });
    return result;
  } catch (error) {
    stop({ outcome: "error" });
    throw error;
  }
}
