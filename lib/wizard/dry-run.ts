/**
 * The review step's dry run: what the copy will change, counted on production
 * itself, read-only. Plain TypeScript over a pg client (the app, tests and the
 * benchmark share it).
 *
 * Speed: every figure is an aggregate computed by PostgreSQL in one round trip;
 * no row is pulled into JavaScript except the web panels (rule 6 is judged in
 * TypeScript; the table is small).
 */
import type pg from "pg";
import { rewriteWebPanelUrl } from "../sanitizer/rules/rule-06-web-panels";
import type { SandboxOptions } from "../sanitizer/options";

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
  durationMs: number;
}

type Row = Record<string, string | null>;

function documentsFilter(options: SandboxOptions): string {
  if (options.documents.mode === "all") return "true";
  if (options.documents.mode === "none") return "false";
  return "created_at >= $3::date";
}

export async function runDryRun(client: pg.ClientBase, options: SandboxOptions): Promise<DryRunResult> {
  const started = performance.now();
  const userIds = options.users.map((u) => u.associateId);
  const since = options.documents.mode === "since" ? options.documents.since : null;
  const installation = await client.query<{ service_base_url: string }>("SELECT service_base_url FROM public.installation ORDER BY id LIMIT 1");
  const base = installation.rows[0]?.service_base_url ?? "";
  const docs = documentsFilter(options);
  const email = (table: string, column: string) => `(SELECT count(*) FROM public.${table} WHERE ${column} IS NOT NULL AND ${column} <> '')`;
  const sql = `
    SELECT
      (SELECT count(*) FROM public.associate WHERE can_login AND NOT (id = ANY($1::int[]))) AS associates_losing_login,
      (SELECT count(*) FROM public.inbox_account WHERE num_nonnulls(incoming_username, incoming_password, outgoing_username,
          outgoing_password, oauth_access_token, oauth_refresh_token) > 0) AS inbox_accounts,
      (SELECT count(*) FROM public.inbox_message) AS inbox_messages,
      (SELECT count(*) FROM public.service_mailbox) AS service_mailboxes,
      (SELECT count(*) FROM public.ticket WHERE status IN ('open', 'pending', 'postponed')) AS open_tickets,
      (SELECT count(*) FROM public.scheduled_task WHERE enabled AND NOT (id = ANY($2::int[]))) AS tasks_to_disable,
      (SELECT count(*) FROM public.scheduled_task WHERE id = ANY($2::int[])) AS tasks_kept,
      (SELECT count(*) FROM public.app_authorization) AS app_authorizations,
      (SELECT count(*) FROM public.webhook) AS webhooks,
      ${email("associate", "email")} + ${email("company", "email")} + ${email("contact", "email")}
        + ${email("inbox_account", "address")} + ${email("ticket_message", "author_email")} AS addresses,
      (SELECT count(*) FILTER (WHERE ${docs}) FROM public.document) AS documents_copied,
      (SELECT coalesce(sum(size_bytes) FILTER (WHERE ${docs}), 0) FROM public.document) AS documents_copied_bytes,
      (SELECT count(*) FROM public.document) AS documents_total,
      (SELECT count(*) FROM public.ticket_attachment) AS attachments,
      (SELECT coalesce(sum(size_bytes), 0) FROM public.ticket_attachment) AS attachments_bytes,
      (SELECT count(*) FROM public.erp_connection WHERE auto_sync OR api_key IS NOT NULL) AS erp_connections`;
  const params: unknown[] = [userIds, options.keepEnabledTaskIds];
  if (since) params.push(since);
  const { rows } = await client.query<Row>(sql, params);
  const r = rows[0] ?? {};
  const n = (key: string) => Number(r[key] ?? 0);
  // Rule 6 reads URLs as a browser does, which SQL cannot: web_panel is a small
  // configuration table, judged here row by row.
  const panels = await client.query<{ name: string; url: string }>("SELECT name, url FROM public.web_panel ORDER BY id");
  const rewritten = panels.rows.map((p) => ({ name: p.name, before: p.url, after: rewriteWebPanelUrl(p.url, base) })).filter((p) => p.after !== p.before);
  const attachments = { count: n("attachments"), bytes: n("attachments_bytes") };
  const documentsCopied = { count: n("documents_copied"), bytes: n("documents_copied_bytes") };
  return {
    usersGivenAccess: userIds.length,
    associatesLosingLogin: n("associates_losing_login"),
    inboxAccountsLosingLogins: n("inbox_accounts"),
    inboxMessagesRemoved: n("inbox_messages"),
    serviceMailboxesReplaced: n("service_mailboxes"),
    openTicketsToClose: n("open_tickets"),
    webPanelsToRewrite: rewritten.length,
    webPanelExamples: rewritten.slice(0, 3),
    tasksToDisable: n("tasks_to_disable"),
    tasksKeptEnabled: n("tasks_kept"),
    appAuthorizationsDropped: n("app_authorizations"),
    webhooksDropped: n("webhooks"),
    addressesRewritten: n("addresses"),
    documentsCopied,
    documentsLeftOut: n("documents_total") - documentsCopied.count,
    attachmentsCopied: options.serviceAttachments ? attachments : { count: 0, bytes: 0 },
    attachmentsLeftOut: options.serviceAttachments ? 0 : attachments.count,
    erpConnectionsStopped: n("erp_connections"),
    durationMs: Math.round(performance.now() - started),
  };
}
