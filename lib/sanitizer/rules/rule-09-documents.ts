/**
 * Rule 9, documents and attachments: `document` rows only as chosen (none, all, or
 * created on or after a date), `ticket_attachment` rows only if chosen.
 */
import type { SandboxOptions } from "../options";
import { quoteLiteral } from "../sql";
import { check, countAll, countWhere, offendingRows, type ContractRule, type TableRules } from "./rule";

/** The condition a copied document meets. "On or after a date": from midnight UTC of that day. */
function documentKept(options: SandboxOptions): string {
  const docs = options.documents;
  if (docs.mode === "none") return "false";
  if (docs.mode === "all") return "true";
  // UTC because the wizard's date has no zone and the sandbox server's TimeZone setting must not matter.
  return `created_at >= ${quoteLiteral(`${docs.since}T00:00:00Z`)}::timestamptz`;
}

function documentRules(options: SandboxOptions): TableRules {
  const docs = options.documents;
  if (docs.mode === "none") return { noRows: true, changes: [{ rule: 9, key: "document.removed", aggregate: countAll }] };
  if (docs.mode === "all") return {};
  const kept = documentKept(options);
  return { where: kept, changes: [{ rule: 9, key: "document.removed", aggregate: countWhere(`NOT (${kept})`) }] };
}


const CHANGE_LABELS: Record<string, string> = { "document.removed": "Documents left out", "ticket_attachment.removed": "Service attachments left out" };

export const documentsRule: ContractRule = {
  rule: 9,
  title: "Documents and attachments",
  copy(table, ctx) {
    if (table.name === "document") return documentRules(ctx.options);
    if (table.name !== "ticket_attachment" || ctx.options.serviceAttachments) return undefined;
    return { noRows: true, changes: [{ rule: 9, key: "ticket_attachment.removed", aggregate: countAll }] };
  },
  preview(options) {
    const kept = documentKept(options);
    const attachments = options.serviceAttachments ? "true" : "false";
    return [
      { table: "document", key: "document.copied", aggregate: countWhere(kept) },
      { table: "document", key: "document.copied_bytes", aggregate: `coalesce(sum(size_bytes) FILTER (WHERE ${kept}), 0)` },
      { table: "ticket_attachment", key: "ticket_attachment.copied", aggregate: countWhere(attachments) },
      { table: "ticket_attachment", key: "ticket_attachment.copied_bytes", aggregate: `coalesce(sum(size_bytes) FILTER (WHERE ${attachments}), 0)` },
    ];
  },
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    check(9, "documents and attachments as chosen", (c, e) =>
      offendingRows(
        c,
        `SELECT format('document %s: created_at=%s', id, created_at) AS o FROM document WHERE NOT (${documentKept(e.options)})
         UNION ALL SELECT 'ticket_attachment ' || id FROM ticket_attachment WHERE NOT $1::boolean`,
        [e.options.serviceAttachments],
      ),
    ),
  ],
};
