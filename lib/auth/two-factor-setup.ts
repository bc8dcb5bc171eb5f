/**
 * A person turns on two-factor sign-in for their own account, from their account
 * page (an operator's `user:2fa` does it for anyone). The portal offers a secret,
 * sealed with the account and an expiry (two-factor-offer.ts: only an offer made to
 * this account, in the last 15 minutes, is taken), and stores nothing until the
 * person shows both that their app holds it (a valid code) and that the account is
 * theirs (its current password, current-password.ts): a session left open cannot be
 * used to put someone else's phone between the owner and their account. Then, in one
 * transaction, the secret is set (only if none was, and only over the password just
 * checked), the code typed is spent, the recovery codes are replaced, every session
 * ends and it is audited; the recovery codes are shown once. Once it is on, the person
 * manages it with two-factor-manage.ts; an operator's `user:2fa` still can for anyone.
 */
import type { z } from "zod";
import { recordAudit } from "../audit/record";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { sealSecret } from "../secrets/secret-box";
import { noticeAccountChange } from "./account-notice";
import { assertCurrentPassword } from "./current-password";
import type { Actor } from "./policy";
import { newRecoveryCodes } from "./recovery-codes";
import { endAllSessions } from "./sessions";
import type { twoFactorSetupSchema } from "./schema";
import { replaceRecoveryCodes } from "./two-factor";
import { makeOffer, offeredCodeStep, offeredSecret } from "./two-factor-offer";

const ALREADY_ON = "Two-factor sign-in is already on for your account. To replace it (a new phone) or get new recovery codes, use the choices on this page.";

async function assertNotEnrolled(actor: Actor): Promise<void> {
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { totpSecretEncrypted: true } });
  if (user?.totpSecretEncrypted) throw new AppError("CONFLICT", ALREADY_ON);
}

/** A fresh secret for the person's app, the link that adds it, and the sealed offer the page hands back: nothing is stored. */
export async function offerTwoFactorSecret(actor: Actor, now = Date.now()): Promise<{ secret: string; uri: string; offer: string }> {
  await assertNotEnrolled(actor);
  return makeOffer(actor, now);
}

/** Turns two-factor on with the offered secret once its code and the current password check out; the recovery codes, shown once. */
export async function confirmTwoFactorSetup(
  actor: Actor,
  input: z.output<typeof twoFactorSetupSchema>,
  clientAddress: string | undefined,
  now = Date.now(),
): Promise<{ recoveryCodes: string[] }> {
  const secret = offeredSecret(actor, input.offer, now);
  await assertNotEnrolled(actor);
  const checkedPassword = await assertCurrentPassword(actor, input.currentPassword, clientAddress);
  const step = await offeredCodeStep(secret, input.code);
  const recoveryCodes = newRecoveryCodes();
  await db.$transaction(async (tx) => {
    // Only if none was set meanwhile (another tab, an operator's user:2fa) and the password is still the one checked.
    const { count } = await tx.user.updateMany({
      where: { id: actor.id, totpSecretEncrypted: null, passwordHash: checkedPassword },
      // The code typed here is spent: it cannot also sign in.
      data: { totpSecretEncrypted: sealSecret(secret), totpLastTimeStep: step },
    });
    if (count !== 1) throw new AppError("CONFLICT", ALREADY_ON);
    for (const write of replaceRecoveryCodes(actor.id, recoveryCodes, tx)) await write;
    await endAllSessions(actor.id, tx);
    await recordAudit({ action: "account.twoFactorSetUp", actorId: actor.id, tenantId: actor.tenantId, targetId: actor.id, details: { via: "account page", email: actor.email } }, tx);
  });
  void noticeAccountChange(actor, "twoFactorOn");
  return { recoveryCodes };
}
