import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { metrics, webAppRegistry } = await import("../observability/metrics");
const progress = await import("@/app/api/v1/sandboxes/[id]/progress/route");
const report = await import("@/app/api/v1/sandboxes/[id]/runs/[runId]/report/route");

const call = <P>(handler: (r: Request, c: { params: Promise<P> }) => Promise<Response>, path: string, params: P) =>
  handler(new Request(`http://portal.test/api/v1${path}`), { params: Promise.resolve(params) });

describe("the API's durations", () => {
  it("are measured for every operation, by its path pattern and status, never by an id", async () => {
    expect((await call(progress.GET, "/sandboxes/cabc123/progress", { id: "cabc123" })).status).toBe(401);
    expect((await call(progress.GET, "/sandboxes/cdef456/progress", { id: "cdef456" })).status).toBe(401);
    expect((await call(report.GET, "/sandboxes/cabc123/runs/crun1/report", { id: "cabc123", runId: "crun1" })).status).toBe(401);

    const counts = (await metrics().httpDuration.get()).values.filter((v) => v.metricName?.endsWith("_count"));
    const routes = counts.map((v) => v.labels.route as string);
    expect(counts.find((v) => v.labels.route === "GET /api/v1/sandboxes/{id}/progress" && v.labels.outcome === "401")?.value).toBe(2);
    expect(routes).toContain("GET /api/v1/sandboxes/{id}/runs/{runId}/report");
    expect(routes.filter((r) => /cabc|cdef|crun/.test(r))).toEqual([]);
  });

  it("have a queue depth whose help says it counts the runs waiting on purpose too", async () => {
    const text = await webAppRegistry().metrics();
    expect(text).toMatch(/# HELP sandbox_portal_queue_depth .*waiting on purpose/);
  });
});
