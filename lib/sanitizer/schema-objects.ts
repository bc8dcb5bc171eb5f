/**
 * Every schema object of production that is not a table, column, key, index or
 * sequence, by kind and name only (rule 0 counts them; none is ever created in a
 * sandbox): views, triggers, rules, row-level security, functions, types, extensions,
 * partitioned tables, ... Also the vocabulary of object kinds shared by drift.ts,
 * schema-plan.ts and the classification.
 */
import type pg from "pg";
import { quoted } from "../untrusted-text";

/** Kinds an object may be classified `copy` for: no executable part (rule 0). */
const COPYABLE_KINDS = ["primary key", "unique constraint", "foreign key", "index", "sequence", "enum type"] as const;

/** Kinds that can only be left out: each has an expression, code or behaviour of its own. */
const EXECUTABLE_KINDS = [
  "check constraint",
  "exclusion constraint",
  "default",
  "generated column",
  "expression index",
  "partial index",
  "special index",
  "trigger",
  "rule",
  "row-level security",
  "policy",
  "view",
  "materialized view",
  "function",
  "procedure",
  "aggregate",
  "type",
  "domain",
  "extension",
  "partitioned table",
  "partition",
  "foreign table",
  "schema",
  "event trigger",
  "collation",
  "operator",
  "statistics",
  // Refused whatever its classification (schema-plan.ts): a parent's rows are read with its children's.
  "inheritance",
] as const;

export const OBJECT_KINDS = [...COPYABLE_KINDS, ...EXECUTABLE_KINDS] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export interface SchemaObject {
  kind: ObjectKind;
  /** The table it belongs to, or null for objects of the schema. */
  table: string | null;
  name: string;
}

export function isCopyable(kind: ObjectKind): boolean {
  return (COPYABLE_KINDS as readonly string[]).includes(kind);
}

/** One key per object, for lookups: its kind, table and name, none of which can run into another. */
export function objectKey(o: Pick<SchemaObject, "kind" | "table" | "name">): string {
  return JSON.stringify([o.kind, o.table, o.name]);
}

/** Plain words for a refusal: `trigger "audit" on table company`. JSON quoting shows any name safely. */
export function describeObject(o: SchemaObject): string {
  return `${o.kind} ${quoted(o.name)}${o.table === null ? "" : ` on table ${quoted(o.table)}`}`;
}

const USER_NAMESPACE = `NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)`;
const NOT_EXTENSION_MEMBER = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;

/**
 * One query per catalog; schemas other than `public` count too (nothing in them is
 * copied, so each must be left out explicitly rather than silently).
 */
const QUERIES: string[] = [
  `SELECT 'trigger' AS kind, c.relname AS table, t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace`,
  `SELECT 'rule', c.relname, r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
    WHERE r.rulename <> '_RETURN' AND c.relnamespace = 'public'::regnamespace`,
  `SELECT 'policy', c.relname, p.polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = 'public'::regnamespace`,
  `SELECT 'row-level security', c.relname, 'enabled' FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relrowsecurity`,
  `SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'p' THEN 'partitioned table'
                         WHEN 'f' THEN 'foreign table' ELSE 'partition' END,
          CASE WHEN c.relispartition THEN (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid) END,
          c.relname
     FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND (c.relkind IN ('v','m','p','f') OR c.relispartition)
      AND ${NOT_EXTENSION_MEMBER("pg_class", "c.oid")}`,
  // Table inheritance other than partitions (INHERITS): named by the inheriting table, and the table it inherits from.
  `SELECT 'inheritance', c.relname, p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE NOT c.relispartition AND (c.relnamespace = 'public'::regnamespace OR p.relnamespace = 'public'::regnamespace)`,
  `SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END, NULL, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
     FROM pg_proc p WHERE p.pronamespace ${USER_NAMESPACE} AND ${NOT_EXTENSION_MEMBER("pg_proc", "p.oid")}`,
  `SELECT CASE t.typtype WHEN 'e' THEN 'enum type' WHEN 'd' THEN 'domain' ELSE 'type' END, NULL, t.typname
     FROM pg_type t WHERE t.typnamespace ${USER_NAMESPACE} AND t.typtype <> 'm'
      AND NOT EXISTS (SELECT 1 FROM pg_type a WHERE a.typarray = t.oid)
      AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
      AND ${NOT_EXTENSION_MEMBER("pg_type", "t.oid")}`,
  // plpgsql is part of every database PostgreSQL creates.
  `SELECT 'extension', NULL, x.extname FROM pg_extension x WHERE x.extname <> 'plpgsql'`,
  `SELECT 'schema', NULL, n.nspname FROM pg_namespace n WHERE n.oid ${USER_NAMESPACE} AND n.nspname <> 'public'
      AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'`,
  `SELECT 'event trigger', NULL, e.evtname FROM pg_event_trigger e`,
  `SELECT 'collation', NULL, c.collname FROM pg_collation c WHERE c.collnamespace ${USER_NAMESPACE} AND ${NOT_EXTENSION_MEMBER("pg_collation", "c.oid")}`,
  `SELECT 'operator', NULL, o.oprname FROM pg_operator o WHERE o.oprnamespace ${USER_NAMESPACE} AND ${NOT_EXTENSION_MEMBER("pg_operator", "o.oid")}`,
  `SELECT 'statistics', c.relname, s.stxname FROM pg_statistic_ext s JOIN pg_class c ON c.oid = s.stxrelid WHERE s.stxnamespace ${USER_NAMESPACE}`,
  // Sequences in other schemas (public's are read with the tables, schema-reader.ts).
  `SELECT 'sequence', NULL, n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'S' AND c.relnamespace ${USER_NAMESPACE} AND c.relnamespace <> 'public'::regnamespace`,
];

/**
 * At most `most` objects: production is untrusted input, and a schema of its own with
 * ten million functions would otherwise come whole into the worker's memory, ending
 * every run it carries out. More than that throws `refusal()`.
 */
export async function readSchemaObjects(client: pg.ClientBase, most: number, refusal: () => Error): Promise<SchemaObject[]> {
  const { rows } = await client.query<SchemaObject>(
    `SELECT kind, "table", name FROM (${QUERIES.join("\nUNION ALL\n")}) o(kind, "table", name) ORDER BY 1, 2 NULLS FIRST, 3 LIMIT ${Math.floor(most) + 1}`,
  );
  if (rows.length > most) throw refusal();
  return rows;
}
