/**
 * Item 10 of issue 12: what a customer's agreement covers. A customer admin's own
 * orders (and raised plans) stay within it; a sales rep, an operator and the
 * operator CLI order beyond it; cancelled and deleted sandboxes free their share;
 * two admins racing for the last sandbox get one.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";
import { makeTempDir } from "../testing/temp-dir";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { createOrderAction, createOrderForCustomerAction, editOrderAction, cancelOrderAction } = await import("../orders/actions");
const { createSandbox } = await import("../../scripts/ops/sandbox-create");
const { setTenantEntitlements } = await import("../../scripts/ops/tenant-commands");
const { EMPTY_PLAN_COUNTS } = await import("../orders/schema");
const { entitlementUse } = await import("./entitlements");
const { setEntitlementsAction } = await import("./actions");

let world: World;
let counter = 0;

const order = (plans: Partial<typeof EMPTY_PLAN_COUNTS>) => ({
  name: `Entitled ${++counter}`,
  planCounts: { ...EMPTY_PLAN_COUNTS, ...plans },
  note: "",
  acknowledgeDeadEnd: true as const,
  acknowledgeNotBackup: true as const,
});

describe("entitlements", () => {
  beforeAll(async () => {
    process.env.OUTBOX_DIR = await makeTempDir("outbox-");
    world = await buildWorld();
  }, 120_000);

  it("a tenant with none set is unlimited", async () => {
    signInAs(world.users.adminB);
    for (let i = 0; i < 3; i++) expect(await createOrderAction(order({ complete: 50 }))).toMatchObject({ ok: true });
    const use = await entitlementUse(world.tenantB);
    expect(use.sandboxes).toEqual({ entitled: null, used: 3 });
    expect(use.plans.complete).toEqual({ entitled: null, used: 150 });
  });

  it("holds a customer without an agreement to five orders waiting for their setup: each holds room on a server", async () => {
    signInAs(world.users.adminB);
    const waiting = () => db.sandbox.count({ where: { tenantId: world.tenantB, status: "AWAITING_SETUP" } });
    const before = (await db.sandbox.findMany({ where: { tenantId: world.tenantB }, select: { id: true } })).map((s) => s.id);
    while ((await waiting()) < 5) expect(await createOrderAction(order({ complete: 1 }))).toMatchObject({ ok: true });
    const sixth = await createOrderAction(order({ complete: 1 }));
    expect(sixth).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    expect(!sixth.ok && sixth.message).toBe("5 of your sandboxes are waiting for their setup (at most 5 at once). Set one up or delete it before ordering another.");
    expect(await waiting()).toBe(5);

    // One cancelled makes room; a sales rep orders on the customer's behalf beyond it.
    const [newest] = await db.sandbox.findMany({ where: { tenantId: world.tenantB, status: "AWAITING_SETUP" }, orderBy: { createdAt: "desc" }, take: 1 });
    expect(await cancelOrderAction({ sandboxId: newest!.id })).toMatchObject({ ok: true });
    expect(await createOrderAction(order({ complete: 1 }))).toMatchObject({ ok: true });
    signInAs(world.users.sales);
    expect(await createOrderForCustomerAction({ ...order({ complete: 1 }), tenantId: world.tenantB })).toMatchObject({ ok: true });
    expect(await waiting()).toBe(6);
    // As the tests after this one found the tenant.
    await db.sandbox.updateMany({ where: { tenantId: world.tenantB, id: { notIn: before } }, data: { status: "CANCELLED" } });
  });

  it("takes at most 50 orders a day from a customer's admins, cancelled ones included: an order cancelled at once, again and again, told every other admin and stayed for good", async () => {
    const tenant = await db.tenant.create({ data: { customerId: "Cust40777", companyName: "Loop AS", productionUrlEncrypted: "x" } });
    const admin = await db.user.create({ data: { email: "admin@loop.example", name: "Loop Admin", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    await db.user.create({ data: { email: "other@loop.example", name: "Other Admin", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    signInAs(admin.id);
    for (let i = 0; i < 3; i++) {
      const placed = await createOrderAction(order({ complete: 1 }));
      if (!placed.ok) throw new Error(placed.message);
      expect(await cancelOrderAction({ sandboxId: placed.data.sandboxId })).toMatchObject({ ok: true });
    }
    await db.sandbox.createMany({
      data: Array.from({ length: 47 }, (_, i) => ({ tenantId: tenant.id, name: `Looped ${i}`, orderedById: admin.id, status: "CANCELLED" as const, deletedAt: new Date(), planCounts: {} })),
    });
    const refused = await createOrderAction(order({ complete: 1 }));
    expect(refused).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(!refused.ok && refused.message).toBe("Your organisation has ordered 50 sandboxes in the last day, cancelled ones included: the most a day allows. Order more tomorrow.");
    // A sales rep's order for the customer is not the customer's own; and a day later, its admins order again.
    signInAs(world.users.sales);
    expect(await createOrderForCustomerAction({ ...order({ complete: 1 }), tenantId: tenant.id })).toMatchObject({ ok: true });
    await db.sandbox.updateMany({ where: { tenantId: tenant.id, orderedOnBehalf: false }, data: { createdAt: new Date(Date.now() - 25 * 3_600_000) } });
    signInAs(admin.id);
    expect(await createOrderAction(order({ complete: 1 }))).toMatchObject({ ok: true });
  });

  it("keeps a customer admin's orders within the agreement, and says what is beyond it", async () => {
    await setTenantEntitlements({ "customer-id": "Cust40001", sandboxes: "2", plans: "sales-premium=3" });
    expect(await db.auditEvent.count({ where: { action: "tenant.entitlements.changed", tenantId: world.tenantA } })).toBe(1);
    signInAs(world.users.adminA);
    const first = await createOrderAction(order({ "sales-premium": 2 }));
    expect(first).toMatchObject({ ok: true });

    const tooManyPlans = await createOrderAction(order({ "sales-premium": 2 }));
    expect(tooManyPlans).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { planCounts: ["Sales Premium: 3 covered, 2 in use, 2 asked for."] } });
    expect(!tooManyPlans.ok && tooManyPlans.message).toContain("Ask your sales rep");
    // A plan the agreement does not name is not covered.
    expect(await createOrderAction(order({ complete: 1 }))).toMatchObject({ ok: false, fieldErrors: { planCounts: ["Complete: 0 covered, 0 in use, 1 asked for."] } });

    expect(await createOrderAction(order({ "sales-premium": 1 }))).toMatchObject({ ok: true });
    expect(await db.sandbox.count({ where: { tenantId: world.tenantA, status: { notIn: ["DELETED", "CANCELLED"] } } })).toBe(2);
  });

  it("refuses a third sandbox, raised plans in an edit, but not lowered ones; a cancelled order frees its share", async () => {
    signInAs(world.users.adminA);
    await db.tenant.update({ where: { id: world.tenantA }, data: { entitledPlans: { "sales-premium": 3, complete: 5 } } });
    const third = await createOrderAction(order({ complete: 1 }));
    expect(third).toMatchObject({ ok: false, message: expect.stringContaining("covers 2 sandboxes at once, and 2 are in use") });

    const open = await db.sandbox.findFirstOrThrow({ where: { tenantId: world.tenantA, status: "AWAITING_SETUP", planCounts: { path: ["sales-premium"], equals: 2 } } });
    const edit = (plans: Partial<typeof EMPTY_PLAN_COUNTS>) =>
      editOrderAction({ sandboxId: open.id, name: open.name, note: "", planCounts: { ...EMPTY_PLAN_COUNTS, ...plans } });
    expect(await edit({ "sales-premium": 3 })).toMatchObject({ ok: false, fieldErrors: { planCounts: ["Sales Premium: 3 covered, 1 in use, 3 asked for."] } });
    // Lowered below the agreement after it was lowered: always fine.
    await db.tenant.update({ where: { id: world.tenantA }, data: { entitledPlans: { "sales-premium": 1, complete: 5 } } });
    expect(await edit({ "sales-premium": 1 })).toMatchObject({ ok: true });

    expect(await cancelOrderAction({ sandboxId: open.id })).toMatchObject({ ok: true });
    expect(await createOrderAction(order({ complete: 2 }))).toMatchObject({ ok: true });
  });

  it("lets a sales rep, an operator's CLI order, and nobody else, go beyond it", async () => {
    signInAs(world.users.sales);
    const sold = await createOrderForCustomerAction({ ...order({ complete: 40 }), tenantId: world.tenantA });
    expect(sold).toMatchObject({ ok: true });
    await createSandbox({ "customer-id": "Cust40001", name: `CLI beyond ${++counter}`, plans: "complete=10", as: "admin@alpha.example" });
    expect((await entitlementUse(world.tenantA)).sandboxes.used).toBe(4);
    signInAs(world.users.adminA);
    expect((await createOrderAction(order({ complete: 1 }))).ok).toBe(false);
  });

  it("gives two admins racing for the last sandbox one each at most", async () => {
    await setTenantEntitlements({ "customer-id": "Cust40002", sandboxes: "4", plans: "unlimited" });
    signInAs(world.users.adminB);
    const results = await Promise.all([1, 2, 3].map(() => createOrderAction(order({ complete: 1 }))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect((await entitlementUse(world.tenantB)).sandboxes).toEqual({ entitled: 4, used: 4 });
  });

  it("refuses nonsense from the CLI with a plain message", async () => {
    await expect(setTenantEntitlements({ "customer-id": "Cust40001", sandboxes: "two" })).rejects.toThrow("--sandboxes must be a whole number from 0 to 100000, or unlimited");
    await expect(setTenantEntitlements({ "customer-id": "Cust40001", plans: "gold=3" })).rejects.toThrow('unknown plan "gold"');
    await expect(setTenantEntitlements({ "customer-id": "Cust40001", sandboxes: "-1" })).rejects.toThrow("--sandboxes must be a whole number from 0 to 100000");
    // Past what PostgreSQL's integer holds: refused in words, not as Prisma's dump.
    await expect(setTenantEntitlements({ "customer-id": "Cust40001", sandboxes: "2147483648" })).rejects.toThrow("--sandboxes must be a whole number from 0 to 100000");
    await expect(setTenantEntitlements({ "customer-id": "Cust99999", sandboxes: "1" })).rejects.toThrow("No tenant has customer id Cust99999");
  });

  it("is set in the portal by sales reps and operators only, audited with who set it", async () => {
    const form = {
      customerId: "Cust40002",
      sandboxes: "5",
      limitPlans: true,
      plans: { "sales-essentials": "", "sales-premium": "10", "service-essentials": "", "service-premium": "", marketing: "0", complete: "2" },
    };
    for (const user of [world.users.adminB, world.users.userA]) {
      signInAs(user);
      expect(await setEntitlementsAction(form)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    }
    signInAs(world.users.sales);
    expect(await setEntitlementsAction({ ...form, sandboxes: "five" } as never)).toMatchObject({ ok: false, fieldErrors: { sandboxes: expect.any(Array) } });
    expect(await setEntitlementsAction(form)).toMatchObject({ ok: true });
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: world.tenantB } });
    expect(tenant).toMatchObject({ entitledSandboxes: 5, entitledPlans: { "sales-premium": 10, complete: 2 } });
    const [event] = await db.auditEvent.findMany({ where: { action: "tenant.entitlements.changed", tenantId: world.tenantB, actorId: world.users.sales } });
    expect(event?.details).toMatchObject({ via: "portal", sandboxes: 5 });

    signInAs(world.users.operator);
    expect(await setEntitlementsAction({ ...form, sandboxes: "", limitPlans: false })).toMatchObject({ ok: true });
    expect(await db.tenant.findUniqueOrThrow({ where: { id: world.tenantB } })).toMatchObject({ entitledSandboxes: null, entitledPlans: null });
  });
});
