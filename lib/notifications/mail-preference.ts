/**
 * Whether a person's notices (a copy ready or failed, orders: notify.ts) are also mailed to
 * them: their own choice, on their account page. Operators' alerts and the mails about one's
 * own sign-in go whatever it is.
 */
import "server-only";
import { db } from "../db/portal";
import type { Actor } from "../auth/policy";
import { recordAudit } from "../audit/record";

export async function mailNoticesOf(userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { mailNotices: true } });
  return user?.mailNotices ?? true;
}

/** The signed-in person's own choice; nobody sets another's. Audited: a person who says they were never told can be shown why. */
export async function setMailNotices(actor: Actor, mailNotices: boolean): Promise<{ mailNotices: boolean }> {
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: actor.id }, data: { mailNotices }, select: { id: true } });
    await recordAudit({ action: "account.mailNotices", actorId: actor.id, tenantId: actor.tenantId, targetId: actor.id, details: { mailNotices } }, tx);
  });
  return { mailNotices };
}
