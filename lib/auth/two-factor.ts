/**
 * Two-factor sign-in: required for staff (sales reps, operators), optional for
 * customers (an operator turns it on with `ops user:2fa`, or they do on their account
 * page: two-factor-setup.ts). The TOTP secret
 * is sealed at rest like tenants' database URLs;
 * a code is accepted once (the last accepted time step is kept); recovery
 * codes are single use. Plain TypeScript: the sign-in provider, the account
 * page's actions, the operator CLI and the seed all use it.
 */
import { db } from "../db/portal";
import type { Prisma } from "../generated/portal/client";
import { openSecret, sealSecret } from "../secrets/secret-box";
import { isStaff } from "./policy";
import { hashRecoveryCode, newRecoveryCodes } from "./recovery-codes";
import { acceptedTimeStep, looksLikeTotpCode, newTotpSecret, totpUri } from "./totp";
import type { Role } from "../generated/portal/enums";

export type SecondFactorCheck =
  | { ok: true; verified: boolean }
  | { ok: false; reason: "codeRequired" | "invalidCode" | "enrolmentRequired" };

export interface TwoFactorState {
  id: string;
  role: Role;
  totpSecretEncrypted: string | null;
  totpLastTimeStep: number | null;
}

/** The second step of a sign-in whose password was right. */
export async function checkSecondFactor(user: TwoFactorState, code: string | undefined): Promise<SecondFactorCheck> {
  if (!user.totpSecretEncrypted) {
    return isStaff(user) ? { ok: false, reason: "enrolmentRequired" } : { ok: true, verified: false };
  }
  const typed = code?.trim() ?? "";
  if (typed === "") return { ok: false, reason: "codeRequired" };
  const accepted = looksLikeTotpCode(typed)
    ? await claimTotpCode(user.id, user.totpSecretEncrypted, typed, user.totpLastTimeStep)
    : await spendRecoveryCode(user.id, typed);
  return accepted ? { ok: true, verified: true } : { ok: false, reason: "invalidCode" };
}

async function claimTotpCode(userId: string, sealedSecret: string, code: string, lastStep: number | null): Promise<boolean> {
  const step = await acceptedTimeStep(openSecret(sealedSecret), code, lastStep);
  if (step === null) return false;
  // Two sign-ins racing with the same code: only one moves the step forward.
  const claimed = await db.user.updateMany({
    where: { id: userId, OR: [{ totpLastTimeStep: null }, { totpLastTimeStep: { lt: step } }] },
    data: { totpLastTimeStep: step },
  });
  return claimed.count === 1;
}

async function spendRecoveryCode(userId: string, code: string): Promise<boolean> {
  const used = await db.recoveryCode.updateMany({
    where: { userId, codeHash: hashRecoveryCode(code), usedAt: null },
    data: { usedAt: new Date() },
  });
  return used.count === 1;
}

/**
 * Turns two-factor on with a new secret (or the given one: the seed's demo
 * secret) and new recovery codes, replacing any earlier ones. The operator
 * CLI hands the secret over; the seed uses the documented demo secret. Every
 * session of the account ends: a secret is replaced because the old one may
 * have leaked, and the sessions signed in with it must not outlive it.
 */
export async function enrolTwoFactor(user: { id: string; email: string }, secret = newTotpSecret()): Promise<{ secret: string; uri: string; recoveryCodes: string[] }> {
  const recoveryCodes = newRecoveryCodes();
  await db.$transaction([
    db.user.update({
      where: { id: user.id },
      data: { totpSecretEncrypted: sealSecret(secret), totpLastTimeStep: null },
    }),
    ...replaceRecoveryCodes(user.id, recoveryCodes),
    db.userSession.updateMany({ where: { userId: user.id, endedAt: null }, data: { endedAt: new Date() } }),
  ]);
  return { secret, uri: totpUri(secret, user.email), recoveryCodes };
}

/** The writes that replace an account's recovery codes with `codes` (stored as hashes), in this order, on `client`. */
export function replaceRecoveryCodes(userId: string, codes: string[], client: Prisma.TransactionClient = db) {
  return [
    client.recoveryCode.deleteMany({ where: { userId } }),
    client.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) })) }),
  ];
}
