"use server";

import { revalidatePath } from "next/cache";
import { protectedAction } from "../actions/safe-action";
import { createEndpoint, deleteEndpoint, replayDelivery } from "./mutations";
import { deliveryIdSchema, endpointIdSchema, newEndpointSchema } from "./schema";

const WEBHOOKS_PAGE = "/webhooks";

/** A customer admin registers an endpoint for their tenant; its signing secret is returned this once. */
export const createEndpointAction = protectedAction({ permission: "webhooks.manage", schema: newEndpointSchema, writes: true }, async ({ actor, input }) => {
  const { secret } = await createEndpoint(actor, input);
  revalidatePath(WEBHOOKS_PAGE);
  return { url: input.url, secret };
});

export const deleteEndpointAction = protectedAction({ permission: "webhooks.manage", schema: endpointIdSchema, writes: true }, async ({ actor, input }) => {
  const deleted = await deleteEndpoint(actor, input.id);
  revalidatePath(WEBHOOKS_PAGE);
  return deleted;
});

export const replayDeliveryAction = protectedAction({ permission: "webhooks.manage", schema: deliveryIdSchema, writes: true }, async ({ actor, input }) => {
  const replayed = await replayDelivery(actor, input.id);
  revalidatePath(WEBHOOKS_PAGE);
  return replayed;
});
