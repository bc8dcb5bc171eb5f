/** Checks an e-mail and password: one generic failure, equal timing, throttled. */
import { db } from "../db/portal";
import { burnVerificationTime, verifyPassword } from "./password";
import { clearAccountFailures, lockedUntil, recordFailure, throttleKeys } from "./throttle";
import type { Role } from "../generated/portal/enums";
import { metrics } from "../observability/metrics";

export type CredentialCheck =
  | { ok: true; user: { id: string; email: string; name: string; role: Role; tenantId: string | null } }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAt: Date };

export async function checkCredentials(email: string, password: string, ip?: string): Promise<CredentialCheck> {
  const normalized = email.trim().toLowerCase();
  const keys = throttleKeys(normalized, ip);
  const lockEnd = await lockedUntil(keys);
  if (lockEnd) return refused({ ok: false, reason: "throttled", retryAt: lockEnd });

  const user = await db.user.findUnique({
    where: { email: normalized },
    select: { id: true, email: true, name: true, role: true, tenantId: true, passwordHash: true },
  });
  const valid = user ? await verifyPassword(user.passwordHash, password) : (await burnVerificationTime(password), false);
  if (!user || !valid) {
    await recordFailure(keys);
    return refused({ ok: false, reason: "invalid" });
  }
  await clearAccountFailures(normalized, ip);
  const { passwordHash: _hash, ...safe } = user;
  return { ok: true, user: safe };
}

/** Every refusal is counted (sandbox_portal_sign_in_failures_total), by reason: a spike is an attack. */
function refused<T extends Extract<CredentialCheck, { ok: false }>>(result: T): T {
  metrics().signInFailures.inc({ reason: result.reason });
  return result;
}
