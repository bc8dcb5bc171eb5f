/**
 * Rule 0's escape hatch: an operator classifies the production tables and columns
 * the contract does not list, so a customised or newer production can be copied.
 *
 *   columns: "<table>.<column>" → "keep" (copy as is) | "clear" (copy as NULL)
 *                                 | "email" (rewrite as rule 2 does)
 *                                 | "person-name" | "phone" | "address" | "free-text"
 *                                   (personal data: kept as is, or pseudonymised by
 *                                   rule 18 when the sandbox pseudonymises)
 *   tables:  "<table>"          → "copy" (rows copied; its columns are kept unless
 *                                 classified above) | "skip" (created empty)
 *   objects: [{ kind, table?, name, treatment }] → "leave-out" (not created in the
 *            sandbox) | "copy" (recreated by the portal; only kinds with no
 *            executable part: keys, plain indexes, sequences, enum types)
 *
 * Anything unclassified stops the run (drift.ts). Contract tables and columns
 * cannot be classified: the contract's rules own them.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { contractTable } from "../crm/contract";
import { SanitizationError } from "./errors";
import { isCopyable, OBJECT_KINDS, objectKey, type SchemaObject } from "./schema-objects";
import type { SourceSchema } from "./schema-reader";

const IDENT = "[a-z_][a-z0-9_$]*";
const columnKey = z.string().regex(new RegExp(`^${IDENT}\\.${IDENT}$`), {
  error: 'Column keys are "table.column" (lower-case names).',
});
// Any name PostgreSQL allows: names are only ever quoted as identifiers.
const tableKey = z.string().min(1).max(63);

export const COLUMN_TREATMENTS = ["keep", "clear", "email", "person-name", "phone", "address", "free-text"] as const;
export const TABLE_TREATMENTS = ["copy", "skip"] as const;
export type ColumnTreatment = (typeof COLUMN_TREATMENTS)[number];
export type TableTreatment = (typeof TABLE_TREATMENTS)[number];
export const OBJECT_TREATMENTS = ["leave-out", "copy"] as const;
export type ObjectTreatment = (typeof OBJECT_TREATMENTS)[number];

const objectSchema = z
  .object({
    kind: z.enum(OBJECT_KINDS),
    /** The table the object belongs to; absent for objects of the schema (views, functions, ...). */
    table: z.string().min(1).nullable().default(null),
    name: z.string().min(1),
    treatment: z.enum(OBJECT_TREATMENTS),
  })
  .strict()
  .refine((o) => o.treatment === "leave-out" || isCopyable(o.kind), {
    error: "has an executable part: it can only be left out (\"leave-out\").",
  });

const classificationSchema = z
  .object({
    $comment: z.union([z.string(), z.array(z.string())]).optional(),
    columns: z.record(columnKey, z.enum(COLUMN_TREATMENTS)).default({}),
    tables: z.record(tableKey, z.enum(TABLE_TREATMENTS)).default({}),
    objects: z.array(objectSchema).default([]),
  })
  .strict()
  .superRefine((value, ctx) => {
    for (const key of Object.keys(value.columns)) {
      const [table = "", column = ""] = key.split(".");
      if (contractTable(table)?.columns.some((c) => c.name === column)) {
        ctx.addIssue({ code: "custom", path: ["columns", key], message: `${key} is a contract column; the contract's rules apply to it.` });
      }
    }
    for (const table of Object.keys(value.tables)) {
      if (contractTable(table)) {
        ctx.addIssue({ code: "custom", path: ["tables", table], message: `${table} is a contract table and cannot be classified.` });
      }
    }
  });

export type Classification = z.output<typeof classificationSchema>;

export const EMPTY_CLASSIFICATION: Classification = { columns: {}, tables: {}, objects: [] };

// From the project's root (where npm, `next start` and the worker run), not from
// import.meta.url: the server bundle turns `new URL("…json", import.meta.url)` into a
// static-asset address, which is no file at all.
const defaultFile = () => path.resolve(process.cwd(), "prisma/crm/classification.json");

