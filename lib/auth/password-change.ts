/**
 * A signed-in person changes their own password, with the current one
 * (current-password.ts). A change ends every session of the account, this one
 * too, as an operator's reset does: whoever held a session with the old password
 * is signed out, and the person signs in again with the new one.
 */
import type { z } from "zod";
import { recordAudit } from "../audit/record";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { noticeAccountChange } from "./account-notice";
import { assertCurrentPassword } from "./current-password";
import { hashPassword } from "./password";
import type { Actor } from "./policy";
import type { changePasswordSchema } from "./schema";
import { endAllSessions } from "./sessions";

export async function changeOwnPassword(actor: Actor, input: z.output<typeof changePasswordSchema>, clientAddress: string | undefined): Promise<void> {
  const checked = await assertCurrentPassword(actor, input.currentPassword, clientAddress);
  const passwordHash = await hashPassword(input.newPassword);
  await db.$transaction(async (tx) => {
    // Only over the password just checked: one an operator reset meanwhile stays.
    const { count } = await tx.user.updateMany({ where: { id: actor.id, passwordHash: checked }, data: { passwordHash, passwordChangedAt: new Date() } });
    if (count !== 1) throw new AppError("CONFLICT", "Your password was changed meanwhile, so this change was not made. Sign in again with the current one.");
    await recordAudit({ action: "account.passwordChanged", actorId: actor.id, tenantId: actor.tenantId, targetId: actor.id }, tx);
  });
  await endAllSessions(actor.id);
  void noticeAccountChange(actor, "passwordChanged");
}
