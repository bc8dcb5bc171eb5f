/**
 * A customer admin changes a person of their organisation: their role (customer user or
 * admin), or whether they may sign in at all. Never their own account (own-tenant.ts), so
 * the organisation keeps the admin who acts; each change runs with the organisation locked
 * and the admin read again, so two admins cannot remove each other at once. A new role or a
 * disabled account ends the person's sessions, as the operator's commands do; a demoted
 * admin's API tokens are revoked (made admin again, old tokens must not wake up); an account
 * an operator disabled stays the operator's to enable. Each change is audited.
 */
import { revokeWorkingTokens } from "../api-tokens/mutations";
import { recordAudit } from "../audit/record";
import { disableAccount, disabledByItsOrganisation, VIA_PEOPLE_PAGE } from "../auth/disable-accounts";
import type { Actor } from "../auth/policy";
import { endAllSessions } from "../auth/sessions";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { assertNotSelf, lockAsAdmin, ownTenant, personOf } from "./own-tenant";
import type { PERSON_ROLES } from "./schema";

const VIA = VIA_PEOPLE_PAGE;
const CHANGED = (name: string) => `${name}'s account changed meanwhile. Reload the page.`;

export async function setPersonRole(actor: Actor, userId: string, role: (typeof PERSON_ROLES)[number]): Promise<void> {
  await ownTenant(actor);
  assertNotSelf(actor, userId, "change the role of");
  const person = await personOf(actor, userId);
  if (person.role === role) return;
  await db.$transaction(async (tx) => {
    await lockAsAdmin(tx, actor);
    // Only while it is still the organisation's customer account it was read as.
    const { count } = await tx.user.updateMany({ where: { id: userId, tenantId: actor.tenantId, role: person.role }, data: { role } });
    if (count !== 1) throw new AppError("CONFLICT", CHANGED(person.name));
    if (role === "CUSTOMER_USER") await revokeWorkingTokens(tx, { ownerId: userId });
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
  const disabled = await db.$transaction(async (tx) => {
    await lockAsAdmin(tx, actor);
    return disableAccount(tx, person, { actorId: actor.id, via: VIA });
  });
  if (disabled) await endAllSessions(userId);
}

export async function enablePerson(actor: Actor, userId: string): Promise<void> {
  await ownTenant(actor);
  const person = await personOf(actor, userId);
  if (!person.disabledAt) return;
  // Disabled by an operator (a compromised account, a dispute): not undone from here.
  if (!(await disabledByItsOrganisation(userId))) {
    throw new AppError("CONFLICT", `${person.name}'s account was disabled by the portal's operators: ask support to enable it.`);
  }
  await db.$transaction(async (tx) => {
    await lockAsAdmin(tx, actor);
    const { count } = await tx.user.updateMany({ where: { id: userId, tenantId: actor.tenantId, disabledAt: { not: null } }, data: { disabledAt: null } });
    if (count !== 1) throw new AppError("CONFLICT", CHANGED(person.name));
    await recordAudit({ action: "account.enabled", actorId: actor.id, tenantId: actor.tenantId, targetId: userId, details: { via: VIA, email: person.email } }, tx);
  });
}
