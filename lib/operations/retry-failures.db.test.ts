import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";

// Only the session is faked: users, roles, tenants, runs and the queue are real.
vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { stopBoss } = await import("../jobs/queue");
const { buildWorld } = await import("../testing/test-world");
const { retryRecentFailuresAction } = await import("./actions");
const { failuresToRetry } = await import("./retry-failures");

const OPTIONS = { users: [{ associateId: 1, userPlan: "sales-premium" }], keepEnabledTaskIds: [], invalidationDomain: "example.org" };
const HOUR = 3600_000;
let world: World;
let n = 0;

async function sandbox(tenantId: string, orderedById: string, deleted = false) {
  n++;
  return db.sandbox.create({
    data: {
      tenantId, orderedById, name: `Outage ${n}`, status: deleted ? "DELETED" : "READY", planCounts: { "sales-premium": 1 }, options: OPTIONS,
      sandboxCustomerId: `Cust7${String(n).padStart(5, "0")}`, databaseName: deleted ? null : `sbx_outage_${n}`, deletedAt: deleted ? new Date() : null,
    },
    select: { id: true },
  });
}

/** A run that ended `hoursAgo`, created a minute before it ended. */
async function run(sandboxId: string, status: "SUCCEEDED" | "FAILED", hoursAgo: number, failureCode: string | null = null) {
  const finishedAt = new Date(Date.now() - hoursAgo * HOUR);
  return db.sandboxRun.create({
    data: { sandboxId, kind: "REFRESH", status, options: OPTIONS, failureCode, error: status === "FAILED" ? "The sandbox server did not answer." : null, createdAt: new Date(finishedAt.getTime() - 60_000), startedAt: new Date(finishedAt.getTime() - 60_000), finishedAt },
  });
}

describe("retrying the last day's failures at once", () => {
  const mendable: string[] = [];
  let drifted = "";
  const repeating: string[] = [];
  const untouched: string[] = [];

  beforeAll(async () => {
    world = await buildWorld();
    // Failed for a passing reason, the newest run of its sandbox: retryable, in both tenants.
    for (const [tenant, admin, code] of [
      [world.tenantA, world.users.adminA, "UNREACHABLE"],
      [world.tenantA, world.users.adminA, "CONNECTION_LOST"],
      [world.tenantB, world.users.adminB, "PRODUCTION_UNREACHABLE"],
      [world.tenantB, world.users.adminB, "WORKER_LOST"],
    ] as const) {
      const s = await sandbox(tenant, admin);
      await run(s.id, "FAILED", 2, code);
      mendable.push(s.id);
    }
    // Production's schema drifted: a plain retry would fail the same way; its customer's retry checks first.
    const d = await sandbox(world.tenantA, world.users.adminA);
    await run(d.id, "FAILED", 1, "DRIFT");
    drifted = d.id;
    // A failed check, production's own broken references, a copy larger than its server, a connection the portal's settings
    // refuse, an unexpected error (no code): a retry repeats them, or someone must look first.
    for (const code of ["VERIFY_FAILED", "BROKEN_REFERENCES", "TOO_LARGE", "CONNECTION_REFUSED", null]) {
      const r = await sandbox(world.tenantA, world.users.adminA);
      await run(r.id, "FAILED", 1, code);
      repeating.push(r.id);
    }
    // Failed, then refreshed fine since; cancelled by its customer; failed two days ago; deleted since.
    const since = await sandbox(world.tenantA, world.users.adminA);
    await run(since.id, "FAILED", 3);
    await run(since.id, "SUCCEEDED", 1);
    const cancelled = await sandbox(world.tenantA, world.users.adminA);
    await run(cancelled.id, "FAILED", 1, "CANCELLED");
    const old = await sandbox(world.tenantB, world.users.adminB);
    await run(old.id, "FAILED", 48);
    const gone = await sandbox(world.tenantA, world.users.adminA, true);
    await run(gone.id, "FAILED", 1);
    untouched.push(since.id, cancelled.id, old.id, gone.id);
  });
  afterAll(async () => {
    await stopBoss();
  });
  beforeEach(() => signInAs(null));

  it("offers only each sandbox's newest run, failed in the window for a passing reason, the longest-waiting first; counts the others apart", async () => {
    expect(await failuresToRetry()).toEqual({ retryable: mendable, needProductionChecked: 1, needALook: repeating.length });
  });

  it("is refused to anyone but operators, and then retries nothing", async () => {
    expect(await retryRecentFailuresAction({ sandboxIds: mendable })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    for (const who of [world.users.adminA, world.users.userA, world.users.sales]) {
      signInAs(who);
      expect(await retryRecentFailuresAction({ sandboxIds: mendable })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    }
    expect(await db.sandboxRun.count({ where: { status: "QUEUED" } })).toBe(0);
  });

  it("retries only what the operator confirmed and a retry can mend, as the sandbox page's retry would, audited as the operator's; a second press finds nothing", async () => {
    signInAs(world.users.operator);
    // Confirmed: three of the four mendable, and one that is not (sent by hand): that one is left.
    const confirmed = [...mendable.slice(0, 3), repeating[0]!];
    expect(await retryRecentFailuresAction({ sandboxIds: confirmed })).toEqual({ ok: true, data: { retried: 3, refused: 1 } });
    for (const id of mendable.slice(0, 3)) {
      const newest = await db.sandboxRun.findFirstOrThrow({ where: { sandboxId: id }, orderBy: { createdAt: "desc" } });
      expect(newest).toMatchObject({ kind: "REFRESH", status: "QUEUED", options: OPTIONS, requestedById: world.users.operator });
      expect(await db.auditEvent.count({ where: { action: "sandbox.retry.requested", targetId: id, actorId: world.users.operator } })).toBe(1);
    }
    for (const id of [mendable[3]!, drifted, ...repeating, ...untouched]) expect(await db.sandboxRun.count({ where: { sandboxId: id, status: "QUEUED" } })).toBe(0);
    expect(await failuresToRetry()).toEqual({ retryable: [mendable[3]], needProductionChecked: 1, needALook: repeating.length });
    expect(await retryRecentFailuresAction({ sandboxIds: mendable.slice(0, 3) })).toEqual({ ok: true, data: { retried: 0, refused: 3 } });
    expect(await retryRecentFailuresAction({ sandboxIds: [] })).toMatchObject({ ok: false, code: "INVALID_INPUT" });
  });
});
