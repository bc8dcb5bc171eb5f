/** What every change on the People page checks first: the admin's own organisation, a person in it, and that the admin still is one. */
import { lockTenant } from "../db/tenant-lock";
import { db } from "../db/portal";
import { AppError } from "../errors";
import type { Prisma } from "../generated/portal/client";
import { hasPermission, type Actor } from "../auth/policy";

/** The admin's organisation; FORBIDDEN without the right, CONFLICT once it has left the portal. */
export async function ownTenant(actor: Actor): Promise<{ id: string; companyName: string }> {
  if (!actor.tenantId || !hasPermission(actor, "people.manage")) throw new AppError("FORBIDDEN");
  const tenant = await db.tenant.findUnique({ where: { id: actor.tenantId }, select: { id: true, companyName: true, offboardedAt: true } });
  if (!tenant) throw new AppError("FORBIDDEN");
  if (tenant.offboardedAt) throw new AppError("CONFLICT", "Your organisation has left the portal: no account is added or changed.");
  return tenant;
}

/**
 * Inside a change's transaction: the organisation's row locked, so its People changes (and
 * their bounds) go one at a time; then the acting admin read again. Two admins who demote or
 * disable each other at the same moment would otherwise leave the organisation with none:
 * the second finds it is no longer an enabled admin, and is refused.
 */
export async function lockAsAdmin(tx: Prisma.TransactionClient, actor: Actor): Promise<void> {
  await lockTenant(tx, actor.tenantId!);
  const self = await tx.user.findUnique({ where: { id: actor.id }, select: { role: true, tenantId: true, disabledAt: true } });
  if (!self || self.role !== "CUSTOMER_ADMIN" || self.tenantId !== actor.tenantId || self.disabledAt) {
    throw new AppError("FORBIDDEN", "You are no longer an admin of your organisation: nothing was changed.");
  }
}

/** A person of the admin's own organisation; NOT_FOUND for anyone else's (whether they exist is not the admin's to learn). */
export async function personOf(actor: Actor, userId: string) {
  const person = await db.user.findUnique({ where: { id: userId }, select: { id: true, name: true, email: true, role: true, tenantId: true, disabledAt: true, invitedAt: true } });
  if (!person || !actor.tenantId || person.tenantId !== actor.tenantId) throw new AppError("NOT_FOUND");
  return person;
}

/** The admin's own account is not changed from here: an organisation is never left without the admin who is acting. */
export function assertNotSelf(actor: Actor, userId: string, what: string): void {
  if (userId === actor.id) throw new AppError("CONFLICT", `You cannot ${what} your own account here: ask another admin of your organisation.`);
}
