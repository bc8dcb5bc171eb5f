/**
 * One consistent view of production for the whole copy. The first connection opens
 * a REPEATABLE READ READ ONLY transaction and exports its snapshot; the others
 * import it with SET TRANSACTION SNAPSHOT, so tables copied in parallel on different
 * connections all see production at the same instant, while production's own users
 * keep writing. Every connection is opened read-only (lib/crm/read-only.ts).
 *
 * The exporting transaction must stay open until every importer has joined, so the
 * main connection is kept for the whole copy (and copies tables itself).
 *
 * Each session waits for locks and idles no longer than every production session
 * (lib/crm/read-only.ts); its statements may run up to the run's deadline, since
 * one COPY of a large table legitimately takes minutes. Those limits are production's
 * to enforce; a production that stops answering mid-run enforces none, so when the
 * run's `signal` aborts (its deadline) every session is cut from this side.
 */
import type pg from "pg";
import { endOrCut, serverProcessId } from "../db/client";
import { givingUpAfter, openProductionClient } from "../crm/read-only";

export interface ProductionSnapshot {
  main: pg.Client;
  id: string;
  /** `now()` inside the snapshot transaction. */
  at: Date;
  /** Another connection on the same snapshot. */
  join(): Promise<pg.Client>;
  /** Server process ids of this snapshot's sessions: what the lock watchdog looks for in production. */
  backendPids(): number[];
  /** Calls `listener` with every session that joins, before the session reads anything (and so holds no lock). */
  onJoin(listener: () => void): void;
  /** Ends every connection opened through this snapshot. */
  close(): Promise<void>;
}

export interface SnapshotOptions {
  /** statement_timeout of the snapshot's sessions; by default that of every production session. */
  statementTimeoutMs?: number;
  /** Cuts every session of the snapshot, those opened later too, when it aborts. */
  signal?: AbortSignal;
  /** Production's name for the snapshot's sessions (application_name): whoever ends a lost run finds them by it. */
  sessionName?: string;
}

const BEGIN = "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY";

/**
 * How production names a copy's sessions (its application_name, at most 63 characters):
 * by the copy's database, one per run, and the attempt (a lost attempt's are ended while
 * the next may have begun).
 */
export const copySessionName = (databaseName: string, attempt = 1): string => `sandbox-portal #${attempt} ${databaseName}`.slice(0, 63);

/**
 * Ends the sessions a lost run left on production. A worker that froze (a paused
 * container, a stopped process) rather than died keeps its connections: production's
 * COPY waits on a full socket, holding its snapshot and its locks until the run's
 * deadline, and the frozen process's watchdog watches nothing. They are the portal's
 * own role's sessions, which that role may end; a read-only session can. Returns how
 * many it ended.
 */
export async function endLostCopySessions(productionUrl: string, databaseName: string, attempt: number): Promise<number> {
  return endOwnSessions(productionUrl, givingUpAfter(), { name: copySessionName(databaseName, attempt) });
}

/**
 * Ends this role's client sessions on production named `name`, or with one of the process ids
 * `pids`, or both; how many. The portal's role may end its own sessions; a read-only one can.
 */
async function endOwnSessions(productionUrl: string, bounds: pg.ClientConfig, which: { name?: string; pids?: number[] }): Promise<number> {
  const client = await openProductionClient(productionUrl, bounds);
  try {
    const { rows } = await client.query<{ ended: string }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::text AS ended FROM pg_stat_activity
        WHERE usename = current_user AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          AND ($1::text IS NULL OR application_name = $1) AND ($2::int[] IS NULL OR pid = ANY($2::int[]))`,
      [which.name ?? null, which.pids ?? null],
    );
    return Number(rows[0]?.ended ?? 0);
  } finally {
    await endOrCut(client);
  }
}

/**
 * Ends the snapshot's sessions that outlived their client on production. Ending or cutting a
 * session closes only our side: a statement under way (a count, a scan between the rows it
 * sends) runs on until it next writes to the closed socket, holding its locks and the
 * snapshot, with no watchdog left to give way for production, until the run's deadline.
 * Ended by their process ids, and only those of this role's client sessions still named as
 * the copy named them: a process id is never a stranger's session.
 */
async function endOutlivingSessions(productionUrl: string, pids: number[], sessionName: string | undefined): Promise<void> {
  // Briefly: the run ends after this, and a production that does not answer now (frozen, unreachable) ends them itself, at their statement_timeout.
  await endOwnSessions(productionUrl, { ...givingUpAfter(OUTLIVING_BOUND_MS), connectionTimeoutMillis: OUTLIVING_BOUND_MS }, { pids, name: sessionName });
}

/** How long ending the outliving sessions may hold up the run's end. */
const OUTLIVING_BOUND_MS = 2_000;

/** Whether `client` has a statement under way: ended now, its server process goes on with it. */
const hasStatementUnderWay = (client: pg.Client) => (client as unknown as { _activeQuery?: unknown })._activeQuery != null;

export async function openSnapshot(productionUrl: string, options: SnapshotOptions = {}): Promise<ProductionSnapshot> {
  const clients: pg.Client[] = [];
  const { signal } = options;
  let closed = false;
  // Each session, connecting or not, is cut when the signal aborts (openProductionClient).
  const connect = () =>
    openProductionClient(
      productionUrl,
      { ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}), ...(options.sessionName ? { application_name: options.sessionName } : {}) },
      signal,
    );
  const main = await connect();
  clients.push(main);
  const joinListeners: (() => void)[] = [];
  try {
    await main.query(BEGIN);
    const { rows } = await main.query<{ id: string; at: Date }>("SELECT pg_export_snapshot() AS id, now() AS at");
    const row = rows[0];
    if (!row) throw new Error("pg_export_snapshot returned nothing");
    return {
      main,
      id: row.id,
      at: row.at,
      async join() {
        const client = await connect();
        // Closed while it connected (the run failed meanwhile): it must not open a transaction nobody ends.
        if (closed) {
          await endOrCut(client);
          throw new Error("the snapshot was closed while a session joined it");
        }
        clients.push(client);
        for (const listener of joinListeners) listener();
        await client.query(BEGIN);
        await client.query(`SET TRANSACTION SNAPSHOT '${row.id.replace(/'/g, "''")}'`);
        return client;
      },
      backendPids: () => clients.flatMap((c) => serverProcessId(c) ?? []),
      onJoin: (listener) => void joinListeners.push(listener),
      async close() {
        closed = true;
        // Read-only transactions: ROLLBACK and COMMIT are the same; ending a session is enough.
        // Not one whose statement was under way, or that was cut (the run stopped, its deadline
        // passed): its server process goes on, so it is ended on production as well.
        const outliving = clients.filter((c) => signal?.aborted || hasStatementUnderWay(c)).flatMap((c) => serverProcessId(c) ?? []);
        await Promise.all(clients.map((c) => endOrCut(c)));
        if (outliving.length === 0) return;
        await endOutlivingSessions(productionUrl, outliving, options.sessionName).catch(() => undefined);
      },
    };
  } catch (error) {
    await endOrCut(main);
    throw error;
  }
}
