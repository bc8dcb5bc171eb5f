/**
 * Rule 0: fail closed on the unknown. Production may be copied only when every
 * table and column is in the contract or classified, and every contract table and
 * column is there with its type (the sanitizing SELECTs rely on them). Runs before
 * anything is created; the error names every offender at once.
 */
import type pg from "pg";
import { checkContract } from "../crm/contract-check";
import { columnTreatment, type Classification } from "./classification";
import { SanitizationError } from "./errors";
import type { SourceSchema } from "./schema-reader";

export interface DriftReport {
  unclassifiedTables: string[];
  unclassifiedColumns: string[];
  missing: string[];
  wrongType: string[];
}

const TEXT_TYPES = new Set(["text", "character varying", "character", "citext"]);

export async function assertNoDrift(client: pg.ClientBase, schema: SourceSchema, classification: Classification): Promise<void> {
  const check = await checkContract(client);
  const drift: DriftReport = {
    unclassifiedTables: check.extraTables.filter((t) => !classification.tables[t]),
    unclassifiedColumns: check.extraColumns
      .filter((c) => !columnTreatment(classification, c.table, c.column))
      .map((c) => `${c.table}.${c.column}`),
    missing: [...check.missingTables, ...check.missingColumns.map((c) => `${c.table}.${c.column}`)],
    wrongType: check.wrongColumns.map(
      (c) =>
        `${c.table}.${c.column} (${c.actual.type}${c.actual.nullable ? " null" : ""}, contract: ${c.expected.type}${c.expected.nullable ? " null" : ""})`,
    ),
  };
  if (Object.values(drift).some((list: string[]) => list.length > 0)) {
    throw new SanitizationError("DRIFT", driftMessage(drift), drift);
  }
  assertClassificationApplies(schema, classification);
}

function driftMessage(d: DriftReport): string {
  const lines = ["The production database does not match the CRM contract; nothing was copied."];
  if (d.unclassifiedTables.length) lines.push(`Unclassified tables: ${d.unclassifiedTables.join(", ")}.`);
  if (d.unclassifiedColumns.length) lines.push(`Unclassified columns: ${d.unclassifiedColumns.join(", ")}.`);
  if (d.missing.length) lines.push(`Missing from production: ${d.missing.join(", ")}.`);
  if (d.wrongType.length) lines.push(`Different type: ${d.wrongType.join(", ")}.`);
  if (d.unclassifiedTables.length || d.unclassifiedColumns.length) {
    lines.push("Classify them in the classification file (see CRM_CLASSIFICATION_FILE) or remove them from production.");
  }
  return lines.join(" ");
}

/** A treatment the column cannot take (clearing a NOT NULL column, an e-mail rewrite of a number). */
function assertClassificationApplies(schema: SourceSchema, classification: Classification): void {
  const problems: string[] = [];
  for (const table of schema.tables) {
    for (const column of table.columns) {
      const treatment = columnTreatment(classification, table.name, column.name);
      const name = `${table.name}.${column.name}`;
      if (treatment === "clear" && column.notNull) problems.push(`${name} is NOT NULL and cannot be cleared`);
      if (treatment === "email" && !TEXT_TYPES.has(column.type.replace(/\(.*\)$/, ""))) {
        problems.push(`${name} is ${column.type}, not text: it cannot be rewritten as an e-mail address`);
      }
      if (treatment && column.generated) problems.push(`${name} is a generated column: PostgreSQL computes it`);
    }
  }
  if (problems.length) {
    throw new SanitizationError("INVALID_CLASSIFICATION", `The classification cannot be applied: ${problems.join("; ")}.`, { problems });
  }
}
