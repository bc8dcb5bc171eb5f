/**
 * The audit log in words: one plain sentence per event, built from its action,
 * actor, tenant, sandbox and details. Pure and isomorphic: the page, the CSV export
 * and tests say the same thing. Every action has a sentence and a label (a new
 * action without them does not typecheck); details are our own JSON, read
 * defensively because old rows may lack a key.
 */
import type { ChecklistTickItem } from "../checklist/schema";
import { isAuditAction, type AuditAction } from "./schema";
import { KIND_LABEL, type SandboxKind } from "../sanitizer/options";
import { ROLE_LABEL } from "../auth/policy";
import type { Role } from "../generated/portal/enums";

export interface AuditEventWords {
  action: string;
  actor: { name: string } | null;
  tenant: { companyName: string } | null;
  /** The sandbox the event is about, resolved from its target id (deleted sandboxes keep their rows and names). */
  sandboxName: string | null;
  details: unknown;
}

/** Words for the actions people filter by. */
export const AUDIT_ACTION_LABEL: Record<AuditAction, string> = {
  "sandbox.ordered": "Sandbox ordered",
  "sandbox.order.edited": "Order changed",
  "sandbox.order.cancelled": "Order cancelled",
  "sandbox.wizard.confirmed": "Setup confirmed",
  "sandbox.refresh.requested": "Refresh started",
  "sandbox.retry.requested": "Run retried",
  "sandbox.run.cancelled": "Run cancelled",
  "sandbox.run.stopRequested": "Run stopped",
  "sandbox.delete.requested": "Deletion requested",
  "sandbox.writtenOff": "Sandbox lost with its server",
  "sandbox.replaced": "Sandbox moved to another server",
  "sandbox.autoRefresh.changed": "Regular refresh changed",
  "checklist.fixed": "Checklist fix applied",
  "checklist.ticked": "Checklist item ticked",
  "tenant.registered": "Customer registered",
  "tenant.productionUrl.changed": "Production address changed",
  "tenant.copyRate.changed": "Copy rate changed",
  "tenant.classification.changed": "Classification changed",
  "tenant.entitlements.changed": "Agreement changed",
  "tenant.offboarded": "Customer offboarded",
  "sandboxServer.registered": "Sandbox server registered",
  "sandboxServer.changed": "Sandbox server changed",
  "sandboxServer.moved": "Sandbox server's address changed",
  "sandboxServer.removed": "Sandbox server removed",
  "sandboxServer.writtenOff": "Sandbox server written off",
  "secrets.resealed": "Stored secrets re-sealed",
  "apiToken.created": "API token created",
  "apiToken.revoked": "API token revoked",
  "webhook.created": "Webhook added",
  "webhook.deleted": "Webhook removed",
  "webhook.replayed": "Webhook event replayed",
  "account.created": "Account created",
  "account.invitationResent": "Invitation sent again",
  "account.roleChanged": "Role changed",
  "account.passwordReset": "Password reset",
  "account.passwordChanged": "Password changed",
  "account.passwordResetByMail": "Password set by a mailed link",
  "account.joined": "Joined by an invitation",
  "account.mailNotices": "Notice mails turned on or off",
  "account.twoFactorSetUp": "Two-factor sign-in set up",
  "account.twoFactorReplaced": "Two-factor sign-in moved to a new app",
  "account.twoFactorTurnedOff": "Two-factor sign-in turned off",
  "account.recoveryCodesRenewed": "Recovery codes renewed",
  "account.signedOutEverywhere": "Signed out everywhere",
  "account.disabled": "Account disabled",
  "account.enabled": "Account enabled",
};

const TICK_WORDS: Record<ChecklistTickItem, string> = {
  "apps-signed-up-again": "apps signed up again",
  "not-a-backup": "not a backup",
  "dead-end": "a dead end",
};

const RUN_WORDS: Record<string, string> = { PROVISION: "copy", REFRESH: "refresh", DELETE: "deletion" };

type Details = Record<string, unknown>;
type Parts = { who: string; sandbox: string; forTenant: string; ofTenant: string; d: Details };

