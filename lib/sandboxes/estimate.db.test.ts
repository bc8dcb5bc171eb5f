/**
 * Estimates from past copies, against a real portal database: the rate the order form
 * and the wizard show durations by, and the history a running copy's time left starts
 * from. Copies of another shape (a configuration-only copy, a pseudonymised one) must
 * not move either: a configuration-only copy's kilobytes in seconds, read as a rate,
 * made a full copy's estimate hours long.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { Actor } from "../auth/policy";

usePortalDatabase();

const { db } = await import("../db/portal");
const { getProgressSnapshot, getThroughput } = await import("./queries");
const { DEFAULT_BYTES_PER_SECOND, estimateSeconds, FIXED_SECONDS, throughputBasisText } = await import("./estimate");

const MB = 1024 * 1024;
let tenantId = "";
let otherTenantId = "";
let sandboxId = "";
let admin: Actor;

/** A finished copy of `sandbox`: `bytes` moved in `seconds`, with `options`, `minutesAgo` ended. */
async function pastCopy(sandbox: string, bytes: number, seconds: number, options: object, minutesAgo: number) {
  const finishedAt = new Date(Date.now() - minutesAgo * 60_000);
  await db.sandboxRun.create({
    data: {
      sandboxId: sandbox,
      kind: "PROVISION",
      status: "SUCCEEDED",
      options,
      startedAt: new Date(finishedAt.getTime() - seconds * 1000),
      finishedAt,
      report: { tables: [{ name: "company", rows: 1, bytes }] },
    },
  });
}

async function sandboxOf(tenant: string, orderedById: string, name: string) {
  return (await db.sandbox.create({ data: { tenantId: tenant, orderedById, name, status: "READY", planCounts: {}, databaseName: `db_${name}` } })).id;
}

beforeAll(async () => {
  tenantId = (await db.tenant.create({ data: { customerId: "Cust7001", companyName: "Estimates AS", productionUrlEncrypted: "x" } })).id;
  otherTenantId = (await db.tenant.create({ data: { customerId: "Cust7002", companyName: "Fleet AS", productionUrlEncrypted: "x" } })).id;
  const user = await db.user.create({ data: { email: "admin@estimates.example", name: "Admin", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } });
  const other = await db.user.create({ data: { email: "admin@fleet.example", name: "Admin", role: "CUSTOMER_ADMIN", tenantId: otherTenantId, passwordHash: "-" } });
  admin = { id: user.id, email: user.email, name: user.name, role: "CUSTOMER_ADMIN", tenantId, tenantName: "Estimates AS", customerId: "Cust7001" };
  sandboxId = await sandboxOf(tenantId, user.id, "uat");
  const fleetSandbox = await sandboxOf(otherTenantId, other.id, "fleet");

  // The tenant's copies, newest first: three configuration-only ones and a pseudonymised
  // full one since its last two plain full copies (140 MB in 7 s and in 14 s).
  await pastCopy(sandboxId, 120 * 1024, 2, { kind: "config" }, 1);
  await pastCopy(sandboxId, 150 * 1024, 2, { kind: "config" }, 2);
  await pastCopy(sandboxId, 140 * MB, 40, { personalData: "pseudonymise" }, 3);
  await pastCopy(sandboxId, 100 * 1024, 1, { kind: "config" }, 4);
  await pastCopy(sandboxId, 140 * MB, 7, { kind: "full", personalData: "keep" }, 5);
  await pastCopy(sandboxId, 140 * MB, 14, {}, 6);
  // Another customer's copy: the fleet's rate, for a tenant without copies that tell one.
  await pastCopy(fleetSandbox, 64 * MB, 2, {}, 10);
});

