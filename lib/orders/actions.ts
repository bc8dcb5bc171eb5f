"use server";

import { revalidatePath } from "next/cache";
import { protectedAction } from "../actions/safe-action";
import { canActOnTenant } from "../auth/policy";
import { AppError } from "../errors";
import { orderForCustomer, orderForOwnTenant } from "./place";
import { getThroughput } from "../sandboxes/queries";
import { getProductionFootprint } from "../tenants/production";
import { isOrderableCustomer } from "./queries";
import { cancelOrder, editOrder } from "./changes";
import { cancelOrderSchema, editOrderSchema, orderForCustomerSchema, orderSchema, productionEstimateSchema } from "./schema";

function revalidateOrders(): void {
  revalidatePath("/sandboxes");
  revalidatePath("/orders");
}

/** A customer admin orders for their own tenant; the wizard comes next. */
export const createOrderAction = protectedAction({ permission: "sandbox.order", schema: orderSchema }, async ({ actor, input }) => {
  const result = await orderForOwnTenant(actor, input);
  revalidateOrders();
  return result;
});

/** A sales rep files an order for a customer; the customer's admins are asked to run the wizard. */
export const createOrderForCustomerAction = protectedAction(
  { permission: "sandbox.orderForCustomer", schema: orderForCustomerSchema },
  async ({ actor, input }) => {
    const result = await orderForCustomer(actor, input);
    revalidateOrders();
    return result;
  },
);

/** Production size and estimated copy time, for whoever may order for that tenant. */
export const getProductionEstimateAction = protectedAction(
  { permission: "sandbox.view", schema: productionEstimateSchema },
  async ({ actor, input }) => {
    const allowed =
      canActOnTenant(actor, "sandbox.order", input.tenantId) || canActOnTenant(actor, "sandbox.orderForCustomer", input.tenantId);
    if (!allowed) throw new AppError("FORBIDDEN");
    if (!(await isOrderableCustomer(input.tenantId))) throw new AppError("NOT_FOUND");
    const [footprint, throughput] = await Promise.all([getProductionFootprint(input.tenantId), getThroughput(input.tenantId)]);
    return { footprint, throughput };
  },
);

// Changing an order: who may is decided per order (filer, the tenant's admins, operators) in lib/orders/changes.ts.

/** Changes an open order's name, plans or note. */
export const editOrderAction = protectedAction({ permission: "sandbox.view", schema: editOrderSchema }, async ({ actor, input }) => {
  await editOrder(actor, input);
  revalidateOrders();
  revalidatePath(`/orders/${input.sandboxId}`);
  return { sandboxId: input.sandboxId };
});

/** Cancels an open order; the other side is told. */
export const cancelOrderAction = protectedAction({ permission: "sandbox.view", schema: cancelOrderSchema }, async ({ actor, input }) => {
  await cancelOrder(actor, input.sandboxId, input.reason);
  revalidateOrders();
  return { cancelled: true };
});
