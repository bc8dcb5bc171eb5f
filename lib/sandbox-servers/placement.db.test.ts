/**
 * Placement of new sandboxes in the pool, through the order's own door
 * (createOrder): by free capacity, on the tenant's pinned server, never on a
 * draining one, refused with a clear message (and an operator alert) when there is
 * no room, and race-safe. Servers here are rows only: placing never connects.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { buildWorld, type World } from "../testing/test-world";
import type { Actor } from "../auth/policy";

usePortalDatabase();

const { db } = await import("../db/portal");
const { sealSecret } = await import("../secrets/secret-box");
const { createOrder } = await import("../orders/mutations");
const { BUILT_IN_SERVER_ID } = await import("./registry");

let world: World;
let admin: Actor;
let n = 0;

const order = (tenantId = world.tenantA) =>
  createOrder(admin, { tenantId, name: `S${++n}`, kind: "full", planCounts: { complete: 1 } as never, note: "", onBehalf: false });
const serverOf = async (sandboxId: string) =>
  (await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId }, select: { sandboxServer: { select: { name: true } } } })).sandboxServer?.name;

async function server(name: string, settings: { maxDatabases?: number; maxTotalBytes?: bigint; maxConcurrentRuns?: number; state?: "ACTIVE" | "DRAINING" } = {}) {
  return db.sandboxServer.create({ data: { name, urlEncrypted: sealSecret(`postgres://maker:secret@${name}.internal/postgres`), ...settings } });
}

/** Sandboxes already on a server, as earlier orders left them. */
async function fill(serverId: string, count: number, sizeBytes = 0n) {
  for (let i = 0; i < count; i++) {
    await db.sandbox.create({
      data: { tenantId: world.tenantB, orderedById: world.users.adminB, name: `fill-${++n}`, planCounts: {}, status: "READY", sandboxServerId: serverId, sizeBytes },
    });
  }
}

describe("placing new sandboxes in the pool", () => {
  beforeAll(async () => {
    world = await buildWorld();
    admin = { id: world.users.adminA, email: "admin@alpha.example", name: "admin", role: "CUSTOMER_ADMIN", tenantId: world.tenantA, tenantName: "Alpha AS", customerId: "Cust40001" };
  }, 120_000);

  beforeEach(async () => {
    await db.tenant.updateMany({ data: { sandboxServerId: null } });
    await db.sandbox.deleteMany();
    await db.alert.deleteMany();
    await db.tenant.updateMany({ data: { sandboxServerId: null } });
    await db.sandboxServer.deleteMany({ where: { id: { not: BUILT_IN_SERVER_ID } } });
    // The built-in server stays out of the way unless a test wants it.
    await db.sandboxServer.update({ where: { id: BUILT_IN_SERVER_ID }, data: { state: "DRAINING" } });
  });

  it("goes to the ACTIVE server with the most free capacity, by its tightest limit", async () => {
    const a = await server("pool-a", { maxDatabases: 10 });
    const b = await server("pool-b", { maxDatabases: 10, maxTotalBytes: 1000n });
    await fill(a.id, 5); // half its databases used
    await fill(b.id, 1, 800n); // few databases, but 80 % of its size
    await server("pool-c", { state: "DRAINING" }); // empty, but draining
    expect(await serverOf((await order()).sandboxId)).toBe("pool-a");

    await db.sandboxServer.update({ where: { id: b.id }, data: { maxTotalBytes: null } });
    // Now b has 9 of 10 databases free: it wins; the next one too (8 of 10 > 5 of 10).
    expect(await serverOf((await order()).sandboxId)).toBe("pool-b");
    expect(await serverOf((await order()).sandboxId)).toBe("pool-b");
  });

  it("goes to the tenant's pinned server, even when others have more room", async () => {
    const pinned = await server("pinned", { maxDatabases: 3 });
    await server("roomy");
    await fill(pinned.id, 1);
    await db.tenant.update({ where: { id: world.tenantA }, data: { sandboxServerId: pinned.id } });
    expect(await serverOf((await order()).sandboxId)).toBe("pinned");
    // Another tenant, not pinned, goes by free capacity.
    expect(await serverOf((await order(world.tenantB)).sandboxId)).toBe("roomy");
  });

  it("refuses an order for a tenant pinned to a draining or full server, and tells operators", async () => {
    const pinned = await server("pinned", { state: "DRAINING" });
    await server("roomy");
    await db.tenant.update({ where: { id: world.tenantA }, data: { sandboxServerId: pinned.id } });
    await expect(order()).rejects.toMatchObject({ code: "NO_CAPACITY", userMessage: expect.stringMatching(/takes no new sandboxes right now/) });

    await db.sandboxServer.update({ where: { id: pinned.id }, data: { state: "ACTIVE", maxDatabases: 1 } });
    await fill(pinned.id, 1);
    await expect(order()).rejects.toMatchObject({ code: "NO_CAPACITY" });
    const alert = await db.alert.findUniqueOrThrow({ where: { key: `pinned-server-refused:${pinned.id}` } });
    expect(alert.occurrences).toBe(2);
    expect(alert.subject).toMatch(/pinned|refused/);
    expect(await db.sandbox.count({ where: { tenantId: world.tenantA } })).toBe(0);
  });

  it("a full pool refuses new orders in plain words, and alerts operators once", async () => {
    const a = await server("pool-a", { maxDatabases: 1 });
    const b = await server("pool-b", { maxTotalBytes: 500n });
    await fill(a.id, 1);
    await fill(b.id, 1, 500n);
    const refused = await order().catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "NO_CAPACITY", userMessage: expect.stringMatching(/^No sandbox server has room for a new sandbox right now\. Our operators have been told/) });
    // Nothing about servers, hosts or URLs reaches the customer.
    expect((refused as Error).message).not.toMatch(/pool-|internal|postgres|secret/);
    await expect(order()).rejects.toMatchObject({ code: "NO_CAPACITY" });
    const alert = await db.alert.findUniqueOrThrow({ where: { key: "pool-full" } });
    expect(alert).toMatchObject({ occurrences: 2, link: "/operations/servers" });
    const told = await db.notification.findMany({ where: { message: { contains: "pool is full" } }, select: { userId: true } });
    expect(told).toEqual([{ userId: world.users.operator }]);
  });

  it("two orders at once cannot overfill a server: the second counts the first", async () => {
    await server("last-place", { maxDatabases: 1 });
    // Different tenants, so nothing but the server's lock serializes them (an order locks its tenant's row).
    const results = await Promise.allSettled([order(world.tenantA), order(world.tenantB), order(world.tenantA), order(world.tenantB)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(["NO_CAPACITY", "NO_CAPACITY", "NO_CAPACITY"]);
    expect(await db.sandbox.count()).toBe(1);
  });

  it("with zero configuration everything goes to the built-in server", async () => {
    await db.sandboxServer.update({ where: { id: BUILT_IN_SERVER_ID }, data: { state: "ACTIVE" } });
    expect(await serverOf((await order()).sandboxId)).toBe("built-in");
  });
});
