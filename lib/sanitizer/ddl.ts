/**
 * DDL for the copy, from the production catalog (schema-reader.ts), in bulk-load
 * order: types, sequences and bare tables (with CHECKs, cheap per row) before the
 * data; primary keys, uniques and indexes after it (one sorted build beats index
 * maintenance per row); foreign keys last (validated once over complete tables).
 */
import type { SourceSchema, SourceSequence, SourceTable } from "./schema-reader";
import { quoteIdent, quoteLiteral } from "./sql";

export interface SchemaDdl {
  /** Before the data: enum types, sequences, tables, sequence ownership. */
  beforeData: string[];
  /** After the data, per table: primary key, uniques, exclusions, other indexes. */
  indexes: { table: string; sql: string }[];
  foreignKeys: string[];
}

export function buildSchemaDdl(schema: SourceSchema): SchemaDdl {
  const beforeData: string[] = [];
  for (const e of schema.enums) {
    beforeData.push(`CREATE TYPE ${quoteIdent(e.name)} AS ENUM (${e.labels.map(quoteLiteral).join(", ")})`);
  }
  const free = schema.sequences.filter((s) => !s.identity);
  for (const s of free) beforeData.push(`CREATE SEQUENCE ${quoteIdent(s.name)} ${sequenceOptions(s)}`);
  for (const t of schema.tables) beforeData.push(createTable(t, schema));
  for (const s of free) {
    if (s.ownedBy) {
      beforeData.push(
        `ALTER SEQUENCE ${quoteIdent(s.name)} OWNED BY ${quoteIdent(s.ownedBy.table)}.${quoteIdent(s.ownedBy.column)}`,
      );
    }
  }

  const indexes: SchemaDdl["indexes"] = [];
  for (const c of schema.constraints) {
    if (c.kind === "p" || c.kind === "u" || c.kind === "x") {
      indexes.push({ table: c.table, sql: addConstraint(c.table, c.name, c.definition) });
    }
  }
  for (const i of schema.indexes) indexes.push({ table: i.table, sql: i.definition });
  const foreignKeys = schema.constraints
    .filter((c) => c.kind === "f")
    .map((c) => addConstraint(c.table, c.name, c.definition));
  return { beforeData, indexes, foreignKeys };
}

function createTable(table: SourceTable, schema: SourceSchema): string {
  const parts = table.columns.map((c) => {
    let sql = `${quoteIdent(c.name)} ${c.type}`;
    if (c.collation) sql += ` COLLATE ${c.collation}`;
    if (c.generated) sql += ` GENERATED ALWAYS AS (${c.generated}) STORED`;
    else if (c.identity) {
      const seq = schema.sequences.find(
        (s) => s.identity && s.ownedBy?.table === table.name && s.ownedBy.column === c.name,
      );
      const kind = c.identity === "a" ? "ALWAYS" : "BY DEFAULT";
      // The identity sequence's type is the column's: stating it again is an error.
      sql += ` GENERATED ${kind} AS IDENTITY${seq ? ` (SEQUENCE NAME ${quoteIdent(seq.name)} ${sequenceOptions(seq, false)})` : ""}`;
    } else if (c.default !== null) sql += ` DEFAULT ${c.default}`;
    if (c.notNull) sql += " NOT NULL";
    return sql;
  });
  for (const c of schema.constraints) {
    if (c.table === table.name && c.kind === "c") parts.push(`CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`);
  }
  return `CREATE TABLE ${quoteIdent(table.name)} (\n  ${parts.join(",\n  ")}\n)`;
}

function addConstraint(table: string, name: string, definition: string): string {
  return `ALTER TABLE ${quoteIdent(table)} ADD CONSTRAINT ${quoteIdent(name)} ${definition}`;
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
 * Where each sequence continues in the copy: after the larger of production's last
 * value and the copy's maximum of the owning column (carried-over rows may exceed
 * production's). Sequences never used in production stay fresh.
 */
export function sequenceResetSql(s: SourceSequence): string | null {
  const prod = s.lastValue === null ? "NULL" : `${s.lastValue}::bigint`;
  const copied = s.ownedBy
    ? `(SELECT max(${quoteIdent(s.ownedBy.column)})::bigint FROM ${quoteIdent(s.ownedBy.table)})`
    : "NULL";
  if (s.lastValue === null && !s.ownedBy) return null;
  return `SELECT setval(${quoteLiteral(quoteIdent(s.name))}, v, true) FROM (SELECT greatest(${prod}, ${copied}) AS v) x WHERE v IS NOT NULL`;
}
