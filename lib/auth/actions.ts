"use server";

import { headers } from "next/headers";
import { protectedAction } from "../actions/safe-action";
import { recordAudit } from "../audit/record";
import { forwardedClientAddress } from "../http/client-address";
import { getActor } from "./actor";
import { changeOwnPassword } from "./password-change";
import { changePasswordSchema, currentSecondFactorSchema, replaceTwoFactorSchema, twoFactorSetupSchema } from "./schema";
import { offerReplacementSecret, renewRecoveryCodes, replaceTwoFactor, turnOffTwoFactor } from "./two-factor-manage";
import { confirmTwoFactorSetup, offerTwoFactorSecret } from "./two-factor-setup";
import { z } from "zod";
import { endAllSessions } from "./sessions";
import { setMailNotices } from "../notifications/mail-preference";

/** Ends every session of the signed-in user, on every device, audited; the browser then signs out too. */
export async function signOutEverywhereAction(): Promise<void> {
  const actor = await getActor();
  if (!actor) return;
  await endAllSessions(actor.id);
  await recordAudit({ action: "account.signedOutEverywhere", actorId: actor.id, tenantId: actor.tenantId, targetId: actor.id });
}

/** The client's address, for the throttle a current password is checked under (current-password.ts). */
const clientAddress = async () => forwardedClientAddress((await headers()).get("x-forwarded-for"));

/** The signed-in person's own password, changed with the current one: every session ends, this one too (password-change.ts). */
export const changePasswordAction = protectedAction({ permission: "account.manage", schema: changePasswordSchema }, async ({ actor, input }) => {
  await changeOwnPassword(actor, input, await clientAddress());
  return { signedOut: true as const };
});

/** A secret for the person's authenticator app; nothing is stored until it is confirmed (two-factor-setup.ts). */
export const offerTwoFactorSecretAction = protectedAction({ permission: "account.manage", schema: z.object({}) }, ({ actor }) => offerTwoFactorSecret(actor));

/** Turns two-factor sign-in on with the offered secret: with a code from the app and the current password; every session ends. */
export const confirmTwoFactorSetupAction = protectedAction({ permission: "account.manage", schema: twoFactorSetupSchema }, async ({ actor, input }) =>
  confirmTwoFactorSetup(actor, input, await clientAddress()),
);

/** New recovery codes, shown once, with the current password and second factor (two-factor-manage.ts). */
export const renewRecoveryCodesAction = protectedAction({ permission: "account.manage", schema: currentSecondFactorSchema }, async ({ actor, input }) =>
  renewRecoveryCodes(actor, input, await clientAddress()),
);

/** A key for a new phone's app; nothing is stored until it is confirmed. */
export const offerReplacementSecretAction = protectedAction({ permission: "account.manage", schema: z.object({}) }, ({ actor }) => offerReplacementSecret(actor));

/** Moves two-factor sign-in to the offered key: the new app's code, the current password and second factor; every session ends. */
export const replaceTwoFactorAction = protectedAction({ permission: "account.manage", schema: replaceTwoFactorSchema }, async ({ actor, input }) =>
  replaceTwoFactor(actor, input, await clientAddress()),
);

/** Turns a customer's own two-factor sign-in off, with the current password and second factor. */
export const turnOffTwoFactorAction = protectedAction({ permission: "account.manage", schema: currentSecondFactorSchema }, async ({ actor, input }) => {
  await turnOffTwoFactor(actor, input, await clientAddress());
  return { off: true as const };
});

/** Whether the person's notices are also mailed to them (lib/notifications/mail-preference.ts). */
export const setMailNoticesAction = protectedAction({ permission: "account.manage", schema: z.object({ mailNotices: z.boolean() }), writes: true }, ({ actor, input }) =>
  setMailNotices(actor, input.mailNotices),
);
