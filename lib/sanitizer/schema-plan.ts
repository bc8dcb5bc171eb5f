/**
 * Decides, object by object, what the sandbox's schema will hold (rules 0 and 16):
 *
 * - contract objects ("Schema objects the contract defines"), recognised from their
 *   structure whatever their names: primary keys on `id`, identity or owned-serial
 *   ids, the listed foreign keys and uniques, value-domain CHECKs, plain indexes;
 * - classified extra tables, with their column types and nullability, identity or
 *   owned-serial ids, primary key and foreign keys to tables the sandbox has;
 * - objects classified `copy` (no executable part) — and nothing classified `leave-out`.
 *
 * Everything else is `unknown`: the copy stops before anything is created, naming it.
 * The result is pure structure; ddl.ts writes the statements from it.
 */
import { contractTable, contractUniques, VALUE_DOMAINS } from "../crm/contract";
import { objectTreatment, tableTreatment, type Classification } from "./classification";
import type { CheckDomain } from "./check-domain";
import type { ObjectKind, SchemaObject } from "./schema-objects";
import type { FkAction, SourceColumn, SourceConstraint, SourceIndex, SourceSchema, SourceSequence, SourceTable } from "./schema-reader";

export interface PlannedColumn {
  name: string;
  /** A built-in type spelled by format_type(), or an enum the sandbox creates. */
  type: string;
  enumType: boolean;
  collation: string | null;
  notNull: boolean;
  identity: { always: boolean; sequence: SourceSequence | null } | null;
  serialSequence: string | null;
}

export interface PlannedConstraint {
  table: string;
  name: string;
  kind: "p" | "u" | "f" | "c";
  columns: string[];
  foreignKey: { table: string; columns: string[]; onDelete: FkAction; onUpdate: FkAction } | null;
  /** For a CHECK: the contract's values in production's order. */
  domain: CheckDomain | null;
}

export interface SchemaPlan {
  enums: { name: string; labels: string[] }[];
  /** Serial sequences (owned by a planned column) and standalone sequences classified `copy`. */
  sequences: SourceSequence[];
  tables: { name: string; columns: PlannedColumn[] }[];
  constraints: PlannedConstraint[];
  indexes: { table: string; name: string; unique: boolean; columns: string[] }[];
  /** Objects neither in the contract nor classified. */
  unknown: SchemaObject[];
  /** Classifications that cannot apply. */
  problems: string[];
}

/**
 * PostgreSQL's built-in types, as format_type() names them without modifiers (15's
 * pg_catalog; arrays of them too). A type's spelling goes into the sandbox's DDL as
 * it is, so it must be one of these words: a server that only speaks PostgreSQL's
 * protocol could answer anything ("integer references installation on delete
 * cascade"), and what production says is never run.
 */
const BUILT_IN_TYPE_NAMES: ReadonlySet<string> = new Set([
  ...["smallint", "integer", "bigint", "numeric", "real", "double precision", "money", "oid", "boolean"],
  ...["text", "character", "bpchar", "character varying", "name", "bytea", "uuid", "json", "jsonb", "jsonpath", "xml"],
  ...["date", "time", "timestamp", "interval", ...["year", "month", "day", "hour", "minute", "second", "year to month", "day to hour", "day to minute", "day to second", "hour to minute", "hour to second", "minute to second"].map((f) => `interval ${f}`)],
  ...["bit", "bit varying", "inet", "cidr", "macaddr", "macaddr8", "point", "line", "lseg", "box", "path", "polygon", "circle", "tsvector", "tsquery", "pg_lsn", "pg_snapshot", "txid_snapshot"],
  ...["int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange", "int4multirange", "int8multirange", "nummultirange", "tsmultirange", "tstzmultirange", "datemultirange"],
  ...["regclass", "regcollation", "regconfig", "regdictionary", "regnamespace", "regoper", "regoperator", "regproc", "regprocedure", "regrole", "regtype", "xid", "xid8", "cid", "tid"],
]);

/** A built-in type as format_type() spells it, modifier and array brackets included: `numeric(14,2)`, `timestamp(3) with time zone`, `text[]`. */
const BUILT_IN_SPELLING = /^([a-z][a-z0-9 ]*?)(\(\d+(,\d+)?\))?( with(out)? time zone)?(\[\])*$/;

const isBuiltInType = (type: string): boolean => {
  const match = BUILT_IN_SPELLING.exec(type);
  return match !== null && BUILT_IN_TYPE_NAMES.has(match[1]!) && (match[4] === undefined || match[1] === "time" || match[1] === "timestamp");
};

/**
 * A built-in type's spelling without its modifier (`character varying` of
 * `character varying(200)`), to cast a value to in SQL; null for any other spelling.
 * A value cast to it keeps its length or scale for the column's own type to check.
 * `character` and `bit` without a length mean a length of one, and an explicit cast
 * cuts silently ("john@x" cast to `character` is "j"): those are cast to the
 * unbounded type of the same form, `bpchar` and `varbit`.
 */
