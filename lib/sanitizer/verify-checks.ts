/**
 * The checks of rules 0–13 and 15 on a finished copy. Each returns a few offending
 * rows (empty = the rule holds); they only read, so they can run against a live
 * sandbox at any time. Rule 14 is the verification itself (verify.ts).
 */
import type pg from "pg";
import { checkContract } from "../crm/contract-check";
import { contractTable } from "../crm/contract";
import { notRewrittenEmailSql } from "./email-sql";
import type { SandboxExpectations } from "./expectations";
import { OPT_IN_PREFERENCES, sandboxSerialNumber } from "./post-rules";
import { ACTIVE_TICKET_STATUSES, EMAIL_COLUMNS, INBOX_LOGIN_COLUMNS } from "./select-rules";
import { quoteIdent } from "./sql";
import { reachesService } from "./web-panel-check";

export const OFFENDING_LIMIT = 5;

export interface CheckDefinition {
  rule: number;
  description: string;
  offending(client: pg.ClientBase, e: SandboxExpectations): Promise<string[]>;
}

async function texts(client: pg.ClientBase, sql: string, params: unknown[] = []): Promise<string[]> {
  const { rows } = await client.query<{ o: string }>(`SELECT o FROM (${sql}) q LIMIT ${OFFENDING_LIMIT}`, params);
  return rows.map((r) => r.o);
}

const check = (rule: number, description: string, offending: CheckDefinition["offending"]): CheckDefinition => ({
  rule,
  description,
  offending,
});

const classified = (e: SandboxExpectations, treatment: string) =>
  Object.entries(e.classification.columns)
    .filter(([, t]) => t === treatment)
    .map(([key]) => key.split(".") as [string, string]);

async function existingColumns(client: pg.ClientBase, pairs: [string, string][]): Promise<[string, string][]> {
  const { rows } = await client.query<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  const present = new Set(rows.map((r) => `${r.t}.${r.c}`));
  return pairs.filter(([t, c]) => present.has(`${t}.${c}`));
}

