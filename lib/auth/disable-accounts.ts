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

/** How a customer admin's own disabling is recorded (the People page): one that admins may undo. */
export const VIA_PEOPLE_PAGE = "people page";

/** Whether the account's last disabling was its organisation's (undone on the People page), not the operators'. */
export async function disabledByItsOrganisation(userId: string): Promise<boolean> {
  const last = await db.auditEvent.findFirst({ where: { action: "account.disabled", targetId: userId }, orderBy: { createdAt: "desc" }, select: { details: true } });
  return (last?.details as { via?: string } | null)?.via === VIA_PEOPLE_PAGE;
}

/**
 * An account its organisation's admin disabled, which an operator disables too: from now on
 * only operators enable it. Recorded as the operator's disabling, as if it had come first; before,
 * the operator was told "already disabled", nothing was written, and the admin could enable it again.
 * False when there was nothing to take over (enabled, or already the operators').
 */
export async function takeOverDisabling(user: { id: string; email: string; tenantId: string | null }, by: DisabledBy): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const [held] = await tx.$queryRaw<{ disabled: boolean }[]>`SELECT "disabledAt" IS NOT NULL AS disabled FROM "User" WHERE id = ${user.id} FOR UPDATE`;
    if (!held?.disabled || !(await disabledByItsOrganisation(user.id))) return false;
    await recordAudit({ action: "account.disabled", actorId: by.actorId, tenantId: user.tenantId, targetId: user.id, details: { via: by.via, email: user.email, tookOver: true } }, tx);
    return true;
  });
}

