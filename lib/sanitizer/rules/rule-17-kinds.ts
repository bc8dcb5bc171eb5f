/**
 * Rule 17, kinds: a full sandbox copies every row; a partial one copies the chosen
 * companies with everything they reference and everything that references them
 * (the closure: lib/sanitizer/partial-closure.ts); a configuration-only one copies
 * the configuration tables (lib/crm/contract.ts CONFIGURATION_TABLES) and leaves
 * every other table, the customer's own classified tables included, empty.
 * Configuration tables come whole in every kind. Every other rule applies to what
 * is copied; sequences continue after production's maximum either way (ddl.ts
 * takes the greater of the two).
 */
import { CONFIGURATION_TABLES } from "../../crm/contract";
import { quoteIdent, quoteLiteral } from "../sql";
import { partialChecks } from "../partial-checks";
import { check, countAll, offendingRows, type ContractRule } from "./rule";
import { lookupTable } from "../../lookup-table";
import { oneLine } from "../../untrusted-text";

/** Customer records as people call them: the report never names a table. */
const RECORDS = lookupTable({
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
});

const records = (table: string) => RECORDS[table] ?? `Rows of your table “${oneLine(table, 64)}”`;

const LEFT_OUT = / left out$/;
const OUTSIDE_SHARE = / outside the share$/;
const CHOSEN = / of the chosen companies$/;

/** The change key counting a table's rows that belong to the chosen companies (the dependants check's expectation). */
export const chosenKey = (table: string) => `${table} of the chosen companies`;

/** Whether a change key counts rows a kind left out (not rows it kept). */
export const isLeftOutKey = (key: string) => LEFT_OUT.test(key) || OUTSIDE_SHARE.test(key);

export const kindsRule: ContractRule = {
  rule: 17,
  title: "Kinds",
  // What the sandbox holds at all comes before what any rule does to the rows.
  precedence: 1,
  copy(table, ctx) {
    if (ctx.options.kind === "full" || CONFIGURATION_TABLES.has(table.name)) return undefined;
    if (ctx.options.kind === "config") return { noRows: true, changes: [{ rule: 17, key: `${table.name} left out`, aggregate: countAll }] };
    const scope = ctx.partialScopes?.get(table.name);
    if (!scope) return undefined; // not copied at all: the rule that leaves it out counts it
    // Counted by the engine as every row less those in the share (ChangeCount.outsideScope).
    return { scope, changes: [{ rule: 17, key: `${table.name} outside the share`, aggregate: countAll }] };
  },
  changeLabel(key) {
    if (LEFT_OUT.test(key)) return `${records(key.replace(LEFT_OUT, ""))} left out (configuration only)`;
    if (OUTSIDE_SHARE.test(key)) return `${records(key.replace(OUTSIDE_SHARE, ""))} left out (partial copy)`;
    if (!CHOSEN.test(key)) return undefined;
    const table = key.replace(CHOSEN, "");
    return table === "company" ? "Companies chosen (partial copy)" : `${records(table)} of the chosen companies, copied with them`;
  },
  // What was chosen, then what came with it, then what was left out: counted table by table, they came interleaved.
  changeRank(key) {
    if (key === chosenKey("company")) return 0;
    if (CHOSEN.test(key)) return 1;
    return 2;
  },
  checks: [
    check(17, "a configuration-only copy holds no customer records", async (c, e) => {
      if (e.options.kind !== "config") return [];
      const { rows } = await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      const records = rows.map((r) => r.t).filter((t) => !CONFIGURATION_TABLES.has(t));
      if (records.length === 0) return [];
      // One row at most per table: "it has rows" is the finding, not how many.
      return offendingRows(c, records.map((t) => `(SELECT ${quoteLiteral(`${t} has rows`)} AS o FROM ${quoteIdent(t)} LIMIT 1)`).join(" UNION ALL "));
    }),
    ...partialChecks,
  ],
};
