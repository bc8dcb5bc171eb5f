/**
 * The history names the tasks a run kept enabled, not their ids or a bare count,
 * even for a run without a report of its own: names come from the sandbox's
 * reports, the newest winning; a malformed report is skipped, never fatal.
 */
import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { keptTaskNames, listRuns, RUNS_PER_PAGE } = await import("./queries");

async function sandboxWithReports(reports: unknown[]): Promise<string> {
  const tenant = await db.tenant.create({ data: { customerId: `Cust${Date.now() % 100000}`, companyName: "Tasks AS", productionUrlEncrypted: "sealed" } });
  const orderer = await db.user.create({ data: { email: `o${tenant.id}@tasks.example`, name: "O", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
  const sandbox = await db.sandbox.create({ data: { tenantId: tenant.id, name: "Tasks UAT", status: "READY", planCounts: {}, orderedById: orderer.id } });
  for (const [i, report] of reports.entries()) {
    await db.sandboxRun.create({
      data: { sandboxId: sandbox.id, kind: i === 0 ? "PROVISION" : "REFRESH", status: "SUCCEEDED", options: {}, report: report as never, createdAt: new Date(Date.UTC(2026, 10, 1 + i)) },
    });
  }
  return sandbox.id;
}

describe("kept task names", () => {
  it("reads names from every report of the sandbox, the newest name winning", async () => {
    const id = await sandboxWithReports([
      { keptTasks: [{ id: 3, name: "Nightly ERP sync" }, { id: 7, name: "Old name" }] },
      null,
      { keptTasks: [{ id: 7, name: "Send reminders" }] },
    ]);
    expect(Object.fromEntries(await keptTaskNames(id))).toEqual({ 3: "Nightly ERP sync", 7: "Send reminders" });
  });

  it("skips reports whose kept tasks are not a list of named ids", async () => {
    const id = await sandboxWithReports([{ keptTasks: "three" }, { keptTasks: [{ id: 4 }, { name: "no id" }] }, { keptTasks: [{ id: 9, name: "Archive" }] }]);
    expect(Object.fromEntries(await keptTaskNames(id))).toEqual({ 9: "Archive" });
  });

  it("cuts a name production made long: every view of the history reads them", async () => {
    const id = await sandboxWithReports([{ keptTasks: [{ id: 1, name: "n".repeat(100_000) }] }]);
    expect((await keptTaskNames(id)).get(1)).toHaveLength(200);
  });
});

describe("the history", () => {
  it("shows a page of runs, newest first, and the newest run whatever the page", async () => {
    const id = await sandboxWithReports(Array.from({ length: 2 * RUNS_PER_PAGE + 5 }, () => null));
    const first = await listRuns(id);
    expect(first).toMatchObject({ total: 2 * RUNS_PER_PAGE + 5, page: 1, pages: 3 });
    expect(first.runs).toHaveLength(RUNS_PER_PAGE);
    expect(first.latest?.createdAt).toEqual(new Date(Date.UTC(2026, 10, 2 * RUNS_PER_PAGE + 5)));
    const last = await listRuns(id, 3);
    expect(last.runs).toHaveLength(5);
    expect(last.runs.at(-1)?.kind).toBe("PROVISION");
    expect(last.latest?.id).toBe(first.runs[0]?.id);
  });
});
