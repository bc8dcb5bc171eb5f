/** The portal accounts of a customer admin's own organisation, for the People page. Never a secret: only whether one is set. */
import "server-only";
import { db } from "../db/portal";
import { AppError } from "../errors";
import type { Actor } from "../auth/policy";
import type { Role } from "../generated/portal/enums";

export interface Person {
  id: string;
  name: string;
  email: string;
  role: Role;
  disabled: boolean;
  /** Invited and has not set a password yet. */
  invited: boolean;
  twoFactor: boolean;
  singleSignOn: boolean;
  /** The signed-in admin's own row: its role and access are not changed from here. */
  you: boolean;
}

/** The most accounts the page lists: an organisation's people, not a directory. */
export const PEOPLE_SHOWN = 500;

export async function listPeople(actor: Actor): Promise<{ people: Person[]; more: boolean }> {
  if (!actor.tenantId) throw new AppError("FORBIDDEN");
  const rows = await db.user.findMany({
    where: { tenantId: actor.tenantId },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: PEOPLE_SHOWN + 1,
    select: { id: true, name: true, email: true, role: true, disabledAt: true, invitedAt: true, totpSecretEncrypted: true, oidcSubject: true },
  });
  return {
    more: rows.length > PEOPLE_SHOWN,
    people: rows.slice(0, PEOPLE_SHOWN).map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      disabled: u.disabledAt !== null,
      invited: u.invitedAt !== null,
      twoFactor: u.totpSecretEncrypted !== null,
      singleSignOn: u.oidcSubject !== null,
      you: u.id === actor.id,
    })),
  };
}
