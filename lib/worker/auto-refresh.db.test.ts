import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { startDueRefreshes } = await import("./auto-refresh");
const { stopBoss } = await import("../jobs/queue");

const NOW = new Date("2026-03-14T02:15:00Z");
const YESTERDAY = new Date("2026-03-13T09:00:00Z");
const OPTIONS = { invalidationDomain: "example.org" };

describe("regular refreshes", () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const tenant = await db.tenant.create({ data: { customerId: "Cust8080", companyName: "Monthly AS", productionUrlEncrypted: "unused" } });
    const admin = await db.user.create({ data: { email: "m@example.com", name: "M", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const sandbox = async (name: string, data: Record<string, unknown>) => {
      const created = await db.sandbox.create({
        data: {
          tenantId: tenant.id, name, planCounts: { complete: 1 }, orderedById: admin.id, sandboxCustomerId: `Cust9${name.length}${name.charCodeAt(0)}`,
          status: "READY", databaseName: `sbx_${name}`, options: OPTIONS, autoRefreshDay: 14, lastRefreshedAt: YESTERDAY, ...data,
        },
      });
      ids[name] = created.id;
    };
    await sandbox("due", {});
    await sandbox("otherday", { autoRefreshDay: 15 });
    await sandbox("nevermind", { autoRefreshDay: null });
    await sandbox("donetoday", { lastRefreshedAt: new Date("2026-03-14T01:00:00Z") });
    await sandbox("failed", { status: "FAILED" });
    await sandbox("busy", {});
    await sandbox("missed", { autoRefreshDay: null });
    await sandbox("failedtoday", { autoRefreshDay: null });
    await db.sandboxRun.create({ data: { sandboxId: ids.busy!, kind: "REFRESH", options: OPTIONS, status: "RUNNING" } });
    // Due on the 20th: one deleted after the day's list was read (still READY in it), the others as usual.
    await sandbox("deletedmeanwhile", { autoRefreshDay: 20, deletedAt: new Date("2026-03-20T02:15:00Z") });
    await sandbox("dueafter", { autoRefreshDay: 20 });
    await sandbox("duetoo", { autoRefreshDay: 20 });
  });
  afterAll(async () => {
    await stopBoss();
  });

  it("refresh the ready sandboxes whose day it is, once a day, with their saved choices, skipping busy ones", async () => {
    expect(await startDueRefreshes(NOW)).toEqual([ids.due]);
    const run = await db.sandboxRun.findFirstOrThrow({ where: { sandboxId: ids.due } });
    expect(run).toMatchObject({ kind: "REFRESH", status: "QUEUED", requestedById: null, options: OPTIONS });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: ids.due } })).status).toBe("REFRESHING");
    // A second tick the same day starts nothing new: the due one is refreshing now.
    expect(await startDueRefreshes(NOW)).toEqual([]);
    expect(await db.sandboxRun.count({ where: { sandboxId: ids.busy } })).toBe(1);
  });

  it("starts later in the day what the day's first pass missed, and never asks again for a refresh that failed that day", async () => {
    const day = (hour: string) => new Date(`2026-03-17T${hour}:15:00Z`);
    await db.sandbox.update({ where: { id: ids.missed! }, data: { autoRefreshDay: 17 } });
    await db.sandbox.update({ where: { id: ids.failedtoday! }, data: { autoRefreshDay: 17 } });
    // 02:15: the pass reached only one of the two before the worker stopped; that refresh then failed.
    await db.sandboxRun.create({ data: { sandboxId: ids.failedtoday!, kind: "REFRESH", options: OPTIONS, status: "FAILED", createdAt: day("02"), finishedAt: day("02") } });
    // 03:15: the one missed is started; the failed one is not asked for again.
    expect(await startDueRefreshes(day("03"))).toEqual([ids.missed]);
    expect(await db.sandboxRun.count({ where: { sandboxId: ids.failedtoday } })).toBe(1);
    expect(await startDueRefreshes(day("04"))).toEqual([]);
  });

  it("starts every other sandbox due that day when one of them was deleted meanwhile, and never refreshes that one", async () => {
    const started = await startDueRefreshes(new Date("2026-03-20T02:15:00Z"));
    expect([...started].sort()).toEqual([ids.dueafter, ids.duetoo].sort());
    expect(await db.sandboxRun.count({ where: { sandboxId: ids.deletedmeanwhile } })).toBe(0);
  });
});
