import { describe, expect, it } from "vitest";
import type { AuditAction } from "./schema";
import { AUDIT_ACTION_LABEL, auditSentence, type AuditEventWords } from "./sentences";

const ingrid = { name: "Ingrid Nordlys" };
const nordlys = { companyName: "Nordlys Consulting AS" };
const event = (action: string, details: unknown, more: Partial<AuditEventWords> = {}): AuditEventWords => ({
  action,
  actor: ingrid,
  tenant: nordlys,
  sandboxName: "UAT",
  details,
  ...more,
});

/** Every action, with the sentences it must read as: a new action without a case here does not typecheck. */
const CASES: Record<AuditAction, [AuditEventWords, string][]> = {
  "sandbox.ordered": [
    [event("sandbox.ordered", { name: "UAT", planCounts: { "sales-premium": 2, complete: 1 } }), "Ingrid Nordlys ordered sandbox “UAT” for Nordlys Consulting AS with 3 user plans"],
    [event("sandbox.ordered", { planCounts: { complete: 1 } }, { actor: { name: "Sam Sales" } }), "Sam Sales ordered sandbox “UAT” for Nordlys Consulting AS with 1 user plan"],
    [event("sandbox.ordered", { planCounts: { complete: 1 }, kind: "config" }), "Ingrid Nordlys ordered sandbox “UAT” for Nordlys Consulting AS with 1 user plan, configuration only"],
    [event("sandbox.ordered", { planCounts: { complete: 1 }, kind: "full" }), "Ingrid Nordlys ordered sandbox “UAT” for Nordlys Consulting AS with 1 user plan"],
  ],
  "sandbox.order.edited": [
    [
      event("sandbox.order.edited", { from: { name: "Test", planCounts: { complete: 2 }, note: null }, to: { name: "UAT", planCounts: { complete: 3 }, note: "for UAT" } }),
      "Ingrid Nordlys changed the order for sandbox “UAT” for Nordlys Consulting AS: renamed it from “Test”, changed the user plans from 2 to 3, changed the note",
    ],
    [event("sandbox.order.edited", { from: { name: "UAT", planCounts: {} }, to: { name: "UAT", planCounts: {} } }), "Ingrid Nordlys changed the order for sandbox “UAT” for Nordlys Consulting AS"],
  ],
  "sandbox.order.cancelled": [
    [event("sandbox.order.cancelled", { name: "UAT", reason: "Not needed" }), "Ingrid Nordlys cancelled the order for sandbox “UAT” for Nordlys Consulting AS (reason: “Not needed”)"],
    [event("sandbox.order.cancelled", { name: "UAT", reason: null }), "Ingrid Nordlys cancelled the order for sandbox “UAT” for Nordlys Consulting AS"],
  ],
  "sandbox.wizard.confirmed": [
    [event("sandbox.wizard.confirmed", { options: {} }), "Ingrid Nordlys confirmed the setup of sandbox “UAT” for Nordlys Consulting AS"],
    // The confirmation's details carry no name: without a resolvable target it still reads.
    [event("sandbox.wizard.confirmed", { options: {} }, { sandboxName: null }), "Ingrid Nordlys confirmed the setup of a sandbox for Nordlys Consulting AS"],
  ],
  "sandbox.refresh.requested": [
    [event("sandbox.refresh.requested", { name: "UAT", choicesEdited: true }), "Ingrid Nordlys started a refresh of sandbox “UAT” for Nordlys Consulting AS, with changed choices"],
    [event("sandbox.refresh.requested", { via: "operator CLI" }, { actor: null }), "An operator (CLI) started a refresh of sandbox “UAT” for Nordlys Consulting AS"],
    [
      event("sandbox.refresh.requested", { via: "operator CLI", choicesEdited: false, newPseudonyms: true }, { actor: null }),
      "An operator (CLI) started a refresh of sandbox “UAT” for Nordlys Consulting AS, with new pseudonyms",
    ],
  ],
  "sandbox.retry.requested": [
    [event("sandbox.retry.requested", { name: "UAT", kind: "PROVISION" }), "Ingrid Nordlys retried the failed copy of sandbox “UAT” for Nordlys Consulting AS"],
    [event("sandbox.retry.requested", { name: "UAT", kind: "DELETE" }), "Ingrid Nordlys retried the failed deletion of sandbox “UAT” for Nordlys Consulting AS"],
    [event("sandbox.retry.requested", { name: "UAT", kind: "REFRESH", cancelled: true }), "Ingrid Nordlys started the cancelled refresh of sandbox “UAT” for Nordlys Consulting AS again"],
  ],
  "sandbox.run.cancelled": [
    [event("sandbox.run.cancelled", { name: "UAT", kind: "REFRESH" }), "Ingrid Nordlys cancelled the refresh of sandbox “UAT” for Nordlys Consulting AS before it started"],
  ],
  "sandbox.run.stopRequested": [
    [event("sandbox.run.stopRequested", { name: "UAT", kind: "PROVISION" }), "Ingrid Nordlys stopped the copy of sandbox “UAT” for Nordlys Consulting AS while it ran"],
  ],
  "sandbox.delete.requested": [
    [event("sandbox.delete.requested", { name: "Old name" }), "Ingrid Nordlys asked for sandbox “UAT” for Nordlys Consulting AS to be deleted"],
    [event("sandbox.delete.requested", { name: "Training" }, { sandboxName: null }), "Ingrid Nordlys asked for sandbox “Training” for Nordlys Consulting AS to be deleted"],
  ],
  "sandbox.autoRefresh.changed": [
    [event("sandbox.autoRefresh.changed", { from: null, to: 5 }), "Ingrid Nordlys set sandbox “UAT” for Nordlys Consulting AS to refresh itself every month on day 5"],
    [event("sandbox.autoRefresh.changed", { from: 5, to: null }), "Ingrid Nordlys turned off the monthly refresh of sandbox “UAT” for Nordlys Consulting AS"],
  ],
  "checklist.fixed": [
    [event("checklist.fixed", { fix: "pauseTasks", what: "Pause all scheduled tasks" }), "Ingrid Nordlys applied the checklist fix “Pause all scheduled tasks” to sandbox “UAT” for Nordlys Consulting AS"],
  ],
  "checklist.ticked": [
    [event("checklist.ticked", { item: "not-a-backup", ticked: true }), "Ingrid Nordlys ticked “not a backup” on the checklist of sandbox “UAT” for Nordlys Consulting AS"],
    [event("checklist.ticked", { item: "dead-end", ticked: false }), "Ingrid Nordlys unticked “a dead end” on the checklist of sandbox “UAT” for Nordlys Consulting AS"],
  ],
  "tenant.productionUrl.changed": [
    [event("tenant.productionUrl.changed", { via: "operator CLI", production: "crm-db-8:5432" }, { actor: null, sandboxName: null }), "An operator (CLI) changed the production address of Nordlys Consulting AS to crm-db-8:5432"],
  ],
  "tenant.registered": [
    [
      event("tenant.registered", { via: "operator CLI", customerId: "Cust10042", company: "Nordlys Consulting AS", production: "crm-db-7:5432", pinnedTo: "pg-eu-2" }, { actor: null, sandboxName: null }),
      "An operator (CLI) registered the customer Cust10042 with its production on crm-db-7:5432, its sandboxes pinned to the server “pg-eu-2”",
    ],
    [event("tenant.registered", { via: "operator CLI", customerId: "Cust10042", production: "crm-db-7:5432" }, { actor: null, sandboxName: null }), "An operator (CLI) registered the customer Cust10042 with its production on crm-db-7:5432"],
  ],
  "tenant.copyRate.changed": [
    [
      event("tenant.copyRate.changed", { fromMBps: null, toMBps: 10 }, { actor: { name: "Olivia Operator" }, tenant: { companyName: "Fjordline Logistics AB" }, sandboxName: null }),
      "Olivia Operator changed the copy rate of Fjordline Logistics AB to 10 MB/s",
    ],
    [event("tenant.copyRate.changed", { via: "operator CLI", toMBps: 0 }, { actor: null, sandboxName: null }), "An operator (CLI) changed the copy rate of Nordlys Consulting AS to no limit"],
    [event("tenant.copyRate.changed", { via: "operator CLI", toMBps: null }, { actor: null, sandboxName: null }), "An operator (CLI) changed the copy rate of Nordlys Consulting AS to the default"],
  ],
  "tenant.classification.changed": [
    [
      event("tenant.classification.changed", { via: "setup wizard", columns: { "company.x_vat": "keep", "person.x_pet": "clear" }, tables: {}, objects: [] }, { sandboxName: null }),
      "Ingrid Nordlys classified 2 custom fields of Nordlys Consulting AS in the setup wizard",
    ],
    [
      event("tenant.classification.changed", { via: "operator CLI", columns: { "a.b": "keep" }, tables: { x_log: "skip" }, objects: [{ kind: "index", name: "i" }] }, { actor: null, sandboxName: null }),
      "An operator (CLI) classified 1 custom field, 1 custom table and 1 schema object of Nordlys Consulting AS",
    ],
    [event("tenant.classification.changed", { via: "operator CLI", cleared: true }, { actor: null, sandboxName: null }), "An operator (CLI) cleared the custom classification of Nordlys Consulting AS"],
  ],
  "tenant.entitlements.changed": [
    [
      event("tenant.entitlements.changed", { via: "portal", sandboxes: 2, plans: { "sales-premium": 5, complete: 3 } }, { actor: { name: "Sam Sales" }, sandboxName: null }),
      "Sam Sales set the agreement of Nordlys Consulting AS to 2 sandboxes and 8 user plans",
    ],
    [event("tenant.entitlements.changed", { via: "operator CLI", sandboxes: 1, plans: null }, { actor: null, sandboxName: null }), "An operator (CLI) set the agreement of Nordlys Consulting AS to 1 sandbox and any user plans"],
    [event("tenant.entitlements.changed", { via: "operator CLI", sandboxes: null, plans: null }, { actor: null, sandboxName: null }), "An operator (CLI) set the agreement of Nordlys Consulting AS to any number of sandboxes and any user plans"],
  ],
  "apiToken.created": [
    [
      event("apiToken.created", { name: "release pipeline", scopes: ["sandboxes:read", "sandboxes:write"], expiresAt: "2027-03-01T00:00:00.000Z" }, { sandboxName: null }),
      "Ingrid Nordlys created the API token “release pipeline” for Nordlys Consulting AS (sandboxes:read, sandboxes:write)",
    ],
  ],
  "apiToken.revoked": [[event("apiToken.revoked", { name: "release pipeline" }, { sandboxName: null }), "Ingrid Nordlys revoked the API token “release pipeline”"]],
  "webhook.created": [
    [
      event("webhook.created", { url: "https://ci.nordlys.example/hooks", events: ["sandbox.ready", "sandbox.failed"] }, { sandboxName: null }),
      "Ingrid Nordlys added the webhook https://ci.nordlys.example/hooks for Nordlys Consulting AS (sandbox.ready, sandbox.failed)",
    ],
  ],
  "webhook.deleted": [[event("webhook.deleted", { url: "https://ci.nordlys.example/hooks" }, { sandboxName: null }), "Ingrid Nordlys removed the webhook https://ci.nordlys.example/hooks"]],
  "webhook.replayed": [
    [
      event("webhook.replayed", { url: "https://ci.nordlys.example/hooks", event: "sandbox.refreshed", messageId: "msg_1" }, { sandboxName: null }),
      "Ingrid Nordlys sent the sandbox.refreshed event again to https://ci.nordlys.example/hooks",
    ],
  ],
  "sandboxServer.registered": [
    [event("sandboxServer.registered", { via: "operator CLI", name: "pg-eu-2", maxDatabases: 200 }, { actor: null, tenant: null, sandboxName: null }), "An operator (CLI) registered the sandbox server “pg-eu-2”"],
  ],
  "sandboxServer.changed": [
    [
      event("sandboxServer.changed", { name: "pg-eu-2", from: { name: "pg-2", state: "ACTIVE", maxDatabases: 100 }, to: { name: "pg-eu-2", state: "DRAINING", maxDatabases: 200 } }, { tenant: null, sandboxName: null }),
      "Ingrid Nordlys changed the sandbox server “pg-eu-2”: renamed it from “pg-2”, drained it, changed its capacity",
    ],
    [
      event("sandboxServer.changed", { name: "pg-eu-2", from: { name: "pg-eu-2", state: "DRAINING" }, to: { name: "pg-eu-2", state: "ACTIVE" } }, { tenant: null, sandboxName: null }),
      "Ingrid Nordlys changed the sandbox server “pg-eu-2”: took it back into use",
    ],
  ],
  "sandboxServer.moved": [
    [event("sandboxServer.moved", { via: "operator CLI", name: "pg-eu-2", from: "10.0.0.5:5432", to: "pg-eu-2.internal:5432" }, { actor: null, tenant: null, sandboxName: null }), "An operator (CLI) pointed the sandbox server “pg-eu-2” at pg-eu-2.internal:5432 (was 10.0.0.5:5432)"],
  ],
  "secrets.resealed": [
    [event("secrets.resealed", { via: "operator CLI", keyId: "e29f2da5efe4", resealed: 10, alreadyCurrent: 0 }, { actor: null, tenant: null, sandboxName: null }), "An operator (CLI) re-sealed 10 stored secrets under the key e29f2da5efe4 (DATABASE_SECRETS_KEY)"],
  ],
  "tenant.offboarded": [
    [
      event("tenant.offboarded", { via: "operator CLI", customerId: "Cust10042", ordersCancelled: 1, webhooksRemoved: 2 }, { actor: null, sandboxName: null }),
      "An operator (CLI) offboarded the customer Cust10042: its production address forgotten, 1 open order cancelled, 2 webhooks removed; its sandboxes are deleted and its accounts disabled",
    ],
  ],
  "sandboxServer.writtenOff": [
    [
      event("sandboxServer.writtenOff", { via: "operator CLI", name: "pg-eu-1", reason: "disk lost", deleted: 1, moved: 2 }, { actor: null, tenant: null, sandboxName: null }),
      "An operator (CLI) wrote off the sandbox server “pg-eu-1” as lost (disk lost): 1 sandbox ended as deleted, 2 moved",
    ],
  ],
  "sandbox.writtenOff": [
    [event("sandbox.writtenOff", { via: "operator CLI", name: "UAT", server: "pg-eu-1", reason: "disk lost" }, { actor: null }), "An operator (CLI) ended sandbox “UAT” for Nordlys Consulting AS as deleted: its sandbox server “pg-eu-1” was lost (disk lost)"],
  ],
  "sandbox.replaced": [
    [event("sandbox.replaced", { via: "operator CLI", name: "UAT", from: "pg-eu-1", to: "pg-eu-2" }, { actor: null }), "An operator (CLI) moved sandbox “UAT” for Nordlys Consulting AS, which had no copy yet, from the lost sandbox server “pg-eu-1” to “pg-eu-2”"],
  ],
  "sandboxServer.removed": [
    [event("sandboxServer.removed", { via: "operator CLI", name: "pg-eu-1", address: "10.0.0.4:5432" }, { actor: null, tenant: null, sandboxName: null }), "An operator (CLI) removed the sandbox server “pg-eu-1” (10.0.0.4:5432) from the pool"],
  ],
  "account.created": [
    [event("account.created", { via: "operator CLI", email: "jane@example.com", role: "CUSTOMER_ADMIN" }, { actor: null, sandboxName: null }), "An operator (CLI) created the account jane@example.com (a customer admin)"],
  ],
  "account.roleChanged": [
    [event("account.roleChanged", { via: "operator CLI", email: "jane@example.com", role: "CUSTOMER_USER" }, { actor: null, sandboxName: null }), "An operator (CLI) made jane@example.com a customer user"],
    [event("account.roleChanged", { via: "operator CLI", email: "jane@example.com", role: "KING" }, { actor: null, sandboxName: null }), "An operator (CLI) made jane@example.com another role"],
  ],
  "account.passwordReset": [
    [event("account.passwordReset", { via: "operator CLI", email: "jane@example.com" }, { actor: null, sandboxName: null }), "An operator (CLI) reset the password of jane@example.com and signed out its sessions"],
  ],
  "account.twoFactorSetUp": [
    [event("account.twoFactorSetUp", { via: "operator CLI", email: "op@example.com" }, { actor: null, tenant: null, sandboxName: null }), "An operator (CLI) set up two-factor sign-in for op@example.com"],
  ],
  "account.passwordResetByMail": [
    [event("account.passwordResetByMail", { email: "i@n.example" }, { sandboxName: null }), "Ingrid Nordlys set a new password for i@n.example with a link mailed there, which signed out every session"],
  ],
  "account.joined": [[event("account.joined", { email: "kari@n.example" }, { sandboxName: null }), "Ingrid Nordlys joined, choosing their first password with a link mailed to kari@n.example"]],
  "account.mailNotices": [
    [event("account.mailNotices", { mailNotices: false }, { sandboxName: null }), "Ingrid Nordlys stopped the portal's notices by e-mail"],
    [event("account.mailNotices", { mailNotices: true }, { sandboxName: null }), "Ingrid Nordlys asked for the portal's notices by e-mail"],
  ],
  "account.invitationResent": [[event("account.invitationResent", { email: "kari@n.example" }, { sandboxName: null }), "Ingrid Nordlys sent the invitation to kari@n.example again"]],
  "account.twoFactorReplaced": [
    [event("account.twoFactorReplaced", { email: "i@n.example", proof: "app" }, { sandboxName: null }), "Ingrid Nordlys moved their two-factor sign-in to a new app, proven with a code from their app, which signed out every session"],
    [event("account.twoFactorReplaced", { email: "i@n.example", proof: "recovery" }, { sandboxName: null }), "Ingrid Nordlys moved their two-factor sign-in to a new app, proven with a recovery code, which signed out every session"],
  ],
  "account.twoFactorTurnedOff": [[event("account.twoFactorTurnedOff", { proof: "recovery" }, { sandboxName: null }), "Ingrid Nordlys turned off their two-factor sign-in, proven with a recovery code"]],
  "account.recoveryCodesRenewed": [[event("account.recoveryCodesRenewed", { proof: "app" }, { sandboxName: null }), "Ingrid Nordlys replaced their recovery codes, proven with a code from their app"]],
  "account.signedOutEverywhere": [[event("account.signedOutEverywhere", {}, { sandboxName: null }), "Ingrid Nordlys signed out of every session"]],
  "account.passwordChanged": [[event("account.passwordChanged", {}, { sandboxName: null }), "Ingrid Nordlys changed their own password, which signed out every session"]],
  "account.disabled": [
    [event("account.disabled", { via: "operator CLI", email: "jane@example.com" }, { actor: null, sandboxName: null }), "An operator (CLI) disabled the account jane@example.com: its sessions and API tokens ended"],
  ],
  "account.enabled": [[event("account.enabled", { via: "operator CLI", email: "jane@example.com" }, { actor: null, sandboxName: null }), "An operator (CLI) enabled the account jane@example.com again"]],
};

describe("audit sentences", () => {
  for (const [action, cases] of Object.entries(CASES)) {
    it(`reads ${action} as a plain sentence`, () => {
      for (const [input, sentence] of cases) expect(auditSentence(input)).toBe(sentence);
    });
  }

  it("labels every action, and says who acted even without a person or a tenant", () => {
    expect(Object.keys(AUDIT_ACTION_LABEL).sort()).toEqual(Object.keys(CASES).sort());
    expect(auditSentence(event("sandbox.wizard.confirmed", null, { actor: null, tenant: null }))).toBe("The system confirmed the setup of sandbox “UAT”");
  });

  it("still reads an action this version no longer writes, without throwing on odd details", () => {
    expect(auditSentence(event("sandbox.renamed", "not an object"))).toBe("Ingrid Nordlys: sandbox.renamed for Nordlys Consulting AS");
    expect(auditSentence(event("sandbox.order.edited", [1, 2]))).toBe("Ingrid Nordlys changed the order for sandbox “UAT” for Nordlys Consulting AS");
  });
});
