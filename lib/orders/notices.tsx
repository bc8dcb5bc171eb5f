/**
 * Telling the other side about an order: the tenant's admins when someone files
 * one for them, and everyone involved but the one who did it when it is changed
 * (its name, plans or note) or cancelled.
 * Best effort: the order or its cancellation stands whether or not the notice
 * goes out. The person filing or cancelling waits for the portal's notices only, never
 * for the mail server (notify.ts).
 */
import "server-only";
import { db } from "../db/portal";
import { notifyUsers, tenantAdminIds } from "../notifications/notify";
import {
  OrderCancelledMail,
  OrderChangedMail,
  OrderFiledMail,
  orderCancelledSubject,
  orderChangedSubject,
  orderFiledSubject,
  type OrderFacts,
} from "../emails/order-mails";
import type { PlanCounts } from "./schema";
import { describePlanCounts } from "../sanitizer/options";
import { log } from "../observability/log";
import { canManageOrder } from "./policy";

async function orderFacts(sandboxId: string): Promise<OrderFacts & { tenantId: string; orderedById: string }> {
  const order = await db.sandbox.findUniqueOrThrow({
    where: { id: sandboxId },
    select: { id: true, name: true, note: true, planCounts: true, tenantId: true, orderedById: true, tenant: { select: { companyName: true, customerId: true } } },
  });
  return {
    sandboxId: order.id,
    sandboxName: order.name,
    companyName: order.tenant.companyName,
    customerId: order.tenant.customerId,
    plans: describePlanCounts(order.planCounts),
    note: order.note,
    tenantId: order.tenantId,
    orderedById: order.orderedById,
  };
}

export async function notifyOrderFiled(sandboxId: string, byName: string): Promise<void> {
  try {
    const order = await orderFacts(sandboxId);
    await notifyUsers(await tenantAdminIds(order.tenantId), {
      subject: orderFiledSubject(order.sandboxName),
      link: `/sandboxes/${sandboxId}/setup`,
      mail: <OrderFiledMail order={order} by={byName} />,
    }, { mailsInBackground: true });
  } catch (error) {
    log.error(error, "order notification failed");
  }
}

/**
 * The filer, while they may still manage the order (policy.ts): one an operator moved to
 * another customer, or made a customer user, may no longer open it, and must not go on
 * reading its name, plans, note and cancel reason in notices and mails.
 */
async function filerWhoMayManage(order: { tenantId: string; orderedById: string }): Promise<string[]> {
  const filer = await db.user.findUnique({ where: { id: order.orderedById }, select: { id: true, role: true, tenantId: true } });
  return filer && canManageOrder(filer, order) ? [filer.id] : [];
}

/** What an order was before a change, as the audit keeps it. */
export interface OrderBeforeChange {
  name: string;
  planCounts: PlanCounts;
  note: string | null;
}

/** After a change: the filer and the tenant's admins, but the one who changed it; nobody when nothing changed. */
export async function notifyOrderEdited(sandboxId: string, editor: { id: string; name: string }, before: OrderBeforeChange): Promise<void> {
  try {
    const order = await orderFacts(sandboxId);
    const was = { sandboxName: before.name, plans: describePlanCounts(before.planCounts), note: before.note };
    if (was.sandboxName === order.sandboxName && was.note === order.note && was.plans.join() === order.plans.join()) return;
    const otherSide = [...(await filerWhoMayManage(order)), ...(await tenantAdminIds(order.tenantId))].filter((id) => id !== editor.id);
    await notifyUsers(otherSide, {
      subject: orderChangedSubject(order.sandboxName),
      link: `/orders/${sandboxId}`,
      mail: <OrderChangedMail order={order} before={was} by={editor.name} />,
    }, { mailsInBackground: true });
  } catch (error) {
    log.error(error, "order change notice failed");
  }
}

export async function notifyOrderCancelled(sandboxId: string, canceller: { id: string; name: string }, reason: string | null): Promise<void> {
  try {
    const order = await orderFacts(sandboxId);
    const otherSide = [...(await filerWhoMayManage(order)), ...(await tenantAdminIds(order.tenantId))].filter((id) => id !== canceller.id);
    await notifyUsers(otherSide, {
      subject: orderCancelledSubject(order.sandboxName),
      link: "/orders",
      mail: <OrderCancelledMail order={order} by={canceller.name} reason={reason} />,
    }, { mailsInBackground: true });
  } catch (error) {
    log.error(error, "cancellation notice failed");
  }
}
