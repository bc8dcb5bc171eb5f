/**
 * Sandbox databases on a sandbox server: existence, size, and dropping. `serverUrl`
 * is any URL on that server whose role may create and drop databases; the database
 * it names is only used to connect.
 */
import type pg from "pg";
import { openClient } from "../db/client";
import { quoteIdent } from "./sql";

async function withServer<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await openClient({ connectionString: serverUrl });
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function databaseExists(serverUrl: string, databaseName: string): Promise<boolean> {
  return withServer(serverUrl, async (c) => {
    const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName]);
    return (rowCount ?? 0) > 0;
  });
}

/** Size in bytes, or null when the database does not exist. */
export async function databaseSize(serverUrl: string, databaseName: string): Promise<number | null> {
  return withServer(serverUrl, async (c) => {
    const { rows } = await c.query<{ size: string }>(
      "SELECT pg_database_size(datname)::text AS size FROM pg_database WHERE datname = $1",
      [databaseName],
    );
    return rows[0] ? Number(rows[0].size) : null;
  });
}

/**
 * Drops the database, ending its sessions first (WITH (FORCE), PostgreSQL 13+): a
 * customer's open CRM session must not keep a deleted or failed sandbox alive.
 * Dropping a database that does not exist is not an error.
 */
export async function dropSandboxDatabase(serverUrl: string, databaseName: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withServer(serverUrl, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName)} WITH (FORCE)`);
      });
      return;
    } catch (error) {
      // A half-made copy must not outlive its run. FORCE waits only 5 s for the sessions it
      // ended to exit, and a run being cancelled may still be closing its own connections
      // ("being accessed by other users", 55006): they are gone soon, so try again.
      if (attempt >= DROP_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * 500));
    }
  }
}

const DROP_ATTEMPTS = 5;
