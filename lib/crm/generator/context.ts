/**
 * Builds the generator's shared context (lib/crm/generator/context-types.ts says
 * what it holds) from a seed and a scale plan.
 */
import type { GeneratorContext, Installation } from "./context-types";
import { buildPools } from "./pools";
import { Ranges, skewedCount } from "./ranges";
import { Rng } from "./random";
import type { ScalePlan } from "./scales";
import { buildAssociates } from "./tables/associates";
import { asciiSlug } from "./text";

export interface ContextOptions {
  seed: number;
  plan: ScalePlan;
  customerId: string;
  companyName: string;
}

export function createContext(options: ContextOptions): GeneratorContext {
  const { seed, plan } = options;
  const rng = (stream: string) => new Rng(seed, stream);
  const onlineHost = rng("installation").at(0).int(1, 40);
  const installation: Installation = {
    customerId: options.customerId,
    companyName: options.companyName,
    domain: `${asciiSlug(options.companyName) || "customer"}.com`,
    onlineHost,
    serviceBaseUrl: `https://online${onlineHost}.superoffice.com/${options.customerId}/CS`,
  };

  const contactCounts = rng("contacts-per-company");
  const contactsOfCompany = new Ranges(plan.companies, (id) =>
    skewedCount(contactCounts.at(id).next(), plan.contactsPerCompany, 1),
  );
  const inboxCounts = rng("messages-per-account");
  const messagesOfAccount = new Ranges(plan.inboxAccounts, (id) =>
    skewedCount(inboxCounts.at(id).next(), plan.messagesPerAccount, 0),
  );
  const ticketCounts = rng("messages-per-ticket");
  const messagesOfTicket = new Ranges(plan.tickets, (id) =>
    skewedCount(ticketCounts.at(id).next(), plan.messagesPerTicket, 1),
  );
  const attachments = rng("attachments");
  const attachmentsOfMessage = new Ranges(messagesOfTicket.total, (id) => {
    const r = attachments.at(id);
    return r.chance(plan.attachmentRate) ? (r.chance(0.2) ? 2 : 1) : 0;
  });

  const pools = buildPools(seed);
  const partial = { seed, plan, pools, installation, rng };
  return {
    ...partial,
    associates: buildAssociates(partial),
    contactsOfCompany,
    messagesOfAccount,
    messagesOfTicket,
    attachmentsOfMessage,
  };
}
