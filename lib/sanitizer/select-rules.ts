/**
 * The rules applied inside the copy's `SELECT` (rules 2, 3, 4, 5, 7, 8, 9, 10, 12):
 * each contract table gets column expressions, a row filter or "no rows". (Rule 6
 * reads URLs as a browser does, which SQL cannot: post-rules.ts.)
 * Doing it here costs nothing beyond reading the row, where an UPDATE after the
 * copy would rewrite every row a second time.
 *
 * `changes` are aggregates run over production's rows in the same snapshot, so the
 * report counts exactly what the rules changed.
 */
import type { SandboxOptions } from "./options";
import { rewriteEmailSql } from "./email-sql";
import { inIds, quoteIdent, quoteLiteral, timestamptzLiteral } from "./sql";

export interface RuleContext {
  options: SandboxOptions;
  snapshotAt: Date;
  /** Id of the sandbox's own Service mailbox (rule 4), created after the copy. */
  newMailboxId: number;
}

export interface ChangeCount {
  rule: number;
  key: string;
  /** An aggregate over the production table, e.g. `count(*) FILTER (WHERE ...)`. */
  aggregate: string;
}

export interface TableRules {
  /** Column → SQL expression replacing it. */
  columns?: Record<string, string>;
  where?: string;
  /** No row is copied (the table is still created). */
  noRows?: boolean;
  changes?: ChangeCount[];
}

export const EMAIL_COLUMNS: readonly (readonly [string, string])[] = [
  ["associate", "email"],
  ["company", "email"],
  ["contact", "email"],
  ["inbox_account", "address"],
  ["ticket_message", "author_email"],
];

export const INBOX_LOGIN_COLUMNS = [
  "incoming_username",
  "incoming_password",
  "outgoing_username",
  "outgoing_password",
  "oauth_access_token",
  "oauth_refresh_token",
] as const;

export const ACTIVE_TICKET_STATUSES = ["open", "pending", "postponed"] as const;

const ACTIVE = `status IN (${ACTIVE_TICKET_STATUSES.map(quoteLiteral).join(", ")})`;
const countAll = "count(*)";
const countWhere = (condition: string) => `count(*) FILTER (WHERE ${condition})`;

export function contractTableRules(table: string, ctx: RuleContext): TableRules {
  const { options } = ctx;
  const rules: TableRules = { columns: {}, changes: [] };
  const columns = rules.columns ?? {};
  const changes = rules.changes ?? [];

  for (const [t, column] of EMAIL_COLUMNS) {
    if (t !== table) continue;
    const col = quoteIdent(column);
    columns[column] = rewriteEmailSql(col, options.invalidationDomain);
    changes.push({ rule: 2, key: `${table}.${column}`, aggregate: countWhere(`${col} <> ''`) });
  }

  switch (table) {
    case "associate": {
      const given = inIds("id", options.users.map((u) => u.associateId));
      const plan = options.users.length
        ? `CASE id ${options.users.map((u) => `WHEN ${u.associateId} THEN ${quoteLiteral(u.userPlan)}`).join(" ")} END`
        : "NULL::text";
      columns.can_login = given;
      columns.user_plan = plan;
      changes.push(
        { rule: 10, key: "associate.can_login", aggregate: countWhere(`can_login IS DISTINCT FROM ${given}`) },
        { rule: 10, key: "associate.user_plan", aggregate: countWhere(`user_plan IS DISTINCT FROM ${plan}`) },
      );
      break;
    }
    case "inbox_account":
      for (const c of INBOX_LOGIN_COLUMNS) columns[c] = "NULL::text";
      changes.push({
        rule: 3,
        key: "inbox_account.logins",
        aggregate: countWhere(INBOX_LOGIN_COLUMNS.map((c) => `${c} IS NOT NULL`).join(" OR ")),
      });
      break;
    case "inbox_message":
      return { noRows: true, changes: [{ rule: 3, key: "inbox_message.removed", aggregate: countAll }] };
    case "service_mailbox":
      return { noRows: true, changes: [{ rule: 4, key: "service_mailbox.removed", aggregate: countAll }] };
    case "ticket":
      columns.status = `CASE WHEN ${ACTIVE} THEN 'closed' ELSE status END`;
      columns.closed_at = `CASE WHEN ${ACTIVE} THEN ${timestamptzLiteral(ctx.snapshotAt)} ELSE closed_at END`;
      columns.mailbox_id = `CASE WHEN mailbox_id IS NULL THEN NULL ELSE ${ctx.newMailboxId} END`;
      changes.push(
        { rule: 5, key: "ticket.closed", aggregate: countWhere(ACTIVE) },
        { rule: 4, key: "ticket.mailbox_repointed", aggregate: countWhere("mailbox_id IS NOT NULL") },
      );
      break;
    case "ticket_attachment":
      if (!options.serviceAttachments) {
        return { noRows: true, changes: [{ rule: 9, key: "ticket_attachment.removed", aggregate: countAll }] };
      }
      break;
    case "document":
      return documentRules(options);
    case "scheduled_task": {
      const kept = inIds("id", options.keepEnabledTaskIds);
      columns.enabled = kept;
      changes.push(
        { rule: 7, key: "scheduled_task.disabled", aggregate: countWhere(`enabled AND NOT ${kept}`) },
        { rule: 7, key: "scheduled_task.enabled", aggregate: countWhere(`NOT enabled AND ${kept}`) },
      );
      break;
    }
    case "app_authorization":
    case "webhook":
      return { noRows: true, changes: [{ rule: 8, key: `${table}.removed`, aggregate: countAll }] };
    case "erp_connection":
      columns.auto_sync = "false";
      columns.api_key = "NULL::text";
      changes.push(
        { rule: 12, key: "erp_connection.auto_sync", aggregate: countWhere("auto_sync") },
        { rule: 12, key: "erp_connection.api_key", aggregate: countWhere("api_key IS NOT NULL") },
      );
      break;
  }
  return rules;
}

function documentRules(options: SandboxOptions): TableRules {
  const docs = options.documents;
  if (docs.mode === "none") {
    return { noRows: true, changes: [{ rule: 9, key: "document.removed", aggregate: countAll }] };
  }
  if (docs.mode === "all") return {};
  // "On or after a date": from midnight UTC of that day. UTC because the wizard's
  // date has no zone and the sandbox server's TimeZone setting must not matter.
  const from = `${quoteLiteral(`${docs.since}T00:00:00Z`)}::timestamptz`;
  return {
    where: `created_at >= ${from}`,
    changes: [{ rule: 9, key: "document.removed", aggregate: countWhere(`NOT (created_at >= ${from})`) }],
  };
}
