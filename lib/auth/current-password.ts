/**
 * What a signed-in person must show before changing how their account signs in (its
 * password, its second factor): the current password, checked under sign-in's throttle
 * (throttle.ts: the same counters, per account and address). A session left open on a
 * shared computer, or a stolen cookie, can then neither guess it nor take the account
 * over without it.
 */
import { db } from "../db/portal";
import { AppError } from "../errors";
import { verifyPassword } from "./password";
import type { Actor } from "./policy";
import { clearAccountFailures, reserveAttempt, returnAttempt, sessionPasswordThrottleKey, throttleKeys } from "./throttle";

/**
 * Throws TOO_MANY_ATTEMPTS while locked, INVALID_INPUT on `currentPassword` when wrong (counted
 * as a failed sign-in, and against the account from every address); the hash it checked.
 */
export async function assertCurrentPassword(actor: Actor, password: string, clientAddress: string | undefined): Promise<string> {
  const keys = [...throttleKeys(actor.email, clientAddress), sessionPasswordThrottleKey(actor.email)];
  // Counted before it is checked, as a sign-in is: a burst gets no more checks than one by one.
  if (await reserveAttempt(keys)) throw new AppError("TOO_MANY_ATTEMPTS");
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { passwordHash: true } });
  if (!user || !(await verifyPassword(user.passwordHash, password))) {
    throw new AppError("INVALID_INPUT", undefined, { currentPassword: ["That is not your current password."] });
  }
  // Right: the account's failures from this address are forgiven and the other counts given back, as at sign-in.
  await clearAccountFailures(actor.email, clientAddress);
  await returnAttempt(keys.filter((k) => !k.key.startsWith("account:")));
  return user.passwordHash;
}