describe("estimates from past copies", () => {
  it("takes the rate from the tenant's copies that tell one: not configuration-only or pseudonymised ones", async () => {
    const throughput = await getThroughput(tenantId);
    expect(throughput.basis).toBe("tenant-runs");
    expect(throughput.runs).toBe(2);
    // The median of 20 and 10 MB/s.
    expect(throughput.bytesPerSecond).toBeCloseTo(15 * MB, 0);
  });

  it("learns how much longer the tenant's pseudonymised copies take from them alone", async () => {
    // Its one pseudonymised copy: 140 MB in 40 s, where a plain one would take FIXED_SECONDS + 140 / 15 s.
    const own = await getThroughput(tenantId);
    expect(own.pseudonymisedFactor).toBeCloseTo(40 / (FIXED_SECONDS + 140 / 15), 6);
    expect(estimateSeconds(140 * MB, own, "pseudonymise")).toBe(40);
    // Another tenant's pseudonymised copies say nothing of this one's.
    expect((await getThroughput(otherTenantId)).pseudonymisedFactor).toBeUndefined();
  });

  it("holds the rate to the copy rate an operator set for the tenant, and says so", async () => {
    // Its past copies moved 15 MB/s; the operator has since held its copies to 5.
    await db.tenant.update({ where: { id: tenantId }, data: { copyRateLimitMBps: 5 } });
    try {
      const held = await getThroughput(tenantId);
      expect(held).toMatchObject({ basis: "tenant-runs", bytesPerSecond: 5 * MB, heldToMBps: 5 });
      expect(estimateSeconds(140 * MB, held)).toBe(FIXED_SECONDS + 28);
      expect(throughputBasisText(held)).toBe("based on your past copies, at the copy rate set for your organisation: 5 MB/s");
      // A cap the copies never reach changes nothing.
      await db.tenant.update({ where: { id: tenantId }, data: { copyRateLimitMBps: 50 } });
      const unheld = await getThroughput(tenantId);
      expect(unheld.heldToMBps).toBeUndefined();
      expect(unheld.bytesPerSecond).toBeCloseTo(15 * MB, 0);
      expect(throughputBasisText(unheld)).toBe("based on your past copies");
    } finally {
      await db.tenant.update({ where: { id: tenantId }, data: { copyRateLimitMBps: null } });
    }
  });

  it("falls back to the fleet's copies, then to the default, for a tenant whose copies tell no rate", async () => {
    const fresh = (await db.tenant.create({ data: { customerId: "Cust7003", companyName: "New AS", productionUrlEncrypted: "x" } })).id;
    const fleet = await getThroughput(fresh);
    expect(fleet.basis).toBe("fleet-runs");
    expect(fleet.bytesPerSecond).toBeGreaterThan(0);
    await db.sandboxRun.deleteMany({ where: { sandbox: { tenantId: { not: fresh } } } });
    expect(await getThroughput(fresh)).toEqual({ bytesPerSecond: DEFAULT_BYTES_PER_SECOND, basis: "default", runs: 0 });
  });

  it("starts a running copy's time left from past copies of its own shape", async () => {
    await pastCopy(sandboxId, 120 * 1024, 2, { kind: "config" }, 30);
    await pastCopy(sandboxId, 140 * MB, 60, { kind: "full" }, 31);
    await pastCopy(sandboxId, 140 * MB, 50, { kind: "full", documents: { mode: "none" } }, 32);
    await pastCopy(sandboxId, 140 * MB, 500, { kind: "full", documents: { mode: "all" } }, 33);
    const running = async (options: object) => {
      await db.sandboxRun.deleteMany({ where: { sandboxId, status: "RUNNING" } });
      await db.sandboxRun.create({ data: { sandboxId, kind: "REFRESH", status: "RUNNING", options, startedAt: new Date(), progress: { steps: [] } } });
      return (await getProgressSnapshot(admin, sandboxId))!.typicalMs;
    };
    // A full copy without documents: the two like it (55 s), not the configuration-only one's 2 s or the one with documents.
    expect(await running({ kind: "full" })).toBe(55_000);
    expect(await running({ kind: "config" })).toBe(2_000);
    expect(await running({ kind: "full", documents: { mode: "all" } })).toBe(500_000);
    // No past copy of its shape: no history to go on (its own pace takes over once it moves).
    expect(await running({ kind: "partial" })).toBeNull();
  });

  it("gives a run waiting to start again the time a copy takes, not its earlier attempt's pace stretched over hours in line", async () => {
    await db.sandboxRun.deleteMany({ where: { sandboxId, status: { in: ["RUNNING", "QUEUED"] } } });
    // Its first attempt started three hours ago and failed two steps of five in; since then it has waited for its retry and a slot.
    const step = (key: string, state: string) => ({ key, label: key, state });
    await db.sandboxRun.create({
      data: {
        sandboxId, kind: "REFRESH", status: "QUEUED", options: { kind: "full" }, attempts: 1, startedAt: new Date(Date.now() - 3 * 3600_000),
        error: "Production was busy. The copy will be retried at …",
        progress: { steps: [step("schema", "done"), step("table:a", "done"), step("table:b", "failed"), step("indexes", "pending"), step("verify", "pending")] },
      },
    });
    const snapshot = (await getProgressSnapshot(admin, sandboxId))!;
    expect(snapshot.run?.status).toBe("QUEUED");
    // Nothing of the first attempt is kept: it starts from nothing, and takes what a copy of its shape takes.
    expect(snapshot.fraction).toBe(0);
    expect(snapshot.remainingMs).toBe(snapshot.typicalMs);
    expect(snapshot.typicalMs).toBe(55_000);
  });
});
