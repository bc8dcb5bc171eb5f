/**
 * Rule 0: fail closed on the unknown. Production may be copied only when every
 * table, column and other schema object is in the contract or classified, and every
 * contract table and column is there with its type (the sanitizing SELECTs rely on
 * them). Runs before anything is created; the error names every offender at once.
 * Tables, columns and objects come from pg_class (schema-reader.ts), which shows
 * them all, also those the production role may not read.
 */
import type pg from "pg";
import { checkContract } from "../crm/contract-check";
import { contractTable } from "../crm/contract";
import { COLUMN_TREATMENTS, columnTreatment, tableTreatment, type Classification, type ColumnTreatment } from "./classification";
import { SanitizationError } from "./errors";
import { describeObject, type SchemaObject } from "./schema-objects";
import { planSchema, type SchemaPlan } from "./schema-plan";
import type { SourceColumn, SourceSchema } from "./schema-reader";
import { listed, quoted } from "../untrusted-text";

export interface DriftReport {
  unclassifiedTables: string[];
  unclassifiedColumns: string[];
  missing: string[];
  wrongType: string[];
  /** Other schema objects: constraints, defaults, indexes, triggers, views, functions, ... */
  unclassifiedObjects: SchemaObject[];
}

const TEXT_TYPES = new Set(["text", "character varying", "character", "citext"]);

/** Returns what the sandbox's schema will hold; throws DRIFT or INVALID_CLASSIFICATION. */
export async function assertNoDrift(client: pg.ClientBase, schema: SourceSchema, classification: Classification): Promise<SchemaPlan> {
  const { drift, plan, problems } = await findDrift(client, schema, classification);
  if (hasDrift(drift)) throw new SanitizationError("DRIFT", driftMessage(drift), drift);
  if (problems.length) {
    throw new SanitizationError("INVALID_CLASSIFICATION", `The classification cannot be applied: ${problems.join("; ")}.`, { problems });
  }
  return plan;
}

/**
 * The same check without throwing, for the wizard's review: what production has
 * that nobody classified, what it lacks, and the classification's own problems
 * (a treatment the column cannot take, an object copy that cannot be).
 */
export async function findDrift(
  client: pg.ClientBase,
  schema: SourceSchema,
  classification: Classification,
): Promise<{ drift: DriftReport; plan: SchemaPlan; problems: string[] }> {
  const check = await checkContract(client);
  const plan = planSchema(schema, classification);
  const drift: DriftReport = {
    unclassifiedTables: schema.tables.filter((t) => !contractTable(t.name) && !tableTreatment(classification, t.name)).map((t) => t.name),
    // Extra tables' columns come with their table's classification.
    unclassifiedColumns: schema.tables.flatMap((t) => {
      const contract = contractTable(t.name);
      if (!contract) return [];
      const extra = t.columns.filter((c) => !contract.columns.some((k) => k.name === c.name));
      return extra.filter((c) => !columnTreatment(classification, t.name, c.name)).map((c) => `${t.name}.${c.name}`);
    }),
    missing: [...check.missingTables, ...check.missingColumns.map((c) => `${c.table}.${c.column}`)],
    wrongType: check.wrongColumns.map(
      (c) =>
        `${c.table}.${c.column} (${quoted(c.actual.type)}${c.actual.nullable ? " null" : ""}, contract: ${c.expected.type}${c.expected.nullable ? " null" : ""})`,
    ),
    unclassifiedObjects: plan.unknown,
  };
  return { drift, plan, problems: [...plan.problems, ...treatmentProblems(schema, classification)] };
}

function hasDrift(drift: DriftReport): boolean {
  return Object.values(drift).some((list: unknown[]) => list.length > 0);
}

/** Production's names quoted, and at most 20 of each kind (listed): the report's schema review lists them all. */
function driftMessage(d: DriftReport): string {
  const lines = ["The production database does not match the CRM contract; nothing was copied."];
  if (d.unclassifiedTables.length) lines.push(`Unclassified tables: ${listed(d.unclassifiedTables.map((t) => quoted(t)))}.`);
  if (d.unclassifiedColumns.length) lines.push(`Unclassified columns: ${listed(d.unclassifiedColumns.map((c) => quoted(c, 128)))}.`);
  if (d.missing.length) lines.push(`Missing from production: ${listed(d.missing)}.`);
  if (d.wrongType.length) lines.push(`Different type: ${listed(d.wrongType)}.`);
  if (d.unclassifiedObjects.length) lines.push(`Unclassified schema objects: ${listed(d.unclassifiedObjects.map(describeObject), 20, "; ")}.`);
  if (d.unclassifiedTables.length || d.unclassifiedColumns.length || d.unclassifiedObjects.length) {
    lines.push("Each must be classified (by the customer's admins in the review of a refresh with changed choices, or by an operator) or removed from production.");
  }
  return lines.join(" ");
}

const isText = (column: Pick<SourceColumn, "typeLabel">) => TEXT_TYPES.has(column.typeLabel.replace(/\(.*\)$/, ""));

/** Treatments that rewrite text (an e-mail rewrite and rule 18's pseudonyms), as a refusal names what they make. */
const REWRITTEN_AS = { email: "an e-mail address", "person-name": "a person's name", phone: "a phone number", address: "an address", "free-text": "free text" } as const;
type TextTreatment = keyof typeof REWRITTEN_AS;
const TEXT_TREATMENTS: ReadonlySet<ColumnTreatment> = new Set(Object.keys(REWRITTEN_AS) as TextTreatment[]);

/** The treatments a column can take: clearing needs a nullable column, a rewrite a text one. */
export function treatmentsFor(column: Pick<SourceColumn, "notNull" | "typeLabel">): ColumnTreatment[] {
  return COLUMN_TREATMENTS.filter((t) => (t !== "clear" || !column.notNull) && (!TEXT_TREATMENTS.has(t) || isText(column)));
}

/** Classified treatments a column cannot take (clearing a NOT NULL column, an e-mail rewrite of a number). */
function treatmentProblems(schema: SourceSchema, classification: Classification): string[] {
  return schema.tables.flatMap((table) =>
    table.columns.flatMap((column) => {
      const treatment = columnTreatment(classification, table.name, column.name);
      if (!treatment || treatmentsFor(column).includes(treatment)) return [];
      const name = `${table.name}.${column.name}`;
      return treatment === "clear"
        ? [`${name} is NOT NULL and cannot be cleared`]
        : [`${name} is ${column.typeLabel}, not text: it cannot be rewritten as ${REWRITTEN_AS[treatment as TextTreatment]}`];
    }),
  );
}
