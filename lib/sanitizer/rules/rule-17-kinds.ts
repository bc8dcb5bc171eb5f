/**
 * Rule 17, kinds: a full sandbox copies every row; a configuration-only sandbox
 * copies the configuration tables (lib/crm/contract.ts CONFIGURATION_TABLES) and
 * leaves every other table, the customer's own classified tables included, empty.
 * Every other rule applies to what is copied; sequences continue after
 * production's maximum either way (ddl.ts takes the greater of the two).
 */
import { CONFIGURATION_TABLES } from "../../crm/contract";
import { quoteIdent, quoteLiteral } from "../sql";
import { check, countAll, offendingRows, type ContractRule } from "./rule";

/** Customer records as people call them: the report never names a table. */
const RECORDS: Record<string, string> = {
  company: "Companies",
  contact: "Contacts",
  sale: "Sales",
  project: "Projects",
  appointment: "Appointments",
  document: "Documents",
  inbox_account: "Inbox accounts",
  inbox_message: "Inbox messages",
  ticket: "Tickets",
  ticket_message: "Ticket messages",
  ticket_attachment: "Service attachments",
};

const LEFT_OUT = / left out$/;

export const kindsRule: ContractRule = {
  rule: 17,
  title: "Kinds",
  copy(table, ctx) {
    if (ctx.options.kind === "full" || CONFIGURATION_TABLES.has(table.name)) return undefined;
    return { noRows: true, changes: [{ rule: 17, key: `${table.name} left out`, aggregate: countAll }] };
  },
  changeLabel(key) {
    if (!LEFT_OUT.test(key)) return undefined;
    const table = key.replace(LEFT_OUT, "");
    return `${RECORDS[table] ?? `Rows of your table “${table}”`} left out (configuration only)`;
  },
  checks: [
    check(17, "a configuration-only copy holds no customer records", async (c, e) => {
      if (e.options.kind === "full") return [];
      const { rows } = await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      const records = rows.map((r) => r.t).filter((t) => !CONFIGURATION_TABLES.has(t));
      if (records.length === 0) return [];
      // One row at most per table: "it has rows" is the finding, not how many.
      return offendingRows(c, records.map((t) => `(SELECT ${quoteLiteral(`${t} has rows`)} AS o FROM ${quoteIdent(t)} LIMIT 1)`).join(" UNION ALL "));
    }),
  ],
};
