/**
 * Orders are living things until their setup is confirmed: the one who filed
 * one, the tenant's admins and operators may change its name, plans and note, or
 * cancel it. Each change is audited in the same transaction, and re-checks that
 * the order is still open under a row lock (a confirmation may have won the race).
 */
import "server-only";
import { lockTenant } from "../db/tenant-lock";
import { db } from "../db/portal";
import type { Actor } from "../auth/policy";
import { recordAudit } from "../audit/record";
import { AppError } from "../errors";
import type { Prisma } from "../generated/portal/client";
import { notifyOrderCancelled, notifyOrderEdited } from "./notices";
import { assertWithinEntitlements } from "../tenants/entitlements";
import { canManageOrder, isOpenOrder } from "./policy";
import { isSandboxNameTaken, sandboxNameKey, sandboxNameTaken } from "./queries";
import type { PlanCounts } from "./schema";
import { FORGET_PSEUDONYMS } from "../sandboxes/pseudonym-secret";
import { ACTIVE_RUN_STATUSES } from "../jobs/lifecycle";

const NOT_OPEN = "This order's setup has already been confirmed (or the order was cancelled), so it can no longer be changed.";
const BEING_DELETED = "This order is being deleted, so it can no longer be changed or cancelled.";

/**
 * Changes of one order in a day, at most. Each change is audited and told to the other side
 * (the filer and the customer's admins, in the portal and by mail): a change made in a loop,
 * by hand or by a script, filled their mailboxes and the notices without end.
 */
export const MAX_ORDER_CHANGES_PER_DAY = 20;

/** The order if the actor may manage it; another tenant's order is simply not found. */
export async function getManagedOrder(actor: Actor, sandboxId: string) {
  const order = await db.sandbox.findUnique({
    where: { id: sandboxId },
    select: {
      id: true,
      tenantId: true,
      name: true,
      note: true,
      status: true,
      confirmedAt: true,
      planCounts: true,
      orderedById: true,
      orderedOnBehalf: true,
      orderedKind: true,
      createdAt: true,
      orderedBy: { select: { name: true } },
      tenant: { select: { companyName: true, customerId: true } },
    },
  });
  if (!order || !canManageOrder(actor, order)) return null;
  return order;
}

async function lockOpenOrder(tx: Prisma.TransactionClient, actor: Actor, sandboxId: string) {
  await tx.$queryRaw`SELECT id FROM "Sandbox" WHERE id = ${sandboxId} FOR UPDATE`;
  const order = await tx.sandbox.findUnique({
    where: { id: sandboxId },
    select: { id: true, tenantId: true, orderedById: true, name: true, note: true, planCounts: true, status: true, confirmedAt: true },
  });
  if (!order || !canManageOrder(actor, order)) throw new AppError("NOT_FOUND");
  if (!isOpenOrder(order)) throw new AppError("CONFLICT", NOT_OPEN);
  // A deletion asked for it (the API deletes an order too) holds the same lock: cancelled under
  // it, the order would end DELETED once the deletion ran, and be announced as a deleted sandbox.
  if (await tx.sandboxRun.count({ where: { sandboxId, status: { in: [...ACTIVE_RUN_STATUSES] } } })) throw new AppError("CONFLICT", BEING_DELETED);
  return order;
}

/** Changes an open order, audited; the other side is told what changed, as of a cancellation. */
export async function editOrder(actor: Actor, change: { sandboxId: string; name: string; planCounts: PlanCounts; note: string }): Promise<void> {
  let before: Awaited<ReturnType<typeof lockOpenOrder>>;
  try {
    before = await db.$transaction(async (tx) => {
      // The customer's row before the order's, as the agreement's check and offboarding take them:
      // the order's first, then the customer's, against an offboarding's the other way round, was a deadlock.
      const owner = await tx.sandbox.findUnique({ where: { id: change.sandboxId }, select: { tenantId: true } });
      if (owner) await lockTenant(tx, owner.tenantId);
      const before = await lockOpenOrder(tx, actor, change.sandboxId);
      // Counted under the order's lock, so changes at once cannot pass the bound together.
      const changedToday = await tx.auditEvent.count({
        where: { targetId: before.id, action: "sandbox.order.edited", createdAt: { gt: new Date(Date.now() - 86_400_000) } },
      });
      if (changedToday >= MAX_ORDER_CHANGES_PER_DAY) {
        throw new AppError(
          "CONFLICT",
          `This order has been changed ${MAX_ORDER_CHANGES_PER_DAY} times in the last day, the most a day allows: change it again tomorrow, or cancel it and order again.`,
        );
      }
      if (sandboxNameKey(change.name) !== sandboxNameKey(before.name) && (await isSandboxNameTaken(before.tenantId, change.name, tx))) {
        throw sandboxNameTaken();
      }
      await assertWithinEntitlements(tx, actor, before.tenantId, change.planCounts, before.planCounts as PlanCounts);
      await tx.sandbox.update({ where: { id: before.id }, data: { name: change.name, planCounts: change.planCounts, note: change.note || null } });
      await recordAudit(
        {
          action: "sandbox.order.edited",
          actorId: actor.id,
          tenantId: before.tenantId,
          targetId: before.id,
          details: {
            from: { name: before.name, planCounts: before.planCounts as Prisma.InputJsonValue, note: before.note },
            to: { name: change.name, planCounts: change.planCounts, note: change.note || null },
          },
        },
        tx,
      );
      return before;
    });
  } catch (error) {
    // Two live sandboxes racing for one name: the partial unique index decides.
    if ((error as { code?: string }).code === "P2002") throw sandboxNameTaken();
    throw error;
  }
  await notifyOrderEdited(before.id, actor, { name: before.name, planCounts: before.planCounts as PlanCounts, note: before.note });
}

/** Cancels an open order: it leaves the lists and frees its name; the other side is told. */
export async function cancelOrder(actor: Actor, sandboxId: string, reason: string): Promise<void> {
  const order = await db.$transaction(async (tx) => {
    const open = await lockOpenOrder(tx, actor, sandboxId);
    await tx.sandbox.update({ where: { id: open.id }, data: { status: "CANCELLED", deletedAt: new Date(), ...FORGET_PSEUDONYMS } });
    await recordAudit(
      { action: "sandbox.order.cancelled", actorId: actor.id, tenantId: open.tenantId, targetId: open.id, details: { name: open.name, reason: reason || null } },
      tx,
    );
    return open;
  });
  await notifyOrderCancelled(order.id, actor, reason || null);
}
