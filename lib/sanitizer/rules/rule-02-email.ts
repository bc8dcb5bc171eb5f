/**
 * Rule 2, undeliverable e-mail: every address in the contract's e-mail columns, and
 * in every extra column rule 0's classification marks `email`, becomes
 * `local_domain@<invalidation domain>`. Applied inside the copy's SELECT, in SQL;
 * `rewriteEmail` is its TypeScript twin for the wizard's preview. Keep both in step:
 * twins.db.test.ts runs them on the same inputs.
 *
 * Isomorphic: the wizard's e-mail step imports the twin into the browser, so this
 * module imports nothing at run time that needs a server.
 */
import type { Classification } from "../classification";
import { columnTreatment } from "../treatments";
import { quoteIdent, quoteLiteral } from "../sql";
import { check, countWhere, offendingRows, type ContractRule, type RuleTable } from "./rule";
import { oneLine } from "../../untrusted-text";

export const EMAIL_COLUMNS: readonly (readonly [string, string])[] = [
  ["associate", "email"],
  ["company", "email"],
  ["contact", "email"],
  ["inbox_account", "address"],
  ["ticket_message", "author_email"],
];

const isContractEmail = (table: string, column: string) => EMAIL_COLUMNS.some(([t, c]) => t === table && c === column);

/** The contract's e-mail columns of `table` and the ones classified `email`, that it has. */
function emailColumns(table: RuleTable, classification: Classification): string[] {
  return table.columns
    .map((c) => c.name)
    .filter(
      (column) =>
        isContractEmail(table.name, column) || columnTreatment(classification, table.name, column) === "email",
    );
}

/**
 * An address becomes `local_domain@<invalidation domain>`.
 *
 * Every `@` of the original value becomes `_`, then `@<domain>` is appended. That
 * is the contract's example for a well-formed address (`john.doe@company.com` →
 * `john.doe_company.com@mailinator.com`) and it makes malformed values safe too:
 * - no `@` at all (`john.doe`)         → `john.doe@mailinator.com`
 * - several `@` (`"a@b"@c.com`)        → `"a_b"_c.com@mailinator.com`
 * - a list (`a@x.com, b@y.com`)        → `a_x.com, b_y.com@mailinator.com`
 * so the result never holds any `@` but the last one, and the only domain anything
 * could be delivered to is the invalidation domain. Case and spaces are kept as they
 * are (nothing else about the value changes). Null stays null; the empty string
 * stays empty (it addresses no one, and inventing `@mailinator.com` would be noise).
 */
export function rewriteEmail(address: string, domain: string): string;
export function rewriteEmail(address: string | null, domain: string): string | null;
export function rewriteEmail(address: string | null, domain: string): string | null {
  if (address === null || address === "") return address;
  return `${address.replaceAll("@", "_")}@${domain}`;
}

/** True when `value` is what rewriteEmail can produce for `domain` (the verifier's test). */
export function isRewrittenEmail(value: string | null, domain: string): boolean {
  if (value === null || value === "") return true;
  const at = value.indexOf("@");
  return at === value.length - domain.length - 1 && value.slice(at + 1) === domain;
}

/** rewriteEmail in SQL, for the text expression `expr` (a quoted column). */
export function rewriteEmailSql(expr: string, domain: string): string {
  return `CASE WHEN ${expr} IS NULL OR ${expr} = '' THEN ${expr} ELSE replace(${expr}, '@', '_') || ${quoteLiteral(`@${domain}`)} END`;
}

/** isRewrittenEmail's negation in SQL: true for values the rewrite cannot have produced. */
export function notRewrittenEmailSql(expr: string, domain: string): string {
  return `(${expr} <> '' AND (position('@' in ${expr}) <> length(${expr}) - ${domain.length} OR right(${expr}, ${domain.length + 1}) <> ${quoteLiteral(`@${domain}`)}))`;
}

/** The contract's own address columns in plain words; a custom field keeps the customer's own name. */
const ADDRESS_WORDS: Record<string, string> = {
  "associate.email": "users' e-mail addresses",
  "company.email": "companies' e-mail addresses",
  "contact.email": "contacts' e-mail addresses",
  "inbox_account.address": "inbox accounts' addresses",
  "ticket_message.author_email": "ticket message senders' addresses",
};

function emailChangeLabel(key: string): string {
  const known = ADDRESS_WORDS[key];
  if (known) return `Rewritten to undeliverable: ${known}`;
  const [table = "", column = ""] = key.split(".");
  return `Rewritten to undeliverable: your custom field “${oneLine(column, 64)}” (${oneLine(table.replace(/_/g, " "), 64)})`;
}

export const emailRule: ContractRule = {
  rule: 2,
  title: "Undeliverable e-mail",
  copy(table, ctx) {
    const columns: Record<string, string> = {};
    const changes = emailColumns(table, ctx.classification).map((column) => {
      const col = quoteIdent(column);
      // Pseudonymised, the address is rewritten in this form while copying, with the pseudonym's local part (rule 18).
      if (ctx.options.personalData !== "pseudonymise") columns[column] = rewriteEmailSql(col, ctx.options.invalidationDomain);
      return { rule: 2, key: `${table.name}.${column}`, aggregate: countWhere(`${col} <> ''`) };
    });
    return { columns, changes };
  },
  changeLabel: emailChangeLabel,
  checks: [
    check(2, "every e-mail address is at the invalidation domain", async (c, e) => {
      // Only the columns this copy has: a classification names columns of every tenant's production.
      const { rows } = await c.query<{ name: string; columns: { name: string }[] }>(
        `SELECT table_name AS name, json_agg(json_build_object('name', column_name)) AS columns
           FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name`,
      );
      // Named by row and column, never by the address: a failure's reason goes to its sandbox's
      // people (of a pseudonymised copy too), its mails, webhooks and the operators' alerts, and an
      // address the rewrite missed is a production person's (rule 18's check says it alike).
      const parts = rows.flatMap((table) =>
        emailColumns(table, e.classification).map((column) => {
          const col = quoteIdent(column);
          const where = `FROM ${quoteIdent(table.name)} WHERE ${notRewrittenEmailSql(col, e.options.invalidationDomain)}`;
          // A contract row by its id; an extra table may have none, so by its column, once.
          return isContractEmail(table.name, column)
            ? `SELECT ${quoteLiteral(`${table.name} `)} || id || ${quoteLiteral(`: ${column} is not at the invalidation domain`)} AS o ${where}`
            : `(SELECT ${quoteLiteral(`${table.name}.${column}: an address not at the invalidation domain`)} AS o ${where} LIMIT 1)`;
        }),
      );
      return parts.length ? offendingRows(c, parts.join(" UNION ALL ")) : [];
    }),
  ],
};
