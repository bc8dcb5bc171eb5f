/**
 * What a signed-in person must show before changing how their account signs in (its
 * password, its second factor): the current password, checked under sign-in's throttle
 * (throttle.ts: the account's counter for the address) and under one of the session
 * itself. A session left open on a shared computer, or a stolen cookie, can then neither
 * guess it nor take the account over without it: at the session's limit the session ends.
 */
import { db } from "../db/portal";
import { verifyPassword } from "./password";
import type { Actor } from "./policy";
import { forgiveGuess, refuseWrongGuess, reserveGuess } from "./session-guesses";
import { clearAccountFailures, throttleKeys } from "./throttle";

/**
 * The hash it checked; throws TOO_MANY_ATTEMPTS while locked, INVALID_INPUT on
 * `currentPassword` when wrong (counted as a failed sign-in, and against the session),
 * and UNAUTHENTICATED, the session ended, at the session's limit.
 */
export async function assertCurrentPassword(actor: Actor, password: string, clientAddress: string | undefined): Promise<string> {
  // Counted before it is checked, as a sign-in is: a burst gets no more checks than one by one.
  // On the account's key for this address, not the address's own: a lock that anyone sharing the
  // address can set by spraying other accounts is no reason to keep a signed-in person from this.
  const counted = await reserveGuess(actor, throttleKeys(actor.email, clientAddress).filter((k) => k.key.startsWith("account:")));
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { passwordHash: true } });
  if (!user || !(await verifyPassword(user.passwordHash, password))) return refuseWrongGuess(actor, { currentPassword: ["That is not your current password."] });
  // Right: the account's failures from this address are forgiven and the other counts given back, as at sign-in.
  await clearAccountFailures(actor.email, clientAddress);
  await forgiveGuess(counted.filter((k) => !k.key.startsWith("account:")));
  return user.passwordHash;
}
