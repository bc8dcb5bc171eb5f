/**
 * The wizard's view of rule 0: the same drift check the copy runs, on production,
 * read-only, turned into what a customer admin can act on. Each custom column,
 * extra table and other schema object nobody has classified comes with the
 * treatments it can take; what no classification can fix (a contract table or
 * column missing, a different type, a choice that cannot apply) comes as
 * blockers for support. A customer's choices are stored as the tenant's own
 * classification, audited, under the same rules as the operator's file.
 */
import { lockTenant } from "../db/tenant-lock";
import type pg from "pg";
import { db } from "../db/portal";
import { recordAudit } from "../audit/record";
import { AppError } from "../errors";
import type { Prisma } from "../generated/portal/client";
import {
  EMPTY_CLASSIFICATION,
  parseClassification,
  TABLE_TREATMENTS,
  withTenantClassification,
  type Classification,
  type ColumnTreatment,
  type ObjectTreatment,
  type TableTreatment,
} from "../sanitizer/classification";
import { findDrift, treatmentsFor } from "../sanitizer/drift";
import { SanitizationError } from "../sanitizer/errors";
import { isCopyable, objectKey, type SchemaObject } from "../sanitizer/schema-objects";
import { readSourceSchema } from "../sanitizer/schema-reader";
import { tenantClassification } from "./classification";
import { withProduction } from "./production";
import { log } from "../observability/log";

export interface UnclassifiedColumn {
  table: string;
  column: string;
  type: string;
  treatments: ColumnTreatment[];
}

export interface UnclassifiedTable {
  name: string;
  columns: number;
  treatments: TableTreatment[];
}

export interface UnclassifiedObject extends SchemaObject {
  treatments: ObjectTreatment[];
}

export interface SchemaReview {
  columns: UnclassifiedColumn[];
  tables: UnclassifiedTable[];
  objects: UnclassifiedObject[];
  /** What a customer cannot classify away; support must act (plain sentences). */
  blockers: string[];
}

/** A customer admin's choices for what the review listed. */
export interface ClassificationChoices {
  columns: Record<string, ColumnTreatment>;
  tables: Record<string, TableTreatment>;
  objects: (SchemaObject & { treatment: ObjectTreatment })[];
}

const OPERATOR_FIXING = "The portal's list of known schema for your CRM is being corrected by our operators. Try again later or contact support.";

export function needsClassification(review: SchemaReview): number {
  return review.columns.length + review.tables.length + review.objects.length;
}

async function classificationOrFixing(tenantId: string): Promise<Classification> {
  try {
    return await tenantClassification(tenantId);
  } catch (error) {
    // An unreadable classification file names a path: operators see it in the log.
    if (!(error instanceof SanitizationError)) throw error;
    log.error(error, "schema review: the classification is unusable");
    throw new AppError("CONFLICT", OPERATOR_FIXING);
  }
}

/** Runs the copy's drift check on the tenant's production, bounded like every read of it. */
export async function reviewProductionSchema(tenantId: string): Promise<SchemaReview> {
  const classification = await classificationOrFixing(tenantId);
  return withProduction(tenantId, (client) => reviewSchema(client, classification));
}

async function reviewSchema(client: pg.ClientBase, classification: Classification): Promise<SchemaReview> {
  const schema = await readSourceSchema(client);
  const { drift, problems } = await findDrift(client, schema, classification);
  const tables = new Map(schema.tables.map((t) => [t.name, { columns: t.columns.length, byName: new Map(t.columns.map((c) => [c.name, c])) }]));
  const blockers = [
    ...drift.missing.map((name) => `Production lacks ${name}, which every CRM has.`),
    ...drift.wrongType.map((what) => `Production's ${what} has a different type from every CRM's.`),
    ...problems.map((problem) => `A classification cannot apply: ${problem}.`),
  ];
  return {
    columns: drift.unclassifiedColumns.map((key) => {
      const [table = "", column = ""] = splitColumnKey(key);
      const source = tables.get(table)?.byName.get(column);
      return { table, column, type: source?.typeLabel ?? "unknown", treatments: source ? treatmentsFor(source) : ["keep"] };
    }),
    tables: drift.unclassifiedTables.map((name) => ({ name, columns: tables.get(name)?.columns ?? 0, treatments: [...TABLE_TREATMENTS] })),
    objects: drift.unclassifiedObjects.map((o) => ({ ...o, treatments: isCopyable(o.kind) ? ["leave-out", "copy"] : ["leave-out"] })),
    blockers,
  };
}