/** The file in force: `CRM_CLASSIFICATION_FILE` when set, else prisma/crm/classification.json. */
export function classificationFilePath(fromEnv: string | undefined = process.env.CRM_CLASSIFICATION_FILE): string {
  return fromEnv?.trim() || defaultFile();
}

/** Parses a classification; throws INVALID_CLASSIFICATION listing every problem. */
export function parseClassification(value: unknown, source = "classification"): Classification {
  const result = classificationSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new SanitizationError("INVALID_CLASSIFICATION", `${source} is invalid:\n- ${problems.join("\n- ")}`, { problems });
}

export async function loadClassification(path: string = classificationFilePath()): Promise<Classification> {
  let text: string;
  try {
    // turbopackIgnore: the file is runtime configuration, not code to trace into the build.
    text = await readFile(/*turbopackIgnore: true*/ path, "utf8");
  } catch (error) {
    throw new SanitizationError("INVALID_CLASSIFICATION", `Cannot read the classification file ${path}.`, undefined, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SanitizationError("INVALID_CLASSIFICATION", `${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseClassification(json, path);
}

/**
 * The operator's defaults (the file, for every tenant) with one tenant's own
 * classification laid over them: for the same column, table or object, the
 * tenant's choice wins.
 */
export function withTenantClassification(defaults: Classification, tenant: Classification): Classification {
  return {
    columns: { ...defaults.columns, ...tenant.columns },
    tables: { ...defaults.tables, ...tenant.tables },
    objects: [...tenant.objects, ...defaults.objects.filter((o) => objectTreatment(tenant, o) === undefined)],
  };
}

export { columnTreatment, tableTreatment } from "./treatments";

/**
 * The part of `classification` that applies to one production (its schema as read): what its
 * copy's report keeps and its customer may download. The operators' file classifies every
 * tenant's extra tables, columns and objects, with its comments, and a tenant with no choices
 * of its own copies by the file itself: each customer's report held all of it, other
 * customers' names included. Verification loses nothing: it checks the copy's own tables and
 * columns only, and those are production's.
 */
export function classificationInForce(
  classification: Classification,
  production: Pick<SourceSchema, "tables" | "objects" | "enums" | "sequences" | "constraints" | "indexes">,
): Classification {
  const columns = new Set(production.tables.flatMap((t) => t.columns.map((c) => `${t.name}.${c.name}`)));
  const tables = new Set(production.tables.map((t) => t.name));
  // Objects by table and name, as schema-plan.ts looks them up: a constraint or an index by its
  // own, a column's default or generation by the column's; objects of the schema by theirs.
  const named = (table: string | null, name: string) => JSON.stringify([table, name]);
  const objects = new Set([
    ...[...production.objects, ...production.constraints, ...production.indexes].map((o) => named(o.table, o.name)),
    ...production.tables.flatMap((t) => t.columns.map((c) => named(t.name, c.name))),
    ...[...production.enums, ...production.sequences].map((o) => named(null, o.name)),
  ]);
  return {
    columns: Object.fromEntries(Object.entries(classification.columns).filter(([key]) => columns.has(key))),
    tables: Object.fromEntries(Object.entries(classification.tables).filter(([table]) => tables.has(table))),
    objects: classification.objects.filter((o) => objects.has(named(o.table, o.name))),
  };
}

/**
 * Each classification's objects, looked up by kind, table and name: a plan asks for every
 * constraint, index and object of production's (up to 20,000, CATALOG_BOUNDS), and a
 * tenant's classification may name as many; searching the list for each took seconds.
 * The first of an object's entries wins, as a search would find it.
 */
const objectIndexes = new WeakMap<Classification["objects"], Map<string, ObjectTreatment>>();

export function objectTreatment(c: Classification, object: SchemaObject): ObjectTreatment | undefined {
  let index = objectIndexes.get(c.objects);
  if (!index) {
    index = new Map();
    for (const o of c.objects) if (!index.has(objectKey(o))) index.set(objectKey(o), o.treatment);
    objectIndexes.set(c.objects, index);
  }
  return index.get(objectKey(object));
}
