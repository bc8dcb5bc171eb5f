/**
 * A copy's room on its sandbox server (room.ts), through the job layer on a real
 * production and sandbox server:
 *   - a copy reserves its expected size before it writes, an estimate that errs high;
 *   - a copy larger than its server's size cap fails for good, having created nothing,
 *     and operators are told;
 *   - a refresh counts beside the copy it replaces: with no room for both, it waits
 *     for a later attempt, the sandbox left as it was, and goes once there is room;
 *   - two copies racing for the last room: only one gets it;
 *   - the room copies hold is part of the server's use, for placement and operators.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { generateProductionDatabase } from "../crm/generator";
import { oneOffQuery } from "../db/one-off-query";

usePortalDatabase();

const { db } = await import("../db/portal");
const { registerTenant } = await import("../tenants/registry");
const { requestRun, runDatabaseName } = await import("../jobs/lifecycle");
const { executeRun } = await import("../worker/execute");
const { stopBoss } = await import("../jobs/queue");
const { reserveRoomForCopy } = await import("./room");
const { listServerUse, hasRoom } = await import("./use");
const { BUILT_IN_SERVER_ID } = await import("./registry");
const { getProgressSnapshot } = await import("../sandboxes/queries");
const { loadActor } = await import("../auth/load-actor");

const MB = 1024 * 1024;
let sandboxId = "";
let tenantId = "";
let adminId = "";

const setCap = (bytes: number | null) =>
  db.sandboxServer.update({ where: { id: BUILT_IN_SERVER_ID }, data: { maxTotalBytes: bytes === null ? null : BigInt(bytes) } });

async function run(kind: "PROVISION" | "REFRESH", runId?: string) {
  const id = runId ?? (await requestRun({ sandboxId, kind, requestedById: adminId, options: {}, enqueue: false })).runId;
  await executeRun(id, "test");
  return db.sandboxRun.findUniqueOrThrow({ where: { id } });
}

/** The run's databases on the sandbox server: a refused copy must have made none. */
async function databasesOfRun(customerId: string, runId: string): Promise<string[]> {
  const rows = await oneOffQuery<{ datname: string }>(testServerAdminUrl(), "SELECT datname FROM pg_database WHERE datname = $1", [runDatabaseName(customerId, runId)]);
  return rows.map((r) => r.datname);
}

const alertOf = (key: string) => db.alert.findUnique({ where: { key: `server-room:${BUILT_IN_SERVER_ID}:${key}` } });

