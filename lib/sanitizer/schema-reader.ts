/**
 * Reads production's schema as STRUCTURE: tables and columns, keys by their column
 * lists, sequences by their numbers, and every other schema object by kind and name.
 * Definition text (defaults, CHECK expressions, index and view definitions) is never
 * kept for use in a statement: the sandbox's DDL is generated from what
 * schema-plan.ts recognised (rule 16). The only text read is a CHECK's, to
 * recognise a contract value domain in it (check-domain.ts), and a default's, to
 * compare it with the `nextval()` the portal itself would write.
 *
 * Read-only catalog queries on production, run inside the snapshot transaction with
 * `search_path = pg_catalog, pg_temp` (lib/crm/read-only.ts).
 */
import type pg from "pg";
import { quoteIdent } from "../db/urls";
import { parseCheckDomain, type CheckDomain } from "./check-domain";
import { listed, quoted } from "../untrusted-text";
import { SanitizationError } from "./errors";
import { readSchemaObjects, type SchemaObject } from "./schema-objects";

export interface SourceColumn {
  name: string;
  /** A built-in type as format_type() spells it, or an enum of production's `public` schema; null otherwise. */
  type: string | null;
  /** The column's type as production names it (for messages). */
  typeLabel: string;
  enumType: string | null;
  notNull: boolean;
  /** `a` GENERATED ALWAYS, `d` BY DEFAULT, `` none. */
  identity: "a" | "d" | "";
  /** The default is `nextval()` of this sequence, owned by this column (serial). */
  serialSequence: string | null;
  /** Any other default: an executable expression, never copied as such. */
  otherDefault: boolean;
  generated: boolean;
  /** A non-default built-in collation (production's own collations are objects: left out, the column gets the default). */
  collation: string | null;
}

export interface SourceTable {
  name: string;
  columns: SourceColumn[];
  /** Planner estimate (for progress); 0 when never analysed. */
  estimatedRows: number;
  bytes: number;
  /** Its indexes' size: with `bytes`, what a copy of every row takes (the room it reserves, expected-size.ts). */
  indexBytes: number;
}

export type ConstraintKind = "p" | "u" | "x" | "c" | "f";

/** ON DELETE / ON UPDATE actions: a no action, r restrict, c cascade, n set null, d set default. */
export type FkAction = "a" | "r" | "c" | "n" | "d";

export interface SourceConstraint {
  table: string;
  name: string;
  kind: ConstraintKind;
  columns: string[];
  deferrable: boolean;
  validated: boolean;
  noInherit: boolean;
  /** Unique keys: NULLS NOT DISTINCT (PostgreSQL 15+). */
  nullsNotDistinct: boolean;
  /**
   * A key WITHOUT OVERLAPS or a foreign key with PERIOD (PostgreSQL 18): compared by
   * range overlap and containment, not equality; a plain key on its columns is another
   * constraint (a temporal foreign key's rows fail it).
   */
  period: boolean;
  foreignKey: { table: string; columns: string[]; onDelete: FkAction; onUpdate: FkAction; matchSimple: boolean } | null;
  /** A CHECK recognised as a value domain, or null. */
  domain: CheckDomain | null;
}

export interface SourceIndex {
  table: string;
  name: string;
  unique: boolean;
  /** btree over plain columns: no expression, predicate, INCLUDE, ordering, operator class or collation of its own. */
  plain: boolean;
  expression: boolean;
  partial: boolean;
  nullsNotDistinct: boolean;
  columns: string[];
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
  /**
   * Production's maximum of the owning column at the snapshot: a sandbox that
   * copies none of the table's rows (rule 17) still continues after it, and rows
   * inserted with explicit ids leave lastValue behind it. null when empty or unowned.
   */
  ownedMax: string | null;
}

export interface SourceSchema {
  enums: { name: string; labels: string[] }[];
  tables: SourceTable[];
  constraints: SourceConstraint[];
  /** Indexes that do not back a constraint. */
  indexes: SourceIndex[];
  sequences: SourceSequence[];
  /** Every other object: views, triggers, functions, ... (schema-objects.ts). */
  objects: SchemaObject[];
  /** The whole database's size on disk: with the tables' own, what its catalogs take (expected-size.ts). */
  databaseBytes: number;
}

