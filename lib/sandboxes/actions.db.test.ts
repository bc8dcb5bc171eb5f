import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { oneOffQuery } from "../db/one-off-query";

// Only the session is faked: users, roles, tenants, runs and the queue are real.
vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { stopBoss } = await import("../jobs/queue");
const { buildWorld } = await import("../testing/test-world");
const { refreshSandboxAction, deleteSandboxAction, retryRunAction, setAutoRefreshAction, cancelRunAction } = await import("./actions");
const { executeRun } = await import("../worker/execute");
const { nextRegularRefresh } = await import("./regular-refresh");
const { startDueRefreshes } = await import("../worker/auto-refresh");
const { setTenantClassification } = await import("../tenants/classification");

let world: World;
const OPTIONS = { users: [{ associateId: 1, userPlan: "sales-premium" }], keepEnabledTaskIds: [1], invalidationDomain: "example.org" };
let n = 0;

async function sandbox(tenantId: string, orderedById: string, data: { status?: "READY" | "FAILED" | "AWAITING_SETUP"; withDb?: boolean } = {}) {
  n++;
  const created = await db.sandbox.create({
    data: {
      tenantId,
      orderedById,
      name: `Sandbox ${n}`,
      status: data.status ?? "READY",
      planCounts: { "sales-premium": 1 },
      sandboxCustomerId: `Cust8${String(n).padStart(5, "0")}`,
      options: data.status === "AWAITING_SETUP" ? undefined : OPTIONS,
      databaseName: data.withDb === false ? null : `sbx_test_${n}`,
    },
    select: { id: true, name: true },
  });
  return created;
}

/**
 * A run that ended before the test acts, requested when it started. Stamped by this
 * process's clock, a row made "now" could come after a run the action then asks for:
 * those are stamped by the database's clock (database-clock.ts) as this process last
 * estimated it, which a busy machine's slow round trip leaves some milliseconds behind.
 */
async function finishedRun(sandboxId: string, kind: "PROVISION" | "REFRESH", status: "SUCCEEDED" | "FAILED") {
  const started = new Date(Date.now() - 60_000);
  return db.sandboxRun.create({
    data: { sandboxId, kind, status, options: OPTIONS, createdAt: started, startedAt: started, finishedAt: new Date(Date.now() - 30_000), error: status === "FAILED" ? "It broke." : null },
  });
}

const auditCount = (action: string, targetId: string) => db.auditEvent.count({ where: { action, targetId } });

