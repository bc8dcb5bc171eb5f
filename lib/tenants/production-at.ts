/**
 * A bounded, read-only connection to the production database at a URL, and the one
 * failure policy of every read of it (lib/tenants/production.ts finds a tenant's). Apart
 * from the tenant registry, so that a process that is handed the URL (the review's
 * preview, scripts/personal-data-preview.ts) starts without the portal database's client.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import { copyLimits } from "../config/copy-limits";
import { watchForBlockedProduction, type LockWatchdog, type WatchFailures } from "../crm/lock-watchdog";
import { givingUpAfter, openProductionClient } from "../crm/read-only";
import { endOrCut, serverProcessId } from "../db/client";
import { withoutPasswords } from "../db/urls";
import { AppError } from "../errors";
import { KeyedLimit, WaitTooLong } from "../keyed-limit";
import { log } from "../observability/log";
import { CRM_TABLES } from "../crm/contract";
import { quoted } from "../untrusted-text";

/** Bounds on every read: connecting, any one statement, and waiting for a lock held in production. */
export const PRODUCTION_READ_LIMITS = { connectMs: 5_000, statementMs: 15_000, lockMs: 2_000 } as const;

const REFUSED_WORDS = "The portal refused its connection to the production database: the connection does not meet the portal's safety settings. Contact support.";

/** SQLSTATEs of a statement or lock timeout: production answered, but was too busy. */
const TIMEOUT_CODES = new Set(["57014", "55P03"]);

function asUnavailable(error: unknown, during: "connect" | "read"): AppError {
  if (error instanceof AppError) return error;
  const { code, name } = error as { code?: string; name?: string };
  // A programming error (a TypeError on a value production held, or one the driver throws on a
  // malformed answer): its stack goes to the log, with any connection URL's password masked,
  // so that its cause is not lost; the customer hears production could not be read.
  if (error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError) {
    log.error({ err: { name: error.name, message: withoutPasswords(error.message), stack: withoutPasswords(error.stack ?? "") } }, `production ${during} failed with a programming error`);
    return new AppError("PRODUCTION_UNREACHABLE");
  }
  // The message may name hosts or users: the log gets the code and the kind, never the URL;
  // a session refused by its checks says which (its message names settings, and for
  // REQUIRE_DATABASE_TLS the host, never the URL or a password).
  const refused = name === "ProductionNotReadOnlyError" ? (error as Error).message : undefined;
  log.error({ code: code ?? name ?? "unknown error", refused }, `production ${during} failed`);
  // Refused by the portal's own settings: unavailable to every reader as before, but not "try again later".
  // A run failed on it is no outage: it records the refusal (a retry would be refused alike).
  if (refused) return new AppError("PRODUCTION_UNREACHABLE", REFUSED_WORDS, undefined, "CONNECTION_REFUSED");
  return new AppError(code && TIMEOUT_CODES.has(code) ? "PRODUCTION_BUSY" : "PRODUCTION_UNREACHABLE");
}

/**
 * Reads of one production this process makes at once; the rest wait their turn, at most
 * WAIT_FOR_TURN_MS, then are told production is busy. A customer reloading the setup
 * page in many tabs, or asking for its review in a loop, read production's users, tasks
 * and catalog (up to tens of MB each) as many times at once: the web process ran out of
 * memory for every tenant, and production served the reads.
 */
export const READS_PER_PRODUCTION = 3;
const WAIT_FOR_TURN_MS = 10_000;
const readsAtOnce = new KeyedLimit(READS_PER_PRODUCTION);

/** Runs `read` on a bounded, read-only connection to the production database at `url`. */
export function withProductionAt<T>(url: string, read: (client: pg.Client) => Promise<T>): Promise<T> {
  // Keyed by a digest: the URL holds the password, and no key is ever printed, but none need hold it.
  const key = createHash("sha256").update(url).digest("base64url");
  return readsAtOnce.run(key, () => readProductionAt(url, read), { waitMs: WAIT_FOR_TURN_MS }).catch((error: unknown) => {
    throw error instanceof WaitTooLong ? new AppError("PRODUCTION_BUSY") : error;
  });
}