export function typeWithoutModifier(type: string): string | null {
  if (!isBuiltInType(type)) return null;
  return type
    .replace(/\(\d+(,\d+)?\)/, "")
    .replace(/^character(?=(\[\])*$)/, "bpchar")
    .replace(/^bit(?=(\[\])*$)/, "varbit");
}
const NUMBER = /^-?\d+$/;

export function planSchema(schema: SourceSchema, classification: Classification): SchemaPlan {
  const plan: SchemaPlan = { enums: [], sequences: [], tables: [], constraints: [], indexes: [], unknown: [], problems: [] };
  const created = new Set(schema.tables.filter((t) => contractTable(t.name) || tableTreatment(classification, t.name)).map((t) => t.name));
  /** Contract object → true; classified → its treatment decides; else unknown. */
  const decide = (object: SchemaObject): "create" | "omit" => {
    const treatment = objectTreatment(classification, object);
    if (treatment === "copy") return "create";
    if (treatment === "leave-out") return "omit";
    plan.unknown.push(object);
    return "omit";
  };

  // Looked up by column, not searched for each: a catalog may hold 200,000 columns and 20,000 sequences (CATALOG_BOUNDS).
  const identitySequences = new Map(schema.sequences.flatMap((s) => (s.identity && s.ownedBy ? [[columnKey(s.ownedBy.table, s.ownedBy.column), s] as const] : [])));
  for (const table of schema.tables.filter((t) => created.has(t.name))) {
    plan.tables.push({ name: table.name, columns: table.columns.map((c) => planColumn(table, c, identitySequences, classification, plan, decide)) });
  }
  for (const k of schema.constraints.filter((c) => created.has(c.table))) {
    const planned = toPlanned(k);
    if (isContractConstraint(k, created)) plan.constraints.push(planned);
    else if (decide({ kind: constraintKind(k), table: k.table, name: k.name }) === "create") {
      if (k.deferrable || !k.validated || k.nullsNotDistinct || k.period) {
        plan.problems.push(`${constraintKind(k)} ${JSON.stringify(k.name)} on ${k.table} is deferrable, not validated, NULLS NOT DISTINCT or temporal (WITHOUT OVERLAPS, PERIOD): leave it out`);
      } else if (planned.kind === "f" && !created.has(planned.foreignKey?.table ?? "")) {
        plan.problems.push(`foreign key ${JSON.stringify(k.name)} on ${k.table} refers to ${k.foreignKey?.table ?? "?"}, which the sandbox does not have`);
      } else plan.constraints.push(planned);
    }
  }
  for (const i of schema.indexes.filter((x) => created.has(x.table))) {
    if (isContractIndex(i)) plan.indexes.push(i);
    else if (decide({ kind: indexKind(i), table: i.table, name: i.name }) === "create") plan.indexes.push(i);
  }

  const serial = new Set(plan.tables.flatMap((t) => t.columns.flatMap((c) => (c.serialSequence ? [c.serialSequence] : []))));
  for (const s of schema.sequences.filter((q) => !q.identity)) {
    if (serial.has(s.name)) plan.sequences.push(s);
    else if (decide({ kind: "sequence", table: null, name: s.name }) === "create") plan.sequences.push(s);
  }
  // An identity column's sequence is written with its options too (ddl.ts): they are checked alike.
  const identity = plan.tables.flatMap((t) => t.columns.flatMap((c) => (c.identity?.sequence ? [c.identity.sequence] : [])));
  for (const s of [...plan.sequences, ...identity]) {
    if (![s.start, s.increment, s.min, s.max, s.cache].every((n) => NUMBER.test(n)) || !["smallint", "integer", "bigint"].includes(s.dataType)) {
      plan.problems.push(`sequence ${JSON.stringify(s.name)} has options the portal cannot recreate`);
    }
  }

  const enumLabels = new Map(schema.enums.map((e) => [e.name, e.labels]));
  for (const o of schema.objects) {
    // A SELECT of the parent reads its children's rows too: each table's rules would miss
    // the rows another's hold (an inbox's mail copied as a table of the customer's own).
    if (o.kind === "inheritance") {
      plan.problems.push(`table ${JSON.stringify(o.table)} inherits from ${JSON.stringify(o.name)}: a sandbox cannot be copied from tables that inherit (INHERITS)`);
      continue;
    }
    if (decide(o) !== "create") continue;
    const labels = enumLabels.get(o.name);
    if (o.kind === "enum type" && labels) plan.enums.push({ name: o.name, labels });
    else plan.problems.push(`${o.kind} ${JSON.stringify(o.name)} cannot be copied`);
  }
  return plan;
}

