/**
 * Sandbox databases on a sandbox server: existence, size, and dropping. `serverUrl`
 * is any URL on that server whose role may create and drop databases; the database
 * it names is only used to connect.
 */
import type pg from "pg";
import { copyLimits } from "../config/copy-limits";
import { endOrCut } from "../db/client";
import { openSandboxSession } from "./sandbox-session";
import { quoteIdent } from "./sql";

/**
 * A session for statements outside a run's copy (creating, measuring, dropping databases).
 * The server ends a statement at its own statement_timeout (SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS),
 * 10 s before the driver gives up on it: a CREATE or DROP DATABASE the driver gave up on
 * would have an outcome nobody knows (the server finishes it after), so only a server that
 * has stopped answering leaves one. Dropping a large copy unlinks its files, seconds at
 * most; a server that has stopped answering would hold the run's clean-up, the recovery of
 * dead runs and the sweeps for good.
 * `signal`: cuts the session when it aborts.
 *
 * `search_path = pg_catalog, pg_temp`, and the functions named with their schema besides (a URL's own
 * `options` would replace the setting): the database the URL names is anyone's on the server (`postgres`),
 * and on a cluster upgraded from PostgreSQL 14 or older any role may create in its public schema. There
 * a neighbour's `public.starts_with(name, text)`, a closer match for a database's name than the built-in,
 * ran as the sandbox role at every listing (the sweeps', every few minutes): it could set that role's
 * password and open every customer's sandbox on the server.
 */
export function openBoundedServerSession(serverUrl: string, signal?: AbortSignal): Promise<pg.Client> {
  const serverBoundMs = copyLimits().sandboxStatementTimeoutMs;
  return openSandboxSession(serverUrl, signal, { statement_timeout: serverBoundMs, query_timeout: serverBoundMs + DRIVER_MARGIN_MS, options: "-c search_path=pg_catalog,pg_temp" });
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
    const { rows } = await c.query<{ name: string }>("SELECT datname AS name FROM pg_database WHERE pg_catalog.starts_with(datname, $1) ORDER BY 1", [prefix]);
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
    const { rows } = await c.query<{ name: string }>("SELECT datname AS name FROM pg_database WHERE pg_catalog.starts_with(datname, $1) AND datallowconn ORDER BY 1", [prefix]);
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
      const code = (error as { code?: string } | undefined)?.code ?? "";
      if (code === STATEMENT_TIMED_OUT) throw await dropTimedOut(serverUrl, databaseName, error);
      if (!PASSING_SESSIONS.has(code)) throw error;
      if (attempt >= DROP_ATTEMPTS) throw await dropStillInUse(serverUrl, databaseName, error);
      await new Promise((resolve) => setTimeout(resolve, attempt * 500));
    }
  }
}

/** How much longer than the server's statement_timeout the driver waits for an answer. */
const DRIVER_MARGIN_MS = 10_000;
const DROP_ATTEMPTS = 5;
const STATEMENT_TIMED_OUT = "57014";
/** What a drop meets while another session is still on the database: in use (55006), or a session it may not end (42501). */
const PASSING_SESSIONS = new Set(["55006", "42501"]);

/**
 * Why a drop timed out, for operators: what held it, as the server shows it.
 *
 * From PostgreSQL 15 on, DROP DATABASE waits until every session on the server, on any
 * database, has closed the dropped files, and a session absorbs that request only between
 * its own steps. One blocked sending results to a client that does not read them
 * (ClientWrite), or waiting mid-COPY for data its client does not send (ClientRead while
 * active), never does: every drop on that server waits for it, whoever's it is. Nor does a
 * connection still signing in, which the server does not show, until its authentication_timeout
 * (60 s unless set, longer than a drop's bound): the message names that bound. The drop
 * that timed out left its database unusable (PostgreSQL marks it invalid first), and the
 * sweeps drop it once what held it is gone.
 */
async function dropTimedOut(serverUrl: string, databaseName: string, error: unknown): Promise<Error> {
  const holders = await withServer(serverUrl, async (c) => {
    const stalled = await describeSessions(
      c,
      `(${HIDDEN_SESSION} OR backend_type = 'client backend' AND (wait_event = 'ClientWrite' OR wait_event = 'ClientRead' AND state = 'active'))`,
      [],
    );
    const { rows } = await c.query<{ bound: string }>("SELECT current_setting('authentication_timeout') AS bound");
    return `${stalled}; and any connection still signing in, which the server does not show, for up to its authentication_timeout of ${rows[0]!.bound}`;
  }).catch(notKnown);
  return new Error(`DROP DATABASE ${databaseName} timed out; sessions elsewhere on the server that are neither reading their results nor sending their COPY data hold every drop there: ${holders}`, {
    cause: error,
  });
}

/**
 * A drop refused for that database alone: sessions on it outlived being ended (another role's, which the
 * sandbox role may not end). The server answers, and its other databases can be dropped meanwhile.
 */
export class DatabaseStillInUse extends Error {
  override readonly name = "DatabaseStillInUse";
}

/** Why a drop still found its database in use after every attempt: the sessions on it that outlived being ended. */
async function dropStillInUse(serverUrl: string, databaseName: string, error: unknown): Promise<Error> {
  const holders = await withServer(serverUrl, (c) => describeSessions(c, `datname = $1 AND (${HIDDEN_SESSION} OR backend_type = 'client backend')`, [databaseName])).catch(notKnown);
  return new DatabaseStillInUse(`DROP DATABASE ${databaseName} failed ${DROP_ATTEMPTS} times; sessions on it outlived being ended: ${holders}`, { cause: error });
}

const notKnown = (failure: unknown) => `not known (${String(failure)})`;

/** Another role's session shows this one no type, state or wait: only its process, role and database. */
const HIDDEN_SESSION = "state IS NULL AND usename IS NOT NULL AND datname IS NOT NULL";

/**
 * Up to five sessions matching `where`, each by process, role, database, name (a copy's
 * sessions are named after it), state and wait;
 * first those whose activity this role may see.
 */
async function describeSessions(c: pg.Client, where: string, params: unknown[]): Promise<string> {
  const { rows } = await c.query<{ pid: number; role: string | null; database: string | null; name: string | null; state: string | null; wait: string | null; seconds: number | null; matching: number }>(
    `SELECT pid, usename AS role, datname AS database, application_name AS name, state, wait_event AS wait,
            floor(extract(epoch FROM now() - state_change))::int AS seconds, (count(*) OVER ())::int AS matching
       FROM pg_stat_activity
      WHERE pid <> pg_backend_pid() AND ${where}
      ORDER BY state IS NULL, state_change LIMIT 5`,
    params,
  );
  const named = rows.map(
    (r) => `process ${r.pid} of ${r.role ?? "?"} on ${r.database ?? "?"}${r.name ? ` named ${r.name}` : ""} (${r.state === null ? "activity hidden from this role" : `${r.state}${r.wait ? `, ${r.wait}` : ""} for ${r.seconds} s`})`,
  );
  const more = (rows[0]?.matching ?? 0) - rows.length;
  if (more > 0) named.push(`${more} more`);
  return named.length > 0 ? named.join("; ") : "none seen now";
}
