/**
 * A separate worker's own metrics endpoint (WORKER_METRICS_PORT): `GET /metrics`, behind
 * METRICS_TOKEN as the web app's /api/metrics is. A scaled-out worker finishes the runs
 * and makes the webhook attempts that its counters count, and nobody else can see them:
 * without it, runs_finished_total and copy_duration_seconds read 0 on every web instance
 * while the workers did all the copying, and an alert built on them never fired.
 *
 * It serves this process's metrics only (metrics.ts): the fleet's gauges come from the
 * portal database, which the web apps already read.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { metrics } from "./metrics";
import { metricsAccess } from "./metrics-access";

export interface WorkerMetricsServer {
  port: number;
  close(): Promise<void>;
}

/** A scrape is a few kilobytes of text: anything slower than this is not Prometheus. */
const REQUEST_TIMEOUT_MS = 10_000;

function json(status: number, body: object, headers: Record<string, string> = {}) {
  return { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers }, body: JSON.stringify(body) };
}

async function answer(method: string | undefined, url: string | undefined, authorization: string | undefined, token: string | undefined) {
  const path = (url ?? "").split("?")[0];
  if (path !== "/metrics") return json(404, { error: "NOT_FOUND" });
  if (method !== "GET" && method !== "HEAD") return json(405, { error: "METHOD_NOT_ALLOWED" }, { Allow: "GET, HEAD" });
  const access = metricsAccess(authorization ?? null, token);
  if (access === "disabled") return json(403, { error: "FORBIDDEN" });
  if (access === "unauthorized") return json(401, { error: "UNAUTHENTICATED" }, { "WWW-Authenticate": 'Bearer realm="metrics"' });
  const { registry } = metrics();
  return { status: 200, headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" }, body: await registry.metrics() };
}

/**
 * Listens on `port` of every interface (0: a free one, for tests); resolves once it
 * listens, rejects when it cannot (the port is taken): a worker asked to be scraped
 * does not start unscraped.
 */
export function serveWorkerMetrics(options: { port: number; token: string | undefined }): Promise<WorkerMetricsServer> {
  const server: Server = createServer((request, response) => {
    answer(request.method, request.url, request.headers.authorization, options.token).then(
      ({ status, headers, body }) => response.writeHead(status, headers).end(request.method === "HEAD" ? undefined : body),
      () => response.writeHead(500, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "INTERNAL" })),
    );
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, () => {
      server.off("error", reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
