/**
 * Pure per-id descriptions of companies and contacts. Both their own rows and
 * rows elsewhere (a ticket message from a contact, a document named after a
 * company) call these, so the same id always means the same name and address.
 */
import type { GeneratorContext } from "./context-types";
import type { RegionPool } from "./pools";
import { asciiFold, asciiSlug } from "./text";

export interface CompanyIdentity {
  name: string;
  domain: string;
  street: string;
  city: string;
  region: RegionPool;
}

export function companyIdentity(ctx: GeneratorContext, id: number): CompanyIdentity {
  const r = ctx.rng("company-identity").at(id);
  const region = r.pick(ctx.pools.regions);
  const city = r.pick(region.cities);
  const base = r.pick(region.companyNames);
  // Pools repeat at scale; a branch suffix keeps most names distinct, as in real data.
  const name = r.chance(0.3) ? `${base} ${city}` : base;
  const slug = asciiSlug(name) || `company${id}`;
  return { name, domain: `${slug}.${r.chance(0.6) ? region.tld : "com"}`, street: r.pick(region.streets), city, region };
}

export interface ContactPerson {
  companyId: number;
  firstName: string;
  lastName: string;
  email: string | null;
}

export function contactPerson(ctx: GeneratorContext, id: number, companyId: number): ContactPerson {
  const r = ctx.rng("contact-person").at(id);
  const company = companyIdentity(ctx, companyId);
  const region = r.chance(0.85) ? company.region : r.pick(ctx.pools.regions);
  const firstName = r.pick(region.firstNames);
  const lastName = r.pick(region.lastNames);
  const local = asciiFold(`${firstName}.${lastName}`).toLowerCase().replace(/[^a-z.]/g, "");
  const email = r.chance(0.85) ? `${local}@${company.domain}` : null;
  return { companyId, firstName, lastName, email };
}

/** A phone number in the company's country format. */
export function phoneNumber(dial: string, u: number): string {
  const digits = String(Math.floor(10_000_000 + u * 89_999_999));
  return `${dial} ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6, 8)}`;
}

/** A random contact of `companyId`. */
export function contactOf(ctx: GeneratorContext, companyId: number, u: number): number {
  return ctx.contactsOfCompany.first(companyId) + Math.floor(u * ctx.contactsOfCompany.count(companyId));
}
