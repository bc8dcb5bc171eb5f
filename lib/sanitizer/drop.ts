/**
 * Sandbox databases on a sandbox server: existence, size, and dropping. `serverUrl`
 * is any URL on that server whose role may create and drop databases; the database
 * it names is only used to connect.
 */
import type pg from "pg";
import { endOrCut } from "../db/client";
import { openSandboxSession } from "./sandbox-session";
import { quoteIdent } from "./sql";

/**
 * How long one of these statements may take before it is given up on. Dropping a large
 * copy unlinks its files, seconds at most; a server that has stopped answering would
 * hold the run's clean-up, the recovery of dead runs and the sweeps for good.
 */
const STATEMENT_BOUND_MS = 60_000;

/**
 * A session for statements outside a run's copy (creating, measuring, dropping databases).
 * The server ends a statement at its own statement_timeout, 10 s before the driver gives up
 * on it: a CREATE or DROP DATABASE the driver gave up on would have an outcome nobody knows
 * (the server finishes it after), so only a server that has stopped answering leaves one.
 * `signal`: cuts the session when it aborts.
 */
export function openBoundedServerSession(serverUrl: string, signal?: AbortSignal): Promise<pg.Client> {
  return openSandboxSession(serverUrl, signal, { statement_timeout: STATEMENT_BOUND_MS - 10_000, query_timeout: STATEMENT_BOUND_MS });
}

async function withServer<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const client = await openBoundedServerSession(serverUrl, signal);
  try {
    return await run(client);
  } finally {
    await endOrCut(client);
  }
}

export async function databaseExists(serverUrl: string, databaseName: string): Promise<boolean> {
  return withServer(serverUrl, async (c) => {
    const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName]);
    return (rowCount ?? 0) > 0;
  });
}

/** The names of the server's databases that begin with `prefix`. */
export async function databasesNamed(serverUrl: string, prefix: string): Promise<string[]> {
  return withServer(serverUrl, async (c) => {
    const { rows } = await c.query<{ name: string }>("SELECT datname AS name FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1", [prefix]);
    return rows.map((r) => r.name);
  });
}

/**
 * The size in bytes of every database whose name starts with `prefix`, each measured
 * apart: one dropped since the listing (a refresh's previous copy, an orphan) or one
 * this role may not open is left out, not the whole server's measure.
 */
export async function databaseSizesNamed(serverUrl: string, prefix: string): Promise<Map<string, number>> {
  return withServer(serverUrl, async (c) => {
    const { rows } = await c.query<{ name: string }>("SELECT datname AS name FROM pg_database WHERE starts_with(datname, $1) AND datallowconn ORDER BY 1", [prefix]);
    const sizes = new Map<string, number>();
    for (const { name } of rows) {
      // The server's own refusal (a database gone, 3D000; one the role may not open, 42501)
      // skips that database; anything else (the server stopped answering) ends the measure.
      const measured = await c
        .query<{ size: string | null }>("SELECT pg_database_size(oid)::text AS size FROM pg_database WHERE datname = $1", [name])
        .then(
          (r) => r.rows[0]?.size ?? null,
          (error: unknown) => {
            if (/^[0-9A-Z]{5}$/.test((error as { code?: string }).code ?? "")) return null;
            throw error;
          },
        );
      if (measured !== null) sizes.set(name, Number(measured));
    }
    return sizes;
  });
}

/** Size in bytes, or null when the database does not exist; its session is cut when `signal` aborts. */
export async function databaseSize(serverUrl: string, databaseName: string, signal?: AbortSignal): Promise<number | null> {
  return withServer(
    serverUrl,
    async (c) => {
      const { rows } = await c.query<{ size: string }>(
        "SELECT pg_database_size(datname)::text AS size FROM pg_database WHERE datname = $1",
        [databaseName],
      );
      return rows[0] ? Number(rows[0].size) : null;
    },
    signal,
  );
}

/** Drops the database as dropSandboxDatabase does; false when it could not (its server does not answer), to be tried again later. */
export function tryDropSandboxDatabase(serverUrl: string, databaseName: string): Promise<boolean> {
  return dropSandboxDatabase(serverUrl, databaseName).then(
    () => true,
    () => false,
  );
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
      // ("being accessed by other users", 55006); FORCE may not end another role's session
      // (42501), such as a connection just refused and still exiting, or an operator's.
      // Those are gone soon, so try again. Any other failure (a server that does not
      // answer) would only fail again.
      if (attempt >= DROP_ATTEMPTS || !PASSING_SESSIONS.has((error as { code?: string } | undefined)?.code ?? "")) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * 500));
    }
  }
}

const DROP_ATTEMPTS = 5;
/** What a drop meets while another session is still on the database: in use (55006), or a session it may not end (42501). */
const PASSING_SESSIONS = new Set(["55006", "42501"]);