describe("a copy's room on its sandbox server", () => {
  beforeAll(async () => {
    const productionUrl = await createTestDatabase("roomprod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: "Cust6161", companyName: "Room AS", scale: "small", seed: 61 });
    const tenant = await registerTenant({ customerId: "Cust6161", companyName: "Room AS", productionUrl });
    tenantId = tenant.id;
    adminId = (await db.user.create({ data: { email: "room@example.com", name: "R", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
    await db.user.create({ data: { email: "ops@example.com", name: "O", role: "OPERATOR", passwordHash: "-" } });
    sandboxId = (await db.sandbox.create({
      data: { tenantId, name: "room", planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId: "Cust616110", status: "QUEUED", sandboxServerId: BUILT_IN_SERVER_ID },
    })).id;
  }, 120_000);

  afterAll(async () => {
    await setCap(null);
    await stopBoss();
  });

  it("a copy larger than its server's size cap fails for good, creates nothing, and operators are told", async () => {
    await setCap(1 * MB);
    const result = await run("PROVISION");
    expect(result.status).toBe("FAILED");
    expect(result.failureCode).toBe("TOO_LARGE");
    expect(result.error).toMatch(/^This copy is larger than its sandbox server can hold, so nothing of it was kept\..*The copy needs about \d+(\.\d)? MB\.$/);
    expect(result.error).not.toMatch(/postgres|127\.0\.0\.1|SELECT|localhost/i);
    expect(await databasesOfRun("Cust6161", result.id)).toEqual([]);
    expect((await alertOf("too-large"))?.detail).toMatch(/Cust6161 needs about .* MB on the sandbox server .*its size cap is 1\.0 MB/);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).databaseName).toBeNull();
  });

  it("with no cap, the copy reserves its expected size, and that errs high against the size measured", async () => {
    await setCap(null);
    const result = await run("PROVISION");
    expect(result.status, result.error ?? "").toBe("SUCCEEDED");
    const sandbox = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
    expect(Number(result.reservedBytes)).toBeGreaterThanOrEqual(Number(sandbox.sizeBytes));
    // A finished copy's room is its measured size: the reservation no longer counts.
    const [use] = await listServerUse(db, [BUILT_IN_SERVER_ID]);
    expect(use?.reservedBytes).toBe(0);
  });

  it("a partial copy of named companies reserves their share of production, counted there, and that still errs high", async () => {
    const full = await db.sandboxRun.findFirstOrThrow({ where: { sandboxId, status: "SUCCEEDED" } });
    const other = await db.sandbox.create({
      data: { tenantId, name: "named", planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId: "Cust616111", status: "QUEUED", sandboxServerId: BUILT_IN_SERVER_ID },
    });
    const { runId } = await requestRun({ sandboxId: other.id, kind: "PROVISION", requestedById: adminId, options: { kind: "partial", share: { by: "companies", ids: [1, 2, 3] } }, enqueue: false });
    await executeRun(runId, "test");
    const partial = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(partial.status, partial.error ?? "").toBe("SUCCEEDED");
    const size = Number((await db.sandbox.findUniqueOrThrow({ where: { id: other.id } })).sizeBytes);
    expect(Number(partial.reservedBytes)).toBeGreaterThanOrEqual(size);
    // Three companies of 600: their rows are a sliver of the full copy's reservation.
    expect(Number(partial.reservedBytes) - size).toBeLessThan((Number(full.reservedBytes) - size) / 4);
  }, 120_000);

  it("a refresh counts beside the copy it replaces: with no room for both it waits, the sandbox as it was, and goes once there is room", async () => {
    const before = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } });
    const [use] = await listServerUse(db, [BUILT_IN_SERVER_ID]);
    const provisioned = await db.sandboxRun.findFirstOrThrow({ where: { sandboxId, status: "SUCCEEDED" } });
    // The refresh's ask, as its refusal records it: the provision's reservation is no measure
    // of it, since a copy that outgrew its first ask reserved more as it went (room-watch.ts).
    await setCap(use!.bytes + Math.floor(Number(provisioned.reservedBytes) / 2));
    const asking = await run("REFRESH");
    expect(asking.status).toBe("QUEUED");
    expect(asking.error).toMatch(/^The sandbox server has no room for this copy \(about .* MB\) right now\. Nothing was kept; our operators have been told\. The copy will be retried at /);
    const ask = Number(asking.roomRefusedBytes);
    expect(ask).toBeGreaterThan(Number(provisioned.reservedBytes) / 2);
    // Room for the sandbox's copy and nearly, not quite, a second one.
    await setCap(use!.bytes + ask - 1);
    const waiting = await run("REFRESH", asking.id);
    expect(waiting.status).toBe("QUEUED");
    expect(waiting.failureDetail).toMatch(/code NO_ROOM/);
    // Refused before, it now waits in the server's line for that much room.
    expect(waiting.error).toMatch(/^The sandbox server has no room for this copy \(about .* MB\) yet\. Nothing was kept; our operators have been told\. The copy starts as soon as there is room\./);
    expect(await databasesOfRun("Cust6161", waiting.id)).toEqual([]);
    expect((await alertOf("full"))?.detail).toMatch(/its sandboxes and the copies under way hold/);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).databaseName).toBe(before.databaseName);
    expect(await oneOffQuery(testServerAdminUrl(), "SELECT 1 FROM pg_database WHERE datname = $1", [before.databaseName])).toHaveLength(1);

    await setCap(use!.bytes + ask * 2);
    const done = await run("REFRESH", waiting.id);
    expect(done.status, done.error ?? "").toBe("SUCCEEDED");
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).databaseName).not.toBe(before.databaseName);
  }, 120_000);

  it("two copies racing for the last room: one gets it, the other is refused, and the server's use counts the one", async () => {
    const [use] = await listServerUse(db, [BUILT_IN_SERVER_ID]);
    const size = 10 * MB;
    await setCap(use!.bytes + size * 1.5);
    const running = await Promise.all(
      [1, 2].map(async (n) => {
        const sandbox = await db.sandbox.create({
          data: { tenantId, name: `race ${n}`, planCounts: { complete: 1 }, orderedById: adminId, status: "QUEUED", sandboxServerId: BUILT_IN_SERVER_ID },
        });
        return db.sandboxRun.create({ data: { sandboxId: sandbox.id, kind: "PROVISION", status: "RUNNING", options: {}, sandboxServer: BUILT_IN_SERVER_ID } });
      }),
    );
    const verdicts = await Promise.all(running.map((r) => reserveRoomForCopy(r, size)));
    expect([...verdicts].sort()).toEqual(["no room now", "reserved"]);
    // The refused one keeps what it asked for, for its next attempt.
    const refusedBytes = await Promise.all(running.map(async (r) => (await db.sandboxRun.findUniqueOrThrow({ where: { id: r.id } })).roomRefusedBytes));
    expect(refusedBytes.map((b) => (b === null ? null : Number(b))).sort()).toEqual([size, null]);
    const [after] = await listServerUse(db, [BUILT_IN_SERVER_ID]);
    expect(after?.reservedBytes).toBe(size);
    // A copy that outgrows its room asks again: its own reservation is replaced, not added to.
    const winner = running[verdicts.indexOf("reserved")]!;
    expect(await reserveRoomForCopy(winner, size * 1.4)).toBe("reserved");
    expect((await listServerUse(db, [BUILT_IN_SERVER_ID]))[0]?.reservedBytes).toBe(size * 1.4);
    // A worker the run was taken from (another attempt holds it now) reserves nothing for that attempt.
    await expect(reserveRoomForCopy({ ...winner, workerId: "cut-off", attempts: winner.attempts - 1 }, size * 3)).rejects.toMatchObject({ name: "RunTakenOver" });
    expect((await listServerUse(db, [BUILT_IN_SERVER_ID]))[0]?.reservedBytes).toBe(size * 1.4);
    // Placement counts it: with the room taken, the server has none for a new sandbox.
    await setCap(use!.bytes + size);
    expect(hasRoom((await listServerUse(db, [BUILT_IN_SERVER_ID]))[0]!)).toBe(false);
  });

  /** A run of a new sandbox as an attempt leaves it that outgrew its room mid-copy and found no more; the cap leaves it `short` of that room. */
  async function outgrownRun(name: string, sandboxCustomerId: string, refused: number, short: number) {
    // The race's runs are over: they hold neither room nor the server's copy slots.
    await db.sandboxRun.updateMany({ where: { status: "RUNNING" }, data: { status: "FAILED" } });
    const sandbox = await db.sandbox.create({
      data: { tenantId, name, planCounts: { complete: 1 }, orderedById: adminId, sandboxCustomerId, status: "QUEUED", sandboxServerId: BUILT_IN_SERVER_ID },
    });
    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: adminId, options: {}, enqueue: false });
    await db.sandboxRun.update({ where: { id: runId }, data: { roomRefusedBytes: BigInt(refused) } });
    // Another sandbox holds 50 MB, so the room refused is under the cap but not free.
    await db.sandbox.create({
      data: { tenantId, name: `beside ${name}`, planCounts: { complete: 1 }, orderedById: adminId, status: "READY", sizeBytes: BigInt(50 * MB), sandboxServerId: BUILT_IN_SERVER_ID },
    });
    const [use] = await listServerUse(db, [BUILT_IN_SERVER_ID]);
    const held = use!.bytes + use!.reservedBytes;
    await setCap(held + refused - short);
    return { runId, held, sandboxId: sandbox.id };
  }

  it("a run refused room waits for it without an attempt or a read of production, then asks for at least that much", async () => {
    // Far more than this small production's estimate.
    const { runId, held, sandboxId: waitingSandbox } = await outgrownRun("outgrown", "Cust616112", 400 * MB, 1);
    expect(await executeRun(runId, "test")).toBe("skipped");
    const waiting = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(waiting.status).toBe("QUEUED");
    expect(waiting.attempts).toBe(0);
    expect(waiting.startedAt).toBeNull();
    expect(waiting.error).toBe("The sandbox server has no room for this copy (about 400.0 MB) yet. Nothing was kept; our operators have been told. The copy starts as soon as there is room.");
    // Its customer's page says why it waits.
    expect((await getProgressSnapshot((await loadActor(adminId))!, waitingSandbox))?.run?.waiting).toBe(waiting.error);
    // It keeps no place in the server's line: copies that fit are not held up behind it.
    expect(waiting.serverWaitSince).toBeNull();
    expect(await databasesOfRun("Cust6161", runId)).toEqual([]);

    await setCap(held + 400 * MB);
    expect(await executeRun(runId, "test")).toBe("done");
    const done = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(done.status, done.error ?? "").toBe("SUCCEEDED");
    expect(done.attempts).toBe(1);
    expect(Number(done.reservedBytes)).toBe(400 * MB);
  }, 120_000);

  it("a run waits for room six hours at most: then its attempts go on, and one refused again counts", async () => {
    const { runId } = await outgrownRun("outgrown long ago", "Cust616114", 300 * MB, 1);
    await db.sandboxRun.update({ where: { id: runId }, data: { createdAt: new Date(Date.now() - 6 * 3600_000 - 60_000) } });
    expect(await executeRun(runId, "test")).toBe("retrying");
    const refused = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(refused.attempts).toBe(1);
    expect(refused.error).toMatch(/^The sandbox server has no room for this copy \(about 300\.0 MB\) right now\. .* The copy will be retried at /);
  }, 120_000);

  it("an attempt made anyway (the operator's, here and now) asks first for the room refused before: with none, it stops before it creates anything or reads production's rows", async () => {
    const { runId } = await outgrownRun("outgrown again", "Cust616113", 300 * MB, 1);
    await executeRun(runId, "test", { direct: true });
    const refused = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(refused.failureCode).toBe("NO_ROOM");
    expect(refused.error).toMatch(/^The sandbox server has no room for this copy \(about 300\.0 MB\) right now\./);
    // It stopped at the schema step, where the room is asked for: no table's rows were read.
    const steps = (refused.progress as { steps: { key: string; state: string; detail?: string }[] }).steps;
    expect(steps.find((s) => s.key === "schema")?.state).toBe("failed");
    expect(steps.filter((s) => s.key.startsWith("table:") && s.state !== "pending" && s.detail !== "not copied (rules)")).toEqual([]);
    expect(await databasesOfRun("Cust6161", runId)).toEqual([]);
  }, 120_000);
});
