import { afterEach, describe, expect, it } from "vitest";
import { countHere } from "./worker-counts";
import { serveWorkerMetrics, type WorkerMetricsServer } from "./worker-metrics-server";

const TOKEN = "a-token-of-sixteen-or-more";
let server: WorkerMetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const scrape = (path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${server!.port}${path}`, init);
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe("a separate worker's metrics endpoint", () => {
  it("serves the runs this worker finished to the bearer of METRICS_TOKEN, and none of the fleet's gauges", async () => {
    server = await serveWorkerMetrics({ port: 0, token: TOKEN });
    countHere({ type: "run-finished", run: { kind: "PROVISION", succeeded: true, copy: { seconds: 3, rows: 10, bytes: 100 } } });
    const response = await scrape("/metrics", bearer(TOKEN));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^sandbox_portal_runs_finished_total\{kind="PROVISION",outcome="succeeded"\} 1$/m);
    expect(text).toContain("# TYPE sandbox_portal_process_resident_memory_bytes gauge");
    // Read from the portal database by the web apps: a worker has no database query to make at a scrape.
    expect(text).not.toMatch(/sandbox_portal_(queue_depth|runs|workers_alive|scrape_database_ok) /);
  });

  it("refuses a missing or wrong token, and is closed when no token is configured", async () => {
    server = await serveWorkerMetrics({ port: 0, token: TOKEN });
    const missing = await scrape("/metrics");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect((await scrape("/metrics", bearer("not-the-token"))).status).toBe(401);
    expect(await (await scrape("/metrics", bearer("not-the-token"))).text()).not.toContain("sandbox_portal_");
    await server.close();
    server = await serveWorkerMetrics({ port: 0, token: undefined });
    expect((await scrape("/metrics", bearer(TOKEN))).status).toBe(403);
  });

  it("answers nothing but GET /metrics", async () => {
    server = await serveWorkerMetrics({ port: 0, token: TOKEN });
    expect((await scrape("/", bearer(TOKEN))).status).toBe(404);
    expect((await scrape("/api/metrics", bearer(TOKEN))).status).toBe(404);
    const post = await scrape("/metrics", { method: "POST", ...bearer(TOKEN) });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect((await scrape("/metrics?x=1", bearer(TOKEN))).status).toBe(200);
  });

  it("refuses to start on a port already taken, rather than run unscraped", async () => {
    server = await serveWorkerMetrics({ port: 0, token: TOKEN });
    await expect(serveWorkerMetrics({ port: server.port, token: TOKEN })).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});