function splitColumnKey(key: string): [string, string] {
  const dot = key.indexOf(".");
  return [key.slice(0, dot), key.slice(dot + 1)];
}

/** The refused choices a refusal names; the rest it counts. */
const REFUSALS_NAMED = 10;

/** Refuses a choice for anything production does not have unclassified now, or a treatment it cannot take. */
function assertChoicesMatch(review: SchemaReview, choices: ClassificationChoices): void {
  const refused: string[] = [];
  // Looked up, not searched for each choice: a review may list 200,000 columns, and a customer chooses for as many.
  const columns = new Map(review.columns.map((c) => [JSON.stringify([c.table, c.column]), c.treatments]));
  const tables = new Map(review.tables.map((t) => [t.name, t.treatments]));
  const objects = new Map(review.objects.map((o) => [objectKey(o), o.treatments]));
  for (const [key, treatment] of Object.entries(choices.columns)) {
    if (!columns.get(JSON.stringify(splitColumnKey(key)))?.includes(treatment)) refused.push(`column ${key}`);
  }
  for (const [name, treatment] of Object.entries(choices.tables)) {
    if (!tables.get(name)?.includes(treatment)) refused.push(`table ${name}`);
  }
  for (const object of choices.objects) {
    if (!objects.get(objectKey(object))?.includes(object.treatment)) refused.push(`${object.kind} ${object.name}`);
  }
  if (refused.length) {
    // A few named, the rest counted: a request may name tens of thousands, and the answer told each.
    const named = refused.length > REFUSALS_NAMED ? `${refused.slice(0, REFUSALS_NAMED).join(", ")} and ${(refused.length - REFUSALS_NAMED).toLocaleString("en")} more` : refused.join(", ");
    throw new AppError("CONFLICT", `Production has changed since the review was shown, or a choice is not allowed (${named}). Reload the review and choose again.`);
  }
}

function parseChoices(choices: ClassificationChoices): Classification {
  try {
    return parseClassification(choices, "These choices");
  } catch (error) {
    // The classification's own rules (names it can hold): plain sentences about the customer's names.
    if (error instanceof SanitizationError) throw new AppError("INVALID_INPUT", error.message);
    throw error;
  }
}

/**
 * Stores a customer admin's choices over the tenant's own classification. Each
 * choice must name something the drift check lists now, with a treatment it can
 * take (so executable objects can only be left out); the row is locked so two
 * admins' choices both land. Audited with who chose what.
 */
export async function classifyFromReview(actorId: string, tenantId: string, choices: ClassificationChoices): Promise<SchemaReview> {
  assertChoicesMatch(await reviewProductionSchema(tenantId), choices);
  const added = parseChoices(choices);
  await db.$transaction(async (tx) => {
    await lockTenant(tx, tenantId);
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { classification: true } });
    const current = tenant.classification === null ? EMPTY_CLASSIFICATION : parseClassification(tenant.classification, "the tenant's classification");
    const merged = withTenantClassification(current, added);
    await tx.tenant.update({ where: { id: tenantId }, data: { classification: merged as unknown as Prisma.InputJsonValue } });
    await recordAudit(
      {
        action: "tenant.classification.changed",
        actorId,
        tenantId,
        details: { via: "setup wizard", columns: added.columns, tables: added.tables, objects: added.objects } as Prisma.InputJsonValue,
      },
      tx,
    );
  });
  return reviewProductionSchema(tenantId);
}
