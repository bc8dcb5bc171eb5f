/** Orders are living things: the filer, the tenant's admins and operators change or cancel them until the setup is confirmed. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";
import { makeTempDir } from "../testing/temp-dir";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { createOrderAction, createOrderForCustomerAction, editOrderAction, cancelOrderAction } = await import("./actions");
const { cancelOrder, MAX_ORDER_CHANGES_PER_DAY } = await import("./changes");
const { startDelete } = await import("../sandboxes/mutations");
const { lockTenant } = await import("../db/tenant-lock");
const { loadActor } = await import("../auth/load-actor");
const { stopBoss } = await import("../jobs/queue");
const { listOutbox } = await import("../notifications/mailer");

let world: World;
const plans = { "sales-essentials": 0, "sales-premium": 2, "service-essentials": 0, "service-premium": 0, marketing: 0, complete: 0 };
const file = async (name: string) => {
  signInAs(world.users.sales);
  const result = await createOrderForCustomerAction({ tenantId: world.tenantA, name, planCounts: plans, note: "For the spring training", acknowledgeDeadEnd: true, acknowledgeNotBackup: true });
  signInAs(null);
  if (!result.ok) throw new Error(result.message);
  return result.data.sandboxId;
};
const edit = (sandboxId: string, name: string, note = "") => editOrderAction({ sandboxId, name, planCounts: { ...plans, complete: 1 }, note });

describe("changing and cancelling an order", () => {
  beforeAll(async () => {
    process.env.OUTBOX_DIR = await makeTempDir("outbox-");
    world = await buildWorld();
  });
  beforeEach(() => signInAs(null));
  afterAll(() => stopBoss());

  it("lets the filer, the tenant's admins and operators change an open order, audited, and nobody else", async () => {
    const id = await file("Spring");
    expect(await edit(id, "Spring 2")).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    for (const outsider of [world.users.userA, world.users.adminB]) {
      signInAs(outsider);
      expect(await edit(id, "Spring 2")).toMatchObject({ ok: false, code: "NOT_FOUND" });
      expect(await cancelOrderAction({ sandboxId: id })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    }
    for (const [who, name] of [[world.users.sales, "Spring A"], [world.users.adminA, "Spring B"], [world.users.operator, "Spring C"]] as const) {
      signInAs(who);
      expect(await edit(id, name, `changed by ${who}`)).toMatchObject({ ok: true });
    }
    const order = await db.sandbox.findUniqueOrThrow({ where: { id } });
    expect(order).toMatchObject({ name: "Spring C", note: `changed by ${world.users.operator}`, planCounts: { ...plans, complete: 1 } });
    expect(await db.auditEvent.count({ where: { action: "sandbox.order.edited", targetId: id } })).toBe(3);
  });

  it("tells the other side what was changed, as a cancellation is told, and nobody of a change that changed nothing", async () => {
    const id = await file("Tell me");
    const toldOf = (userId: string) => db.notification.findMany({ where: { userId, message: { contains: '"Tell me 2" was changed' } }, select: { message: true, link: true } });
    signInAs(world.users.adminA);
    expect(await editOrderAction({ sandboxId: id, name: "Tell me 2", planCounts: { ...plans, complete: 1 }, note: "Two lines\nof note" })).toMatchObject({ ok: true });
    expect(await toldOf(world.users.sales)).toEqual([{ message: 'The order for the sandbox "Tell me 2" was changed', link: `/orders/${id}` }]);
    expect(await toldOf(world.users.adminA)).toEqual([]);
    const mailTo = async (address: string) => (await listOutbox(1_000)).find((m) => m.to.includes(address) && m.subject.includes('"Tell me 2" was changed'));
    await expect.poll(() => mailTo("sales@portal.example")).toBeDefined();
    const mail = (await mailTo("sales@portal.example"))!;
    for (const fact of ["admin changed the order", "Named before: Tell me", "2 Sales Premium, 1 Complete", "Plans before: 2 Sales Premium", "Two lines\nof note", "For the spring training"]) {
      expect(mail.text).toContain(fact);
    }
    // The filer changes it back: the customer's admins hear of it.
    signInAs(world.users.sales);
    expect(await editOrderAction({ sandboxId: id, name: "Tell me 2", planCounts: plans, note: "Two lines\nof note" })).toMatchObject({ ok: true });
    expect(await toldOf(world.users.adminA)).toHaveLength(1);
    expect(await toldOf(world.users.sales)).toHaveLength(1);
    // Saved as it was: nothing to tell.
    signInAs(world.users.operator);
    expect(await editOrderAction({ sandboxId: id, name: "Tell me 2", planCounts: plans, note: "Two lines\nof note" })).toMatchObject({ ok: true });
    expect(await toldOf(world.users.adminA)).toHaveLength(1);
    expect(await toldOf(world.users.sales)).toHaveLength(1);
  });

  it("changes an order at most 20 times a day: each change mailed the other side, and a change in a loop flooded their mailboxes", async () => {
    const id = await file("Loop");
    const toldOf = () => db.notification.count({ where: { userId: world.users.sales, link: `/orders/${id}` } });
    signInAs(world.users.adminA);
    for (let i = 0; i < MAX_ORDER_CHANGES_PER_DAY; i++) expect(await edit(id, "Loop", `change ${i}`)).toMatchObject({ ok: true });
    expect(await toldOf()).toBe(MAX_ORDER_CHANGES_PER_DAY);
    const refused = await edit(id, "Loop", "one more");
    expect(refused).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(refused.ok ? "" : refused.message).toBe(`This order has been changed ${MAX_ORDER_CHANGES_PER_DAY} times in the last day, the most a day allows: change it again tomorrow, or cancel it and order again.`);
    expect(await toldOf()).toBe(MAX_ORDER_CHANGES_PER_DAY);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id } })).note).toBe(`change ${MAX_ORDER_CHANGES_PER_DAY - 1}`);
    // Another order's changes are its own; a day later, this one may be changed again.
    const other = await file("Loop other");
    signInAs(world.users.adminA);
    expect(await edit(other, "Loop other", "mine")).toMatchObject({ ok: true });
    await db.auditEvent.updateMany({ where: { targetId: id, action: "sandbox.order.edited" }, data: { createdAt: new Date(Date.now() - 25 * 3_600_000) } });
    expect(await edit(id, "Loop", "the next day")).toMatchObject({ ok: true });
    // A cancellation is never refused.
    expect(await cancelOrderAction({ sandboxId: other })).toMatchObject({ ok: true });
  });

  it("no longer lets a filer who may no longer order change or cancel what they filed", async () => {
    signInAs(world.users.adminA);
    const filed = await createOrderAction({ name: "Demoted", planCounts: plans, note: "", kind: "full", acknowledgeDeadEnd: true, acknowledgeNotBackup: true });
    if (!filed.ok) throw new Error(filed.message);
    // Made a customer user: the agreement's limits count only admins' orders, so raising its plans must not pass.
    await db.user.update({ where: { id: world.users.adminA }, data: { role: "CUSTOMER_USER" } });
    try {
      expect(await edit(filed.data.sandboxId, "Demoted 2")).toMatchObject({ ok: false, code: "NOT_FOUND" });
      expect(await cancelOrderAction({ sandboxId: filed.data.sandboxId })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    } finally {
      await db.user.update({ where: { id: world.users.adminA }, data: { role: "CUSTOMER_ADMIN" } });
    }
    expect(await edit(filed.data.sandboxId, "Demoted 2")).toMatchObject({ ok: true });
  });

  it("refuses a name another live sandbox of the customer has", async () => {
    await file("Taken");
    const id = await file("Other");
    signInAs(world.users.adminA);
    expect(await edit(id, "TAKEN")).toMatchObject({ ok: false, fieldErrors: { name: [expect.stringContaining("already exists")] } });
  });

  it("cancels, audited, tells the other side, frees the name, and refuses once the setup is confirmed", async () => {
    const id = await file("Cancel me");
    signInAs(world.users.adminA);
    expect(await cancelOrderAction({ sandboxId: id, reason: "We ordered twice." })).toMatchObject({ ok: true });
    expect(await db.sandbox.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "CANCELLED", deletedAt: expect.any(Date) });
    expect(await db.auditEvent.findFirst({ where: { action: "sandbox.order.cancelled", targetId: id } })).toMatchObject({ details: { reason: "We ordered twice." } });
    const told = await db.notification.findMany({ where: { message: { contains: "Cancel me" }, user: { id: world.users.sales } } });
    expect(told).toHaveLength(1);
    expect(await db.notification.count({ where: { message: { contains: "was cancelled" }, userId: world.users.adminA } })).toBe(0);
    expect(await cancelOrderAction({ sandboxId: id })).toMatchObject({ ok: false, code: "CONFLICT" });
    await file("Cancel me");

    const confirmed = await file("Confirmed");
    await db.sandbox.update({ where: { id: confirmed }, data: { confirmedAt: new Date(), status: "QUEUED" } });
    signInAs(world.users.operator);
    expect(await edit(confirmed, "Confirmed 2")).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await cancelOrderAction({ sandboxId: confirmed })).toMatchObject({ ok: false, code: "CONFLICT" });
  });

  it("takes the customer's row before the order's, as offboarding does, so the two never deadlock", async () => {
    const id = await file("Lock order");
    const { tenantId } = await db.sandbox.findUniqueOrThrow({ where: { id }, select: { tenantId: true } });
    // Another transaction holds the customer's row, as an offboarding does before it ends the customer's orders.
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = () => undefined as void;
    const taken = new Promise<void>((resolve) => (holding = resolve));
    const holder = db.$transaction(async (tx) => {
      await lockTenant(tx, tenantId);
      holding();
      await held;
    });
    await taken;
    signInAs(world.users.adminA);
    const editing = edit(id, "Lock order 2");
    // The edit waits for the customer's row, holding nothing: the order's row is free meanwhile.
    await expect.poll(async () => Number((await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%"Tenant"%FOR NO KEY UPDATE%'`)[0]!.n)).toBe(1);
    const orderFree = await db.$transaction(async (tx) => (await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Sandbox" WHERE id = ${id} FOR UPDATE SKIP LOCKED`).length === 1);
    release();
    await holder;
    expect(orderFree).toBe(true);
    expect(await editing).toMatchObject({ ok: true });
  });

  it("is either cancelled or deleted, never both, when the API deletes it as a page cancels it", async () => {
    const admin = (await loadActor(world.users.adminA))!;
    const deleting = await file("Deleted first");
    await startDelete(admin, deleting, "Deleted first");
    // Cancelled with its deletion waiting, the order would end DELETED, announced as a deleted sandbox.
    await expect(cancelOrder(admin, deleting, "")).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: deleting } })).toMatchObject({ status: "AWAITING_SETUP", deletedAt: null });
    for (let round = 0; round < 5; round++) {
      const name = `Racing ${round}`;
      const id = await file(name);
      const outcomes = await Promise.allSettled([startDelete(admin, id, name), cancelOrder(admin, id, "")]);
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      const order = await db.sandbox.findUniqueOrThrow({ where: { id }, select: { status: true, runs: { select: { status: true } } } });
      if (order.status === "CANCELLED") expect(order.runs).toEqual([]);
      else expect(order.runs).toEqual([{ status: "QUEUED" }]);
    }
  });
});
