/**
 * Placing an order, the one way for the order page's actions and the public API:
 * a customer admin for their own tenant, or staff on a customer's behalf (the
 * customer's admins are then asked to run the setup). The role and tenant are
 * checked here, whoever calls.
 */
import { assertTenantAccess } from "../auth/actor";
import type { Actor } from "../auth/policy";
import { AppError } from "../errors";
import { createOrder } from "./mutations";
import { notifyOrderFiled } from "./notices";
import { isOrderableCustomer } from "./queries";
import type { orderForCustomerSchema, orderSchema } from "./schema";
import type { z } from "zod";

export async function orderForOwnTenant(actor: Actor, order: z.output<typeof orderSchema>): Promise<{ sandboxId: string }> {
  if (!actor.tenantId) throw new AppError("FORBIDDEN");
  assertTenantAccess(actor, "sandbox.order", actor.tenantId);
  return createOrder(actor, { ...order, tenantId: actor.tenantId, onBehalf: false });
}

export async function orderForCustomer(actor: Actor, input: z.output<typeof orderForCustomerSchema>): Promise<{ sandboxId: string }> {
  assertTenantAccess(actor, "sandbox.orderForCustomer", input.tenantId);
  const { tenantId, ...order } = input;
  if (!(await isOrderableCustomer(tenantId))) throw new AppError("INVALID_INPUT", undefined, { tenantId: ["Choose a customer from the list."] });
  const result = await createOrder(actor, { ...order, tenantId, onBehalf: true });
  await notifyOrderFiled(result.sandboxId, actor.name);
  return result;
}
