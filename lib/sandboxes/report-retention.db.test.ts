/** Runs' reports: kept for ever unless an operator sets a retention; then older ones go, but what each live sandbox holds now. */
import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { pruneRunReports } = await import("./report-retention");
const { listRuns } = await import("./queries");

const DAY = 86_400_000;
const now = new Date("2027-06-01T12:00:00Z");
const daysBefore = (days: number) => new Date(now.getTime() - days * DAY);
const REPORT = { snapshotAt: "2027-01-01T00:00:00Z", tables: [{ name: "contact", rows: 3, bytes: 100 }], rules: [] };

let tenantId: string;
let ordererId: string;

async function sandboxWith(name: string, runs: { kind: "PROVISION" | "REFRESH"; status: "SUCCEEDED" | "FAILED"; daysAgo: number }[], deleted = false) {
  const sandbox = await db.sandbox.create({
    data: { tenantId, orderedById: ordererId, name, status: deleted ? "DELETED" : "READY", planCounts: {}, databaseName: `db_${name}`, ...(deleted ? { deletedAt: daysBefore(1) } : {}) },
  });
  const ids: string[] = [];
  for (const r of runs) {
    const at = daysBefore(r.daysAgo);
    const run = await db.sandboxRun.create({
      data: { sandboxId: sandbox.id, kind: r.kind, status: r.status, options: {}, createdAt: at, startedAt: at, finishedAt: at, report: REPORT },
    });
    ids.push(run.id);
  }
  return { sandboxId: sandbox.id, runIds: ids };
}

const reportsKept = async (ids: string[]) =>
  (await db.sandboxRun.findMany({ where: { id: { in: ids } }, select: { id: true, report: true } })).filter((r) => r.report !== null).map((r) => ids.indexOf(r.id)).sort();

beforeAll(async () => {
  tenantId = (await db.tenant.create({ data: { customerId: "Cust7301", companyName: "Retention AS", productionUrlEncrypted: "x" } })).id;
  ordererId = (await db.user.create({ data: { email: "admin@retention.example", name: "Admin", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
});

describe("the runs' reports' retention", () => {
  it("keeps every report when none is set; then drops older ones, but the report of the copy each live sandbox holds", async () => {
    // Its current copy is a year old; a failed refresh and an older copy before it; a recent refresh that failed after.
    const live = await sandboxWith("live", [
      { kind: "PROVISION", status: "SUCCEEDED", daysAgo: 500 },
      { kind: "REFRESH", status: "FAILED", daysAgo: 450 },
      { kind: "REFRESH", status: "SUCCEEDED", daysAgo: 400 },
      { kind: "REFRESH", status: "FAILED", daysAgo: 2 },
    ]);
    const refreshed = await sandboxWith("refreshed", [
      { kind: "PROVISION", status: "SUCCEEDED", daysAgo: 90 },
      { kind: "REFRESH", status: "SUCCEEDED", daysAgo: 10 },
    ]);
    const gone = await sandboxWith("gone", [{ kind: "PROVISION", status: "SUCCEEDED", daysAgo: 200 }], true);

    expect(await pruneRunReports(now, undefined)).toBe(0);
    expect(await reportsKept(live.runIds)).toEqual([0, 1, 2, 3]);

    expect(await pruneRunReports(now, 60)).toBe(4);
    expect(await reportsKept(live.runIds)).toEqual([2, 3]);
    expect(await reportsKept(refreshed.runIds)).toEqual([1]);
    // A deleted sandbox holds no copy: its last report goes too.
    expect(await reportsKept(gone.runIds)).toEqual([]);

    // The history says so, for the runs it went from only.
    const history = await listRuns(live.sandboxId);
    const dropped = history.runs.filter((r) => r.reportDroppedAt !== null).map((r) => live.runIds.indexOf(r.id)).sort();
    expect(dropped).toEqual([0, 1]);
    expect(history.runs.find((r) => r.id === live.runIds[0])!.reportDroppedAt).toEqual(now);

    // Once the next refresh succeeds, the year-old copy's report is an old one like any other.
    await db.sandboxRun.create({ data: { sandboxId: live.sandboxId, kind: "REFRESH", status: "SUCCEEDED", options: {}, finishedAt: daysBefore(1), report: REPORT } });
    expect(await pruneRunReports(now, 60)).toBe(1);
    expect(await reportsKept(live.runIds)).toEqual([3]);
  });
});