const PUBLIC_TABLE = `c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND NOT c.relispartition`;

/**
 * The catalog is read whole, and a CRM's has some forty tables: a hostile one (a million
 * tables, a CHECK of a gigabyte, an enum of a million labels) is measured first, on the
 * server, and refused. The other objects read by kind and name (schema-objects.ts: every
 * schema's functions, types, triggers…) are bounded as they are read.
 */
export const CATALOG_BOUNDS = { objects: 20_000, columns: 200_000, constraints: 100_000, enumLabels: 100_000, checkBytes: 1024 * 1024 };
export type CatalogBounds = typeof CATALOG_BOUNDS;

const catalogRefusal = (over: string) =>
  new SanitizationError("COPY_FAILED", `Production's schema has ${over}: more than the portal reads. Contact support.`);

const tooManyObjects = (bounds: CatalogBounds) => `more than ${bounds.objects.toLocaleString("en")} tables, types, functions and other objects`;

/** Refuses a catalog larger than the portal reads, before reading any of it (the copy's schema, the wizard's dry run). */
export async function assertCatalogReadable(client: pg.ClientBase, bounds: CatalogBounds = CATALOG_BOUNDS): Promise<void> {
  const { rows } = await client.query<{ objects: number; columns: number; constraints: number; enum_labels: number; check_bytes: number }>(
    `SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace)::int
          + (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace)::int
          + (SELECT count(*) FROM pg_type WHERE typnamespace = 'public'::regnamespace)::int AS objects,
            (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
              WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0)::int AS columns,
            (SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace)::int AS constraints,
            (SELECT count(*) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typnamespace = 'public'::regnamespace)::int AS enum_labels,
            (SELECT coalesce(max(octet_length(conbin::text)), 0) FROM pg_constraint WHERE connamespace = 'public'::regnamespace)::int AS check_bytes`,
  );
  const measured = rows[0]!;
  const over =
    measured.objects > bounds.objects
      ? tooManyObjects(bounds)
      : measured.columns > bounds.columns
        ? `more than ${bounds.columns.toLocaleString("en")} columns`
        : measured.constraints > bounds.constraints
          ? `more than ${bounds.constraints.toLocaleString("en")} constraints`
          : measured.enum_labels > bounds.enumLabels
            ? `more than ${bounds.enumLabels.toLocaleString("en")} enum labels`
            : measured.check_bytes > bounds.checkBytes
              ? "a constraint larger than 1 MB"
              : null;
  if (over) throw catalogRefusal(over);
  await assertNothingFoldedOnRead(client);
}

/**
 * PostgreSQL's planner loads every index and statistics object of a table it plans a query
 * on, and folds their expressions and predicates: an IMMUTABLE function there with constant
 * arguments (`(id + f())`, `WHERE f() = 1`) runs in the portal's session at the first query
 * on the table, whatever the query (the schema's own max() of an owned column, every copy),
 * and can turn the session's settings (rule 16's search_path) to production's. Such a table
 * cannot be read without running production's code: a production with an index or
 * statistics object that calls a function, operator or cast of its own (not one the server
 * was made with, OIDs below 16384) on a table the portal may read is refused first.
 */
async function assertNothingFoldedOnRead(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ kind: string; name: string; table: string }>(
    `WITH RECURSIVE readable(oid) AS (
       SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')
       UNION SELECT i.inhrelid FROM pg_inherits i JOIN readable r ON r.oid = i.inhparent
     ), objects(kind, oid, name, rel) AS (
       SELECT 'index', x.indexrelid, i.relname, x.indrelid FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       UNION ALL SELECT 'statistics', s.oid, s.stxname, s.stxrelid FROM pg_statistic_ext s
     )
     SELECT DISTINCT o.kind, o.name::text AS name, c.relname::text AS table
       FROM objects o JOIN readable r ON r.oid = o.rel JOIN pg_class c ON c.oid = o.rel
       JOIN pg_depend d ON d.objid = o.oid AND d.classid = CASE o.kind WHEN 'index' THEN 'pg_class'::regclass ELSE 'pg_statistic_ext'::regclass END
      WHERE d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass, 'pg_cast'::regclass) AND d.refobjid >= 16384
      ORDER BY 3, 1, 2 LIMIT 21`,
  );
  if (rows.length === 0) return;
  throw new SanitizationError(
    "COPY_FAILED",
    `Production's indexes or statistics call functions or operators of its own, which reading their tables would run: ${listed(rows.map((r) => `${r.kind} ${quoted(r.name)} on table ${quoted(r.table)}`), 20, "; ")}. Remove them from production (the sandbox never has them), or contact support.`,
  );
}

