/**
 * Invalidation domains that would deliver the sandbox's mail to real people: the
 * customer's own domains (their CRM users' addresses), well-known mail providers,
 * and (checked on the server, lib/tenants/production.ts) any domain production's
 * addresses use. Such a domain is refused unless the admin confirms it.
 * Isomorphic: the wizard warns as you type, the server decides.
 */
import { DEFAULT_INVALIDATION_DOMAIN } from "../sanitizer/options";

const WELL_KNOWN_MAIL_PROVIDERS = [
  "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com", "icloud.com", "me.com",
  "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "t-online.de", "yandex.ru", "yandex.com",
  "mail.ru", "zoho.com", "fastmail.com", "hey.com", "online.no", "hotmail.no", "live.no", "telia.com", "hotmail.se", "outlook.dk",
] as const;

export type DomainRisk = "provider" | "customer" | "production";

const sameOrSub = (domain: string, other: string) => domain === other || domain.endsWith(`.${other}`);

export function domainOf(address: string | null): string | null {
  const at = address?.lastIndexOf("@") ?? -1;
  return at >= 0 ? address!.slice(at + 1).trim().toLowerCase() || null : null;
}

/** The risk known without asking production again: a provider, or one of the customer's own domains. */
export function knownDomainRisk(domain: string, customerDomains: Iterable<string>): DomainRisk | null {
  const d = domain.trim().toLowerCase();
  if (d === DEFAULT_INVALIDATION_DOMAIN) return null;
  if (WELL_KNOWN_MAIL_PROVIDERS.some((p) => sameOrSub(d, p))) return "provider";
  for (const own of customerDomains) if (sameOrSub(d, own)) return "customer";
  return null;
}

export function domainRiskMessage(domain: string, risk: DomainRisk): string {
  const why = {
    provider: `${domain} is a public mail provider: real people have mailboxes there.`,
    customer: `${domain} is one of your own domains: your colleagues would get the sandbox's mail.`,
    production: `${domain} appears in addresses in your CRM: the people behind them could get the sandbox's mail.`,
  }[risk];
  return `${why} Use ${DEFAULT_INVALIDATION_DOMAIN} (the default), or confirm below that mail to ${domain} reaches no one real.`;
}
