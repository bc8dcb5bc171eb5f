/**
 * Disabling accounts (`ops user:disable`, and a customer's offboarding): they sign in
 * nowhere, by password or single sign-on, their sessions end and their API tokens are
 * revoked (an account read on every request stops at once anyway), and they are told of
 * nothing more. Nothing is deleted: their audit, orders and sandboxes stay.
 */
import { db } from "../db/portal";
import { recordAudit } from "../audit/record";
import { endAllSessions } from "./sessions";

/** Who disabled them, for the audit log: an operator at the command line, unless a person is named. */
export interface DisabledBy {
  actorId: string | null;
  via: string;
}

/** The accounts of `where` not yet disabled are disabled, each audited as `by`'s doing; their e-mail addresses. */
export async function disableAccounts(where: { email: string } | { tenantId: string }, by: DisabledBy = { actorId: null, via: "operator CLI" }): Promise<string[]> {
  const users = await db.user.findMany({ where: { ...where, disabledAt: null }, select: { id: true, email: true, tenantId: true } });
  const now = new Date();
  for (const user of users) {
    await db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { disabledAt: now } });
      await tx.apiToken.updateMany({ where: { ownerId: user.id, revokedAt: null }, data: { revokedAt: now } });
      await recordAudit({ action: "account.disabled", actorId: by.actorId, tenantId: user.tenantId, targetId: user.id, details: { via: by.via, email: user.email } }, tx);
    });
    await endAllSessions(user.id);
  }
  return users.map((u) => u.email);
}