describe("the sandbox page's actions", () => {
  beforeAll(async () => {
    world = await buildWorld();
  });
  afterAll(async () => {
    await stopBoss();
  });
  beforeEach(() => signInAs(null));

  describe("refresh", () => {
    it("refuses without a session, with a role that may not refresh, and on another tenant's sandbox", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA);
      expect(await refreshSandboxAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
      signInAs(world.users.userA);
      expect(await refreshSandboxAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "FORBIDDEN" });
      signInAs(world.users.sales);
      expect(await refreshSandboxAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "FORBIDDEN" });
      signInAs(world.users.adminB);
      expect(await refreshSandboxAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "NOT_FOUND" });
      expect(await db.sandboxRun.count({ where: { sandboxId: s.id } })).toBe(0);
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: s.id } })).status).toBe("READY");
    });

    it("starts a refresh with the saved choices, audited, and refuses a second while it goes", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA);
      signInAs(world.users.adminA);
      const result = await refreshSandboxAction({ sandboxId: s.id });
      expect(result.ok).toBe(true);
      const run = await db.sandboxRun.findFirstOrThrow({ where: { sandboxId: s.id } });
      expect(run).toMatchObject({ kind: "REFRESH", status: "QUEUED", requestedById: world.users.adminA, options: OPTIONS });
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: s.id } })).status).toBe("REFRESHING");
      expect(await auditCount("sandbox.refresh.requested", s.id)).toBe(1);
      expect(await refreshSandboxAction({ sandboxId: s.id })).toMatchObject({ ok: false });
      expect(await db.sandboxRun.count({ where: { sandboxId: s.id } })).toBe(1);
    });

    it("lets an operator refresh any tenant's sandbox, and refuses one that is not ready", async () => {
      const s = await sandbox(world.tenantB, world.users.adminB);
      signInAs(world.users.operator);
      expect((await refreshSandboxAction({ sandboxId: s.id })).ok).toBe(true);
      const waiting = await sandbox(world.tenantA, world.users.adminA, { status: "AWAITING_SETUP", withDb: false });
      expect(await refreshSandboxAction({ sandboxId: waiting.id })).toMatchObject({ ok: false, code: "CONFLICT" });
    });
  });

  describe("delete", () => {
    it("refuses without a session, with a role that may not delete, and on another tenant's sandbox", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA);
      const input = { sandboxId: s.id, confirmName: s.name };
      expect(await deleteSandboxAction(input)).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
      signInAs(world.users.userA);
      expect(await deleteSandboxAction(input)).toMatchObject({ ok: false, code: "FORBIDDEN" });
      signInAs(world.users.sales);
      expect(await deleteSandboxAction(input)).toMatchObject({ ok: false, code: "FORBIDDEN" });
      signInAs(world.users.adminB);
      expect(await deleteSandboxAction(input)).toMatchObject({ ok: false, code: "NOT_FOUND" });
      expect(await db.sandboxRun.count({ where: { sandboxId: s.id } })).toBe(0);
    });

    it("needs the exact name", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA);
      signInAs(world.users.adminA);
      for (const confirmName of ["", s.name.toLowerCase(), `${s.name} `, "Sandbox"]) {
        const result = await deleteSandboxAction({ sandboxId: s.id, confirmName });
        expect(result).toMatchObject({ ok: false, code: "INVALID_INPUT" });
        expect(result.ok === false && result.fieldErrors?.confirmName?.length).toBeTruthy();
      }
      expect(await db.sandboxRun.count({ where: { sandboxId: s.id } })).toBe(0);
      expect(await deleteSandboxAction({ sandboxId: s.id, confirmName: s.name })).toMatchObject({ ok: true });
      expect(await db.sandboxRun.findFirstOrThrow({ where: { sandboxId: s.id } })).toMatchObject({ kind: "DELETE", status: "QUEUED" });
      expect(await auditCount("sandbox.delete.requested", s.id)).toBe(1);
    });
  });

  describe("retry", () => {
    it("refuses without a session, with a role that may not retry, and on another tenant's sandbox", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA, { status: "FAILED", withDb: false });
      await finishedRun(s.id, "PROVISION", "FAILED");
      expect(await retryRunAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
      signInAs(world.users.userA);
      expect(await retryRunAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "FORBIDDEN" });
      signInAs(world.users.adminB);
      expect(await retryRunAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "NOT_FOUND" });
      expect(await db.sandboxRun.count({ where: { sandboxId: s.id } })).toBe(1);
    });

    it("only retries after a failure, with the same kind and options", async () => {
      const ok = await sandbox(world.tenantA, world.users.adminA);
      await finishedRun(ok.id, "PROVISION", "SUCCEEDED");
      signInAs(world.users.adminA);
      expect(await retryRunAction({ sandboxId: ok.id })).toMatchObject({ ok: false, code: "CONFLICT" });
      const never = await sandbox(world.tenantA, world.users.adminA, { status: "AWAITING_SETUP", withDb: false });
      expect(await retryRunAction({ sandboxId: never.id })).toMatchObject({ ok: false, code: "CONFLICT" });

      const failed = await sandbox(world.tenantA, world.users.adminA, { status: "FAILED", withDb: false });
      await finishedRun(failed.id, "PROVISION", "FAILED");
      signInAs(world.users.operator);
      expect((await retryRunAction({ sandboxId: failed.id })).ok).toBe(true);
      const runs = await db.sandboxRun.findMany({ where: { sandboxId: failed.id }, orderBy: { createdAt: "desc" } });
      expect(runs[0]).toMatchObject({ kind: "PROVISION", status: "QUEUED", options: OPTIONS, requestedById: world.users.operator });
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("QUEUED");
      expect(await auditCount("sandbox.retry.requested", failed.id)).toBe(1);
      // The retry is now the newest run and it has not failed: a second click does nothing.
      expect(await retryRunAction({ sandboxId: failed.id })).toMatchObject({ ok: false, code: "CONFLICT" });
    });

    it("retries a failed refresh as a refresh while the old copy stays ready", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA);
      await finishedRun(s.id, "REFRESH", "FAILED");
      signInAs(world.users.adminA);
      expect((await retryRunAction({ sandboxId: s.id })).ok).toBe(true);
      expect(await db.sandboxRun.findFirstOrThrow({ where: { sandboxId: s.id, status: "QUEUED" } })).toMatchObject({ kind: "REFRESH" });
    });
    it("retries a run that failed on unknown schema only once production matches its tenant's classification, saying what still does not", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA, { status: "FAILED", withDb: false });
      const run = await finishedRun(s.id, "PROVISION", "FAILED");
      await db.sandboxRun.update({ where: { id: run.id }, data: { failureCode: "DRIFT" } });
      const folder = await mkdtemp(path.join(tmpdir(), "retry-drift-"));
      await oneOffQuery(world.productionUrl, "ALTER TABLE public.company ADD COLUMN loyalty_tier text");
      try {
        signInAs(world.users.adminA);
        const refused = await retryRunAction({ sandboxId: s.id });
        expect(refused).toMatchObject({ ok: false, code: "CONFLICT" });
        expect(!refused.ok && refused.message).toContain("company.loyalty_tier");
        expect(await db.sandboxRun.count({ where: { sandboxId: s.id } })).toBe(1);
        expect(await auditCount("sandbox.retry.requested", s.id)).toBe(0);

        // An unusable classification file is the operator's to fix: the customer never sees its path.
        vi.stubEnv("CRM_CLASSIFICATION_FILE", path.join(folder, "missing.json"));
        const unusable = await retryRunAction({ sandboxId: s.id });
        expect(unusable).toMatchObject({ ok: false, code: "CONFLICT" });
        expect(!unusable.ok && unusable.message).not.toContain(folder);

        // Classified by an operator for this tenant (over the defaults, readable again): the same retry starts.
        vi.unstubAllEnvs();
        await setTenantClassification("Cust40001", { columns: { "company.loyalty_tier": "keep" } });
        expect((await retryRunAction({ sandboxId: s.id })).ok).toBe(true);
        expect(await db.sandboxRun.findFirstOrThrow({ where: { sandboxId: s.id, status: "QUEUED" } })).toMatchObject({ kind: "PROVISION" });
      } finally {
        vi.unstubAllEnvs();
        await setTenantClassification("Cust40001", null);
        await oneOffQuery(world.productionUrl, "ALTER TABLE public.company DROP COLUMN loyalty_tier");
        await rm(folder, { recursive: true, force: true });
      }
    });
  });

  describe("cancel a run, or stop its copy", () => {
    it("refuses without a session, with a role that may not start such a run, and on another tenant's sandbox", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA);
      signInAs(world.users.adminA);
      expect((await refreshSandboxAction({ sandboxId: s.id })).ok).toBe(true);
      signInAs(null);
      expect(await cancelRunAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
      // A customer user given access sees the sandbox and its run, but may not start one.
      await db.sandboxAccess.create({ data: { sandboxId: s.id, associateId: 7, username: "user", fullName: "User A", email: "user@alpha.example", userPlan: "sales-premium" } });
      signInAs(world.users.userA);
      expect(await cancelRunAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "FORBIDDEN" });
      signInAs(world.users.sales);
      expect(await cancelRunAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "FORBIDDEN" });
      signInAs(world.users.adminB);
      expect(await cancelRunAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "NOT_FOUND" });
      expect((await db.sandboxRun.findFirstOrThrow({ where: { sandboxId: s.id } })).status).toBe("QUEUED");
      expect(await auditCount("sandbox.run.cancelled", s.id)).toBe(0);
    });

    it("ends a queued refresh, audited, the copy still ready and nothing announced; its job then finds nothing to claim", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA);
      signInAs(world.users.adminA);
      expect((await refreshSandboxAction({ sandboxId: s.id })).ok).toBe(true);
      const result = await cancelRunAction({ sandboxId: s.id, onlyIfQueued: true });
      expect(result).toMatchObject({ ok: true, data: { state: "cancelled" } });
      const run = await db.sandboxRun.findFirstOrThrow({ where: { sandboxId: s.id } });
      expect(run).toMatchObject({ status: "FAILED", failureCode: "CANCELLED", error: "Cancelled by admin before it started. Nothing was changed." });
      expect(await db.sandbox.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({ status: "READY", databaseName: expect.any(String) });
      expect(await auditCount("sandbox.run.cancelled", s.id)).toBe(1);
      expect(await db.notification.count({ where: { message: { contains: s.name } } })).toBe(0);
      expect(await executeRun(run.id, "test")).toBe("skipped");
      // Cancelled once: there is nothing left waiting, and the sandbox can be refreshed again.
      expect(await cancelRunAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "CONFLICT" });
      expect((await refreshSandboxAction({ sandboxId: s.id })).ok).toBe(true);
    });

    it("a cancelled creation leaves its sandbox Not created, not Failed; a cancelled deletion leaves it as it stood", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA, { status: "FAILED", withDb: false });
      await finishedRun(s.id, "PROVISION", "FAILED");
      signInAs(world.users.adminA);
      expect((await retryRunAction({ sandboxId: s.id })).ok).toBe(true);
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: s.id } })).status).toBe("QUEUED");
      expect(await cancelRunAction({ sandboxId: s.id })).toMatchObject({ ok: true, data: { state: "cancelled" } });
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: s.id } })).status).toBe("NOT_CREATED");

      expect((await deleteSandboxAction({ sandboxId: s.id, confirmName: s.name })).ok).toBe(true);
      expect(await cancelRunAction({ sandboxId: s.id })).toMatchObject({ ok: true, data: { state: "cancelled" } });
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: s.id } })).status).toBe("NOT_CREATED");
      // And one that had failed stays failed when its deletion is cancelled.
      const failed = await sandbox(world.tenantA, world.users.adminA, { status: "FAILED", withDb: false });
      await finishedRun(failed.id, "PROVISION", "FAILED");
      expect((await deleteSandboxAction({ sandboxId: failed.id, confirmName: failed.name })).ok).toBe(true);
      expect(await cancelRunAction({ sandboxId: failed.id })).toMatchObject({ ok: true });
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("FAILED");
    });

    it("asks a running copy to stop, once and audited, leaving it to its worker; a deletion under way goes on", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA);
      const running = await db.sandboxRun.create({ data: { sandboxId: s.id, kind: "REFRESH", status: "RUNNING", options: OPTIONS, startedAt: new Date(), heartbeatAt: new Date() } });
      signInAs(world.users.userA);
      expect(await cancelRunAction({ sandboxId: s.id })).toMatchObject({ ok: false });
      signInAs(world.users.adminA);
      // A waiting run's Cancel, clicked after a worker took the run, stops nothing: stopping a copy is confirmed apart.
      const started = await cancelRunAction({ sandboxId: s.id, onlyIfQueued: true });
      expect(started).toMatchObject({ ok: false, code: "CONFLICT" });
      expect(started.ok ? "" : started.message).toContain("started meanwhile, so it was not cancelled");
      expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: running.id } })).toMatchObject({ status: "RUNNING", stopReason: null });
      expect(await auditCount("sandbox.run.stopRequested", s.id)).toBe(0);
      expect(await cancelRunAction({ sandboxId: s.id })).toMatchObject({ ok: true, data: { runId: running.id, state: "stopping" } });
      // Still running until its worker stops it: only the request is written.
      expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: running.id } })).toMatchObject({ status: "RUNNING", stopReason: "Stopped by admin while it ran. Nothing of it was kept." });
      expect(await cancelRunAction({ sandboxId: s.id })).toMatchObject({ ok: true, data: { state: "stopping" } });
      expect(await auditCount("sandbox.run.stopRequested", s.id)).toBe(1);
      await db.sandboxRun.update({ where: { id: running.id }, data: { status: "SUCCEEDED", finishedAt: new Date() } });

      const deleting = await db.sandboxRun.create({ data: { sandboxId: s.id, kind: "DELETE", status: "RUNNING", options: {}, startedAt: new Date(), heartbeatAt: new Date() } });
      expect(await cancelRunAction({ sandboxId: s.id })).toMatchObject({ ok: false, code: "CONFLICT", message: "The deletion has started, so it can no longer be stopped; it goes on." });
      expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: deleting.id } })).toMatchObject({ status: "RUNNING", stopReason: null });
    });
  });

  describe("regular refresh", () => {
    it("refuses without a session, with a role that may not refresh, and on another tenant's sandbox", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA);
      expect(await setAutoRefreshAction({ sandboxId: s.id, day: 3 })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
      signInAs(world.users.userA);
      expect(await setAutoRefreshAction({ sandboxId: s.id, day: 3 })).toMatchObject({ ok: false, code: "FORBIDDEN" });
      signInAs(world.users.adminB);
      expect(await setAutoRefreshAction({ sandboxId: s.id, day: 3 })).toMatchObject({ ok: false, code: "NOT_FOUND" });
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: s.id } })).autoRefreshDay).toBeNull();
    });

    it("sets a day from 1 to 28 and clears it, audited", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA);
      signInAs(world.users.adminA);
      expect(await setAutoRefreshAction({ sandboxId: s.id, day: 29 })).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { day: expect.any(Array) } });
      expect(await setAutoRefreshAction({ sandboxId: s.id, day: "0" })).toMatchObject({ ok: false, code: "INVALID_INPUT" });
      // It says when the first one runs: on day 15 at 02:15 UTC, this month or the next (regular-refresh.ts).
      expect(await setAutoRefreshAction({ sandboxId: s.id, day: "15" })).toEqual({ ok: true, data: { day: 15, next: nextRegularRefresh(15).toISOString() } });
      expect(nextRegularRefresh(15).toISOString()).toMatch(/-15T02:15:00\.000Z$/);
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: s.id } })).autoRefreshDay).toBe(15);
      expect(await setAutoRefreshAction({ sandboxId: s.id, day: "" })).toEqual({ ok: true, data: { day: null, next: null } });
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: s.id } })).autoRefreshDay).toBeNull();
      const events = await db.auditEvent.findMany({ where: { action: "sandbox.autoRefresh.changed", targetId: s.id }, orderBy: { createdAt: "asc" } });
      expect(events.map((e) => e.details)).toMatchObject([{ from: null, to: 15 }, { from: 15, to: null }]);
    });

    it("keeps no notice given for a day that was changed since: a day set again after the day before's last pass waits for next month, as it said", async () => {
      const s = await sandbox(world.tenantA, world.users.adminA);
      // Its people were told on the 13th of tomorrow's refresh (auto-refresh.ts's claim)…
      await db.sandbox.update({ where: { id: s.id }, data: { autoRefreshDay: 14, autoRefreshNoticeFor: new Date("2026-03-14T00:00:00Z") } });
      signInAs(world.users.adminA);
      // …then it was turned off, and set to the 14th again too late for another notice.
      expect(await setAutoRefreshAction({ sandboxId: s.id, day: "" })).toMatchObject({ ok: true });
      expect(await setAutoRefreshAction({ sandboxId: s.id, day: "14" })).toMatchObject({ ok: true });
      expect(nextRegularRefresh(14, new Date("2026-03-13T23:30:00Z")).toISOString()).toBe("2026-04-14T02:15:00.000Z");
      expect(await startDueRefreshes(new Date("2026-03-14T02:15:00Z"))).not.toContain(s.id);
      expect(await db.sandboxRun.count({ where: { sandboxId: s.id } })).toBe(0);
      // Set to the same day again, a notice given stays good.
      await db.sandbox.update({ where: { id: s.id }, data: { autoRefreshNoticeFor: new Date("2026-03-14T00:00:00Z") } });
      expect(await setAutoRefreshAction({ sandboxId: s.id, day: "14" })).toMatchObject({ ok: true });
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: s.id } })).autoRefreshNoticeFor).toEqual(new Date("2026-03-14T00:00:00Z"));
    });

    it("is set only on a sandbox with a copy that no deletion waits for; turning it off is always taken", async () => {
      signInAs(world.users.adminA);
      const deleting = await sandbox(world.tenantA, world.users.adminA);
      await db.sandboxRun.create({ data: { sandboxId: deleting.id, kind: "DELETE", status: "QUEUED", options: {} } });
      expect(await setAutoRefreshAction({ sandboxId: deleting.id, day: "3" })).toMatchObject({ ok: false, code: "CONFLICT", message: "This sandbox is being deleted: it gets no regular refresh." });
      expect(await setAutoRefreshAction({ sandboxId: deleting.id, day: "" })).toMatchObject({ ok: true });
      const uncopied = await db.sandbox.create({ data: { tenantId: world.tenantA, orderedById: world.users.adminA, name: "Not copied yet", status: "NOT_CREATED", planCounts: {} } });
      expect(await setAutoRefreshAction({ sandboxId: uncopied.id, day: "3" })).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringContaining("no copy yet") });
      expect((await db.sandbox.findMany({ where: { id: { in: [deleting.id, uncopied.id] } }, select: { autoRefreshDay: true } })).map((s) => s.autoRefreshDay)).toEqual([null, null]);
    });
  });
});