const record = (value: unknown): Details => (value && typeof value === "object" && !Array.isArray(value) ? (value as Details) : {});
const text = (value: unknown): string | null => (typeof value === "string" && value ? value : null);
/** The run an event's details name by its kind: "refresh", or "run" for a kind it does not know. */
const runWord = (d: Details) => RUN_WORDS[text(d.kind) ?? ""] ?? "run";
const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
const sumOf = (counts: unknown) => Object.values(record(counts)).reduce<number>((sum, n) => sum + (typeof n === "number" ? n : 0), 0);
const kindLabel = (kind: string) => KIND_LABEL[kind as SandboxKind] ?? kind;
/** A role as people say it: "a customer admin". */
const roleWords = (role: unknown) => {
  const label = ROLE_LABEL[text(role) as Role];
  return label ? `a ${label.toLowerCase()}` : "another role";
};
/** What a person showed for their second factor: their app's code, or a recovery code (their phone lost, perhaps). */
const proofWords = (proof: unknown) => (proof === "recovery" ? "a recovery code" : "a code from their app");
const countOf = (value: unknown) => (Array.isArray(value) ? value.length : Object.keys(record(value)).length);

const SENTENCES: Record<AuditAction, (p: Parts) => string> = {
  "sandbox.ordered": ({ who, sandbox, forTenant, d }) => {
    const plans = sumOf(d.planCounts);
    // A full copy is what every order was before kinds: only another kind is news.
    const kind = text(d.kind) && d.kind !== "full" ? `, ${kindLabel(text(d.kind)!).toLowerCase()}` : "";
    return `${who} ordered ${sandbox}${forTenant}${plans ? ` with ${plural(plans, "user plan")}` : ""}${kind}`;
  },
  "sandbox.order.edited": ({ who, sandbox, forTenant, d }) => {
    const from = record(d.from);
    const to = record(d.to);
    const changes = [
      text(from.name) && text(to.name) && from.name !== to.name ? `renamed it from “${text(from.name)}”` : null,
      sumOf(from.planCounts) !== sumOf(to.planCounts) ? `changed the user plans from ${sumOf(from.planCounts)} to ${sumOf(to.planCounts)}` : null,
      (from.note ?? null) !== (to.note ?? null) ? "changed the note" : null,
    ].filter(Boolean);
    return `${who} changed the order for ${sandbox}${forTenant}${changes.length ? `: ${changes.join(", ")}` : ""}`;
  },
  "sandbox.order.cancelled": ({ who, sandbox, forTenant, d }) =>
    `${who} cancelled the order for ${sandbox}${forTenant}${text(d.reason) ? ` (reason: “${text(d.reason)}”)` : ""}`,
  "sandbox.wizard.confirmed": ({ who, sandbox, forTenant }) => `${who} confirmed the setup of ${sandbox}${forTenant}`,
  "sandbox.refresh.requested": ({ who, sandbox, forTenant, d }) =>
    `${who} started a refresh of ${sandbox}${forTenant}${d.choicesEdited === true ? ", with changed choices" : ""}${d.newPseudonyms === true ? ", with new pseudonyms" : ""}`,
  "sandbox.retry.requested": ({ who, sandbox, forTenant, d }) =>
    d.cancelled === true
      ? `${who} started the cancelled ${runWord(d)} of ${sandbox}${forTenant} again`
      : `${who} retried the failed ${runWord(d)} of ${sandbox}${forTenant}`,
  "sandbox.run.cancelled": ({ who, sandbox, forTenant, d }) =>
    `${who} cancelled the ${runWord(d)} of ${sandbox}${forTenant} before it started`,
  "sandbox.run.stopRequested": ({ who, sandbox, forTenant, d }) => `${who} stopped the ${runWord(d)} of ${sandbox}${forTenant} while it ran`,
  "sandbox.delete.requested": ({ who, sandbox, forTenant }) => `${who} asked for ${sandbox}${forTenant} to be deleted`,
  // A customer reads these without the servers' names (queries.ts).
  "sandbox.writtenOff": ({ who, sandbox, forTenant, d }) =>
    `${who} ended ${sandbox}${forTenant} as deleted: its sandbox server${text(d.server) ? ` “${text(d.server)}”` : ""} was lost (${text(d.reason) ?? "no reason given"})`,
  "sandbox.replaced": ({ who, sandbox, forTenant, d }) =>
    `${who} moved ${sandbox}${forTenant}, which had no copy yet, from the lost sandbox server${text(d.from) ? ` “${text(d.from)}”` : ""} to ${text(d.to) ? `“${text(d.to)}”` : "another"}`,
  "sandbox.autoRefresh.changed": ({ who, sandbox, forTenant, d }) =>
    typeof d.to === "number"
      ? `${who} set ${sandbox}${forTenant} to refresh itself every month on day ${d.to}`
      : `${who} turned off the monthly refresh of ${sandbox}${forTenant}`,
  "checklist.fixed": ({ who, sandbox, forTenant, d }) => `${who} applied the checklist fix “${text(d.what) ?? text(d.fix) ?? "?"}” to ${sandbox}${forTenant}`,
  "checklist.ticked": ({ who, sandbox, forTenant, d }) => {
    const item = TICK_WORDS[text(d.item) as ChecklistTickItem] ?? text(d.item) ?? "an item";
    return `${who} ${d.ticked === false ? "unticked" : "ticked"} “${item}” on the checklist of ${sandbox}${forTenant}`;
  },
  "tenant.registered": ({ who, d }) =>
    `${who} registered the customer ${text(d.customerId) ?? "?"}${text(d.production) ? ` with its production on ${text(d.production)}` : ""}${text(d.pinnedTo) ? `, its sandboxes pinned to the server “${text(d.pinnedTo)}”` : ""}`,
  // A customer reads these without the host (queries.ts): the sentence then stops before it.
  "tenant.productionUrl.changed": ({ who, ofTenant, d }) => `${who} changed the production address${ofTenant}${text(d.production) ? ` to ${text(d.production)}` : ""}`,
  "tenant.copyRate.changed": ({ who, ofTenant, d }) => {
    const to = d.toMBps;
    const rate = typeof to !== "number" ? "the default" : to === 0 ? "no limit" : `${to} MB/s`;
    return `${who} changed the copy rate${ofTenant} to ${rate}`;
  },
  "tenant.classification.changed": ({ who, ofTenant, d }) => {
    if (d.cleared === true) return `${who} cleared the custom classification${ofTenant}`;
    const what = [
      [countOf(d.columns), "custom field"],
      [countOf(d.tables), "custom table"],
      [countOf(d.objects), "schema object"],
    ]
      .filter(([n]) => n !== 0)
      .map(([n, word]) => plural(n as number, word as string));
    const list = what.length === 0 ? "nothing" : what.length === 1 ? what[0] : `${what.slice(0, -1).join(", ")} and ${what.at(-1)}`;
    return `${who} classified ${list}${ofTenant}${d.via === "setup wizard" ? " in the setup wizard" : ""}`;
  },
  "tenant.entitlements.changed": ({ who, ofTenant, d }) => {
    const sandboxes = typeof d.sandboxes === "number" ? plural(d.sandboxes, "sandbox", "sandboxes") : "any number of sandboxes";
    const plans = d.plans === null || d.plans === undefined ? "any user plans" : plural(sumOf(d.plans), "user plan");
    return `${who} set the agreement${ofTenant} to ${sandboxes} and ${plans}`;
  },
  "apiToken.created": ({ who, forTenant, d }) => {
    const scopes = Array.isArray(d.scopes) ? d.scopes.filter((x): x is string => typeof x === "string") : [];
    return `${who} created the API token “${text(d.name) ?? "?"}”${forTenant}${scopes.length ? ` (${scopes.join(", ")})` : ""}`;
  },
  "apiToken.revoked": ({ who, d }) => `${who} revoked the API token “${text(d.name) ?? "?"}”`,
  "webhook.created": ({ who, forTenant, d }) => {
    const events = Array.isArray(d.events) ? d.events.filter((x): x is string => typeof x === "string") : [];
    return `${who} added the webhook ${text(d.url) ?? "?"}${forTenant}${events.length ? ` (${events.join(", ")})` : ""}`;
  },
  "webhook.deleted": ({ who, d }) => `${who} removed the webhook ${text(d.url) ?? "?"}`,
  "webhook.replayed": ({ who, d }) => `${who} sent the ${text(d.event) ?? "?"} event again to ${text(d.url) ?? "?"}`,
  "account.created": ({ who, d }) => `${who} created the account ${text(d.email) ?? "?"} (${roleWords(d.role)})`,
  "account.invitationResent": ({ who, d }) => `${who} sent the invitation to ${text(d.email) ?? "?"} again`,
  "account.roleChanged": ({ who, d }) => `${who} made ${text(d.email) ?? "?"} ${roleWords(d.role)}`,
  "account.passwordReset": ({ who, d }) => `${who} reset the password of ${text(d.email) ?? "?"} and signed out its sessions`,
  "account.passwordChanged": ({ who }) => `${who} changed their own password, which signed out every session`,
  "account.passwordResetByMail": ({ who, d }) => `${who} set a new password for ${text(d.email) ?? "?"} with a link mailed there, which signed out every session`,
  "account.joined": ({ who, d }) => `${who} joined, choosing their first password with a link mailed to ${text(d.email) ?? "?"}`,
  "account.mailNotices": ({ who, d }) => `${who} ${d.mailNotices === false ? "stopped" : "asked for"} the portal's notices by e-mail`,
  "account.twoFactorSetUp": ({ who, d }) => `${who} set up two-factor sign-in for ${text(d.email) ?? "?"}`,
  "account.twoFactorReplaced": ({ who, d }) => `${who} moved their two-factor sign-in to a new app, proven with ${proofWords(d.proof)}, which signed out every session`,
  "account.twoFactorTurnedOff": ({ who, d }) => `${who} turned off their two-factor sign-in, proven with ${proofWords(d.proof)}`,
  "account.recoveryCodesRenewed": ({ who, d }) => `${who} replaced their recovery codes, proven with ${proofWords(d.proof)}`,
  "account.signedOutEverywhere": ({ who }) => `${who} signed out of every session`,
  "account.disabled": ({ who, d }) => `${who} disabled the account ${text(d.email) ?? "?"}: its sessions and API tokens ended`,
  "account.enabled": ({ who, d }) => `${who} enabled the account ${text(d.email) ?? "?"} again`,
  "sandboxServer.registered": ({ who, d }) => `${who} registered the sandbox server “${text(d.name) ?? "?"}”`,
  "sandboxServer.moved": ({ who, d }) => `${who} pointed the sandbox server “${text(d.name) ?? "?"}” at ${text(d.to) ?? "?"} (was ${text(d.from) ?? "?"})`,
  "secrets.resealed": ({ who, d }) =>
    `${who} re-sealed ${plural(typeof d.resealed === "number" ? d.resealed : 0, "stored secret")} under the key ${text(d.keyId) ?? "?"} (DATABASE_SECRETS_KEY)`,
  "tenant.offboarded": ({ who, d }) => {
    const n = (key: string) => (typeof d[key] === "number" ? (d[key] as number) : 0);
    return `${who} offboarded the customer ${text(d.customerId) ?? "?"}: its production address forgotten, ${plural(n("ordersCancelled"), "open order")} cancelled, ${plural(n("webhooksRemoved"), "webhook")} removed; its sandboxes are deleted and its accounts disabled`;
  },
  "sandboxServer.writtenOff": ({ who, d }) => {
    const deleted = typeof d.deleted === "number" ? d.deleted : 0;
    const moved = typeof d.moved === "number" ? d.moved : 0;
    return `${who} wrote off the sandbox server “${text(d.name) ?? "?"}” as lost (${text(d.reason) ?? "no reason given"}): ${plural(deleted, "sandbox", "sandboxes")} ended as deleted, ${moved} moved`;
  },
  "sandboxServer.removed": ({ who, d }) => `${who} removed the sandbox server “${text(d.name) ?? "?"}” (${text(d.address) ?? "?"}) from the pool`,
  "sandboxServer.changed": ({ who, d }) => {
    const from = record(d.from);
    const to = record(d.to);
    const changes = [
      from.name !== to.name && text(from.name) ? `renamed it from “${text(from.name)}”` : null,
      from.state !== to.state ? (to.state === "DRAINING" ? "drained it" : "took it back into use") : null,
      ["maxDatabases", "maxTotalBytes", "maxConcurrentRuns"].some((k) => from[k] !== to[k]) ? "changed its capacity" : null,
    ].filter(Boolean);
    return `${who} changed the sandbox server “${text(d.name) ?? "?"}”${changes.length ? `: ${changes.join(", ")}` : ""}`;
  },
};

/** Who did it: a person, or (no actor) the operator CLI or the portal itself, as the details say. */
export function auditActorWords(actor: { name: string } | null, details: unknown): string {
  if (actor) return actor.name;
  return record(details).via === "operator CLI" ? "An operator (CLI)" : "The system";
}

export function auditSentence(event: AuditEventWords): string {
  const d = record(event.details);
  const who = auditActorWords(event.actor, d);
  const company = event.tenant?.companyName;
  // An order's edit names it only in its before/after.
  const name = event.sandboxName ?? text(d.name) ?? text(record(d.to).name);
  const parts: Parts = {
    who,
    d,
    sandbox: name ? `sandbox “${name}”` : "a sandbox",
    forTenant: company ? ` for ${company}` : "",
    ofTenant: company ? ` of ${company}` : "",
  };
  // An action this version no longer writes still reads as something.
  if (!isAuditAction(event.action)) return `${who}: ${event.action}${parts.forTenant}`;
  return SENTENCES[event.action](parts);
}
