/**
 * The review step's dry run: what the copy will change, counted on production
 * itself, read-only. Built from the copy's own plans (the rule modules in
 * lib/sanitizer/rules, merged by buildCopyPlans, folded by buildRuleReports), so
 * every figure the report also has is the very aggregate the copy will count: the
 * preview equals the report. Plain TypeScript over a pg client (the app, tests and
 * the benchmark share it).
 *
 * Speed: one catalog read, then every table the rules touch is scanned once, all
 * in one statement (a partial copy reads the rows its closure pulls in first, as the
 * copy does); no row is pulled into JavaScript except the web panels (rule 6 is
 * judged in TypeScript; the table is small) and a partial copy's pulled-in keys.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { objectTreatment, type Classification } from "../sanitizer/classification";
import { countTables } from "../sanitizer/change-counts";
import { allowHashedSets, largestTable } from "../sanitizer/hashed-sets";
import { assertNoDanglingKeys, buildCopyPlans, partialDownKeysQuery, partialPulledInQuery, type PlannedTable, type TablePlan } from "../sanitizer/copy-plan";
import { readDownKeys } from "../sanitizer/partial-down-keys";
import { readPulledIn } from "../sanitizer/partial-pulled-in";
import { readForeignKeys } from "../sanitizer/foreign-keys";
import { inOneSnapshot } from "../crm/whole-table-bounds";
import { assertCatalogReadable, CATALOG_BOUNDS, type CatalogBounds } from "../sanitizer/schema-reader";
import type { SandboxOptions } from "../sanitizer/options";
import { buildRuleReports } from "../sanitizer/rule-reports";
import { CONTRACT_RULES } from "../sanitizer/rules";
import { countAll as countRows, type PreviewCount } from "../sanitizer/rules/rule";
import { isLeftOutKey } from "../sanitizer/rules/rule-17-kinds";
import { webPanelRewrites } from "../sanitizer/rules/rule-06-web-panels";
import { freeTextColumnsOf, previewPersonalData, PreviewUnavailable, unavailablePreview, type PersonalDataPreview, type PersonalDataPreviewer } from "./personal-data-preview";

export interface DryRunResult {
  usersGivenAccess: number;
  associatesLosingLogin: number;
  inboxAccountsLosingLogins: number;
  inboxMessagesRemoved: number;
  serviceMailboxesReplaced: number;
  openTicketsToClose: number;
  webPanelsToRewrite: number;
  webPanelExamples: { name: string; before: string; after: string }[];
  tasksToDisable: number;
  tasksKeptEnabled: number;
  appAuthorizationsDropped: number;
  webhooksDropped: number;
  addressesRewritten: number;
  documentsCopied: { count: number; bytes: number };
  documentsLeftOut: number;
  attachmentsCopied: { count: number; bytes: number };
  attachmentsLeftOut: number;
  erpConnectionsStopped: number;
  /** Customer records a configuration-only or partial sandbox leaves out (rule 17); 0 for a full copy. */
  recordsLeftOut: number;
  /** A partial copy's share, counted on production: companies chosen, customer records copied and their size; null for the other kinds. */
  share: { companies: number; records: number; bytes: number } | null;
  /** Rule 18, when personal data is pseudonymised: what changes, with examples; null when it is kept. */
  personalData: PersonalDataPreview | null;
  durationMs: number;
}

/**
 * Production's tables and their columns, as the copy's schema reader sees them, with the
 * planner's sizes. Of the types, only the integers' (a partial copy reads its chosen rows'
 * integer keys as lists, partial-down-keys.ts): the counts need no other.
 */
async function readTables(client: pg.ClientBase): Promise<PlannedTable[]> {
  const { rows } = await client.query<{ name: string; columns: string[]; types: (string | null)[]; rows: string; bytes: string }>(
    `SELECT c.relname AS name, array_agg(a.attname::text ORDER BY a.attnum) AS columns,
            array_agg(CASE WHEN a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN format_type(a.atttypid, NULL) END ORDER BY a.attnum) AS types,
            greatest(c.reltuples, 0)::bigint::text AS rows, pg_table_size(c.oid)::text AS bytes
       FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND NOT c.relispartition
      GROUP BY c.oid, c.relname`,
  );
  return rows.map((r) => ({
    name: r.name,
    columns: r.columns.map((name, i) => ({ name, type: r.types[i] ?? null })),
    estimatedRows: Number(r.rows),
    bytes: Number(r.bytes),
  }));
}

