/**
 * Everything a table generator needs that is shared across tables: the seed, the
 * plan, the word pools, the parent → child ranges, and the few small tables other
 * rows refer to by value (associates, mailboxes). Types only, so that table
 * generators and the context's builder (context.ts) both depend on them, not on each other.
 */
import type { Pools } from "./pools";
import type { Ranges } from "./ranges";
import type { Rng } from "./random";
import type { ScalePlan } from "./scales";

export interface AssociateRow {
  id: number;
  username: string;
  fullName: string;
  email: string | null;
  userPlan: string | null;
  canLogin: boolean;
  isRetired: boolean;
  createdAt: number;
}

export interface Installation {
  customerId: string;
  companyName: string;
  /** The installation's own mail domain, for associates and mailboxes. */
  domain: string;
  /** e.g. 7 in online7.superoffice.com */
  onlineHost: number;
  serviceBaseUrl: string;
}

export interface GeneratorContext {
  seed: number;
  plan: ScalePlan;
  pools: Pools;
  installation: Installation;
  associates: AssociateRow[];
  contactsOfCompany: Ranges;
  messagesOfAccount: Ranges;
  messagesOfTicket: Ranges;
  /** Parents are ticket messages, in id order. */
  attachmentsOfMessage: Ranges;
  rng(stream: string): Rng;
}