export const CHECKS: CheckDefinition[] = [
  check(0, "every table and column is in the contract or classified", async (c, e) => {
    const r = await checkContract(c);
    return [
      ...r.extraTables.filter((t) => !e.classification.tables[t]).map((t) => `unclassified table ${t}`),
      ...r.extraColumns.filter((x) => !e.classification.columns[`${x.table}.${x.column}`]).map((x) => `unclassified column ${x.table}.${x.column}`),
      ...r.missingTables.map((t) => `missing table ${t}`),
      ...r.missingColumns.map((x) => `missing column ${x.table}.${x.column}`),
      ...r.wrongColumns.map((x) => `wrong type ${x.table}.${x.column}`),
    ].slice(0, OFFENDING_LIMIT);
  }),
  check(0, "classified columns are cleared or rewritten, skipped tables empty", async (c, e) => {
    const parts: string[] = [];
    for (const [t, col] of await existingColumns(c, classified(e, "clear"))) {
      parts.push(`SELECT '${t}.${col} not cleared' AS o FROM ${quoteIdent(t)} WHERE ${quoteIdent(col)} IS NOT NULL`);
    }
    for (const [t, col] of await existingColumns(c, classified(e, "email"))) {
      parts.push(`SELECT '${t}.${col}: ' || ${quoteIdent(col)} AS o FROM ${quoteIdent(t)} WHERE ${notRewrittenEmailSql(quoteIdent(col), e.options.invalidationDomain)}`);
    }
    const { rows } = await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`);
    for (const { t } of rows) {
      if (e.classification.tables[t] === "skip") parts.push(`SELECT 'skipped table ${t} has rows' AS o FROM ${quoteIdent(t)}`);
    }
    return parts.length ? texts(c, parts.join(" UNION ALL ")) : [];
  }),
  check(0, "no trigger, rule, policy, function, view or extension came from production (rule 16)", (c) =>
    texts(
      c,
      `SELECT 'trigger ' || tgname AS o FROM pg_trigger WHERE NOT tgisinternal
       UNION ALL SELECT 'rule ' || r.rulename FROM pg_rewrite r JOIN pg_class t ON t.oid = r.ev_class
                  WHERE r.rulename <> '_RETURN' AND t.relnamespace = 'public'::regnamespace
       UNION ALL SELECT 'policy ' || polname FROM pg_policy
       UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
       UNION ALL SELECT 'view ' || relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('v', 'm')
       UNION ALL SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'
       UNION ALL SELECT 'event trigger ' || evtname FROM pg_event_trigger`,
    ),
  ),
  check(1, "installation is this sandbox's identity", (c, e) =>
    texts(
      c,
      `SELECT format('installation %s: environment=%s customer_id=%s source=%s copied_at=%s serial=%s state=%s',
                     id, environment, customer_id, source_customer_id, copied_at, serial_number, state) AS o
         FROM installation
        WHERE (environment, customer_id, source_customer_id, copied_at, serial_number, state)
              IS DISTINCT FROM ('sandbox', $1, $2, $3::timestamptz, $4, $5)
           OR (SELECT count(*) FROM installation) <> 1`,
      [e.sandboxCustomerId, e.sourceCustomerId, e.snapshotAt, sandboxSerialNumber(e.sourceCompanyName, e.sourceSerialNumber), e.options.stateAfterCopy],
    ),
  ),
  check(2, "every e-mail address is at the invalidation domain", (c, e) =>
    texts(
      c,
      EMAIL_COLUMNS.map(
        ([t, col]) =>
          `SELECT '${t} ' || id || ': ' || ${col} AS o FROM ${t} WHERE ${notRewrittenEmailSql(col, e.options.invalidationDomain)}`,
      ).join(" UNION ALL "),
    ),
  ),
  check(3, "inbox accounts have no login", (c) =>
    texts(c, `SELECT 'inbox_account ' || id AS o FROM inbox_account WHERE ${INBOX_LOGIN_COLUMNS.map((x) => `${x} IS NOT NULL`).join(" OR ")}`),
  ),
  check(3, "inbox_message is empty", (c) => texts(c, `SELECT 'inbox_message ' || id AS o FROM inbox_message`)),
  check(4, "exactly one Service mailbox, new, without credentials", (c, e) =>
    texts(
      c,
      `SELECT format('service_mailbox %s: %s', id, address) AS o FROM service_mailbox
        WHERE (id, address) IS DISTINCT FROM ($1::int, $2::text)
           OR host IS NOT NULL OR username IS NOT NULL OR password IS NOT NULL OR oauth_refresh_token IS NOT NULL
       UNION ALL SELECT 'no Service mailbox' FROM (SELECT 1) x WHERE NOT EXISTS (SELECT 1 FROM service_mailbox)`,
      [e.newMailboxId, e.serviceMailboxAddress],
    ),
  ),
  check(4, "tickets point at the sandbox's mailbox or none", (c, e) =>
    texts(c, `SELECT format('ticket %s: mailbox_id=%s', id, mailbox_id) AS o FROM ticket WHERE mailbox_id <> $1`, [e.newMailboxId]),
  ),
  check(5, "no ticket is open, pending or postponed", (c) =>
    texts(c, `SELECT format('ticket %s: status=%s', id, status) AS o FROM ticket WHERE status = ANY($1)`, [[...ACTIVE_TICKET_STATUSES]]),
  ),
  check(5, "closed tickets carry the snapshot time", (c, e) =>
    texts(
      c,
      `SELECT format('%s tickets closed at the snapshot, expected at least %s', n, $2::int) AS o
         FROM (SELECT count(*) AS n FROM ticket WHERE status = 'closed' AND closed_at = $1::timestamptz) x WHERE n < $2::int`,
      [e.snapshotAt, e.ticketsClosed],
    ),
  ),
  check(6, "no web panel reaches Service by full path", async (c) => {
    const base = (await c.query<{ base: string }>("SELECT service_base_url AS base FROM installation LIMIT 1")).rows[0]?.base ?? "";
    const panels = await c.query<{ id: number; url: string }>("SELECT id, url FROM web_panel ORDER BY id");
    return panels.rows.filter((p) => reachesService(p.url, base)).slice(0, OFFENDING_LIMIT).map((p) => `web_panel ${p.id}: ${p.url}`);
  }),
  check(7, "only the tasks kept enabled are enabled", (c, e) =>
    texts(
      c,
      `SELECT format('scheduled_task %s: enabled=%s', id, enabled::text) AS o FROM scheduled_task WHERE enabled <> (id = ANY($1::int[]))`,
      [e.options.keepEnabledTaskIds],
    ),
  ),
  check(8, "only carried app authorizations and webhooks exist", (c, e) =>
    texts(
      c,
      `SELECT 'app_authorization ' || id AS o FROM app_authorization WHERE NOT id = ANY($1::int[])
       UNION ALL SELECT 'webhook ' || id FROM webhook WHERE NOT id = ANY($2::int[])
       UNION ALL SELECT 'carried app_authorization ' || i || ' missing' FROM unnest($1::int[]) i WHERE NOT EXISTS (SELECT 1 FROM app_authorization WHERE id = i)
       UNION ALL SELECT 'carried webhook ' || i || ' missing' FROM unnest($2::int[]) i WHERE NOT EXISTS (SELECT 1 FROM webhook WHERE id = i)`,
      [e.carried.appAuthorizations.map((a) => a.id), e.carried.webhooks.map((w) => w.id)],
    ),
  ),
  check(9, "documents and attachments as chosen", (c, e) => {
    const docs = e.options.documents;
    const docFilter =
      docs.mode === "none" ? "true" : docs.mode === "since" ? `created_at < '${docs.since}T00:00:00Z'::timestamptz` : "false";
    return texts(
      c,
      `SELECT format('document %s: created_at=%s', id, created_at) AS o FROM document WHERE ${docFilter}
       UNION ALL SELECT 'ticket_attachment ' || id FROM ticket_attachment WHERE NOT $1::boolean`,
      [e.options.serviceAttachments],
    );
  }),
  check(10, "only the associates given access can log in, with their plan", (c, e) =>
    texts(
      c,
      `SELECT format('associate %s: can_login=%s user_plan=%s', a.id, a.can_login::text, coalesce(a.user_plan, 'none')) AS o
         FROM associate a LEFT JOIN unnest($1::int[], $2::text[]) AS u(id, plan) ON u.id = a.id
        WHERE a.can_login <> (u.id IS NOT NULL) OR a.user_plan IS DISTINCT FROM u.plan
       UNION ALL SELECT 'associate ' || u.id || ' given access does not exist'
         FROM unnest($1::int[]) AS u(id) WHERE NOT EXISTS (SELECT 1 FROM associate WHERE id = u.id)`,
      [e.options.users.map((u) => u.associateId), e.options.users.map((u) => u.userPlan)],
    ),
  ),
  check(11, "both opt-ins are No, once each", (c) =>
    texts(
      c,
      `SELECT format('%s: %s', n, coalesce(string_agg(p.value, ', '), 'missing')) AS o
         FROM unnest($1::text[]) n LEFT JOIN preference p ON p.section = 'System' AND p.name = n AND p.associate_id IS NULL
        GROUP BY n HAVING count(p.id) <> 1 OR bool_or(p.value <> 'No')`,
      [[...OPT_IN_PREFERENCES]],
    ),
  ),
  check(12, "ERP connections do not sync and have no key", (c) =>
    texts(c, `SELECT format('erp_connection %s: auto_sync=%s api_key set=%s', id, auto_sync::text, (api_key IS NOT NULL)::text) AS o FROM erp_connection WHERE auto_sync OR api_key IS NOT NULL`),
  ),
  check(13, "every table holds the rows of the snapshot", async (c, e) => {
    const extra: Record<string, number> = {
      service_mailbox: 1,
      app_authorization: e.carried.appAuthorizations.length,
      webhook: e.carried.webhooks.length,
      preference: e.preferencesCreated ?? 0,
    };
    const out: string[] = [];
    for (const [table, rows] of Object.entries(e.tableRows)) {
      const expected = rows + (contractTable(table) ? (extra[table] ?? 0) : 0);
      const r = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quoteIdent(table)}`);
      const n = Number(r.rows[0]?.n ?? -1);
      if (n !== expected) out.push(`${table}: ${n} rows, expected ${expected}`);
    }
    return out.slice(0, OFFENDING_LIMIT);
  }),
  check(13, "sequences continue after the copied maximum", (c) =>
    texts(
      c,
      `SELECT format('%s.%s: sequence at %s, max %s', t.relname, a.attname, coalesce(s.last_value::text, 'start'), m.mx) AS o
         FROM pg_class t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
         JOIN LATERAL (SELECT pg_get_serial_sequence(quote_ident(t.relname), a.attname) AS seq) q ON q.seq IS NOT NULL
         JOIN pg_sequences s ON format('%I.%I', s.schemaname, s.sequencename) = q.seq
         CROSS JOIN LATERAL (SELECT (xpath('/row/m/text()', query_to_xml(format('SELECT max(%I) AS m FROM %I', a.attname, t.relname), false, true, '')))[1]::text::bigint AS mx) m
        WHERE t.relnamespace = 'public'::regnamespace AND t.relkind = 'r' AND m.mx IS NOT NULL AND coalesce(s.last_value, 0) < m.mx`,
    ),
  ),
  check(15, "the copy is a sandbox of another tenant, never a source", (c) =>
    texts(
      c,
      `SELECT format('installation %s: environment=%s customer_id=%s source=%s', id, environment, customer_id, source_customer_id) AS o
         FROM installation WHERE environment <> 'sandbox' OR source_customer_id IS NULL OR source_customer_id = customer_id`,
    ),
  ),
];