/** One key per column: a table's and a column's names joined by a character neither may hold. */
const columnKey = (table: string, column: string) => `${table}\u0000${column}`;

function planColumn(
  table: SourceTable,
  c: SourceColumn,
  identitySequences: ReadonlyMap<string, SourceSequence>,
  classification: Classification,
  plan: SchemaPlan,
  decide: (o: SchemaObject) => "create" | "omit",
): PlannedColumn {
  const where = `${table.name}.${c.name}`;
  if (c.otherDefault) decide({ kind: "default", table: table.name, name: c.name });
  // A generated column left out is a plain column holding production's values.
  if (c.generated) decide({ kind: "generated column", table: table.name, name: c.name });
  const enumCopied = c.enumType !== null && objectTreatment(classification, { kind: "enum type", table: null, name: c.enumType }) === "copy";
  if (c.type === null || (c.enumType === null && !isBuiltInType(c.type))) {
    plan.problems.push(`${where} is of type ${c.typeLabel}, which a sandbox cannot have (only built-in types and copied enum types)`);
  } else if (c.enumType !== null && !enumCopied && objectTreatment(classification, { kind: "enum type", table: null, name: c.enumType })) {
    plan.problems.push(`${where} is of enum type ${c.enumType}, which is left out`);
  }
  const identitySequence = identitySequences.get(columnKey(table.name, c.name)) ?? null;
  return {
    name: c.name,
    type: c.type ?? "",
    enumType: c.enumType !== null,
    collation: c.collation,
    notNull: c.notNull,
    identity: c.identity ? { always: c.identity === "a", sequence: identitySequence } : null,
    serialSequence: c.serialSequence,
  };
}

function toPlanned(k: SourceConstraint): PlannedConstraint {
  return {
    table: k.table,
    name: k.name,
    // Exclusion constraints are executable: never classified `copy`, so never planned.
    kind: k.kind === "x" ? "c" : k.kind,
    columns: k.columns,
    foreignKey: k.foreignKey ? { table: k.foreignKey.table, columns: k.foreignKey.columns, onDelete: k.foreignKey.onDelete, onUpdate: k.foreignKey.onUpdate } : null,
    domain: k.domain,
  };
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function isContractConstraint(k: SourceConstraint, created: Set<string>): boolean {
  if (k.deferrable || !k.validated || k.period) return false;
  const contract = contractTable(k.table);
  switch (k.kind) {
    case "p":
      // An extra table's primary key is classified with its table.
      return contract ? same(k.columns, ["id"]) : true;
    case "u":
      return !!contract && !k.nullsNotDistinct && contractUniques(k.table).some((u) => same(u, k.columns));
    case "f": {
      const fk = k.foreignKey;
      if (!fk?.matchSimple) return false;
      // An extra table's foreign keys to tables the sandbox has are classified with it.
      if (!contract) return created.has(fk.table);
      const listed = contract.foreignKeys.find((f) => same([f.column], k.columns));
      const onDelete = listed?.onDelete === "CASCADE" ? "c" : "a";
      return !!listed && listed.references === fk.table && same(fk.columns, ["id"]) && fk.onDelete === onDelete && fk.onUpdate === "a";
    }
    case "c":
      return !!contract && !k.noInherit && k.columns.length === 1 && isContractDomain(k.table, k.columns[0] ?? "", k.domain);
    default:
      return false;
  }
}

/** Production's values must be exactly the contract's (in any order: production's is kept). */
function isContractDomain(table: string, column: string, domain: CheckDomain | null): boolean {
  const expected = VALUE_DOMAINS.find((d) => d.table === table && d.column === column);
  if (!expected || !domain || expected.kind !== domain.kind) return false;
  if (expected.kind === "values" && domain.kind === "values") {
    return domain.values.length === expected.values.length && new Set(domain.values).size === domain.values.length && domain.values.every((v) => expected.values.includes(v));
  }
  if (expected.kind === "range" && domain.kind === "range") return expected.min === domain.min && expected.max === domain.max;
  return expected.kind === "equals" && domain.kind === "equals" && expected.value === domain.value;
}

function isContractIndex(i: SourceIndex): boolean {
  if (!contractTable(i.table) || !i.plain) return false;
  return !i.unique || (!i.nullsNotDistinct && contractUniques(i.table).some((u) => same(u, i.columns)));
}

function constraintKind(k: SourceConstraint): ObjectKind {
  return ({ p: "primary key", u: "unique constraint", f: "foreign key", c: "check constraint", x: "exclusion constraint" } as const)[k.kind];
}

function indexKind(i: SourceIndex): ObjectKind {
  if (i.expression) return "expression index";
  if (i.partial) return "partial index";
  return i.plain && !i.nullsNotDistinct ? "index" : "special index";
}
