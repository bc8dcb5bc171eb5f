/** Which tables' rows may travel in COPY's binary format, and which must stay text. */
import { describe, expect, it } from "vitest";
import { CRM_TABLES } from "../crm/contract";
import { EMPTY_CLASSIFICATION, type Classification } from "./classification";
import { buildCopyPlans, keysLeftDangling, type PlannedTable } from "./copy-plan";
import { sandboxOptionsSchema } from "./options";
import { typeWithoutModifier } from "./schema-plan";

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
  it("binary for tables copied as they are, and for those whose values rules give, cast to each column's own type", () => {
    const binary = binaryOf(CRM_TABLES, context());
    expect(binary).toMatchObject({ document: true, ticket_attachment: true, sale: true, project: true });
    // Rule 2 rewrites e-mail addresses, rule 4 repoints mailboxes, rule 5 closes tickets, rule 7 disables tasks.
    expect(binary).toMatchObject({ contact: true, ticket_message: true, ticket: true, scheduled_task: true });
    const plans = new Map(buildCopyPlans(CRM_TABLES, context()).map((p) => [p.table, p]));
    // A type with a modifier is cast without it (`character varying` of `character varying(200)`): the column checks the length, as with text.
    expect(plans.get("contact")!.select).toMatch(/\)::text AS "email"/);
    expect(plans.get("scheduled_task")!.select).toMatch(/\)::boolean AS "enabled"/);
  });

  it("casts a rule's value to a built-in type as format_type spells it, without its modifier; to nothing else", () => {
    expect(typeWithoutModifier("character varying(200)")).toBe("character varying");
    expect(typeWithoutModifier("numeric(14,2)")).toBe("numeric");
    // Without its length, `character` is one character and a cast to it cuts: the unbounded form instead.
    expect(typeWithoutModifier("character(40)")).toBe("bpchar");
    expect(typeWithoutModifier("character(3)[]")).toBe("bpchar[]");
    expect(typeWithoutModifier("bit(8)")).toBe("varbit");
    expect(typeWithoutModifier("bit varying(8)")).toBe("bit varying");
    expect(typeWithoutModifier("timestamp(3) with time zone")).toBe("timestamp with time zone");
    expect(typeWithoutModifier("text[]")).toBe("text[]");
    // Production's spelling is untrusted input: anything else is never written into SQL.
    expect(typeWithoutModifier("integer); DROP TABLE contact; --")).toBeNull();
    expect(typeWithoutModifier('"Mood"')).toBeNull();
    // Words PostgreSQL's own would never answer: a server that only speaks its protocol may.
    expect(typeWithoutModifier("integer default 0")).toBeNull();
    expect(typeWithoutModifier("integer references installation on delete cascade")).toBeNull();
    expect(typeWithoutModifier("text with time zone")).toBeNull();
    expect(typeWithoutModifier("interval day to second(3)")).toBe("interval day to second");
    expect(typeWithoutModifier("time without time zone")).toBe("time without time zone");
    expect(typeWithoutModifier("double precision[]")).toBe("double precision[]");
    // A `bpchar` column without a length is spelled so.
    expect(typeWithoutModifier("bpchar")).toBe("bpchar");
  });

  it("text where a rule gives a value to a column of production's own type: its binary form is production's", () => {
    const task = CRM_TABLES.find((t) => t.name === "scheduled_task")!;
    const withEnum: PlannedTable = { ...task, columns: task.columns.map((c) => (c.name === "enabled" ? { ...c, type: "task_state", enumType: "task_state" } : c)) };
    const [plan] = buildCopyPlans([withEnum], context());
    expect(plan!.binary).toBe(false);
    expect(plan!.select).not.toMatch(/::task_state/);
  });

  it("text for a column of production's own type (an enum, a domain), and where rule 18 rewrites a value of a type other than text", () => {
    const sale = CRM_TABLES.find((t) => t.name === "sale")!;
    const withEnum: PlannedTable = { ...sale, columns: [...sale.columns, { name: "mood", type: "mood", enumType: "mood" }] };
    const withDomain: PlannedTable = { ...sale, columns: [...sale.columns, { name: "code", type: null }] };
    const classification: Classification = { ...EMPTY_CLASSIFICATION, columns: { "sale.mood": "keep", "sale.code": "keep" } };
    expect(binaryOf([withEnum], context({}, classification)).sale).toBe(false);
    expect(binaryOf([withDomain], context({}, classification)).sale).toBe(false);

    // Rule 18 rewrites a text value's UTF-8 in either format: the contract's personal columns are text.
    const pseudonymised = binaryOf(CRM_TABLES, context({ personalData: "pseudonymise" }));
    expect(pseudonymised).toMatchObject({ company: true, contact: true, ticket_message: true, document: true });
    // A custom field classified as a phone number but stored as a number: its binary form is no text.
    const withNumber: PlannedTable = { ...sale, columns: [...sale.columns, { name: "fax", type: "bigint" }, { name: "note", type: "character varying(80)" }] };
    const numberClassified: Classification = { ...EMPTY_CLASSIFICATION, columns: { "sale.fax": "phone", "sale.note": "free-text" } };
    expect(binaryOf([withNumber], context({ personalData: "pseudonymise" }, numberClassified)).sale).toBe(false);
    const textClassified: Classification = { ...EMPTY_CLASSIFICATION, columns: { "sale.fax": "keep", "sale.note": "free-text" } };
    expect(binaryOf([withNumber], context({ personalData: "pseudonymise" }, textClassified)).sale).toBe(true);
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

describe("foreign keys a copy cannot keep", () => {
  const docShare: PlannedTable = { name: "doc_share", columns: [{ name: "id" }, { name: "document_id" }, { name: "contact_id" }] };
  const audit: PlannedTable = { name: "audit", columns: [{ name: "id" }] };
  const associate = CRM_TABLES.find((t) => t.name === "associate")!;
  const withFavourite: PlannedTable = { ...associate, columns: [...associate.columns, { name: "favourite_company_id" }] };
  const tables = [...CRM_TABLES.filter((t) => t.name !== "associate"), withFavourite, docShare, audit];
  const classification: Classification = {
    ...EMPTY_CLASSIFICATION,
    tables: { doc_share: "copy", audit: "skip" },
    columns: { "associate.favourite_company_id": "keep", "doc_share.audit_id": "keep" },
  };
  const keys = [
    { table: "doc_share", columns: ["document_id"], refTable: "document", refColumns: ["id"] },
    { table: "doc_share", columns: ["contact_id"], refTable: "contact", refColumns: ["id"] },
    { table: "associate", columns: ["favourite_company_id"], refTable: "company", refColumns: ["id"] },
    // The contract's own keys follow its rules: tickets' mailbox is rule 4's new one, though no mailbox row is copied.
    { table: "ticket", columns: ["mailbox_id"], refTable: "service_mailbox", refColumns: ["id"] },
    { table: "ticket_attachment", columns: ["ticket_message_id"], refTable: "ticket_message", refColumns: ["id"] },
  ];
  const dangling = (extra: object, more: typeof keys = []) => keysLeftDangling(tables, { ...context(extra, classification), foreignKeys: [...keys, ...more] });

  it("finds none in a full copy that copies every row the operator's keys name", () => {
    expect(dangling({})).toEqual([]);
  });

  it("names a key into rows a rule leaves out, in whole or in part", () => {
    expect(dangling({ documents: { mode: "none" } })).toEqual(["doc_share (document_id) refers to document, of which this copy takes no row"]);
    expect(dangling({ documents: { mode: "since", since: "2025-01-01" } })).toEqual(["doc_share (document_id) refers to document, of which this copy takes only some rows"]);
  });

  it("names a key into a table classified skip, whatever the options", () => {
    expect(dangling({}, [{ table: "doc_share", columns: ["audit_id"], refTable: "audit", refColumns: ["id"] }])).toEqual([
      "doc_share (audit_id) refers to audit, of which this copy takes no row",
    ]);
  });

  it("leaves a partial copy's keys between customer records to its closure, and names a configuration table's key into them", () => {
    expect(dangling({ kind: "partial" })).toEqual(["associate (favourite_company_id) refers to company, of which this copy takes only some rows"]);
    // A configuration-only copy takes no customer record: only the configuration's key dangles, the records' copy nothing.
    expect(dangling({ kind: "config" })).toEqual(["associate (favourite_company_id) refers to company, of which this copy takes no row"]);
  });
});
