/**
 * A person whose two-factor sign-in is on manages it from their account page:
 * - new recovery codes (the old ones used up, or seen by someone else);
 * - a new phone: a new key for the app, offered as at set-up (two-factor-offer.ts);
 * - turning it off (customers; staff must keep it).
 * Each asks for the current password and the current second factor: a code from the app
 * or an unused recovery code (current-second-factor.ts), so a lost phone is recovered by
 * its owner with the codes kept for it, and a session left open, or its password, is not
 * enough. Each change lands in one transaction, only while the account still signs in as
 * it was checked, is audited with what was shown, and is told to the account's address
 * (account-notice.ts). A new key ends every session, as at set-up: the sessions signed in
 * with the old phone must not outlive it.
 */
import type { z } from "zod";
import { recordAudit } from "../audit/record";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { sealSecret } from "../secrets/secret-box";
import { noticeAccountChange } from "./account-notice";
import { assertCurrentPassword } from "./current-password";
import { assertCurrentSecondFactor, changeSecondFactor, NOTHING_TO_CHANGE, type CheckedSignIn } from "./current-second-factor";
import { isStaff, type Actor } from "./policy";
import { newRecoveryCodes } from "./recovery-codes";
import type { currentSecondFactorSchema, replaceTwoFactorSchema } from "./schema";
import { endAllSessions } from "./sessions";
import { replaceRecoveryCodes } from "./two-factor";
import { makeOffer, offeredCodeStep, offeredSecret } from "./two-factor-offer";

type CurrentSignIn = z.output<typeof currentSecondFactorSchema>;

/** The password, then the second factor: each a throttled guess of its own. */
async function checkSignIn(actor: Actor, input: CurrentSignIn, clientAddress: string | undefined): Promise<CheckedSignIn> {
  const passwordHash = await assertCurrentPassword(actor, input.currentPassword, clientAddress);
  return { passwordHash, proof: await assertCurrentSecondFactor(actor, input.currentCode) };
}

const audited = (actor: Actor, checked: CheckedSignIn) => ({ actorId: actor.id, tenantId: actor.tenantId, targetId: actor.id, details: { email: actor.email, proof: checked.proof.kind } });

/** Ten new recovery codes, shown once; the old ones stop working. Sessions stay. */
export async function renewRecoveryCodes(actor: Actor, input: CurrentSignIn, clientAddress: string | undefined): Promise<{ recoveryCodes: string[] }> {
  const checked = await checkSignIn(actor, input, clientAddress);
  const recoveryCodes = newRecoveryCodes();
  await db.$transaction(async (tx) => {
    await changeSecondFactor(tx, actor.id, checked, {});
    for (const write of replaceRecoveryCodes(actor.id, recoveryCodes, tx)) await write;
    await recordAudit({ action: "account.recoveryCodesRenewed", ...audited(actor, checked) }, tx);
  });
  void noticeAccountChange(actor, "recoveryCodesRenewed");
  return { recoveryCodes };
}

/** A key for the new phone's app, with its link and sealed offer: nothing is stored until `replaceTwoFactor`. */
export async function offerReplacementSecret(actor: Actor, now = Date.now()): Promise<{ secret: string; uri: string; offer: string }> {
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { totpSecretEncrypted: true } });
  if (!user?.totpSecretEncrypted) throw new AppError("CONFLICT", NOTHING_TO_CHANGE);
  return makeOffer(actor, now);
}

/** Moves two-factor sign-in to the offered key once the new app's code checks out: new recovery codes, every session ended. */
export async function replaceTwoFactor(
  actor: Actor,
  input: z.output<typeof replaceTwoFactorSchema>,
  clientAddress: string | undefined,
  now = Date.now(),
): Promise<{ recoveryCodes: string[] }> {
  const secret = offeredSecret(actor, input.offer, now);
  const checked = await checkSignIn(actor, input, clientAddress);
  const step = await offeredCodeStep(secret, input.code);
  const recoveryCodes = newRecoveryCodes();
  await db.$transaction(async (tx) => {
    // The new app's code typed here is spent: it cannot also sign in.
    await changeSecondFactor(tx, actor.id, checked, { totpSecretEncrypted: sealSecret(secret), totpLastTimeStep: step });
    for (const write of replaceRecoveryCodes(actor.id, recoveryCodes, tx)) await write;
    await endAllSessions(actor.id, tx);
    await recordAudit({ action: "account.twoFactorReplaced", ...audited(actor, checked) }, tx);
  });
  void noticeAccountChange(actor, "twoFactorMoved");
  return { recoveryCodes };
}

/** Turns two-factor sign-in off, with its recovery codes: a customer's own choice; staff must keep it. */
export async function turnOffTwoFactor(actor: Actor, input: CurrentSignIn, clientAddress: string | undefined): Promise<void> {
  if (isStaff(actor)) throw new AppError("FORBIDDEN", "Staff accounts must keep two-factor sign-in. To move it to a new phone, use “New phone”.");
  const checked = await checkSignIn(actor, input, clientAddress);
  await db.$transaction(async (tx) => {
    await changeSecondFactor(tx, actor.id, checked, { totpSecretEncrypted: null, totpLastTimeStep: null });
    await tx.recoveryCode.deleteMany({ where: { userId: actor.id } });
    await recordAudit({ action: "account.twoFactorTurnedOff", ...audited(actor, checked) }, tx);
  });
  void noticeAccountChange(actor, "twoFactorOff");
}
