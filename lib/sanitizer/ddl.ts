/**
 * The sandbox's DDL, written by the portal from the recognised schema (schema-plan.ts):
 * production's names, always quoted as identifiers; types only as format_type()
 * spells built-in ones; numbers checked as numbers; CHECK values the contract's own.
 * No definition text read from production is ever part of a statement (rule 16).
 *
 * Bulk-load order: types, sequences and bare tables (with their CHECKs, cheap per
 * row) before the data; primary keys, uniques and indexes after it (one sorted
 * build beats index maintenance per row); foreign keys last (validated once over
 * complete tables).
 */
import type { FkAction, SourceSequence } from "./schema-reader";
import type { PlannedColumn, PlannedConstraint, SchemaPlan } from "./schema-plan";
import { quoteIdent, quoteLiteral } from "./sql";

export interface SchemaDdl {
  /** Before the data: enum types, sequences, tables, sequence ownership. */
  beforeData: string[];
  /** After the data, per table: primary key, uniques, other indexes. */
  indexes: { table: string; sql: string }[];
  /**
   * After the data: each foreign key added NOT VALID (the catalogue only, at once), then
   * validated. A validation locks its own table against writes, and only its referenced
   * table against being dropped, so the validations can run side by side, one scan each,
   * without waiting on one another; adding them validated runs the scans one at a time.
   */
  foreignKeys: { add: string; validate: string }[];
}

export function buildSchemaDdl(plan: SchemaPlan): SchemaDdl {
  const beforeData: string[] = [];
  for (const e of plan.enums) {
    beforeData.push(`CREATE TYPE ${quoteIdent(e.name)} AS ENUM (${e.labels.map(quoteLiteral).join(", ")})`);
  }
  for (const s of plan.sequences) beforeData.push(`CREATE SEQUENCE ${quoteIdent(s.name)} ${sequenceOptions(s)}`);
  for (const t of plan.tables) {
    const parts = t.columns.map(columnDdl);
    for (const c of plan.constraints) if (c.table === t.name && c.kind === "c") parts.push(`CONSTRAINT ${quoteIdent(c.name)} ${checkDdl(c)}`);
    beforeData.push(`CREATE TABLE ${quoteIdent(t.name)} (\n  ${parts.join(",\n  ")}\n)`);
    for (const c of t.columns) {
      if (c.serialSequence) beforeData.push(`ALTER SEQUENCE ${quoteIdent(c.serialSequence)} OWNED BY ${quoteIdent(t.name)}.${quoteIdent(c.name)}`);
    }
  }

  const indexes: SchemaDdl["indexes"] = [];
  for (const c of plan.constraints) {
    if (c.kind === "p" || c.kind === "u") {
      const key = c.kind === "p" ? "PRIMARY KEY" : "UNIQUE";
      indexes.push({ table: c.table, sql: `${alterTable(c)} ${key} (${columnList(c.columns)})` });
    }
  }
  for (const i of plan.indexes) {
    indexes.push({
      table: i.table,
      sql: `CREATE ${i.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(i.name)} ON ${quoteIdent(i.table)} USING btree (${columnList(i.columns)})`,
    });
  }
  const foreignKeys = plan.constraints.filter((c) => c.kind === "f").map(foreignKeyDdl);
  return { beforeData, indexes, foreignKeys };
}

function columnDdl(c: PlannedColumn): string {
  let sql = `${quoteIdent(c.name)} ${c.enumType ? quoteIdent(c.type) : c.type}`;
  if (c.collation) sql += ` COLLATE pg_catalog.${quoteIdent(c.collation)}`;
  if (c.identity) {
    const seq = c.identity.sequence;
    // The identity sequence's type is the column's: stating it again is an error.
    sql += ` GENERATED ${c.identity.always ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY${seq ? ` (SEQUENCE NAME ${quoteIdent(seq.name)} ${sequenceOptions(seq, false)})` : ""}`;
  } else if (c.serialSequence) {
    sql += ` DEFAULT nextval(${quoteLiteral(quoteIdent(c.serialSequence))}::regclass)`;
  }
  if (c.notNull) sql += " NOT NULL";
  return sql;
}

