"use server";

import { headers } from "next/headers";
import { protectedAction } from "../actions/safe-action";
import { recordAudit } from "../audit/record";
import { forwardedClientAddress } from "../http/client-address";
import { getActor } from "./actor";
import { changeOwnPassword } from "./password-change";
import { changePasswordSchema } from "./schema";
import { endAllSessions } from "./sessions";

/** Ends every session of the signed-in user, on every device, audited; the browser then signs out too. */
export async function signOutEverywhereAction(): Promise<void> {
  const actor = await getActor();
  if (!actor) return;
  await endAllSessions(actor.id);
  await recordAudit({ action: "account.signedOutEverywhere", actorId: actor.id, tenantId: actor.tenantId, targetId: actor.id });
}

/** The signed-in person's own password, changed with the current one: every session ends, this one too (password-change.ts). */
export const changePasswordAction = protectedAction({ permission: "account.manage", schema: changePasswordSchema }, async ({ actor, input }) => {
  await changeOwnPassword(actor, input, forwardedClientAddress((await headers()).get("x-forwarded-for")));
  return { signedOut: true as const };
});
