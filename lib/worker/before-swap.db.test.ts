/**
 * The moment a refresh's verified copy is about to be swapped in, and what may happen then:
 * - its customer asks it to stop, before its worker has heard it (its next progress write or
 *   heartbeat): the copy is not swapped in, the run ends as stopped, its copy dropped, and the
 *   sandbox keeps the copy it had;
 * - its worker, cut off from the portal's database long enough for recovery to take the run for
 *   lost, comes back while recovery is dropping the run's copy: its heartbeat must not win the
 *   run back, or it would swap in the copy recovery has just dropped (and drop the previous one).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { generateProductionDatabase } from "../crm/generator";
import type * as Lifecycle from "../jobs/lifecycle";
import type * as Drop from "../sanitizer/drop";

usePortalDatabase();

/** `beforeSwap`: awaited as the verified copy is about to be swapped in; `afterRecoveryDrop`: as recovery has dropped a lost run's copy. */
const hooks = vi.hoisted(() => ({ beforeSwap: undefined as (() => Promise<unknown>) | undefined, afterRecoveryDrop: undefined as (() => Promise<unknown>) | undefined }));
vi.mock("../jobs/lifecycle", async (original) => {
  const lifecycle = await original<typeof Lifecycle>();
  return {
    ...lifecycle,
    completeCopy: async (...args: Parameters<typeof lifecycle.completeCopy>) => {
      const hook = hooks.beforeSwap;
      hooks.beforeSwap = undefined;
      await hook?.();
      return lifecycle.completeCopy(...args);
    },
  };
});
vi.mock("../sanitizer/drop", async (original) => {
  const drop = await original<typeof Drop>();
  return {
    ...drop,
    tryDropSandboxDatabase: async (...args: Parameters<typeof drop.tryDropSandboxDatabase>) => {
      const dropped = await drop.tryDropSandboxDatabase(...args);
      const hook = hooks.afterRecoveryDrop;
      hooks.afterRecoveryDrop = undefined;
      await hook?.();
      return dropped;
    },
  };
});

const { db } = await import("../db/portal");
const { registerTenant } = await import("../tenants/registry");
const { heartbeat, requestRun, runDatabaseName } = await import("../jobs/lifecycle");
const { cancelRun } = await import("../sandboxes/mutations");
const { loadActor } = await import("../auth/load-actor");
const { executeRun } = await import("./execute");
const { recoverStaleRuns, STALE_AFTER_MS } = await import("./recovery");
const { stopBoss } = await import("../jobs/queue");
const { databaseExists } = await import("../sanitizer/drop");

const CUSTOMER = "Cust5353";
let adminId = "";
let tenantId = "";

/** A ready sandbox with its first copy, and a refresh of it asked for: the previous copy's database, and the refresh's run. */
async function readySandboxRefreshing(name: string, sandboxCustomerId: string): Promise<{ sandboxId: string; previous: string; runId: string }> {
  const sandbox = await db.sandbox.create({ data: { tenantId, name, planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId, status: "QUEUED" } });
  const created = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: adminId, options: {}, enqueue: false });
  expect(await executeRun(created.runId, "test")).toBe("done");
  const previous = (await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).databaseName!;
  const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "REFRESH", requestedById: adminId, options: {}, enqueue: false });
  return { sandboxId: sandbox.id, previous, runId };
}

const exists = (database: string) => databaseExists(testServerAdminUrl(), database);

describe("a refresh's verified copy, just before its swap", () => {
  beforeAll(async () => {
    const productionUrl = await createTestDatabase("beforeswapprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: CUSTOMER, companyName: "Swap AS", scale: "small", seed: 53 });
    tenantId = (await registerTenant({ customerId: CUSTOMER, companyName: "Swap AS", productionUrl })).id;
    adminId = (await db.user.create({ data: { email: "swap@example.com", name: "Siri", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
  }, 120_000);

  afterAll(async () => {
    await stopBoss();
  });

  it("is not swapped in when its stop was asked: the verified copy is dropped, the run ends stopped, the previous copy stays", async () => {
    const { sandboxId, previous, runId } = await readySandboxRefreshing("stopped at swap", "Cust954541");
    const actor = (await loadActor(adminId))!;
    let asked: unknown;
    hooks.beforeSwap = async () => (asked = await cancelRun(actor, sandboxId));
    expect(await executeRun(runId, "test")).toBe("done");
    expect(asked).toEqual({ runId, state: "stopping" });

    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "FAILED", failureCode: "CANCELLED" });
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).toMatchObject({ status: "READY", databaseName: previous });
    expect(await exists(previous)).toBe(true);
    expect(await exists(runDatabaseName(CUSTOMER, runId))).toBe(false);
  }, 120_000);

  it("is not swapped in by a lost worker that comes back as recovery drops it: the previous copy stays, and the run is carried out again", async () => {
    const { sandboxId, previous, runId } = await readySandboxRefreshing("comes back", "Cust953531");
    // Its worker was cut off from the portal's database for a minute. Recovery takes the run for
    // lost and drops its copy; the worker's next beat lands just as that drop ends.
    hooks.beforeSwap = async () => {
      hooks.afterRecoveryDrop = () => heartbeat({ id: runId, workerId: "slow worker", attempts: 1 });
      await recoverStaleRuns(new Date(Date.now() + STALE_AFTER_MS + 5_000));
    };
    expect(await executeRun(runId, "slow worker")).toBe("done");

    // Never a sandbox pointing at a database that is gone, its previous copy dropped too.
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).databaseName).toBe(previous);
    expect(await exists(previous)).toBe(true);
    expect(await exists(runDatabaseName(CUSTOMER, runId))).toBe(false);
    // Recovery has the run: queued again, for another worker.
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "QUEUED", attempts: 1, workerId: null });

    expect(await executeRun(runId, "next worker")).toBe("done");
    const refreshed = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
    expect(refreshed).toMatchObject({ status: "READY", databaseName: runDatabaseName(CUSTOMER, runId) });
    expect(await exists(refreshed.databaseName!)).toBe(true);
    expect(await exists(previous)).toBe(false);
  }, 120_000);
});
