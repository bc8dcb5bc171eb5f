/**
 * A person turns on two-factor sign-in for their own account, from their account
 * page (an operator's `user:2fa` does it for anyone). The portal offers a secret and
 * keeps nothing until the person shows both that their app holds it (a valid code)
 * and that the account is theirs (its current password, current-password.ts): a
 * session left open cannot be used to put someone else's phone between the owner and
 * their account. Then, as an operator's set-up does, every session of the account
 * ends, and the recovery codes are shown once. Replacing or removing a second factor
 * stays with operators: a lost phone is a person to check, not a form.
 */
import type { z } from "zod";
import { recordAudit } from "../audit/record";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { assertCurrentPassword } from "./current-password";
import type { Actor } from "./policy";
import type { twoFactorSetupSchema } from "./schema";
import { acceptedTimeStep, newTotpSecret, totpUri } from "./totp";
import { enrolTwoFactor } from "./two-factor";

const ALREADY_ON = "Two-factor sign-in is already on for your account. To replace it (a new phone, lost recovery codes), ask an operator.";

async function assertNotEnrolled(actor: Actor): Promise<void> {
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { totpSecretEncrypted: true } });
  if (user?.totpSecretEncrypted) throw new AppError("CONFLICT", ALREADY_ON);
}

/** A fresh secret for the person's app, and the link that adds it: nothing is stored. */
export async function offerTwoFactorSecret(actor: Actor): Promise<{ secret: string; uri: string }> {
  await assertNotEnrolled(actor);
  const secret = newTotpSecret();
  return { secret, uri: totpUri(secret, actor.email) };
}

/** Turns two-factor on with the offered secret once its code and the current password check out; the recovery codes, shown once. */
export async function confirmTwoFactorSetup(actor: Actor, input: z.output<typeof twoFactorSetupSchema>, clientAddress: string | undefined): Promise<{ recoveryCodes: string[] }> {
  await assertNotEnrolled(actor);
  await assertCurrentPassword(actor, input.currentPassword, clientAddress);
  const step = await acceptedTimeStep(input.secret, input.code, null);
  if (step === null) {
    throw new AppError("INVALID_INPUT", undefined, { code: ["That code is not the one your app shows now. Check that the app has the key above, and type its current code."] });
  }
  const { recoveryCodes } = await enrolTwoFactor(actor, input.secret);
  // The code typed here is spent: it cannot also sign in.
  await db.user.update({ where: { id: actor.id }, data: { totpLastTimeStep: step } });
  await recordAudit({ action: "account.twoFactorSetUp", actorId: actor.id, tenantId: actor.tenantId, targetId: actor.id, details: { via: "account page", email: actor.email } });
  return { recoveryCodes };
}
