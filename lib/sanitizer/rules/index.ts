/**
 * The contract's rules (CONTRACT.md, "What a sandbox must look like"), in order.
 * Rules 1–12, 17 and 18 each have a module; rule 0 (drift.ts, classification.ts) and
 * rules 13–15 are properties of the engine, listed here by title only.
 */
import { identityRule } from "./rule-01-identity";
import { emailRule } from "./rule-02-email";
import { inboxRule } from "./rule-03-inbox";
import { serviceMailRule } from "./rule-04-service-mail";
import { ticketsRule } from "./rule-05-tickets";
import { webPanelsRule } from "./rule-06-web-panels";
import { scheduledTasksRule } from "./rule-07-scheduled-tasks";
import { appsWebhooksRule } from "./rule-08-apps-webhooks";
import { documentsRule } from "./rule-09-documents";
import { usersRule } from "./rule-10-users";
import { optInsRule } from "./rule-11-opt-ins";
import { erpRule } from "./rule-12-erp";
import { kindsRule } from "./rule-17-kinds";
import { personalDataRule } from "./rule-18-personal-data";
import type { ContractRule } from "./rule";

export const CONTRACT_RULES: readonly ContractRule[] = [
  identityRule,
  emailRule,
  inboxRule,
  serviceMailRule,
  ticketsRule,
  webPanelsRule,
  scheduledTasksRule,
  appsWebhooksRule,
  documentsRule,
  usersRule,
  optInsRule,
  erpRule,
  kindsRule,
  personalDataRule,
];

export const RULE_TITLES: Record<number, string> = {
  0: "Fail closed on the unknown",
  ...Object.fromEntries(CONTRACT_RULES.map((r) => [r.rule, r.title])),
  13: "Everything else is kept",
  14: "Verified before release",
  15: "Dead end",
};

export const RULE_NUMBERS = Object.keys(RULE_TITLES).map(Number);
