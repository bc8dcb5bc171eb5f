import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";
import { orderInput } from "@/lib/testing/order-input";
import { makeTempDir } from "../testing/temp-dir";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { createOrderAction, createOrderForCustomerAction, editOrderAction, getProductionEstimateAction } = await import("./actions");
const { listOrders } = await import("./queries");
const { loadActor } = await import("../auth/load-actor");

let world: World;
const order = orderInput;

describe("ordering a sandbox", () => {
  beforeAll(async () => {
    process.env.OUTBOX_DIR = await makeTempDir("outbox-");
    world = await buildWorld();
  });
  afterAll(async () => {
    await db.$disconnect();
  });
  beforeEach(() => signInAs(null));

  it("refuses without a session, a customer user and a sales rep on the admin's action", async () => {
    const before = await db.sandbox.count();
    expect(await createOrderAction(order())).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    signInAs(world.users.userA);
    expect(await createOrderAction(order())).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await createOrderForCustomerAction({ ...order(), tenantId: world.tenantA })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    signInAs(world.users.sales);
    expect(await createOrderAction(order())).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await db.sandbox.count()).toBe(before);
  });

  it("validates every field on the server", async () => {
    signInAs(world.users.adminA);
    const before = await db.sandbox.count();
    const result = await createOrderAction({
      ...order({ name: "x", note: "n".repeat(501), acknowledgeDeadEnd: false }),
      planCounts: { "sales-essentials": 0, "sales-premium": 0, "service-essentials": 0, "service-premium": 0, marketing: 0, complete: 0 },
    } as never);
    expect(result).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    if (result.ok) return;
    expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual(["acknowledgeDeadEnd", "name", "note", "planCounts"]);
    const bad = await createOrderAction(order({ planCounts: { ...order().planCounts, complete: 1.5, marketing: -1 }, name: "bad/name" }) as never);
    expect(bad).toMatchObject({ ok: false, fieldErrors: { "planCounts.complete": expect.any(Array), "planCounts.marketing": expect.any(Array), name: expect.any(Array) } });
    expect(await db.sandbox.count()).toBe(before);
  });

  it("files a customer admin's order for their own tenant, with a fresh sandbox key and an audit entry", async () => {
    signInAs(world.users.adminA);
    const result = await createOrderAction(order());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const sandbox = await db.sandbox.findUniqueOrThrow({ where: { id: result.data.sandboxId } });
    expect(sandbox).toMatchObject({ tenantId: world.tenantA, status: "AWAITING_SETUP", orderedOnBehalf: false, orderedById: world.users.adminA });
    expect(sandbox.sandboxCustomerId).toMatch(/^Cust9\d{5}$/);
    expect(await db.auditEvent.count({ where: { action: "sandbox.ordered", targetId: sandbox.id } })).toBe(1);
  });

  it("reports a name already taken at the name field, in any letter case, and saves nothing", async () => {
    signInAs(world.users.adminA);
    expect((await createOrderAction(order({ name: "Name in use" }))).ok).toBe(true);
    const before = await db.sandbox.count();
    const result = await createOrderAction(order({ name: "NAME in USE" }));
    expect(result).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { name: [expect.stringContaining("already exists")] } });
    expect(await db.sandbox.count()).toBe(before);
    // Another tenant may use the same name.
    signInAs(world.users.adminB);
    expect((await createOrderAction(order({ name: "Name in use" }))).ok).toBe(true);
  });

  it("takes letter case as the same in every script, not only A to Z, ordering and renaming alike", async () => {
    signInAs(world.users.adminA);
    const first = await createOrderAction(order({ name: "Øvelse Café" }));
    if (!first.ok) throw new Error(first.message);
    const before = await db.sandbox.count();
    for (const name of ["ØVELSE CAFÉ", "øvelse café"]) {
      expect(await createOrderAction(order({ name })), name).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { name: [expect.stringContaining("already exists")] } });
    }
    expect(await db.sandbox.count()).toBe(before);
    const other = await createOrderAction(order({ name: "Ærlig test" }));
    if (!other.ok) throw new Error(other.message);
    expect(await editOrderAction({ sandboxId: other.data.sandboxId, name: "ØVELSE café", planCounts: order().planCounts, note: "" })).toMatchObject({
      ok: false,
      fieldErrors: { name: [expect.stringContaining("already exists")] },
    });
    // Its own name in another case is no clash.
    expect(await editOrderAction({ sandboxId: other.data.sandboxId, name: "ÆRLIG TEST", planCounts: order().planCounts, note: "" })).toMatchObject({ ok: true });
    // Out of the way of the admin's cap on orders waiting for their setup.
    await db.sandbox.updateMany({ where: { id: { in: [first.data.sandboxId, other.data.sandboxId] } }, data: { status: "CANCELLED", deletedAt: new Date() } });
  });

  it("lets a sales rep order for any customer, waiting for setup, and tells the customer's admins", async () => {
    signInAs(world.users.sales);
    const result = await createOrderForCustomerAction({ ...order({ name: "For Alpha" }), tenantId: world.tenantA });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const sandbox = await db.sandbox.findUniqueOrThrow({ where: { id: result.data.sandboxId } });
    expect(sandbox).toMatchObject({ tenantId: world.tenantA, status: "AWAITING_SETUP", orderedOnBehalf: true, orderedById: world.users.sales });
    const notes = await db.notification.findMany({ where: { link: `/sandboxes/${sandbox.id}/setup` } });
    expect(notes.map((n) => n.userId)).toEqual([world.users.adminA]);
  });

  it("refuses a sales rep's order for a customer that does not exist", async () => {
    signInAs(world.users.sales);
    const result = await createOrderForCustomerAction({ ...order({ name: "Ghost" }), tenantId: "nope" });
    expect(result).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { tenantId: expect.any(Array) } });
  });

  it("estimates from production for those who may order, and refuses others", async () => {
    signInAs(world.users.adminA);
    const result = await getProductionEstimateAction({ tenantId: world.tenantA });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.data.footprint.databaseBytes).toBeGreaterThan(result.data.footprint.documentBytes);
      expect(result.data.throughput.basis).toBe("default");
    }
    expect(await getProductionEstimateAction({ tenantId: world.tenantB })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    signInAs(world.users.userA);
    expect(await getProductionEstimateAction({ tenantId: world.tenantA })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    signInAs(world.users.sales);
    expect((await getProductionEstimateAction({ tenantId: world.tenantA })).ok).toBe(true);
  });

  it("lists orders by who may see them: the rep's own, the tenant's for its admin, all for operators", async () => {
    // Its own three orders, one by each who orders; the other tests' orders are in the list too.
    signInAs(world.users.sales);
    expect((await createOrderForCustomerAction({ ...order({ name: "Listed for Alpha" }), tenantId: world.tenantA })).ok).toBe(true);
    signInAs(world.users.adminA);
    expect((await createOrderAction(order({ name: "Listed by Alpha" }))).ok).toBe(true);
    signInAs(world.users.adminB);
    expect((await createOrderAction(order({ name: "Listed by Beta" }))).ok).toBe(true);
    const ours = ["Listed by Alpha", "Listed by Beta", "Listed for Alpha"];
    const visible = async (userId: string) => (await listOrders((await loadActor(userId, undefined, true))!)).rows;
    const names = (rows: Awaited<ReturnType<typeof visible>>) => rows.map((o) => o.name).filter((name) => ours.includes(name)).sort();

    const bySales = await visible(world.users.sales);
    expect(names(bySales)).toEqual(["Listed for Alpha"]);
    expect(new Set(bySales.map((o) => o.orderedById))).toEqual(new Set([world.users.sales]));
    const byAdminA = await visible(world.users.adminA);
    expect(names(byAdminA)).toEqual(["Listed by Alpha", "Listed for Alpha"]);
    expect(new Set(byAdminA.map((o) => o.tenantId))).toEqual(new Set([world.tenantA]));
    const byAdminB = await visible(world.users.adminB);
    expect(names(byAdminB)).toEqual(["Listed by Beta"]);
    expect(new Set(byAdminB.map((o) => o.tenantId))).toEqual(new Set([world.tenantB]));
    const byOperator = await visible(world.users.operator);
    expect(names(byOperator)).toEqual(ours);
    // All: every order in the database (fewer than a page's worth here).
    expect(byOperator.map((o) => o.id).sort()).toEqual((await db.sandbox.findMany({ select: { id: true } })).map((s) => s.id).sort());
  });
});
