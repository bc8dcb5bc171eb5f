/**
 * The history names the tasks a run kept enabled, not their ids or a bare count,
 * even for a run without a report of its own: names come from the sandbox's
 * reports, the newest winning; a malformed report is skipped, never fatal.
 */
import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { keptTaskNames } = await import("./queries");

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
});
