/**
 * The audit log as people read it: newest first, filtered on the server, paged by
 * keyset (createdAt, id) so that page 4,000 costs what page 1 does and rows written
 * meanwhile neither repeat nor go missing. Customers always see their own tenant
 * only, whatever the URL asks for.
 */
import "server-only";
import { db } from "../db/portal";
import { isStaff, type Actor } from "../auth/policy";
import type { Prisma, PrismaClient } from "../generated/portal/client";
import type { AuditCursor, AuditFilter, AuditQuery } from "./schema";
import { dayRange } from "../lists/schema";
import { insensitive, MATCHED_IDS_AT_MOST, tenantsMatching, usersMatching } from "../lists/matching";
import { AppError } from "../errors";
import { auditSentence } from "./sentences";

export const AUDIT_PAGE_SIZE = 50;

/**
 * Who, customer and sandbox are matched by words (part of a name, an e-mail, a
 * customer id) and resolved to ids first: a filter on AuditEvent's own columns is
 * what its indexes serve (a join filter made PostgreSQL walk the whole log by date).
 * A customer's tenant filter is ignored: they always see their own tenant, whatever
 * the URL asks for (so a person's or a sandbox's id found elsewhere matches nothing).
 */
async function auditWhere(client: PrismaClient, actor: Actor, filter: AuditFilter): Promise<Prisma.AuditEventWhereInput> {
  const staff = isStaff(actor);
  const ownTenant = actor.tenantId ?? "__none__";
  const [tenants, actors, targetId] = await Promise.all([
    staff && filter.tenant ? tenantsMatching(client, filter.tenant) : undefined,
    filter.who ? usersMatching(client, filter.who) : undefined,
    filter.sandbox ? sandboxesNamed(client, staff ? {} : { tenantId: ownTenant }, filter.sandbox) : undefined,
  ]);
  const createdAt = dayRange(filter.from, filter.to);
  return {
    ...(!staff ? { tenantId: ownTenant } : tenants ? ("ids" in tenants ? { tenantId: { in: tenants.ids } } : { tenant: tenants.where }) : {}),
    ...(actors ? ("ids" in actors ? { actorId: { in: actors.ids } } : { actor: actors.where }) : {}),
    ...(targetId ? { targetId } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(createdAt ? { createdAt } : {}),
  };
}

/**
 * The sandboxes (within `scope`) whose id is `words` or whose name contains them, as the events'
 * targets. An event names its target by id only, so no join can stand in for a list of them:
 * words that match more than MATCHED_IDS_AT_MOST are refused, in words (the ids of every
 * sandbox named "UAT …" in a large portal were past PostgreSQL's limit on a statement's
 * parameters, and the page failed).
 */
async function sandboxesNamed(client: PrismaClient, scope: Prisma.SandboxWhereInput, words: string): Promise<{ in: string[] }> {
  const rows = await client.sandbox.findMany({ where: { ...scope, OR: [{ id: words }, { name: insensitive(words) }] }, select: { id: true }, take: MATCHED_IDS_AT_MOST + 1 });
  if (rows.length > MATCHED_IDS_AT_MOST) {
    const message = `“Sandbox” matches more than ${MATCHED_IDS_AT_MOST.toLocaleString("en")} sandboxes: type more of the name, or the sandbox's id.`;
    throw new AppError("INVALID_INPUT", message, { sandbox: [message] });
  }
  return { in: rows.map((r) => r.id) };
}

/**
 * Rows strictly past the cursor in the reading direction. The redundant bound on
 * createdAt alone is what lets PostgreSQL start the index scan at the cursor (it
 * cannot derive one from the OR), instead of filtering every newer row.
 */
function pastCursor(cursor: AuditCursor, direction: "older" | "newer"): Prisma.AuditEventWhereInput {
  const [to, strictly] = direction === "older" ? (["lte", "lt"] as const) : (["gte", "gt"] as const);
  return {
    AND: [{ createdAt: { [to]: cursor.createdAt } }, { OR: [{ createdAt: { [strictly]: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { [strictly]: cursor.id } }] }],
  };
}

const EVENT_SELECT = {
  id: true,
  action: true,
  targetId: true,
  details: true,
  createdAt: true,
  actor: { select: { name: true, email: true } },
  tenant: { select: { companyName: true, customerId: true } },
} satisfies Prisma.AuditEventSelect;

export interface AuditPage {
  events: (Prisma.AuditEventGetPayload<{ select: typeof EVENT_SELECT }> & { sandboxName: string | null; sentence: string })[];
  /** Where the "Newer" and "Older" links start, or null where there is nothing more. */
  newer: AuditCursor | null;
  older: AuditCursor | null;
}

export interface AuditPageOptions {
  pageSize?: number;
  /** Another client than the app's (the EXPLAIN bench logs its queries). */
  client?: PrismaClient;
}

/** One page of the filtered log, newest first: the newest page, or the page older than `before` / newer than `after`. */
export async function listAuditEvents(actor: Actor, query: AuditQuery, { pageSize = AUDIT_PAGE_SIZE, client = db }: AuditPageOptions = {}): Promise<AuditPage> {
  const where = await auditWhere(client, actor, query);
  const newerFirst = !query.after;
  const cursor = query.after ? pastCursor(query.after, "newer") : query.before ? pastCursor(query.before, "older") : {};
  const order = newerFirst ? "desc" : "asc";
  // One row more than the page tells whether there is a further page in the reading direction.
  const rows = await client.auditEvent.findMany({
    where: { AND: [where, cursor] },
    orderBy: [{ createdAt: order }, { id: order }],
    take: pageSize + 1,
    select: EVENT_SELECT,
  });
  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  if (!newerFirst) page.reverse();
  const first = page[0];
  const last = page.at(-1);
  const position = (e: { createdAt: Date; id: string } | undefined) => (e ? { createdAt: e.createdAt, id: e.id } : null);
  return {
    events: await withWords(client, actor, page),
    newer: (newerFirst ? Boolean(query.before) : more) ? position(first) : null,
    older: (newerFirst ? more : true) ? position(last) : null,
  };
}

/**
 * What only staff read of an event's details: the host and port of a customer's production
 * database, and the sandbox servers' names (a server registered on the way is named after its
 * host and port). Its customer knows its own CRM by name; where the databases run is the
 * hosting's, and no user sees a host (the portal's rule), on the page, in its details or in
 * the export. Kept under these keys in every event, so that a new one cannot forget it.
 */
const STAFF_ONLY_EVERYWHERE: readonly string[] = ["production", "pinnedTo", "server"];
/** Where a plainer key names a server: "from" and "to" are other events' plain changes. */
const STAFF_ONLY_BY_ACTION: Partial<Record<string, readonly string[]>> = {
  "sandbox.replaced": ["from", "to"],
};

function forReader(actor: Actor, action: string, details: Prisma.JsonValue): Prisma.JsonValue {
  if (isStaff(actor) || details === null || typeof details !== "object" || Array.isArray(details)) return details;
  const hidden = [...STAFF_ONLY_EVERYWHERE, ...(STAFF_ONLY_BY_ACTION[action] ?? [])];
  return Object.fromEntries(Object.entries(details).filter(([key]) => !hidden.includes(key)));
}

/** Each event's sandbox name (from its target: names change, and deleted sandboxes keep theirs) and its sentence, with the details its reader may see. */
async function withWords(client: PrismaClient, actor: Actor, rows: Prisma.AuditEventGetPayload<{ select: typeof EVENT_SELECT }>[]): Promise<AuditPage["events"]> {
  const events = rows.map((e) => ({ ...e, details: forReader(actor, e.action, e.details) }));
  const targetIds = [...new Set(events.flatMap((e) => (e.targetId ? [e.targetId] : [])))];
  const sandboxes = targetIds.length ? await client.sandbox.findMany({ where: { id: { in: targetIds } }, select: { id: true, name: true } }) : [];
  const names = new Map(sandboxes.map((s) => [s.id, s.name]));
  return events.map((e) => {
    const sandboxName = (e.targetId && names.get(e.targetId)) || null;
    return { ...e, sandboxName, sentence: auditSentence({ ...e, sandboxName }) };
  });
}

/** Every event the filter matches, newest first, read in keyset batches: an export never holds the whole log in memory. */
export async function* eachAuditEvent(actor: Actor, filter: AuditFilter, batchSize = 500): AsyncGenerator<AuditPage["events"][number]> {
  let before: AuditCursor | undefined;
  for (;;) {
    const page = await listAuditEvents(actor, { ...filter, before }, { pageSize: batchSize });
    yield* page.events;
    if (!page.older) return;
    before = page.older;
  }
}
