/**
 * What a worker counts in the metrics: the runs it finished and the webhook attempts it
 * made. They are counted where /api/metrics is scraped: a web app's own worker is a
 * process of its own that nobody scrapes (lib/worker/app-worker.ts), so it passes them
 * to its web app, which counts them as its own. Separate workers (`npm run worker`)
 * count them in their own registry.
 */
import { tellWebApp, type ToWebApp } from "../worker/app-worker";
import { metrics } from "./metrics";

/** What a worker counts: what it tells its web app, when a web app started it. */
export type WorkerCount = ToWebApp;

/** Counts `event` in the web app's metrics: passed on to it from its own worker, counted here anywhere else. */
export function countWorkerEvent(event: WorkerCount): void {
  if (!tellWebApp(event)) countHere(event);
}

/** Counts `event` in this process's metrics. */
export function countHere(event: WorkerCount): void {
  const m = metrics();
  if (event.type === "webhook-attempt") {
    m.webhookAttempts.inc({ outcome: event.outcome });
    return;
  }
  const { run } = event;
  m.runsFinished.inc({ kind: run.kind, outcome: run.succeeded ? "succeeded" : "failed" });
  if (!run.copy) return;
  m.copyDuration.observe({ kind: run.kind }, run.copy.seconds);
  m.rowsCopied.inc(run.copy.rows);
  m.bytesCopied.inc(run.copy.bytes);
}
