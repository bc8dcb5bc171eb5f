import type pg from "pg";
import { endOrCut, openClient } from "./client";

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * One statement on its own short-lived connection: for administration
 * (CREATE/DROP DATABASE cannot run inside a pool's transaction), scripts and tests.
 */
export async function oneOffQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  // A server that takes the connection and never answers must not hold its caller (a sweep over every server) for good.
  const client = await openClient({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await endOrCut(client);
  }
}
