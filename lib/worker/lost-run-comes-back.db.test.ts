/**
 * A worker cut off from the portal's database long enough for recovery to take its run for
 * lost, that comes back while recovery is dropping the run's copy: its heartbeat must not win
 * the run back, or it goes on with a copy recovery has dropped, and swaps that in.
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
const { executeRun } = await import("./execute");
const { recoverStaleRuns, STALE_AFTER_MS } = await import("./recovery");
const { stopBoss } = await import("../jobs/queue");
const { databaseExists } = await import("../sanitizer/drop");

const CUSTOMER = "Cust5353";
let adminId = "";
let tenantId = "";

describe("a lost run's worker that comes back while recovery drops its copy", () => {
  beforeAll(async () => {
    const productionUrl = await createTestDatabase("comebackprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: CUSTOMER, companyName: "Back AS", scale: "small", seed: 53 });
    tenantId = (await registerTenant({ customerId: CUSTOMER, companyName: "Back AS", productionUrl })).id;
    adminId = (await db.user.create({ data: { email: "back@example.com", name: "Bo", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
  }, 120_000);

  afterAll(async () => {
    await stopBoss();
  });

  it("does not swap in the copy recovery dropped: the sandbox keeps its previous copy, and the run is carried out again", async () => {
    const sandbox = await db.sandbox.create({
      data: { tenantId, name: "comes back", planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId: "Cust953531", status: "QUEUED" },
    });
    const created = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: adminId, options: {}, enqueue: false });
    expect(await executeRun(created.runId, "test")).toBe("done");
    const previous = (await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).databaseName!;

    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "REFRESH", requestedById: adminId, options: {}, enqueue: false });
    // The copy is verified; its worker was cut off from the portal's database for a minute. Recovery
    // takes the run for lost and drops its copy; the worker's next beat lands just as that drop ends.
    hooks.beforeSwap = async () => {
      hooks.afterRecoveryDrop = () => heartbeat({ id: runId, workerId: "slow worker", attempts: 1 });
      await recoverStaleRuns(new Date(Date.now() + STALE_AFTER_MS + 5_000));
    };
    expect(await executeRun(runId, "slow worker")).toBe("done");

    const after = await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } });
    // Never a sandbox pointing at a database that is gone, its previous copy dropped too.
    expect(after.databaseName).toBe(previous);
    expect(await databaseExists(testServerAdminUrl(), previous)).toBe(true);
    expect(await databaseExists(testServerAdminUrl(), runDatabaseName(CUSTOMER, runId))).toBe(false);
    // Recovery has the run: queued again, for another worker.
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "QUEUED", attempts: 1, workerId: null });

    expect(await executeRun(runId, "next worker")).toBe("done");
    const refreshed = await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } });
    expect(refreshed).toMatchObject({ status: "READY", databaseName: runDatabaseName(CUSTOMER, runId) });
    expect(await databaseExists(testServerAdminUrl(), refreshed.databaseName!)).toBe(true);
    expect(await databaseExists(testServerAdminUrl(), previous)).toBe(false);
  }, 120_000);
});
