/**
 * The second thing a person with two-factor sign-in on shows before changing it, after their
 * current password (current-password.ts): a code from the app they have now, or one of their
 * unused recovery codes, which is what those are for (a lost phone). Counted as sign-in counts
 * codes (per account from any address: throttle.ts codeThrottleKey) and against the session,
 * beside its password tries: a stolen cookie that knows the password still cannot guess its
 * way past the phone, and at the session's limit the session ends.
 *
 * Nothing is spent while checking: the change that follows spends the proof in its own
 * transaction (`changeSecondFactor`), only if the account still signs in as it was checked.
 * A change that fails then leaves the code unused, and two changes cannot both use one code.
 */
import { db } from "../db/portal";
import { AppError } from "../errors";
import type { Prisma } from "../generated/portal/client";
import { openSecret } from "../secrets/secret-box";
import type { Actor } from "./policy";
import { hashRecoveryCode } from "./recovery-codes";
import { forgiveGuess, refuseWrongGuess, reserveGuess } from "./session-guesses";
import { codeThrottleKey } from "./throttle";
import { acceptedTimeStep, looksLikeTotpCode } from "./totp";

/** What was shown: the app's code at its time step, or an unused recovery code; with the sealed secret it was checked against. */
export type SecondFactorProof = { sealedSecret: string } & ({ kind: "app"; step: number } | { kind: "recovery"; codeHash: string });

/** The account's sign-in as it was checked: its password's hash (current-password.ts) and the second factor's proof. */
export interface CheckedSignIn {
  passwordHash: string;
  proof: SecondFactorProof;
}

export const NOTHING_TO_CHANGE = "Two-factor sign-in is off for your account: there is nothing to change. Reload the page.";
const CHANGED_MEANWHILE = "How your account signs in changed meanwhile (in another tab, or by an operator), or that code was just used. Reload the page and try again.";

/** The proof of the account's current second factor; throws TOO_MANY_ATTEMPTS, INVALID_INPUT on `currentCode`, or UNAUTHENTICATED at the session's limit. */
export async function assertCurrentSecondFactor(actor: Actor, typed: string): Promise<SecondFactorProof> {
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { totpSecretEncrypted: true, totpLastTimeStep: true } });
  if (!user?.totpSecretEncrypted) throw new AppError("CONFLICT", NOTHING_TO_CHANGE);
  // Counted before it is checked, as at sign-in: a burst gets no more checks than one by one.
  const counted = await reserveGuess(actor, [codeThrottleKey(actor.email)]);
  const proof = await proofOf(actor.id, user.totpSecretEncrypted, user.totpLastTimeStep, typed);
  if (!proof) return refuseWrongGuess(actor, { currentCode: ["That is neither the code your app shows now nor one of your unused recovery codes."] });
  // The right code is no failure; the wrong ones before it stay counted.
  await forgiveGuess(counted);
  return proof;
}

async function proofOf(userId: string, sealedSecret: string, lastStep: number | null, typed: string): Promise<SecondFactorProof | null> {
  if (looksLikeTotpCode(typed)) {
    // A code already used (to sign in, or for another change) is not taken again.
    const step = await acceptedTimeStep(openSecret(sealedSecret), typed, lastStep);
    return step === null ? null : { sealedSecret, kind: "app", step };
  }
  const codeHash = hashRecoveryCode(typed);
  const unused = await db.recoveryCode.count({ where: { userId, codeHash, usedAt: null } });
  return unused === 1 ? { sealedSecret, kind: "recovery", codeHash } : null;
}

/**
 * Writes `data` to the account in `tx`, spending the proof, only while the account signs in
 * as it was checked: the same password and secret, and the code shown still unused. CONFLICT
 * otherwise (another tab, an operator's `user:2fa` or reset, the same code used meanwhile).
 */
export async function changeSecondFactor(tx: Prisma.TransactionClient, userId: string, checked: CheckedSignIn, data: Prisma.UserUpdateManyMutationInput): Promise<void> {
  const { proof } = checked;
  if (proof.kind === "recovery") {
    const spent = await tx.recoveryCode.updateMany({ where: { userId, codeHash: proof.codeHash, usedAt: null }, data: { usedAt: new Date() } });
    if (spent.count !== 1) throw new AppError("CONFLICT", CHANGED_MEANWHILE);
  }
  const unspentStep = proof.kind === "app" ? { OR: [{ totpLastTimeStep: null }, { totpLastTimeStep: { lt: proof.step } }] } : {};
  const { count } = await tx.user.updateMany({
    where: { id: userId, passwordHash: checked.passwordHash, totpSecretEncrypted: proof.sealedSecret, ...unspentStep },
    // The app's code is spent with the change, unless the change sets the step itself (a new key).
    data: { totpSecretEncrypted: proof.sealedSecret, ...(proof.kind === "app" ? { totpLastTimeStep: proof.step } : {}), ...data },
  });
  if (count !== 1) throw new AppError("CONFLICT", CHANGED_MEANWHILE);
}