const alterTable = (c: PlannedConstraint) => `ALTER TABLE ${quoteIdent(c.table)} ADD CONSTRAINT ${quoteIdent(c.name)}`;
const columnList = (columns: string[]) => columns.map(quoteIdent).join(", ");

const ACTIONS: Record<FkAction, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

function foreignKeyDdl(c: PlannedConstraint): SchemaDdl["foreignKeys"][number] {
  const fk = c.foreignKey;
  if (!fk) throw new Error(`foreign key ${c.name} without its target`);
  return {
    add: `${alterTable(c)} FOREIGN KEY (${columnList(c.columns)}) REFERENCES ${quoteIdent(fk.table)} (${columnList(fk.columns)}) ON DELETE ${ACTIONS[fk.onDelete]} ON UPDATE ${ACTIONS[fk.onUpdate]} NOT VALID`,
    validate: `ALTER TABLE ${quoteIdent(c.table)} VALIDATE CONSTRAINT ${quoteIdent(c.name)}`,
  };
}

/** A contract value domain, in the form PostgreSQL stores it, with production's values in production's order. */
function checkDdl(c: PlannedConstraint): string {
  const col = quoteIdent(c.columns[0] ?? "");
  const d = c.domain;
  if (!d) throw new Error(`check ${c.name} without a recognised domain`);
  if (d.kind === "values") return `CHECK (${col} = ANY (ARRAY[${d.values.map((v) => `${quoteLiteral(v)}::text`).join(", ")}]))`;
  if (d.kind === "range") return `CHECK ((${col} >= ${integer(d.min)}) AND (${col} <= ${integer(d.max)}))`;
  return `CHECK (${col} = ${integer(d.value)})`;
}

function integer(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

function sequenceOptions(s: SourceSequence, withType = true): string {
  return [
    withType ? `AS ${s.dataType}` : "",
    `INCREMENT BY ${s.increment}`,
    `MINVALUE ${s.min}`,
    `MAXVALUE ${s.max}`,
    `START WITH ${s.start}`,
    `CACHE ${s.cache}`,
    s.cycle ? "CYCLE" : "NO CYCLE",
  ]
    .filter(Boolean)
    .join(" ");
}

/**
 * Where each sequence continues in the copy: after the largest of production's last
 * value, production's maximum of the owning column, and the copy's maximum of it
 * (carried-over rows may exceed production's). So ids made in a sandbox never
 * collide with production's, whatever share of the rows it holds (rule 17).
 * Sequences never used in production stay fresh.
 */
export function sequenceResetSql(s: SourceSequence): string | null {
  const integer = (value: string | null) => (value !== null && /^-?\d+$/.test(value) ? `${value}::bigint` : null);
  const fromProduction = [integer(s.lastValue), integer(s.ownedMax)].filter((v): v is string => v !== null);
  const copied = s.ownedBy ? `(SELECT max(${quoteIdent(s.ownedBy.column)})::bigint FROM ${quoteIdent(s.ownedBy.table)})` : null;
  const candidates = [...fromProduction, ...(copied ? [copied] : [])];
  if (candidates.length === 0) return null;
  return `SELECT setval(${quoteLiteral(quoteIdent(s.name))}, v, true) FROM (SELECT greatest(${candidates.join(", ")}) AS v) x WHERE v IS NOT NULL`;
}

/** Every sequence the sandbox has: serial and copied ones, and those of identity columns. */
export function sandboxSequences(plan: SchemaPlan): SourceSequence[] {
  const identity = plan.tables.flatMap((t) => t.columns.flatMap((c) => (c.identity?.sequence ? [c.identity.sequence] : [])));
  return [...plan.sequences, ...identity];
}
