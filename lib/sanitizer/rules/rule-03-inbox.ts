/** Rule 3, inbox: no mail account keeps its logins, and no downloaded mail is copied. */
import { check, countAll, countWhere, offendingRows, type ContractRule } from "./rule";

export const INBOX_LOGIN_COLUMNS = [
  "incoming_username",
  "incoming_password",
  "outgoing_username",
  "outgoing_password",
  "oauth_access_token",
  "oauth_refresh_token",
] as const;

const HAS_LOGIN = INBOX_LOGIN_COLUMNS.map((c) => `${c} IS NOT NULL`).join(" OR ");


const CHANGE_LABELS: Record<string, string> = { "inbox_message.removed": "Inbox messages removed", "inbox_account.logins": "Inbox accounts whose logins were removed" };

export const inboxRule: ContractRule = {
  rule: 3,
  title: "Inbox",
  copy(table) {
    if (table.name === "inbox_message") return { noRows: true, changes: [{ rule: 3, key: "inbox_message.removed", aggregate: countAll }] };
    if (table.name !== "inbox_account") return undefined;
    return {
      columns: Object.fromEntries(INBOX_LOGIN_COLUMNS.map((c) => [c, "NULL::text"])),
      changes: [{ rule: 3, key: "inbox_account.logins", aggregate: countWhere(HAS_LOGIN) }],
    };
  },
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    check(3, "inbox accounts have no login", (c) => offendingRows(c, `SELECT 'inbox_account ' || id AS o FROM inbox_account WHERE ${HAS_LOGIN}`)),
    check(3, "inbox_message is empty", (c) => offendingRows(c, `SELECT 'inbox_message ' || id AS o FROM inbox_message`)),
  ],
};
