/**
 * Reads the shape of a live CRM database (schema `public`) from the PostgreSQL
 * catalog, in the same vocabulary as lib/crm/contract.ts. Read-only queries only:
 * this runs against customers' production databases.
 */
import type pg from "pg";
import type { DeleteRule } from "./contract";

export interface CatalogColumn {
  table: string;
  name: string;
  /** information_schema.columns.data_type, e.g. `timestamp with time zone` */
  type: string;
  nullable: boolean;
  numericPrecision: number | null;
  numericScale: number | null;
  maxLength: number | null;
}

export interface CatalogForeignKey {
  table: string;
  column: string;
  references: string;
  /** Anything PostgreSQL allows; the contract only uses NO ACTION and CASCADE. */
  onDelete: DeleteRule | "RESTRICT" | "SET NULL" | "SET DEFAULT";
}

export interface CatalogUnique {
  table: string;
  columns: string[];
  primaryKey: boolean;
}

export interface Catalog {
  tables: string[];
  columns: CatalogColumn[];
  foreignKeys: CatalogForeignKey[];
  uniques: CatalogUnique[];
}

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: "YES" | "NO";
  numeric_precision: number | null;
  numeric_scale: number | null;
  character_maximum_length: number | null;
}

const DELETE_RULES: Record<string, CatalogForeignKey["onDelete"]> = {
  a: "NO ACTION",
  c: "CASCADE",
  r: "RESTRICT",
  n: "SET NULL",
  d: "SET DEFAULT",
};

/**
 * The tables and their columns, in one statement: all that the contract check (rule 0,
 * the drift check, the verification) compares, read on every copy.
 */
export async function readTablesAndColumns(client: pg.ClientBase): Promise<Pick<Catalog, "tables" | "columns">> {
  // A table without columns still comes, as one row with no column.
  const { rows } = await client.query<{ table_name: string } & { [K in keyof ColumnRow]: ColumnRow[K] | null }>(
    `SELECT t.table_name, c.column_name, c.data_type, c.is_nullable,
            c.numeric_precision, c.numeric_scale, c.character_maximum_length
       FROM information_schema.tables t
       LEFT JOIN information_schema.columns c USING (table_schema, table_name)
      WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      ORDER BY t.table_name, c.ordinal_position`,
  );
  return {
    tables: [...new Set(rows.map((r) => r.table_name))],
    columns: rows.flatMap((r) =>
      r.column_name === null
        ? []
        : [
            {
              table: r.table_name,
              name: r.column_name,
              type: r.data_type ?? "",
              nullable: r.is_nullable === "YES",
              numericPrecision: r.numeric_precision,
              numericScale: r.numeric_scale,
              maxLength: r.character_maximum_length,
            },
          ],
    ),
  };
}

/** The whole shape: tables, columns, foreign keys and unique keys (the contract's own test compares them all). */
export async function readCatalog(client: pg.ClientBase): Promise<Catalog> {
  const { tables, columns } = await readTablesAndColumns(client);
  // pg_constraint rather than information_schema: the latter hides constraints on
  // tables the current role does not own, and a read-only role usually owns nothing.
  const foreignKeys = await client.query<{ table: string; column: string; references: string; rule: string }>(
    `SELECT t.relname AS table, a.attname AS column, r.relname AS references, c.confdeltype AS rule
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_class r ON r.oid = c.confrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
      ORDER BY 1, 2`,
  );
  const uniques = await client.query<{ table: string; columns: string[]; primary: boolean }>(
    `SELECT t.relname AS table, i.indisprimary AS primary,
            array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE t.relnamespace = 'public'::regnamespace AND i.indisunique
      GROUP BY i.indexrelid, t.relname, i.indisprimary
      ORDER BY 1, 3`,
  );
  return {
    tables,
    columns,
    foreignKeys: foreignKeys.rows.map((r) => ({
      table: r.table,
      column: r.column,
      references: r.references,
      onDelete: DELETE_RULES[r.rule] ?? "NO ACTION",
    })),
    uniques: uniques.rows.map((r) => ({ table: r.table, columns: r.columns, primaryKey: r.primary })),
  };
}
