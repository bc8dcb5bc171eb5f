/**
 * Rule 18, personal data: kept as in production (the default), or pseudonymised.
 * The rewriting itself happens while copying, in a stream over the COPY text of the
 * tables with personal columns (lib/sanitizer/pseudonyms/); here are its parts in the
 * copy's SELECT (documents' and attachments' contents are not copied), the dry run's
 * figures, the report's words and the check on the finished copy.
 */
import { FILE_CONTENT_COLUMNS } from "../pseudonyms/columns";
import { check, countAll, offendingRows, type ContractRule, type PreviewCount } from "./rule";

const CHANGE_LABELS: Record<string, string> = {
  names: "Pseudonymised: people's names and user names",
  "e-mail addresses": "Pseudonymised: e-mail addresses (in rule 2's form, with the fake person's name)",
  companies: "Pseudonymised: company names, org numbers and websites",
  "phone numbers": "Pseudonymised: phone numbers",
  addresses: "Pseudonymised: addresses and cities",
  "job titles": "Pseudonymised: job titles",
  "free text": "Free-text fields with real names, addresses or numbers replaced",
  "document.content": "Document contents left out (personal data pseudonymised)",
  "ticket_attachment.content": "Service attachment contents left out (personal data pseudonymised)",
};

/** The dry run's figures: how many people and companies get a pseudonym. */
const PREVIEW: PreviewCount[] = [
  { table: "associate", key: "associate.pseudonymised", aggregate: countAll },
  { table: "contact", key: "contact.pseudonymised", aggregate: countAll },
  { table: "company", key: "company.pseudonymised", aggregate: countAll },
];

export const personalDataRule: ContractRule = {
  rule: 18,
  title: "Personal data",
  copy(table, ctx) {
    if (ctx.options.personalData !== "pseudonymise") return undefined;
    const contents = FILE_CONTENT_COLUMNS.filter(([t, c]) => t === table.name && table.columns.some((x) => x.name === c));
    if (contents.length === 0) return undefined;
    // An empty file, not NULL: the column is NOT NULL in the contract, and the row (its name, size, date) stays.
    return {
      columns: Object.fromEntries(contents.map(([, c]) => [c, "''::bytea"])),
      changes: contents.map(([t, c]) => ({ rule: 18, key: `${t}.${c}`, aggregate: countAll })),
    };
  },
  preview: (options) => (options.personalData === "pseudonymise" ? PREVIEW : []),
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    check(18, "when pseudonymised: no production name, phone number or address in the personal columns", async (_c, e, context) =>
      // Production's values exist only during the run: a later re-check of a stored report cannot repeat this one.
      e.options.personalData !== "pseudonymise" || !context.personalDataFindings ? [] : context.personalDataFindings,
    ),
    check(18, "when pseudonymised: no document or attachment contents", async (c, e) =>
      e.options.personalData !== "pseudonymise"
        ? []
        : offendingRows(c, `SELECT 'document ' || id AS o FROM document WHERE length(content) > 0 UNION ALL SELECT 'ticket_attachment ' || id FROM ticket_attachment WHERE length(content) > 0`),
    ),
  ],
};
