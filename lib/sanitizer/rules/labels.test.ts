/**
 * Item 7 of issue 12: the report says what changed in plain words, never by a
 * table or column name. Every change any rule counts has its own label.
 */
import { describe, expect, it } from "vitest";
import { CRM_TABLES } from "../../crm/contract";
import { EMPTY_CLASSIFICATION } from "../classification";
import { sandboxOptionsSchema } from "../options";
import { changeLabel, orderedChanges } from "../rule-reports";
import { CONTRACT_RULES } from ".";

/** Keys written after the copy (afterCopy), which no table plan lists. */
const AFTER_COPY_KEYS: [number, string][] = [
  [1, "installation.updated"],
  [4, "service_mailbox.created"],
  [6, "web_panel.url"],
  [8, "app_authorization.carried"],
  [8, "webhook.carried"],
  [11, "preference.set_no"],
  [11, "preference.created"],
];

function keysCountedInTheCopy(): [number, string][] {
  const keys: [number, string][] = [];
  const variants = [
    { documents: { mode: "none" } },
    { documents: { mode: "since", since: "2024-01-01" } },
    { kind: "config" },
    { personalData: "pseudonymise", documents: { mode: "all" }, serviceAttachments: true },
  ];
  for (const variant of variants) {
    const options = sandboxOptionsSchema.parse({ users: [{ associateId: 1, userPlan: "complete" }], serviceAttachments: false, ...variant });
    const ctx = { options, classification: EMPTY_CLASSIFICATION, snapshotAt: new Date(), newMailboxId: 1 };
    for (const table of CRM_TABLES) {
      for (const rule of CONTRACT_RULES) {
        for (const change of rule.copy?.(table, ctx)?.changes ?? []) keys.push([change.rule, change.key]);
      }
    }
  }
  return keys;
}

describe("the report's words for what changed", () => {
  it("labels every change a rule counts, without table or column names", () => {
    const keys = [...keysCountedInTheCopy(), ...AFTER_COPY_KEYS]
    expect(keys.length).toBeGreaterThan(15);
    for (const [rule, key] of keys) {
      const label = changeLabel(rule, key);
      expect(label, `rule ${rule} ${key}`).not.toBe("Other changes");
      expect(label, `rule ${rule} ${key}`).not.toMatch(/[a-z]_[a-z]|\b[a-z]+\.[a-z]+\b/);
    }
  });

  it("names the customer's own custom fields and tables by their own names, and nothing unknown by its key", () => {
    expect(changeLabel(2, "contact.private_email")).toBe("Rewritten to undeliverable: your custom field “private_email” (contact)");
    expect(changeLabel(0, "company.loyalty_note cleared")).toBe("Values emptied in your custom field “loyalty_note” (company)");
    expect(changeLabel(0, "audit_log skipped")).toBe("Rows left out of your table “audit_log”");
    expect(changeLabel(5, "ticket.reopened")).toBe("Other changes");
    expect(changeLabel(99, "x.y")).toBe("Other changes");
  });

  it("shows what a partial copy chose, then what came with it, then what it left out, not table by table", () => {
    const counted = {
      "sale outside the share": 1,
      "sale of the chosen companies": 2,
      "company outside the share": 3,
      "company of the chosen companies": 4,
      "contact of the chosen companies": 5,
    };
    expect(orderedChanges(17, counted).map(([key]) => changeLabel(17, key))).toEqual([
      "Companies chosen (partial copy)",
      "Sales of the chosen companies, copied with them",
      "Contacts of the chosen companies, copied with them",
      "Sales left out (partial copy)",
      "Companies left out (partial copy)",
    ]);
    // A rule without an order of its own shows its changes as counted.
    expect(orderedChanges(2, { b: 1, a: 2 }).map(([key]) => key)).toEqual(["b", "a"]);
  });
});
