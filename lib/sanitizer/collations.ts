/**
 * The built-in collations production's columns name must be on the sandbox server too.
 * They are the server's, not the portal's: PostgreSQL 17 and 18 brought new ones
 * (pg_c_utf8, pg_unicode_fast) that a 15 or 16 lacks, and the ICU and operating-system
 * collations (pg_import_system_collations) are each server's and database's own. A
 * missing one failed the tables' CREATE with a driver's words, and so every attempt
 * onto that server: now the run says which collation and columns, in words.
 */
import type pg from "pg";
import { quoted } from "../untrusted-text";
import { SanitizationError } from "./errors";
import type { SchemaPlan } from "./schema-plan";

/** On the copy's own database (made from template0: its collations are what its tables may use), before its tables. */
export async function assertCollationsOnServer(target: pg.ClientBase, plan: SchemaPlan): Promise<void> {
  const users = new Map<string, string[]>();
  for (const t of plan.tables) for (const c of t.columns) if (c.collation) users.set(c.collation, [...(users.get(c.collation) ?? []), `${t.name}.${c.name}`]);
  if (users.size === 0) return;
  const { rows } = await target.query<{ name: string }>(
    `SELECT u.name FROM unnest($1::text[]) u(name)
      WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_collation c WHERE c.collnamespace = 'pg_catalog'::regnamespace AND c.collname = u.name
                           AND c.collencoding IN (-1, pg_catalog.pg_char_to_encoding(pg_catalog.current_setting('server_encoding'))))
      ORDER BY 1`,
    [[...users.keys()]],
  );
  if (rows.length === 0) return;
  const missing = rows.map(({ name }) => `${quoted(name)} (${users.get(name)!.slice(0, 3).map((c) => quoted(c)).join(", ")}${users.get(name)!.length > 3 ? ", …" : ""})`);
  throw new SanitizationError(
    "COPY_FAILED",
    `Production's columns use collations the sandbox server does not have: ${missing.join(", ")}. Copy onto a sandbox server of production's PostgreSQL version or later, with the same locales.`,
    { missingCollations: rows.map((r) => r.name) },
  );
}
