/**
 * A signed-in person changes their own password. The current one is asked for, and
 * checked under sign-in's throttle (throttle.ts: the same counters, per account and
 * address), so a session left open on a shared computer cannot be used to guess it,
 * nor to take the account over without it. A change ends every session of the
 * account, this one too, as an operator's reset does: whoever held a session with
 * the old password is signed out, and the person signs in again with the new one.
 */
import { recordAudit } from "../audit/record";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { hashPassword, verifyPassword } from "./password";
import type { Actor } from "./policy";
import type { changePasswordSchema } from "./schema";
import { endAllSessions } from "./sessions";
import { clearAccountFailures, reserveAttempt, returnAttempt, throttleKeys } from "./throttle";
import type { z } from "zod";

export async function changeOwnPassword(actor: Actor, input: z.output<typeof changePasswordSchema>, clientAddress: string | undefined): Promise<void> {
  const keys = throttleKeys(actor.email, clientAddress);
  // Counted before it is checked, as a sign-in is: a burst gets no more checks than one by one.
  if (await reserveAttempt(keys)) throw new AppError("TOO_MANY_ATTEMPTS");
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { passwordHash: true } });
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError("INVALID_INPUT", undefined, { currentPassword: ["That is not your current password."] });
  }
  await clearAccountFailures(actor.email, clientAddress);
  await returnAttempt(keys.filter((k) => k.key.startsWith("ip:")));
  const passwordHash = await hashPassword(input.newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: actor.id }, data: { passwordHash, passwordChangedAt: new Date() } });
    await recordAudit({ action: "account.passwordChanged", actorId: actor.id, tenantId: actor.tenantId, targetId: actor.id }, tx);
  });
  await endAllSessions(actor.id);
}
