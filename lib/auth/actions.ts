"use server";

import { recordAudit } from "../audit/record";
import { getActor } from "./actor";
import { endAllSessions } from "./sessions";

/** Ends every session of the signed-in user, on every device, audited; the browser then signs out too. */
export async function signOutEverywhereAction(): Promise<void> {
  const actor = await getActor();
  if (!actor) return;
  await endAllSessions(actor.id);
  await recordAudit({ action: "account.signedOutEverywhere", actorId: actor.id, tenantId: actor.tenantId, targetId: actor.id });
}
