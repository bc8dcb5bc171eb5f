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

describe("a partial copy's counts the copy itself gives", () => {
  const plans = new Map(buildCopyPlans(CRM_TABLES, context({ kind: "partial", share: { by: "percent", percent: 10 } })).map((p) => [p.table, p]));
  const fromCopy = (table: string) => Object.fromEntries(plans.get(table)!.changes.map((c) => [c.key, c.fromCopy ?? "production"]));

  it("takes the rows outside the share as all rows less those copied, and the chosen ones as the rows copied when they are the whole share", () => {
    // Nothing a copied row names is pulled into appointments: the share is the chosen companies' appointments.
    expect(fromCopy("appointment")).toEqual({ "appointment outside the share": "not copied", "appointment of the chosen companies": "copied" });
  });

  it("counts on production what the copy cannot tell: the chosen rows of a table others pull rows into, and every rule's own count", () => {
    // A contact may be copied because a copied sale names it: the chosen ones are not all the copied ones.
    expect(fromCopy("contact")).toMatchObject({ "contact outside the share": "not copied", "contact of the chosen companies": "production", "contact.email": "production" });
    expect(fromCopy("ticket")["ticket.closed"]).toBe("production");
  });
});
