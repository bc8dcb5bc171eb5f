/**
 * The audit log's vocabulary and its URL: which actions exist, and the filters and
 * page cursor a list or an export is asked for. Isomorphic (zod only), so the page,
 * the export route and tests parse the same way.
 */
import { z } from "zod";
import { keptParams, optional, searchText, utcDay, type RawSearchParams } from "../lists/schema";

export const AUDIT_ACTIONS = [
  "sandbox.ordered",
  "sandbox.order.edited",
  "sandbox.order.cancelled",
  "sandbox.wizard.confirmed",
  "sandbox.refresh.requested",
  "sandbox.retry.requested",
  "sandbox.run.cancelled",
  "sandbox.run.stopRequested",
  "sandbox.delete.requested",
  "sandbox.writtenOff",
  "sandbox.replaced",
  "sandbox.autoRefresh.changed",
  "checklist.fixed",
  "checklist.ticked",
  "tenant.registered",
  "tenant.productionUrl.changed",
  "tenant.copyRate.changed",
  "tenant.classification.changed",
  "tenant.entitlements.changed",
  "tenant.offboarded",
  "sandboxServer.registered",
  "sandboxServer.changed",
  "sandboxServer.moved",
  "sandboxServer.removed",
  "sandboxServer.writtenOff",
  "secrets.resealed",
  "apiToken.created",
  "apiToken.revoked",
  "webhook.created",
  "webhook.deleted",
  "webhook.replayed",
  "account.created",
  "account.invitationResent",
  "account.roleChanged",
  "account.passwordReset",
  "account.passwordChanged",
  "account.passwordResetByMail",
  "account.joined",
  "account.mailNotices",
  "account.twoFactorSetUp",
  "account.twoFactorReplaced",
  "account.twoFactorTurnedOff",
  "account.recoveryCodesRenewed",
  "account.signedOutEverywhere",
  "account.disabled",
  "account.enabled",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const isAuditAction = (action: string): action is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(action);

/** One position in the log, newest first: the last row seen, as `<createdAt ISO>_<id>` in the URL. */
export interface AuditCursor {
  createdAt: Date;
  id: string;
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([\w-]{1,64})$/;

export const formatAuditCursor = (cursor: AuditCursor): string => `${cursor.createdAt.toISOString()}_${cursor.id}`;

const cursorSchema = z.string().transform((value, ctx): AuditCursor => {
  const match = CURSOR.exec(value);
  const createdAt = match ? new Date(match[1]!) : null;
  if (!match || !createdAt || Number.isNaN(createdAt.getTime())) {
    ctx.addIssue({ code: "custom", message: "The page link is damaged: start again from the newest events." });
    return z.NEVER;
  }
  return { createdAt, id: match[2]! };
});

const auditQuerySchema = z
  .object({
    who: optional(searchText("Who")),
    tenant: optional(searchText("Customer")),
    sandbox: optional(searchText("Sandbox")),
    action: optional(z.enum(AUDIT_ACTIONS, { error: "Choose an action from the list." })),
    from: optional(utcDay("From")),
    to: optional(utcDay("To")),
    before: optional(cursorSchema),
    after: optional(cursorSchema),
  })
  .refine((q) => !(q.from && q.to && q.from > q.to), { error: "“From” must not be later than “To”.", path: ["to"] })
  .refine((q) => !(q.before && q.after), { error: "The page link is damaged: start again from the newest events.", path: ["before"] });

export type AuditQuery = z.output<typeof auditQuerySchema>;
export type AuditFilter = Omit<AuditQuery, "before" | "after">;

/** The filters as typed in the URL (empty ones left out), for links that keep them. */
const AUDIT_FILTER_KEYS = ["who", "tenant", "sandbox", "action", "from", "to"] as const;

export const auditFilterParams = (raw: RawSearchParams): URLSearchParams => keptParams(raw, AUDIT_FILTER_KEYS);

export type AuditFilterKey = (typeof AUDIT_FILTER_KEYS)[number];

/**
 * Parses the URL's search parameters: the query, or the messages to show instead of rows,
 * and each filter's own message, for its field.
 */
export function parseAuditQuery(
  raw: RawSearchParams,
): { ok: true; query: AuditQuery } | { ok: false; problems: string[]; fieldProblems: Partial<Record<AuditFilterKey, string>> } {
  const parsed = auditQuerySchema.safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  const fieldProblems: Partial<Record<AuditFilterKey, string>> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path[0];
    if ((AUDIT_FILTER_KEYS as readonly PropertyKey[]).includes(key ?? "")) fieldProblems[key as AuditFilterKey] ??= issue.message;
  }
  return { ok: false, problems: [...new Set(parsed.error.issues.map((issue) => issue.message))], fieldProblems };
}