/** `bounds`: what a catalog may hold to be read (tests lower them). */
export async function readSourceSchema(client: pg.ClientBase, bounds: CatalogBounds = CATALOG_BOUNDS): Promise<SourceSchema> {
  await assertCatalogReadable(client, bounds);
  const enums = await client.query<{ name: string; labels: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname ORDER BY 1`,
  );
  const database = await client.query<{ bytes: string }>("SELECT pg_database_size(current_database())::text AS bytes");
  const tables = await client.query<{ name: string; rows: string; bytes: string; index_bytes: string }>(
    `SELECT c.relname AS name, greatest(c.reltuples, 0)::bigint::text AS rows, pg_table_size(c.oid)::text AS bytes,
            pg_indexes_size(c.oid)::text AS index_bytes
       FROM pg_class c WHERE ${PUBLIC_TABLE} ORDER BY 1`,
  );
  // The default's text is only compared with the nextval() the portal would write for
  // the column's own sequence, rendered by this same session: it is never kept. A NOT NULL
  // added NOT VALID (PostgreSQL 18) sets attnotnull too, yet older rows may hold NULLs: the
  // sandbox's column made NOT NULL from it failed the copy at the first of them.
  const columns = await client.query<SourceColumn & { table: string; typeNamespace: string; typeKind: string }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS "typeLabel",
            coalesce(et.typnamespace, t.typnamespace)::regnamespace::text AS "typeNamespace", t.typtype AS "typeKind",
            CASE WHEN t.typtype = 'e' THEN t.typname::text END AS "enumType",
            a.attnotnull AND NOT EXISTS (SELECT 1 FROM pg_constraint n WHERE n.conrelid = a.attrelid AND n.contype = 'n'
                                          AND n.conkey[1] = a.attnum AND NOT n.convalidated) AS "notNull",
            a.attidentity AS identity, a.attgenerated <> '' AS generated,
            s.relname AS "serialSequence",
            d.oid IS NOT NULL AND a.attgenerated = '' AND s.relname IS NULL AS "otherDefault",
            CASE WHEN a.attcollation <> t.typcollation AND co.collnamespace = 'pg_catalog'::regnamespace THEN co.collname::text END AS collation
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_collation co ON co.oid = a.attcollation
       LEFT JOIN LATERAL (
         SELECT q.relname FROM pg_depend dep JOIN pg_class q ON q.oid = dep.objid AND q.relkind = 'S'
          WHERE dep.classid = 'pg_class'::regclass AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a'
            AND pg_get_expr(d.adbin, d.adrelid) = format('nextval(%L::regclass)', q.oid::regclass::text)
       ) s ON a.attidentity = '' AND a.attgenerated = ''
      WHERE ${PUBLIC_TABLE} AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
  );
  // contype 'n' (PostgreSQL 18's catalogued NOT NULL) is covered by attnotnull.
  const constraints = await client.query<Omit<SourceConstraint, "domain" | "foreignKey"> & {
    checkText: string | null;
    refTable: string | null;
    refColumns: string[] | null;
    onDelete: FkAction;
    onUpdate: FkAction;
    matchType: string;
  }>(
    `SELECT c.relname AS table, k.conname AS name, k.contype AS kind, k.condeferrable AS deferrable,
            k.convalidated AS validated, k.connoinherit AS "noInherit",
            coalesce((to_jsonb(x) ->> 'indnullsnotdistinct')::boolean, false) AS "nullsNotDistinct",
            coalesce((to_jsonb(k) ->> 'conperiod')::boolean, false) AS period,
            ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
                    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o) AS columns,
            r.relname AS "refTable",
            CASE WHEN k.contype = 'f' THEN ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o)
                    JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o) END AS "refColumns",
            k.confdeltype AS "onDelete", k.confupdtype AS "onUpdate", k.confmatchtype AS "matchType",
            CASE WHEN k.contype = 'c' THEN pg_get_constraintdef(k.oid) END AS "checkText"
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
       LEFT JOIN pg_class r ON r.oid = k.confrelid
       LEFT JOIN pg_index x ON x.indexrelid = k.conindid
      WHERE ${PUBLIC_TABLE} AND k.contype IN ('p','u','x','c','f')
      ORDER BY c.relname, k.conname`,
  );
  const indexes = await client.query<SourceIndex>(
    `SELECT c.relname AS table, i.relname AS name, x.indisunique AS unique,
            x.indexprs IS NOT NULL AS expression, x.indpred IS NOT NULL AS partial,
            coalesce((to_jsonb(x) ->> 'indnullsnotdistinct')::boolean, false) AS "nullsNotDistinct",
            am.amname = 'btree' AND x.indexprs IS NULL AND x.indpred IS NULL AND x.indnkeyatts = x.indnatts
              AND NOT EXISTS (SELECT 1 FROM unnest(x.indoption::int2[]) o WHERE o <> 0)
              AND NOT EXISTS (SELECT 1 FROM unnest(x.indclass::oid[]) oc JOIN pg_opclass op ON op.oid = oc WHERE NOT op.opcdefault)
              AND NOT EXISTS (SELECT 1 FROM unnest(x.indcollation::oid[]) WITH ORDINALITY ic(coll, n)
                               JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[ic.n - 1]
                              WHERE ic.coll <> a.attcollation) AS plain,
            ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, o)
                    JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n ORDER BY u.o) AS columns
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
       JOIN pg_am am ON am.oid = i.relam
      WHERE ${PUBLIC_TABLE}
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p','u','x'))
      ORDER BY 1, 2`,
  );
  const sequences = await client.query<Omit<SourceSequence, "ownedBy" | "ownedMax" | "lastValue"> & { ownerTable: string | null; ownerColumn: string | null; ownerIsInteger: boolean }>(
    `SELECT s.relname AS name, format_type(q.seqtypid, NULL) AS "dataType", q.seqstart::text AS start,
            q.seqincrement::text AS increment, q.seqmin::text AS min, q.seqmax::text AS max,
            q.seqcache::text AS cache, q.seqcycle AS cycle, t.relname AS "ownerTable", a.attname AS "ownerColumn",
            coalesce(d.deptype = 'i', false) AS identity,
            coalesce(a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype), false) AS "ownerIsInteger"
       FROM pg_class s JOIN pg_sequence q ON q.seqrelid = s.oid
       LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a','i')
            -- Owned by a column of a table the copy reads: a sequence may be owned by a view's or a foreign
            -- table's column too, and reading those (withOwnedMaxima) ran production's code in this session.
            AND EXISTS (SELECT 1 FROM pg_class o WHERE o.oid = d.refobjid AND o.relnamespace = 'public'::regnamespace AND o.relkind = 'r' AND NOT o.relispartition)
       LEFT JOIN pg_class t ON t.oid = d.refobjid
       LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
      WHERE s.relnamespace = 'public'::regnamespace AND s.relkind = 'S' ORDER BY 1`,
  );

  // Grouped once: a catalog may hold thousands of tables and 200,000 columns (CATALOG_BOUNDS), and
  // filtering all columns for each table took 11 s of a process's only thread.
  const columnsOf = new Map<string, SourceColumn[]>();
  for (const { table, typeNamespace, typeKind, ...c } of columns.rows) {
    const column = { ...c, type: typeNamespace === "pg_catalog" && ["b", "r", "m"].includes(typeKind) ? c.typeLabel : c.enumType };
    const list = columnsOf.get(table);
    if (list) list.push(column);
    else columnsOf.set(table, [column]);
  }
  return {
    databaseBytes: Number(database.rows[0]?.bytes ?? 0),
    enums: enums.rows,
    tables: tables.rows.map((t) => ({
      name: t.name,
      estimatedRows: Number(t.rows),
      bytes: Number(t.bytes),
      indexBytes: Number(t.index_bytes),
      columns: columnsOf.get(t.name) ?? [],
    })),
    constraints: constraints.rows.map(({ checkText, refTable, refColumns, onDelete, onUpdate, matchType, ...k }) => ({
      ...k,
      foreignKey:
        k.kind === "f" && refTable && refColumns
          ? { table: refTable, columns: refColumns, onDelete, onUpdate, matchSimple: matchType === "s" }
          : null,
      domain: checkText && k.columns.length === 1 ? parseCheckDomain(checkText, k.columns[0] ?? "") : null,
    })),
    indexes: indexes.rows,
    sequences: await withOwnedMaxima(
      client,
      (await withLastValues(client, sequences.rows)).map(({ ownerTable, ownerColumn, ownerIsInteger, ...s }) => ({
        ...s,
        ownedBy: ownerTable && ownerColumn ? { table: ownerTable, column: ownerColumn } : null,
        ownerIsInteger,
      })),
    ),
    objects: await readSchemaObjects(client, bounds.objects, () => catalogRefusal(tooManyObjects(bounds))),
  };
}

/**
 * Each sequence's last value, null when none has been drawn (as pg_sequences says it),
 * read from the sequence itself: that takes an ACCESS SHARE lock on it, which only a
 * statement that takes the sequence whole (DROP, RENAME, OWNER TO) waits for, where
 * pg_sequences (pg_sequence_last_value) takes ROW EXCLUSIVE, held until the snapshot ends,
 * and production's `ALTER SEQUENCE` waited for it (the copy gave way). A sequence's row is
 * never a snapshot's: this is its value now, past every id the snapshot holds. A sequence
 * the portal's role may use but not read is read as pg_sequences reads it; one it may
 * neither has none, as in pg_sequences.
 */
async function withLastValues<T extends { name: string }>(client: pg.ClientBase, sequences: T[]): Promise<(T & { lastValue: string | null })[]> {
  // The privileges are asked in the select list, after the WHERE has kept sequences only (has_sequence_privilege fails on a table).
  const { rows: access } = await client.query<{ name: string; readable: boolean; usedLast: string | null }>(
    `SELECT relname AS name, has_table_privilege(oid, 'SELECT') AS readable,
            CASE WHEN NOT has_table_privilege(oid, 'SELECT') AND has_sequence_privilege(oid, 'USAGE') THEN pg_sequence_last_value(oid)::text END AS "usedLast"
       FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'S' AND relname = ANY($1::text[])`,
    [sequences.map((s) => s.name)],
  );
  const lastValues = new Map(access.map((a) => [a.name, a.usedLast]));
  const readable = access.filter((a) => a.readable);
  if (readable.length > 0) {
    // Names are quoted identifiers, never text read into SQL otherwise.
    const { rows } = await client.query<{ n: number; last: string | null }>(
      readable.map((r, n) => `SELECT ${n} AS n, CASE WHEN is_called THEN last_value::text END AS last FROM public.${quoteIdent(r.name)}`).join(" UNION ALL "),
    );
    for (const r of rows) lastValues.set(readable[r.n]!.name, r.last);
  }
  return sequences.map((s) => ({ ...s, lastValue: lastValues.get(s.name) ?? null }));
}

/** Each owned sequence's column maximum on production, in one statement of the snapshot (read-only). */
async function withOwnedMaxima(
  client: pg.ClientBase,
  sequences: (Omit<SourceSequence, "ownedMax"> & { ownerIsInteger: boolean })[],
): Promise<SourceSequence[]> {
  // A sequence may be owned by a column of any type (production is untrusted): only integer columns have a maximum to continue after.
  const owned = sequences.filter((s) => s.ownedBy && s.ownerIsInteger);
  const plain = ({ ownerIsInteger: _ownerIsInteger, ...s }: (typeof sequences)[number]) => s;
  if (owned.length === 0) return sequences.map((s) => ({ ...plain(s), ownedMax: null }));
  // Names are quoted identifiers, never text read into SQL otherwise; max()::text keeps any column type readable.
  // Owners are plain tables of `public` (the sequences' query), read ONLY: a child (a foreign table's program) is no row of theirs.
  const { rows } = await client.query<{ n: number; max: string | null }>(
    owned.map((s, n) => `SELECT ${n} AS n, (SELECT max(${quoteIdent(s.ownedBy!.column)})::text FROM ONLY public.${quoteIdent(s.ownedBy!.table)}) AS max`).join(" UNION ALL "),
  );
  const maxima = new Map(rows.map((r) => [owned[r.n]!.name, r.max]));
  return sequences.map((s) => ({ ...plain(s), ownedMax: maxima.get(s.name) ?? null }));
}
