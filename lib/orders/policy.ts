/**
 * Who may change an order before its setup is confirmed: the one who filed it,
 * the tenant's admins, and operators. Pure, so pages and actions share it.
 */
import { canActOnTenant, hasPermission, type Actor } from "../auth/policy";

export interface OrderParties {
  tenantId: string;
  orderedById: string;
}

export function canManageOrder(actor: Pick<Actor, "id" | "role" | "tenantId">, order: OrderParties): boolean {
  if (actor.role === "OPERATOR") return true;
  // The filer, while they may still file it: a filer made a customer user, or moved to
  // another customer, may not (the agreement's limits count only admins' orders).
  if (actor.id === order.orderedById && (hasPermission(actor, "sandbox.orderForCustomer") || canActOnTenant(actor, "sandbox.order", order.tenantId))) return true;
  return actor.role === "CUSTOMER_ADMIN" && actor.tenantId === order.tenantId;
}

/** An order is open while it waits for its setup: nothing has been copied or confirmed. */
export function isOpenOrder(order: { status: string; confirmedAt: Date | null }): boolean {
  return order.status === "AWAITING_SETUP" && order.confirmedAt === null;
}
