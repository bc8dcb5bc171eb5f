/**
 * Checks an e-mail and password, then the second factor when the account has
 * one (always, for staff): one generic failure, equal timing, throttled.
 */
import { db } from "../db/portal";
import { burnVerificationTime, verifyPassword } from "./password";
import { clearAccountFailures, codeThrottleKey, isLocked, reserveAttempt, returnAttempt, throttleKeys } from "./throttle";
import { knownDeviceKeys, newDeviceValue } from "./known-device";
import { checkSecondFactor } from "./two-factor";
import type { Role } from "../generated/portal/enums";
import { metrics } from "../observability/metrics";

export type CredentialCheck =
  /**
   * `device`: the known-device cookie's new value for this browser (known-device.ts).
   * `passwordChangedAt`: when the password just checked was set; the session opens only while it still is (sessions.ts).
   */
  | { ok: true; user: { id: string; email: string; name: string; role: Role; tenantId: string | null }; twoFactor: boolean; device: string; passwordChangedAt: Date }
  | { ok: false; reason: "invalid" | "codeRequired" | "invalidCode" | "enrolmentRequired" | "disabled" }
  | { ok: false; reason: "throttled"; retryAt: Date };

/** `device`: the known-device cookie the browser sent, if any (known-device.ts). */
export async function checkCredentials(email: string, password: string, ip?: string, code?: string, device?: string): Promise<CredentialCheck> {
  const normalized = email.trim().toLowerCase();
  const user = await db.user.findUnique({
    where: { email: normalized },
    select: {
      id: true, email: true, name: true, role: true, tenantId: true, passwordHash: true, passwordChangedAt: true, totpSecretEncrypted: true, totpLastTimeStep: true, disabledAt: true,
    },
  });
  // A browser that signed in to this account since its password last changed is counted on its
  // own keys while neither is locked: the address's locks, which whoever shares the address can
  // set, are not its (known-device.ts).
  const known = user ? knownDeviceKeys(user, device) : null;
  const onKnownDevice = known !== null && !(await isLocked(known));
  const keys = onKnownDevice ? known : throttleKeys(normalized, ip);
  // Counted before it is checked (throttle.ts): a burst sent at once gets no more checks than one
  // by one; refused by a lock in place, it counts nowhere (a locked colleague must not lock the office's address).
  const lockEnd = await reserveAttempt(keys);
  if (lockEnd) return refused({ ok: false, reason: "throttled", retryAt: lockEnd });

  const valid = user ? await verifyPassword(user.passwordHash, password) : (await burnVerificationTime(password), false);
  if (!user || !valid) return refused({ ok: false, reason: "invalid" });
  // Said only to whoever knows the password: to anyone else a disabled account is as any other.
  if (user.disabledAt) return refused({ ok: false, reason: "disabled" });
  // A code tried is counted against the account from any address too (throttle.ts codeThrottleKey).
  const codeKey = user.totpSecretEncrypted && code ? [codeThrottleKey(normalized)] : [];
  if (codeKey.length > 0) {
    const codeLockEnd = await reserveAttempt(codeKey);
    if (codeLockEnd) {
      await returnAttempt(keys); // the password was right: only the codes are locked
      return refused({ ok: false, reason: "throttled", retryAt: codeLockEnd });
    }
  }
  const secondFactor = await checkSecondFactor(user, code);
  if (!secondFactor.ok) {
    // A wrong code stays counted, as a wrong password does. The right password, with the
    // code asked for next or no second factor set up yet (staff), is no failed attempt.
    if (secondFactor.reason === "invalidCode") return refused(secondFactor);
    await returnAttempt(keys);
    return secondFactor.reason === "codeRequired" ? secondFactor : refused(secondFactor);
  }
  // The account's failures from this address are forgiven only when this attempt was counted
  // there: a known browser's sign-in must not lift a lock someone else behind its address earned.
  if (!onKnownDevice) await clearAccountFailures(normalized, ip);
  // The address's count back too (good sign-ins from one office are no spraying), or the known
  // browser's, and this code's (the right code is no failure; the codes tried before it stay counted).
  await returnAttempt([...keys.filter((k) => !k.key.startsWith("account:")), ...codeKey]);
  const { passwordHash: _hash, passwordChangedAt, totpSecretEncrypted: _secret, totpLastTimeStep: _step, disabledAt: _disabled, ...safe } = user;
  return { ok: true, user: safe, twoFactor: secondFactor.verified, device: newDeviceValue({ id: user.id, passwordChangedAt }), passwordChangedAt };
}

/** Every refusal is counted (sandbox_portal_sign_in_failures_total), by reason: a spike is an attack. */
function refused<T extends Extract<CredentialCheck, { ok: false }>>(result: T): T {
  metrics().signInFailures.inc({ reason: result.reason });
  return result;
}
