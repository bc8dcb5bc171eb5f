/**
 * The foreign keys of a database's `public` schema, read from pg_constraint as
 * column lists: production's (the dry run's closure) or a copy's (the partial
 * copy's checks). Names are data: whoever builds SQL from them quotes them.
 */
import type pg from "pg";
import type { ForeignKeyEdge } from "./partial-closure";

export interface NamedForeignKey extends ForeignKeyEdge {
  name: string;
}

export async function readForeignKeys(client: pg.ClientBase): Promise<NamedForeignKey[]> {
  const { rows } = await client.query<NamedForeignKey>(
    `SELECT k.conname::text AS name, c.relname::text AS table, r.relname::text AS "refTable",
            ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
                    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o) AS columns,
            ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o)
                    JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o) AS "refColumns"
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
      WHERE k.contype = 'f' AND c.relnamespace = 'public'::regnamespace AND r.relnamespace = 'public'::regnamespace
      ORDER BY c.relname, k.conname`,
  );
  return rows;
}
