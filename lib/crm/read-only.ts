/**
 * Connections to customers' production databases. The contract says production is
 * only ever read; this makes that a property of the session rather than of every
 * query we write: PostgreSQL itself rejects writes with "cannot execute ... in a
 * read-only transaction".
 *
 * `default_transaction_read_only` is sent as a startup option, so it is in force
 * before the first statement. A pooler or a server that ignores startup options
 * would silently drop it, hence the check after connecting: no check, no connection.
 * (A session could still run `SET transaction_read_only = off`; no code of ours does,
 * and the role used for production should be read-only as well.)
 *
 * `search_path = pg_catalog, pg_temp` (rule 16): functions, operators or tables that
 * production defines in `public` can never shadow a built-in in the portal's
 * queries, which name production's tables with their schema (`public.installation`).
 *
 * No parallel workers (`max_parallel_workers_per_gather = 0`): production's pool of
 * background workers is its own queries', and the copy's counts and reads must not
 * take it from them (production wins); each of our sessions uses one core at most.
 *
 * Row-level security off (`row_security = off`): a table whose policies would hide rows
 * from the portal's role is an error, never a copy silently missing rows (and policies'
 * functions never run on the copy's reads).
 *
 * A production URL carries where, who, TLS and connection settings only: the driver lets
 * any other parameter of the URL override the session's settings (`options`,
 * `statement_timeout=0`), read-only and every bound below included. And the check after connecting reads back
 * what production applied, so a server that changes settings at login (a login event
 * trigger, a role's `SET`) is refused too, as is a pooler that hands the session to
 * another server process than the one it announced: the lock watchdog names the copy's
 * sessions by that process and ends them by it, so behind a pooler it would end
 * strangers' sessions (production is reached directly, README).
 *
 * Every session is bounded too (lib/config/copy-limits.ts): how long connecting takes,
 * and how long a statement waits for a lock, runs, or sits idle inside a transaction.
 * Callers may tighten or (the copy's data streams) lengthen the statement limit; none
 * goes unbounded. Those limits are the server's own: a server that stops answering
 * enforces none, so a run also ends its sessions itself at its deadline (snapshot.ts).
 */
import pg from "pg";
import { copyLimits } from "../config/copy-limits";
import { cutOnAbort, endOrCut, serverProcessId, survivesDrops } from "../db/client";
import { productionUrlProblem, withoutSessionNames } from "./production-url";

/**
 * The styles values are written in (DateStyle, IntervalStyle, extra_float_digits) are the
 * portal's, not production's: its database or role may set its own ("SQL, DMY"), which the
 * driver cannot read (a snapshot time read as null failed every copy) and which a text copy
 * would hand the sandbox server to read in its styles (01/02 read as January the 2nd).
 */
const READ_ONLY_OPTIONS =
  "-c default_transaction_read_only=on -c search_path=pg_catalog,pg_temp -c max_parallel_workers_per_gather=0 -c row_security=off " +
  "-c DateStyle=ISO,MDY -c IntervalStyle=postgres -c extra_float_digits=3";

export class ProductionNotReadOnlyError extends Error {
  constructor(what = "not read-only") {
    super(`The production connection is ${what}; refusing to use it.`);
    this.name = "ProductionNotReadOnlyError";
  }
}


/** A production session's settings: read-only, bounded. Plain data, so that the lock watchdog's thread opens its sessions alike. */
export function readOnlyConfig(url: string, extra: pg.ClientConfig = {}): pg.ClientConfig {
  const limits = copyLimits();
  const bounds = {
    connectionTimeoutMillis: limits.connectTimeoutMs,
    lock_timeout: limits.lockTimeoutMs,
    statement_timeout: limits.statementTimeoutMs,
    idle_in_transaction_session_timeout: limits.idleTimeoutMs,
  };
  const problem = productionUrlProblem(url);
  if (problem) throw new ProductionNotReadOnlyError(`refused: its URL ${problem}`);
  return { ...bounds, ...extra, connectionString: withoutSessionNames(url), options: READ_ONLY_OPTIONS };
}

/**
 * A session for plain queries whose driver gives up on a statement too, a little after
 * the server's own statement_timeout (`statementMs`, by default every production
 * session's) should have ended it: that limit is
 * the server's to enforce, and a server that stops answering enforces nothing. Not for
 * COPY streams: the driver never clears the timer of one (it would fire, long after the
 * stream ended, into a finished stream); a run cuts its streams' sessions at its deadline.
 */
export const givingUpAfter = (statementMs = copyLimits().statementTimeoutMs): pg.ClientConfig => ({ statement_timeout: statementMs, query_timeout: statementMs + DRIVER_MARGIN_MS });

/** How much longer than the server's statement_timeout the driver waits for an answer. */
const DRIVER_MARGIN_MS = 5_000;

/** The check every production session passes before its first use: each column as expected, spaces aside. */
export const READ_ONLY_CHECK = {
  sql: `SELECT current_setting('transaction_read_only') AS read_only, current_setting('search_path') AS search_path,
               current_setting('row_security') AS row_security, current_setting('max_parallel_workers_per_gather') AS parallel_workers,
               current_setting('DateStyle') AS date_style, current_setting('IntervalStyle') AS interval_style, current_setting('extra_float_digits') AS float_digits,
               pg_backend_pid() AS pid,
               (SELECT json_object_agg(name, setting) FROM pg_settings WHERE name IN ('statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout')) AS bounds`,
  expect: { read_only: "on", search_path: "pg_catalog,pg_temp", row_security: "off", parallel_workers: "0", date_style: "ISO,MDY", interval_style: "postgres", float_digits: "3" },
} as const;

/** The bounds the session asked for, in ms, as production applied them: none may be off (0) or longer. */
const BOUNDS = { statement_timeout: "statement_timeout", lock_timeout: "lock_timeout", idle_in_transaction_session_timeout: "idle_in_transaction_session_timeout" } as const;

async function assertReadOnly(client: pg.ClientBase, config: pg.ClientConfig): Promise<void> {
  const { rows } = await client.query<Record<string, unknown>>(READ_ONLY_CHECK.sql);
  const row = rows[0] ?? {};
  for (const [column, value] of Object.entries(READ_ONLY_CHECK.expect)) {
    if (String(row[column]).replace(/\s/g, "") !== value) throw new ProductionNotReadOnlyError();
  }
  const applied = (row.bounds ?? {}) as Record<string, string>;
  for (const [setting, key] of Object.entries(BOUNDS)) {
    const asked = Number(config[key] ?? 0);
    const ms = Number(applied[setting]);
    if (!(ms > 0 && ms <= asked)) throw new ProductionNotReadOnlyError(`not bounded as asked (its ${setting} is ${applied[setting] ?? "unknown"} ms)`);
  }
  const announced = serverProcessId(client);
  if (announced !== undefined && Number(row.pid) !== announced) throw new ProductionNotReadOnlyError("not the server process it announced (a pooler between)");
}

/** A connected client to a production database, verified read-only; cut when `signal` aborts, connecting or not (cutOnAbort). */
export async function openProductionClient(url: string, extra?: pg.ClientConfig, signal?: AbortSignal): Promise<pg.Client> {
  signal?.throwIfAborted();
  const config = readOnlyConfig(url, extra);
  const client = cutOnAbort(survivesDrops(new pg.Client(config)), signal);
  await client.connect();
  try {
    await assertReadOnly(client, config);
  } catch (error) {
    await endOrCut(client);
    throw error;
  }
  return client;
}
