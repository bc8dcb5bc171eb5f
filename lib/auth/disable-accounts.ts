/**
 * Disabling accounts (`ops user:disable`, and a customer's offboarding): they sign in
 * nowhere, by password or single sign-on, their sessions end and their API tokens are
 * revoked (an account read on every request stops at once anyway), and they are told of
 * nothing more. Nothing is deleted: their audit, orders and sandboxes stay.
 */
import { db } from "../db/portal";
import type { Prisma } from "../generated/portal/client";
import { recordAudit } from "../audit/record";
import { revokeWorkingTokens } from "../api-tokens/mutations";
import { endPasswordLinks } from "./password-links";
import { endAllSessions } from "./sessions";

/** Who disabled them, for the audit log: an operator at the command line, unless a person is named. */
export interface DisabledBy {
  actorId: string | null;
  via: string;
}

/** The accounts of `where` not yet disabled are disabled, each audited as `by`'s doing; their e-mail addresses. */
export async function disableAccounts(where: { email: string } | { tenantId: string }, by: DisabledBy = { actorId: null, via: "operator CLI" }): Promise<string[]> {
  const users = await db.user.findMany({ where: { ...where, disabledAt: null }, select: { id: true, email: true, tenantId: true } });
  for (const user of users) {
    await db.$transaction((tx) => disableAccount(tx, user, by));
    await endAllSessions(user.id);
  }
  return users.map((u) => u.email);
}

/**
 * Disables one account in `tx`, only while it is still enabled and in the tenant it was read
 * in: its API tokens revoked, its password links spent (a link asked for before must not open
 * it again once enabled), audited. False when it was not (disabled or moved meanwhile). The
 * caller ends its sessions once `tx` has committed.
 */
export async function disableAccount(tx: Prisma.TransactionClient, user: { id: string; email: string; tenantId: string | null }, by: DisabledBy): Promise<boolean> {
  const now = new Date();
  const { count } = await tx.user.updateMany({ where: { id: user.id, tenantId: user.tenantId, disabledAt: null }, data: { disabledAt: now } });
  if (count !== 1) return false;
  await revokeWorkingTokens(tx, { ownerId: user.id }, now);
  await endPasswordLinks(tx, user.id, now);
  await recordAudit({ action: "account.disabled", actorId: by.actorId, tenantId: user.tenantId, targetId: user.id, details: { via: by.via, email: user.email } }, tx);
  return true;
}
