"use server";

/**
 * What a person does before they can sign in: ask for a link to set a new password, and set
 * it with the link (password-reset.ts). No session is asked for; each is bounded by its own
 * throttle (per client address) or by the link's token.
 */
import { headers } from "next/headers";
import { publicAction } from "../actions/safe-action";
import { forwardedClientAddress } from "../http/client-address";
import { requestPasswordReset, resetPassword } from "./password-reset";
import { requestPasswordResetSchema, resetPasswordSchema } from "./schema";

/** Queues a link for the address; the same answer whether it has an account. */
export const requestPasswordResetAction = publicAction({ name: "password-reset-request", schema: requestPasswordResetSchema }, async (input) => {
  await requestPasswordReset(input.email, forwardedClientAddress((await headers()).get("x-forwarded-for")));
  return { queued: true as const };
});

/** Sets the new password with the link's token; every session of the account ends. */
export const resetPasswordAction = publicAction({ name: "password-reset", schema: resetPasswordSchema }, async (input) => {
  return { outcome: await resetPassword(input) };
});
