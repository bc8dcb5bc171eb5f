/** What every change on the People page checks first: the admin's own organisation, and a person in it. */
import { db } from "../db/portal";
import { AppError } from "../errors";
import { hasPermission, type Actor } from "../auth/policy";

/** The admin's organisation; FORBIDDEN without the right, CONFLICT once it has left the portal. */
export async function ownTenant(actor: Actor): Promise<{ id: string; companyName: string }> {
  if (!actor.tenantId || !hasPermission(actor, "people.manage")) throw new AppError("FORBIDDEN");
  const tenant = await db.tenant.findUnique({ where: { id: actor.tenantId }, select: { id: true, companyName: true, offboardedAt: true } });
  if (!tenant) throw new AppError("FORBIDDEN");
  if (tenant.offboardedAt) throw new AppError("CONFLICT", "Your organisation has left the portal: no account is added or changed.");
  return tenant;
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