/** Rows each partial plan copies, counted in its scope: a preview of their own per scoped table. */
const shareRowsKey = (table: string) => `${table}.in_share`;
const sharePreviews = (plans: TablePlan[]): PreviewCount[] =>
  plans.filter((p) => p.scope && p.select).map((p) => ({ table: p.table, key: shareRowsKey(p.table), aggregate: countRows }));

/**
 * The share's size: its rows at each table's average row size (the planner's), but
 * documents and attachments by their own sizes (rule 9's previews count those), none when pseudonymised (rule 18: no contents).
 */
function shareSize(plans: TablePlan[], figure: (key: string) => number, documentsBytes: number, attachmentsBytes: number) {
  const scoped = plans.filter((p) => p.scope && p.select);
  const rows = (p: TablePlan) => figure(shareRowsKey(p.table));
  const rowBytes = (p: TablePlan) => (p.estimatedRows > 0 ? p.estimatedBytes / p.estimatedRows : 0);
  const bytes = scoped
    .filter((p) => p.table !== "document" && p.table !== "ticket_attachment")
    .reduce((sum, p) => sum + rows(p) * rowBytes(p), documentsBytes + attachmentsBytes);
  return { companies: figure(shareRowsKey("company")), records: scoped.reduce((sum, p) => sum + rows(p), 0), bytes: Math.round(bytes) };
}

/**
 * Each plan's change aggregates, then the previews of its table, over one scan of
 * each table, all tables in one statement. Returns the census (as the copy's) and
 * the preview figures by key.
 */
async function countAll(client: pg.ClientBase, plans: TablePlan[], previews: PreviewCount[]) {
  const scans = plans
    .map((plan) => ({ plan, previews: previews.filter((p) => p.table === plan.table) }))
    .filter((s) => s.plan.changes.length + s.previews.length > 0);
  const census = new Map<string, number[]>();
  const figures = new Map<string, number>();
  const counted = await countTables(client, scans.map((s) => ({ plan: s.plan, aggregates: [...s.plan.changes, ...s.previews] })));
  scans.forEach((s, i) => {
    const values = counted[i] ?? [];
    census.set(s.plan.table, values.slice(0, s.plan.changes.length));
    s.previews.forEach((p, j) => figures.set(p.key, values[s.plan.changes.length + j] ?? 0));
  });
  return { census, figures };
}


/**
 * `pseudonymSecret`: the sandbox's (rule 18), so the examples are what its copy will hold.
 * `preview`: where rule 18's preview is made; the web app makes it in a process of its own (preview-apart.ts).
 */