async function readProductionAt<T>(url: string, read: (client: pg.Client) => Promise<T>): Promise<T> {
  const cut = new AbortController();
  let client: pg.Client;
  try {
    client = await openProductionClient(
      url,
      {
        connectionTimeoutMillis: PRODUCTION_READ_LIMITS.connectMs,
        ...givingUpAfter(PRODUCTION_READ_LIMITS.statementMs),
        lock_timeout: PRODUCTION_READ_LIMITS.lockMs,
      },
      cut.signal,
    );
  } catch (error) {
    throw asUnavailable(error, "connect");
  }
  // A connection that drops while idle emits 'error'; without a listener that would crash the process.
  client.on("error", () => undefined);
  const watch = watchOnceLong(url, client, () => cut.abort());
  try {
    await assertContractTablesArePlain(client);
    return await read(client);
  } catch (error) {
    const stopped = watch.stopped();
    if (stopped) {
      log.warn({ reason: stopped.message }, "a read of production stopped for production's sake");
      throw stopped;
    }
    throw asUnavailable(error, "read");
  } finally {
    // No watch starts once the read is over, while its session ends.
    const unwatched = watch.stop();
    await endOrCut(client);
    await unwatched;
  }
}

/**
 * A read that lasts longer than this is watched for production's sessions it holds up
 * (lib/crm/lock-watchdog.ts): a dry run's counts hold their tables for up to a statement
 * limit each, in one snapshot, and a customer's `ALTER TABLE` waited all that time, and
 * every query of production's on that table behind it. A page's reads take milliseconds,
 * and open no watching session.
 */
const WATCH_READS_AFTER_MS = 1_000;

/** A watch that could not poll production (its session refused or unanswered): the read goes on, bounded by its statement limit as ever. */
class UnwatchedRead extends Error {}

const READ_GIVES_WAY: WatchFailures = {
  gaveWay: () => new AppError("PRODUCTION_BUSY", "Production needed a table the portal was reading (a change to its tables, perhaps), so the portal let go of it. Try again in a minute."),
  blind: () => new UnwatchedRead(),
};

/**
 * Watches the read's session once it has lasted WATCH_READS_AFTER_MS. `onGaveWay` cuts the
 * session when it gave way (the watchdog's thread ends it on production too); stopped()
 * then says why, in READ_GIVES_WAY's words. A watch that cannot poll stops watching and
 * says so in the log: unlike a copy, which would hold production for hours unwatched, the
 * read is bounded by its statement limit, and a production that refuses a second session
 * (a role's CONNECTION LIMIT) still gets its wizard.
 */
function watchOnceLong(url: string, client: pg.Client, onGaveWay: () => void) {
  const pid = serverProcessId(client);
  let watchdog: LockWatchdog | undefined;
  const timer = setTimeout(() => {
    try {
      watchdog = watchForBlockedProduction(url, { backendPids: () => (pid === undefined ? [] : [pid]), onJoin: () => undefined }, copyLimits().blockingGraceMs, READ_GIVES_WAY);
    } catch (error) {
      log.error(error, "a long read of production could not be watched");
      return;
    }
    const signal = watchdog.signal;
    signal.addEventListener(
      "abort",
      () => {
        if (signal.reason instanceof UnwatchedRead) log.warn("a long read of production went on unwatched: the watch could not poll production");
        else onGaveWay();
      },
      { once: true },
    );
  }, WATCH_READS_AFTER_MS);
  return {
    stopped: () => {
      const why = watchdog?.gaveWay();
      return why instanceof UnwatchedRead ? undefined : why;
    },
    async stop() {
      clearTimeout(timer);
      await watchdog?.stop();
    },
  };
}

const RELATION_KIND: Readonly<Record<string, string>> = { v: "view", m: "materialized view", f: "foreign table", p: "partitioned table" };

/**
 * The contract's tables as production has them are tables: a view or a foreign table
 * in one's place (swapped in after registration) runs production's own SQL, or makes
 * production connect elsewhere, when the portal reads it. The copy refuses them (its
 * schema read); the wizard's and the pages' reads ask first.
 */
async function assertContractTablesArePlain(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ name: string; kind: string }>(
    "SELECT relname AS name, relkind::text AS kind FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1::text[]) AND relkind <> 'r' ORDER BY 1 LIMIT 1",
    [CONTRACT_TABLE_NAMES],
  );
  const other = rows[0];
  if (other) {
    throw new AppError("PRODUCTION_REFUSED", `Production's ${quoted(other.name)} is a ${RELATION_KIND[other.kind] ?? "relation of another kind"}, not a table, so the portal does not read it. Contact support.`);
  }
}

const CONTRACT_TABLE_NAMES = CRM_TABLES.map((t) => t.name);
