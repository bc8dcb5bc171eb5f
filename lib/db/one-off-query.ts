import type pg from "pg";
import { openClient } from "./client";

/**
 * One statement on its own short-lived connection: for administration
 * (CREATE/DROP DATABASE cannot run inside a pool's transaction), scripts and tests.
 */
export async function oneOffQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = await openClient({ connectionString: url });
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}
