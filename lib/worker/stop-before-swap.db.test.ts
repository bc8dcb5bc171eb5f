/**
 * A stop asked once the copy is verified, before its worker has heard it (its next progress
 * write or heartbeat) and before the swap: the copy is not swapped in. The run ends as stopped,
 * its copy dropped, and the sandbox keeps the copy it had.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { generateProductionDatabase } from "../crm/generator";
import type * as Lifecycle from "../jobs/lifecycle";

usePortalDatabase();

const hooks = vi.hoisted(() => ({ beforeSwap: undefined as (() => Promise<unknown>) | undefined }));
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

const { db } = await import("../db/portal");
const { registerTenant } = await import("../tenants/registry");
const { requestRun, runDatabaseName } = await import("../jobs/lifecycle");
const { cancelRun } = await import("../sandboxes/mutations");
const { loadActor } = await import("../auth/load-actor");
const { executeRun } = await import("./execute");
const { stopBoss } = await import("../jobs/queue");
const { databaseExists } = await import("../sanitizer/drop");

const CUSTOMER = "Cust5454";
let adminId = "";
let tenantId = "";

describe("a stop asked just before the swap", () => {
  beforeAll(async () => {
    const productionUrl = await createTestDatabase("stopswapprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: CUSTOMER, companyName: "Swap AS", scale: "small", seed: 54 });
    tenantId = (await registerTenant({ customerId: CUSTOMER, companyName: "Swap AS", productionUrl })).id;
    adminId = (await db.user.create({ data: { email: "swap@example.com", name: "Siri", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
  }, 120_000);

  afterAll(async () => {
    await stopBoss();
  });

  it("keeps the previous copy: the verified one is dropped and the run ends stopped", async () => {
    const sandbox = await db.sandbox.create({
      data: { tenantId, name: "stopped at swap", planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId: "Cust954541", status: "QUEUED" },
    });
    const created = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: adminId, options: {}, enqueue: false });
    expect(await executeRun(created.runId, "test")).toBe("done");
    const previous = (await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).databaseName!;
    const actor = (await loadActor(adminId))!;

    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "REFRESH", requestedById: adminId, options: {}, enqueue: false });
    let asked: unknown;
    hooks.beforeSwap = async () => (asked = await cancelRun(actor, sandbox.id));
    expect(await executeRun(runId, "test")).toBe("done");
    expect(asked).toEqual({ runId, state: "stopping" });

    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "FAILED", failureCode: "CANCELLED" });
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).toMatchObject({ status: "READY", databaseName: previous });
    expect(await databaseExists(testServerAdminUrl(), previous)).toBe(true);
    expect(await databaseExists(testServerAdminUrl(), runDatabaseName(CUSTOMER, runId))).toBe(false);
  }, 120_000);
});
