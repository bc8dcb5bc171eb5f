/** The Webhooks page's reads: a customer admin sees their own tenant's endpoints and deliveries. */
import "server-only";
import type { Actor } from "../auth/policy";
import { db } from "../db/portal";

/** Endpoints and deliveries belong to one tenant: the actor's. */
export const endpointScope = (actor: Actor) => ({ tenantId: actor.tenantId ?? "-" });

export async function listEndpoints(actor: Actor) {
  return db.webhookEndpoint.findMany({
    where: endpointScope(actor),
    orderBy: { createdAt: "desc" },
    select: { id: true, url: true, description: true, events: true, createdAt: true, createdBy: { select: { name: true } } },
  });
}

/** The newest deliveries of the tenant's endpoints: the delivery log. */
export async function listDeliveries(actor: Actor, take = 50) {
  return db.webhookDelivery.findMany({
    where: { endpoint: endpointScope(actor) },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      messageId: true,
      eventType: true,
      status: true,
      attempts: true,
      nextAttemptAt: true,
      lastAttemptAt: true,
      responseStatus: true,
      lastError: true,
      replayOfId: true,
      createdAt: true,
      endpoint: { select: { url: true } },
    },
  });
}
