import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "@/lib/testing/portal-db";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));

usePortalDatabase();

const { db } = await import("@/lib/db/portal");
const progressRoute = await import("./[id]/progress/route");
const reportRoute = await import("./[id]/runs/[runId]/report/route");
const auditExportRoute = await import("../audit/export/route");
const metricsRoute = await import("../metrics/route");

const ids = { tenantA: "", tenantB: "", adminA: "", adminB: "", operator: "", sandbox: "", run: "", finished: "" };
const progress = (id: string) => progressRoute.GET(new Request(`http://x/api/sandboxes/${id}/progress`), { params: Promise.resolve({ id }) });
const report = (id: string, runId: string, format = "json") =>
  reportRoute.GET(new Request(`http://x/api/sandboxes/${id}/runs/${runId}/report?format=${format}`), { params: Promise.resolve({ id, runId }) });

const REPORT = {
  snapshotAt: "2026-11-20T10:00:00.000Z",
  sourceCustomerId: "Cust1",
  sandboxCustomerId: "Cust9",
  options: { invalidationDomain: "mailinator.com" },
  tables: [{ name: "company", rows: 10, bytes: 1000 }],
  rules: [{ rule: 5, title: "Tickets", changes: { closed: 3 }, checks: [{ description: "no open tickets", ok: true }] }],
  durationMs: 1234,
  expectations: {},
};

describe("the sandbox routes", () => {
  beforeAll(async () => {
    const tenant = (customerId: string) => db.tenant.create({ data: { customerId, companyName: customerId, productionUrlEncrypted: "x" } });
    ids.tenantA = (await tenant("Cust1")).id;
    ids.tenantB = (await tenant("Cust2")).id;
    const user = async (email: string, role: "CUSTOMER_ADMIN" | "OPERATOR", tenantId: string | null) =>
      (await db.user.create({ data: { email, name: email, role, tenantId, passwordHash: "-" } })).id;
    ids.adminA = await user("a@a.example", "CUSTOMER_ADMIN", ids.tenantA);
    ids.adminB = await user("b@b.example", "CUSTOMER_ADMIN", ids.tenantB);
    ids.operator = await user("op@portal.example", "OPERATOR", null);
    ids.sandbox = (
      await db.sandbox.create({ data: { tenantId: ids.tenantA, orderedById: ids.adminA, name: "Test & co", status: "REFRESHING", planCounts: {}, databaseName: "old" } })
    ).id;
    // One clock reading, so the past run took exactly one minute.
    const now = Date.now();
    ids.finished = (
      await db.sandboxRun.create({
        data: { sandboxId: ids.sandbox, kind: "PROVISION", status: "SUCCEEDED", options: {}, startedAt: new Date(now - 120_000), finishedAt: new Date(now - 60_000), report: REPORT, createdAt: new Date(now - 130_000) },
      })
    ).id;
    ids.run = (
      await db.sandboxRun.create({
        data: {
          sandboxId: ids.sandbox,
          kind: "REFRESH",
          status: "RUNNING",
          options: {},
          startedAt: new Date(Date.now() - 10_000),
          progress: { steps: [{ key: "copy", label: "Copy company", state: "running", done: 50, total: 100, unit: "rows" }, { key: "verify", label: "Verify", state: "pending" }] },
        },
      })
    ).id;
  });
  beforeEach(() => signInAs(null));

  it("progress: needs a session, and another tenant's sandbox is not found", async () => {
    expect((await progress(ids.sandbox)).status).toBe(401);
    signInAs(ids.adminB);
    expect((await progress(ids.sandbox)).status).toBe(404);
    expect((await progress("does-not-exist")).status).toBe(404);
  });

  it("progress: the running run's steps, fraction and an estimate from past runs", async () => {
    signInAs(ids.adminA);
    const response = await progress(ids.sandbox);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ sandboxStatus: "REFRESHING", run: { id: ids.run, kind: "REFRESH", status: "RUNNING" }, typicalMs: 60_000 });
    expect(body.run.progress.steps).toHaveLength(2);
    expect(body.fraction).toBeGreaterThan(0.2);
    expect(body.remainingMs).toBeGreaterThan(0);
    signInAs(ids.operator);
    expect((await progress(ids.sandbox)).status).toBe(200);
  });

  it("report: JSON and CSV downloads, with the same checks", async () => {
    expect((await report(ids.sandbox, ids.finished)).status).toBe(401);
    signInAs(ids.adminB);
    expect((await report(ids.sandbox, ids.finished)).status).toBe(404);
    signInAs(ids.adminA);
    const json = await report(ids.sandbox, ids.finished);
    expect(json.status).toBe(200);
    expect(json.headers.get("content-disposition")).toMatch(/attachment; filename="sanitization-report-test-co-.*\.json"/);
    expect(await json.json()).toMatchObject({ snapshotAt: REPORT.snapshotAt, rules: [{ rule: 5 }] });
    const csv = await report(ids.sandbox, ids.finished, "csv");
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(await csv.text()).toContain("change,5 Tickets,closed,3");
    // A run without a report (the running one) is not found.
    expect((await report(ids.sandbox, ids.run)).status).toBe(404);
  });

  it("refusals are never kept by a cache: 401, 403, 404 and 400 answer no-store", async () => {
    const noStore = (response: Response) => [response.status, response.headers.get("cache-control")];
    expect(noStore(await progress(ids.sandbox))).toEqual([401, "no-store"]);
    expect(noStore(await report(ids.sandbox, ids.finished))).toEqual([401, "no-store"]);
    const exportLog = (query = "") => auditExportRoute.GET(new Request(`http://x/api/audit/export${query}`));
    expect(noStore(await exportLog())).toEqual([401, "no-store"]);
    signInAs(ids.adminB);
    expect(noStore(await progress(ids.sandbox))).toEqual([404, "no-store"]);
    expect(noStore(await report(ids.sandbox, ids.finished))).toEqual([404, "no-store"]);
    const customerUser = (await db.user.create({ data: { email: "u@b.example", name: "U", role: "CUSTOMER_USER", tenantId: ids.tenantB, passwordHash: "-" } })).id;
    signInAs(customerUser);
    expect(noStore(await exportLog())).toEqual([403, "no-store"]);
    signInAs(ids.operator);
    expect(noStore(await exportLog("?from=not-a-date"))).toEqual([400, "no-store"]);
    const token = process.env.METRICS_TOKEN;
    try {
      delete process.env.METRICS_TOKEN;
      expect(noStore(await metricsRoute.GET(new Request("http://x/api/metrics")))).toEqual([403, "no-store"]);
      process.env.METRICS_TOKEN = "a metrics token";
      expect(noStore(await metricsRoute.GET(new Request("http://x/api/metrics")))).toEqual([401, "no-store"]);
    } finally {
      if (token === undefined) delete process.env.METRICS_TOKEN;
      else process.env.METRICS_TOKEN = token;
    }
  });
});
