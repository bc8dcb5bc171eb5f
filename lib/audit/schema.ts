/**
 * The audit log's vocabulary and its URL: which actions exist, and the filters and
 * page cursor a list or an export is asked for. Isomorphic (zod only), so the page,
 * the export route and tests parse the same way.
 */
import { z } from "zod";

export const AUDIT_ACTIONS = [
  "sandbox.ordered",
  "sandbox.order.edited",
  "sandbox.order.cancelled",
  "sandbox.wizard.confirmed",
  "sandbox.refresh.requested",
  "sandbox.retry.requested",
  "sandbox.delete.requested",
  "sandbox.autoRefresh.changed",
  "checklist.fixed",
  "checklist.ticked",
  "tenant.copyRate.changed",
  "tenant.classification.changed",
  "tenant.entitlements.changed",
  "sandboxServer.registered",
  "sandboxServer.changed",
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

const utcDay = (label: string) =>
  z.string().transform((value, ctx): Date => {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : null;
    // new Date("2026-02-31") rolls over: a real day prints back as itself.
    if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
      ctx.addIssue({ code: "custom", message: `“${label}” must be a day written as YYYY-MM-DD (UTC), such as 2026-11-30.` });
      return z.NEVER;
    }
    return day;
  });

const text = (label: string) => z.string().trim().max(200, `“${label}” can be at most 200 characters.`);

/** An empty form field is no filter: `?who=&action=` means everything. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, schema.optional());

export const auditQuerySchema = z
  .object({
    who: optional(text("Who")),
    tenant: optional(text("Customer")),
    sandbox: optional(text("Sandbox")),
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
export const AUDIT_FILTER_KEYS = ["who", "tenant", "sandbox", "action", "from", "to"] as const;

export function auditFilterParams(raw: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) {
    const value = raw[key];
    const first = Array.isArray(value) ? value[0] : value;
    if (first?.trim()) params.set(key, first.trim());
  }
  return params;
}

/** Parses the URL's search parameters: the query, or the messages to show instead of rows. */
export function parseAuditQuery(raw: Record<string, string | string[] | undefined>): { ok: true; query: AuditQuery } | { ok: false; problems: string[] } {
  const parsed = auditQuerySchema.safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  return { ok: false, problems: [...new Set(parsed.error.issues.map((issue) => issue.message))] };
}
