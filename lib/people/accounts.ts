/**
 * A customer admin changes a person of their organisation: their role (customer user or
 * admin), or whether they may sign in at all. Never their own account (own-tenant.ts), so
 * the organisation keeps the admin who acts. A new role or a disabled account ends the
 * person's sessions, as the operator's commands do; each change is audited.
 */
import { recordAudit } from "../audit/record";
import { disableAccounts } from "../auth/disable-accounts";
import type { Actor } from "../auth/policy";
import { endAllSessions } from "../auth/sessions";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { assertNotSelf, ownTenant, personOf } from "./own-tenant";
import type { PERSON_ROLES } from "./schema";

const VIA = "people page";

export async function setPersonRole(actor: Actor, userId: string, role: (typeof PERSON_ROLES)[number]): Promise<void> {
  await ownTenant(actor);
  assertNotSelf(actor, userId, "change the role of");
  const person = await personOf(actor, userId);
  if (person.role === role) return;
  await db.$transaction(async (tx) => {
    // Only while it is still the organisation's customer account it was read as.
    const { count } = await tx.user.updateMany({ where: { id: userId, tenantId: actor.tenantId, role: person.role }, data: { role } });
    if (count !== 1) throw new AppError("CONFLICT", `${person.name}'s account changed meanwhile. Reload the page.`);
    await recordAudit({ action: "account.roleChanged", actorId: actor.id, tenantId: actor.tenantId, targetId: userId, details: { via: VIA, email: person.email, role } }, tx);
  });
  // Rights are read on every request; ending the sessions has the person sign in again under the new role.
  await endAllSessions(userId);
}

export async function disablePerson(actor: Actor, userId: string): Promise<void> {
  await ownTenant(actor);
  assertNotSelf(actor, userId, "disable");
  const person = await personOf(actor, userId);
  if (person.disabledAt) return;
  await disableAccounts({ email: person.email }, { actorId: actor.id, via: VIA });
}

export async function enablePerson(actor: Actor, userId: string): Promise<void> {
  await ownTenant(actor);
  const person = await personOf(actor, userId);
  if (!person.disabledAt) return;
  await db.$transaction(async (tx) => {
    await tx.user.updateMany({ where: { id: userId, tenantId: actor.tenantId, disabledAt: { not: null } }, data: { disabledAt: null } });
    await recordAudit({ action: "account.enabled", actorId: actor.id, tenantId: actor.tenantId, targetId: userId, details: { via: VIA, email: person.email } }, tx);
  });
}
