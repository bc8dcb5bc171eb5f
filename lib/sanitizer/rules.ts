/** The contract's rules (CONTRACT.md, "What a sandbox must look like"), by number. */
export const RULE_TITLES: Record<number, string> = {
  0: "Fail closed on the unknown",
  1: "Identity",
  2: "Undeliverable e-mail",
  3: "Inbox",
  4: "Service mail",
  5: "Tickets",
  6: "Web panels",
  7: "Scheduled tasks",
  8: "Apps and webhooks",
  9: "Documents and attachments",
  10: "Users",
  11: "Opt-ins",
  12: "ERP",
  13: "Everything else is kept",
  14: "Verified before release",
  15: "Dead end",
};

export const RULE_NUMBERS = Object.keys(RULE_TITLES).map(Number);
