/** Which tables' rows may travel in COPY's binary format, and which must stay text. */
import { describe, expect, it } from "vitest";
import { CRM_TABLES } from "../crm/contract";
import { EMPTY_CLASSIFICATION, type Classification } from "./classification";
import { buildCopyPlans, type PlannedTable } from "./copy-plan";
import { sandboxOptionsSchema } from "./options";

const options = (extra: object = {}) => sandboxOptionsSchema.parse({ users: [], documents: { mode: "all" }, serviceAttachments: true, ...extra });
const context = (extra: object = {}, classification: Classification = EMPTY_CLASSIFICATION) => ({
  options: options(extra),
  classification,
  snapshotAt: new Date(),
  newMailboxId: 1,
});
const binaryOf = (tables: readonly PlannedTable[], ctx: ReturnType<typeof context>) =>
  Object.fromEntries(buildCopyPlans(tables, ctx).map((p) => [p.table, p.binary]));

describe("the copy's format per table", () => {
  it("binary for tables copied as they are, documents and attachments above all; text where a rule rewrites a value", () => {
    const binary = binaryOf(CRM_TABLES, context());
    expect(binary).toMatchObject({ document: true, ticket_attachment: true, sale: true, project: true });
    // Rule 2 rewrites e-mail addresses, rule 5 closes tickets, rule 7 disables tasks: their expressions' types are their own.
    expect(binary).toMatchObject({ contact: false, ticket: false, scheduled_task: false });
  });

  it("text for a column of production's own type (an enum, a domain), and for every table rule 18 rewrites on its way", () => {
    const sale = CRM_TABLES.find((t) => t.name === "sale")!;
    const withEnum: PlannedTable = { ...sale, columns: [...sale.columns, { name: "mood", type: "mood", enumType: "mood" }] };
    const withDomain: PlannedTable = { ...sale, columns: [...sale.columns, { name: "code", type: null }] };
    const classification: Classification = { ...EMPTY_CLASSIFICATION, columns: { "sale.mood": "keep", "sale.code": "keep" } };
    expect(binaryOf([withEnum], context({}, classification)).sale).toBe(false);
    expect(binaryOf([withDomain], context({}, classification)).sale).toBe(false);

    const pseudonymised = binaryOf(CRM_TABLES, context({ personalData: "pseudonymise" }));
    expect(pseudonymised).toMatchObject({ company: false, contact: false, document: false });
  });

  it("still binary when a column is only emptied: a NULL is the same whatever its type", () => {
    const sale = CRM_TABLES.find((t) => t.name === "sale")!;
    const withNote: PlannedTable = { ...sale, columns: [...sale.columns, { name: "note", type: "text" }] };
    const classification: Classification = { ...EMPTY_CLASSIFICATION, columns: { "sale.note": "clear" } };
    const [plan] = buildCopyPlans([withNote], context({}, classification));
    expect(plan!.select).toContain(`NULL AS "note"`);
    expect(plan!.binary).toBe(true);
  });
});