export async function runDryRun(
  client: pg.ClientBase,
  options: SandboxOptions,
  classification: Classification,
  pseudonymSecret?: string,
  preview: PersonalDataPreviewer = previewPersonalData,
  catalogBounds: CatalogBounds = CATALOG_BOUNDS,
): Promise<DryRunResult> {
  const started = performance.now();
  // As the copy's reading of the schema: a catalog larger than the portal reads is refused before any of it is read.
  await assertCatalogReadable(client, catalogBounds);
  const tables = await readTables(client);
  const foreignKeys = await readForeignKeys(client);
  // The snapshot time and the new mailbox's id only enter rewritten values, never a count.
  const ruleContext = {
    options,
    classification,
    snapshotAt: new Date(),
    newMailboxId: 0,
    ...(options.kind === "partial" ? { foreignKeys } : {}),
  };
  // As the copy refuses it, before counting anything: of the keys the sandbox keeps (an operator's, classified `copy`).
  assertNoDanglingKeys(tables, { ...ruleContext, foreignKeys: foreignKeys.filter((k) => objectTreatment(classification, { kind: "foreign key", table: k.table, name: k.name }) === "copy") });
  // Every count sees one moment of production, as the copy's snapshot does. A partial
  // copy's counts evaluate its closure as the copy does: its sets hashed, and the rows it
  // pulls in read first (a second statement), so no table's count follows its children's
  // tables (on ten million rows, that did not fit the statement limit).
  const { plans, census, figures, panels } = await inOneSnapshot(client, async () => {
    if (options.kind === "partial") await allowHashedSets(client, largestTable(tables));
    // The chosen rows' keys first, as the copy reads them: the statements below name them as lists.
    const partialDownKeys = options.kind === "partial" ? await readDownKeys(client, partialDownKeysQuery(tables, ruleContext)) : undefined;
    const withKeys = { ...ruleContext, ...(partialDownKeys ? { partialDownKeys } : {}) };
    const partialPulledIn = options.kind === "partial" ? await readPulledIn(client, partialPulledInQuery(tables, withKeys)) : undefined;
    const plans = buildCopyPlans(tables, { ...withKeys, ...(partialPulledIn ? { partialPulledIn } : {}) });
    const previews = [...CONTRACT_RULES.flatMap((r) => r.preview?.(options) ?? []), ...sharePreviews(plans)];
    // In the same snapshot: what the panels' reading measures is what it reads.
    return { plans, ...(await countAll(client, plans, previews)), panels: await webPanelRewrites(client) };
  });
  const reports = buildRuleReports(plans, census, {});
  const changes = (rule: number) => reports.find((r) => r.rule === rule)?.changes ?? {};
  const change = (rule: number, key: string) => changes(rule)[key] ?? 0;
  const figure = (key: string) => figures.get(key) ?? 0;
  // What a configuration-only copy holds of documents and attachments: none, whatever rule 9's choices say.
  const copied = (key: string) => (options.kind === "config" ? 0 : figure(key));
  // A pseudonymised copy takes their rows without their contents (rule 18): it moves none of their bytes.
  const copiedBytes = (key: string) => (options.personalData === "pseudonymise" ? 0 : copied(key));
  const counted = { people: figure("associate.pseudonymised") + figure("contact.pseudonymised"), companies: figure("company.pseudonymised") };
  const personalData =
    options.personalData === "pseudonymise"
      ? await preview(client, {
          tables,
          freeText: freeTextColumnsOf(plans),
          classification,
          secret: pseudonymSecret ?? randomBytes(32).toString("base64url"),
          invalidationDomain: options.invalidationDomain,
          counted,
        }).catch((error: unknown) => {
          // The rest of the review stands: only the examples and the free-text figure are missing.
          if (error instanceof PreviewUnavailable) return unavailablePreview(counted, error);
          throw error;
        })
      : null;
  return {
    usersGivenAccess: options.users.length,
    associatesLosingLogin: figure("associate.losing_login"),
    inboxAccountsLosingLogins: change(3, "inbox_account.logins"),
    inboxMessagesRemoved: change(3, "inbox_message.removed"),
    serviceMailboxesReplaced: change(4, "service_mailbox.removed"),
    openTicketsToClose: change(5, "ticket.closed"),
    webPanelsToRewrite: panels.length,
    webPanelExamples: panels.slice(0, 3).map(({ name, before, after }) => ({ name, before, after })),
    tasksToDisable: change(7, "scheduled_task.disabled"),
    tasksKeptEnabled: figure("scheduled_task.kept"),
    appAuthorizationsDropped: change(8, "app_authorization.removed"),
    webhooksDropped: change(8, "webhook.removed"),
    addressesRewritten: Object.values(changes(2)).reduce((a, b) => a + b, 0),
    documentsCopied: { count: copied("document.copied"), bytes: copiedBytes("document.copied_bytes") },
    documentsLeftOut: change(9, "document.removed"),
    attachmentsCopied: { count: copied("ticket_attachment.copied"), bytes: copiedBytes("ticket_attachment.copied_bytes") },
    attachmentsLeftOut: change(9, "ticket_attachment.removed"),
    erpConnectionsStopped: figure("erp_connection.stopped"),
    recordsLeftOut: Object.entries(changes(17)).reduce((sum, [key, n]) => sum + (isLeftOutKey(key) ? n : 0), 0),
    share: options.kind === "partial" ? shareSize(plans, figure, copiedBytes("document.copied_bytes"), copiedBytes("ticket_attachment.copied_bytes")) : null,
    personalData,
    durationMs: Math.round(performance.now() - started),
  };
}
