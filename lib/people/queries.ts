/**
 * The portal accounts of one organisation: its own admins' People page, and operators' read-only
 * view of a customer's (/tenants/[customerId]/people), where support looks first when someone
 * cannot sign in. Never a secret: only whether one is set.
 */
import "server-only";
import { z } from "zod";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { hasPermission, type Actor } from "../auth/policy";
import type { Role } from "../generated/portal/enums";
import { searchText } from "../lists/schema";
import { insensitive } from "../lists/matching";
import { signInsNotedSince } from "./sign-ins-noted";

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
  /** The last sign-in to the web portal; null = never, or none since sign-ins were noted (sign-ins-noted.ts). */
  lastSignInAt: Date | null;
  createdAt: Date;
  /** The signed-in admin's own row: its role and access are not changed from here. */
  you: boolean;
}

/** The most accounts a page lists: an organisation's people, not a directory (a search finds the others). */
export const PEOPLE_SHOWN = 500;

export interface People {
  people: Person[];
  /** More than PEOPLE_SHOWN: the rest are not listed. */
  more: boolean;
  /** Since when sign-ins are noted: an older account with none noted may have signed in before. */
  signInsNotedSince: Date | null;
}

/**
 * A search as the page's address gives it: part of a name or an e-mail address; anything else is
 * no search. Read as every list's search is (lib/lists/schema.ts): `?q=%00` reached PostgreSQL,
 * which compares no text holding a NUL, and the People pages answered 500.
 */
const searchParam = searchText("Search").pipe(z.string().min(1).max(100));

export function peopleSearch(param: unknown): string | undefined {
  const parsed = searchParam.safeParse(param);
  return parsed.success ? parsed.data : undefined;
}

async function peopleOf(tenantId: string, actorId: string, search?: string): Promise<People> {
  const matching = search ? { OR: [{ name: insensitive(search) }, { email: insensitive(search) }] } : {};
  const [rows, signInsNoted] = await Promise.all([
    db.user.findMany({
      where: { tenantId, ...matching },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      take: PEOPLE_SHOWN + 1,
      select: { id: true, name: true, email: true, role: true, disabledAt: true, invitedAt: true, totpSecretEncrypted: true, oidcSubject: true, lastSignInAt: true, createdAt: true },
    }),
    signInsNotedSince(),
  ]);
  return {
    more: rows.length > PEOPLE_SHOWN,
    signInsNotedSince: signInsNoted,
    people: rows.slice(0, PEOPLE_SHOWN).map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      disabled: u.disabledAt !== null,
      invited: u.invitedAt !== null,
      twoFactor: u.totpSecretEncrypted !== null,
      singleSignOn: u.oidcSubject !== null,
      lastSignInAt: u.lastSignInAt,
      createdAt: u.createdAt,
      you: u.id === actorId,
    })),
  };
}

/** The actor's own organisation's people (a customer admin's People page), those matching `search` when given. */
export async function listPeople(actor: Actor, search?: string): Promise<People> {
  if (!actor.tenantId) throw new AppError("FORBIDDEN");
  return peopleOf(actor.tenantId, actor.id, search);
}

/**
 * A customer's people, for operators (support): which accounts are disabled, not joined,
 * or on a second factor says where a failed sign-in stands, and is more than a sales rep
 * needs. null when no customer has that id.
 */
export async function listCustomerPeople(actor: Actor, customerId: string, search?: string): Promise<(People & { companyName: string; customerId: string; left: boolean }) | null> {
  if (!hasPermission(actor, "people.viewAll")) throw new AppError("FORBIDDEN");
  const tenant = await db.tenant.findUnique({ where: { customerId }, select: { id: true, companyName: true, customerId: true, offboardedAt: true } });
  if (!tenant) return null;
  return { ...(await peopleOf(tenant.id, actor.id, search)), companyName: tenant.companyName, customerId: tenant.customerId, left: tenant.offboardedAt !== null };
}
