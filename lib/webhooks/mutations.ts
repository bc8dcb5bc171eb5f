/**
 * Registering, removing and replaying webhooks for the actor's tenant, each audited
 * in the same transaction (by address, never the secret). The signing secret is made
 * here, sealed at rest, and returned once.
 */
import "server-only";
import { lockTenant } from "../db/tenant-lock";
import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/policy";
import { db } from "../db/portal";
import { databaseNowAsLastRead } from "../db/database-clock";
import { AppError } from "../errors";
import { sealSecret } from "../secrets/secret-box";
import type { WebhookEvent } from "./events";
import { endpointScope } from "./queries";
import { newSigningSecret } from "./signing";
import { privateTargetProblem } from "./targets";
import { queueDueDeliveriesSoon } from "./deliver";

/** A tenant's endpoints: enough for every system it runs, few enough that events go out quickly. */
export const MAX_ENDPOINTS_PER_TENANT = 10;
/**
 * Replays of a tenant's waiting to be sent at once. A replay is one click per event; a
 * tenant replaying without end to a receiver that never answers would hold the
 * worker's senders, and every other tenant's events behind them.
 */
export const MAX_PENDING_REPLAYS_PER_TENANT = 10;

export interface NewEndpoint {
  url: string;
  description: string;
  events: WebhookEvent[];
}

export async function createEndpoint(actor: Actor, input: NewEndpoint): Promise<{ id: string; secret: string }> {
  const tenantId = actor.tenantId;
  if (!tenantId) throw new AppError("FORBIDDEN");
  const refused = privateTargetProblem(input.url);
  if (refused) throw new AppError("INVALID_INPUT", refused, { url: [refused] });
  const secret = newSigningSecret();
  const events = [...new Set(input.events)];
  const created = await db.$transaction(async (tx) => {
    // Counted under the tenant's row lock, so two admins at once cannot pass the limit.
    await lockTenant(tx, tenantId);
    if ((await tx.webhookEndpoint.count({ where: { tenantId } })) >= MAX_ENDPOINTS_PER_TENANT) {
      throw new AppError("CONFLICT", `A customer has at most ${MAX_ENDPOINTS_PER_TENANT} endpoints; remove one first.`);
    }
    const row = await tx.webhookEndpoint.create({
      data: { tenantId, url: input.url, description: input.description, events, secretEncrypted: sealSecret(secret), createdById: actor.id },
      select: { id: true },
    });
    await recordAudit({ action: "webhook.created", actorId: actor.id, tenantId, targetId: row.id, details: { url: input.url, events } }, tx);
    return row;
  });
  return { id: created.id, secret };
}

/** Removes an endpoint and its delivery log; events not yet sent to it are not sent. */
export async function deleteEndpoint(actor: Actor, id: string): Promise<{ url: string }> {
  return db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findFirst({ where: { id, ...endpointScope(actor) }, select: { url: true, tenantId: true } });
    if (!endpoint) throw new AppError("NOT_FOUND");
    await tx.webhookEndpoint.delete({ where: { id } });
    await recordAudit({ action: "webhook.deleted", actorId: actor.id, tenantId: endpoint.tenantId, targetId: id, details: { url: endpoint.url } }, tx);
    return { url: endpoint.url };
  });
}

/**
 * Sends a finished delivery's event again, as a new delivery with the same message
 * id (so a receiver that did process it can tell) and a fresh signature and timestamp.
 */
export async function replayDelivery(actor: Actor, id: string): Promise<{ deliveryId: string }> {
  const replay = await db.$transaction(async (tx) => {
    const original = await tx.webhookDelivery.findFirst({
      where: { id, endpoint: endpointScope(actor) },
      select: { id: true, endpointId: true, messageId: true, eventType: true, payload: true, status: true, endpoint: { select: { url: true, tenantId: true } } },
    });
    if (!original) throw new AppError("NOT_FOUND");
    if (original.status === "PENDING") throw new AppError("CONFLICT", "This event is still being delivered; it can be replayed once it has succeeded or failed.");
    const tenantId = original.endpoint.tenantId;
    // Counted under the tenant's row lock, so two replays at once cannot pass the limits.
    await lockTenant(tx, tenantId);
    const pending = { status: "PENDING" as const, replayOfId: { not: null }, endpoint: { tenantId } };
    if (await tx.webhookDelivery.count({ where: { ...pending, endpointId: original.endpointId, messageId: original.messageId } })) {
      throw new AppError("CONFLICT", "This event is already being sent again; its new delivery shows in the log.");
    }
    if ((await tx.webhookDelivery.count({ where: pending })) >= MAX_PENDING_REPLAYS_PER_TENANT) {
      throw new AppError("CONFLICT", `At most ${MAX_PENDING_REPLAYS_PER_TENANT} replayed events wait to be sent at once; replay more once those have been delivered or have failed.`);
    }
    const row = await tx.webhookDelivery.create({
      data: { endpointId: original.endpointId, messageId: original.messageId, eventType: original.eventType, payload: original.payload, nextAttemptAt: databaseNowAsLastRead(), replayOfId: original.id },
      select: { id: true },
    });
    await recordAudit(
      { action: "webhook.replayed", actorId: actor.id, tenantId: original.endpoint.tenantId, targetId: original.endpointId, details: { url: original.endpoint.url, event: original.eventType, messageId: original.messageId } },
      tx,
    );
    return row;
  });
  queueDueDeliveriesSoon();
  return { deliveryId: replay.id };
}
