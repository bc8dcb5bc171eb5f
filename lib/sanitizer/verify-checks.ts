/**
 * The checks of rules 0–13 and 15 on a finished copy: the engine's own (rules 0, 13
 * and 15) around each contract rule's (rules/). Each returns a few offending rows
 * (empty = the rule holds); they only read, so they can run against a live sandbox
 * at any time. Rule 14 is the verification itself (verify.ts).
 */
import type pg from "pg";
import { checkContract } from "../crm/contract-check";
import { contractTable } from "../crm/contract";
import { columnTreatment, tableTreatment } from "./classification";
import type { SandboxExpectations } from "./expectations";
import { CONTRACT_RULES } from "./rules";
import { check, OFFENDING_LIMIT, offendingRows, type CheckDefinition } from "./rules/rule";
import { quoteIdent, quoteLiteral } from "./sql";

const clearedColumns = (e: SandboxExpectations) =>
  Object.entries(e.classification.columns)
    .filter(([, t]) => t === "clear")
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
      ...r.extraTables.filter((t) => !tableTreatment(e.classification, t)).map((t) => `unclassified table ${t}`),
      ...r.extraColumns.filter((x) => !columnTreatment(e.classification, x.table, x.column)).map((x) => `unclassified column ${x.table}.${x.column}`),
      ...r.missingTables.map((t) => `missing table ${t}`),
      ...r.missingColumns.map((x) => `missing column ${x.table}.${x.column}`),
      ...r.wrongColumns.map((x) => `wrong type ${x.table}.${x.column}`),
    ].slice(0, OFFENDING_LIMIT);
  }),
  // Classified e-mail columns are rule 2's: its check reads them.
  check(0, "classified columns are cleared, skipped tables empty", async (c, e) => {
    const parts: string[] = [];
    for (const [t, col] of await existingColumns(c, clearedColumns(e))) {
      // Names are production's: quoted as literals too, never spliced (a table named `x') q; …` is an attack).
      parts.push(`SELECT ${quoteLiteral(`${t}.${col} not cleared`)} AS o FROM ${quoteIdent(t)} WHERE ${quoteIdent(col)} IS NOT NULL`);
    }
    const { rows } = await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`);
    for (const { t } of rows) {
      if (tableTreatment(e.classification, t) === "skip") parts.push(`SELECT ${quoteLiteral(`skipped table ${t} has rows`)} AS o FROM ${quoteIdent(t)}`);
    }
    return parts.length ? offendingRows(c, parts.join(" UNION ALL ")) : [];
  }),
  check(0, "no trigger, rule, policy, function, view or extension came from production (rule 16)", (c) =>
    offendingRows(
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
  ...CONTRACT_RULES.flatMap((r) => r.checks),
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
    offendingRows(
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
    offendingRows(
      c,
      `SELECT format('installation %s: environment=%s customer_id=%s source=%s', id, environment, customer_id, source_customer_id) AS o
         FROM installation WHERE environment <> 'sandbox' OR source_customer_id IS NULL OR source_customer_id = customer_id`,
    ),
  ),
];
