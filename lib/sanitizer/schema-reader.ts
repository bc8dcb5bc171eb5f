/**
 * Reads everything needed to recreate production's `public` schema: tables with
 * their columns (type, collation, default, identity, generated, NOT NULL),
 * constraints, indexes, sequences and enum types. DDL is generated from this rather
 * than with pg_dump because production may run PostgreSQL 16–18 while the machines'
 * pg_dump is 15, and because the portal must never need more than read access.
 * Read-only catalog queries; run inside the snapshot transaction.
 */
import type pg from "pg";

export interface SourceColumn {
  name: string;
  /** format_type(): `integer`, `numeric(14,2)`, `character(3)`, `timestamp with time zone`, ... */
  type: string;
  notNull: boolean;
  default: string | null;
  /** `a` GENERATED ALWAYS, `d` BY DEFAULT, `` none. */
  identity: "a" | "d" | "";
  /** Expression of a stored generated column (never copied: PostgreSQL computes it). */
  generated: string | null;
  collation: string | null;
}

export interface SourceTable {
  name: string;
  columns: SourceColumn[];
  /** Planner estimate (for progress); 0 when never analysed. */
  estimatedRows: number;
  bytes: number;
}

export interface SourceConstraint {
  table: string;
  name: string;
  /** p primary key, u unique, x exclusion, c check, f foreign key. */
  kind: "p" | "u" | "x" | "c" | "f";
  definition: string;
}

export interface SourceSequence {
  name: string;
  dataType: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  /** Set for serial and identity sequences. */
  ownedBy: { table: string; column: string } | null;
  identity: boolean;
  /** null when never used (or the role cannot see it). */
  lastValue: string | null;
}

export interface SourceSchema {
  enums: { name: string; labels: string[] }[];
  tables: SourceTable[];
  constraints: SourceConstraint[];
  /** CREATE INDEX statements of indexes that do not back a constraint. */
  indexes: { table: string; name: string; definition: string }[];
  sequences: SourceSequence[];
}

export async function readSourceSchema(client: pg.ClientBase): Promise<SourceSchema> {
  const enums = await client.query<{ name: string; labels: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname ORDER BY 1`,
  );
  const tables = await client.query<{ name: string; rows: string; bytes: string }>(
    `SELECT c.relname AS name, greatest(c.reltuples, 0)::bigint::text AS rows, pg_table_size(c.oid)::text AS bytes
       FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY 1`,
  );
  const columns = await client.query<SourceColumn & { table: string }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS "notNull", a.attidentity AS identity,
            CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS default,
            CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END AS generated,
            CASE WHEN a.attcollation <> t.typcollation THEN quote_ident(co.collname) END AS collation
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_collation co ON co.oid = a.attcollation
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
  );
  // contype 'n' (PostgreSQL 18's catalogued NOT NULL) is covered by attnotnull.
  const constraints = await client.query<SourceConstraint>(
    `SELECT t.relname AS table, c.conname AS name, c.contype AS kind, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
      WHERE t.relnamespace = 'public'::regnamespace AND t.relkind = 'r' AND c.contype IN ('p','u','x','c','f')
      ORDER BY t.relname, c.conname`,
  );
  const indexes = await client.query<{ table: string; name: string; definition: string }>(
    `SELECT t.relname AS table, i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relnamespace = 'public'::regnamespace AND t.relkind = 'r'
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p','u','x'))
      ORDER BY 1, 2`,
  );
  const sequences = await client.query<Omit<SourceSequence, "ownedBy"> & { ownerTable: string | null; ownerColumn: string | null }>(
    `SELECT s.relname AS name, format_type(q.seqtypid, NULL) AS "dataType", q.seqstart::text AS start,
            q.seqincrement::text AS increment, q.seqmin::text AS min, q.seqmax::text AS max,
            q.seqcache::text AS cache, q.seqcycle AS cycle, t.relname AS "ownerTable", a.attname AS "ownerColumn",
            coalesce(d.deptype = 'i', false) AS identity, ps.last_value::text AS "lastValue"
       FROM pg_class s JOIN pg_sequence q ON q.seqrelid = s.oid
       LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a','i')
       LEFT JOIN pg_class t ON t.oid = d.refobjid
       LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
       LEFT JOIN pg_sequences ps ON ps.schemaname = 'public' AND ps.sequencename = s.relname
      WHERE s.relnamespace = 'public'::regnamespace AND s.relkind = 'S' ORDER BY 1`,
  );

  return {
    enums: enums.rows,
    tables: tables.rows.map((t) => ({
      name: t.name,
      estimatedRows: Number(t.rows),
      bytes: Number(t.bytes),
      columns: columns.rows.filter((c) => c.table === t.name).map(({ table: _table, ...c }) => c),
    })),
    constraints: constraints.rows,
    indexes: indexes.rows,
    sequences: sequences.rows.map(({ ownerTable, ownerColumn, ...s }) => ({
      ...s,
      ownedBy: ownerTable && ownerColumn ? { table: ownerTable, column: ownerColumn } : null,
    })),
  };
}
