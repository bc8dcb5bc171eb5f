/**
 * The bounds on everything the portal does to a customer's production database,
 * and the retry policy of a run that hit one. Read from the environment on every
 * call (cheap; tests and operators change them without restarting), validated by
 * the same zod shape that lib/config/env.ts checks at start-up. Plain TypeScript:
 * the copy engine, the worker and the CLI read it without the web app's secrets.
 */
import { setVariables } from "./set-variables";
import { z } from "zod";
import { formatBytes, formatDuration } from "../format";

/**
 * The longest wait: 24 days, within PostgreSQL's longest timeout (2^31 - 1 ms) and Node's
 * longest timer, with room for the driver's margin after a statement's own bound. A longer
 * one fired at once (Node runs a timer it cannot hold after 1 ms) or refused every session.
 */
const LONGEST_WAIT_SECONDS = 24 * 24 * 3600;
/** The shortest: a millisecond. PostgreSQL rounds a timeout to whole milliseconds, and 0 turns it off. */
const SHORTEST_WAIT_SECONDS = 0.001;

const seconds = (fallback: number) =>
  z.coerce
    .number()
    .min(SHORTEST_WAIT_SECONDS, `must be at least ${SHORTEST_WAIT_SECONDS} seconds (a millisecond)`)
    .max(LONGEST_WAIT_SECONDS, `must be at most ${LONGEST_WAIT_SECONDS} seconds (24 days)`)
    .default(fallback);
/** The deadline's parts: COPY_DEADLINE_MAX_HOURS bounds what they make. */
const minutes = (fallback: number) => z.coerce.number().positive().default(fallback);

export const copyLimitsShape = {
  /**
   * How long opening a production session may take. A production that takes the
   * connection and never answers (a stuck proxy, a frozen host) held a run, and its
   * worker's slot, for good.
   */
  PRODUCTION_CONNECT_TIMEOUT_SECONDS: seconds(10),
  /**
   * How long opening a session on a sandbox server may take. The servers are the
   * operators' own, but any host can hang (a full disk, a stuck volume, a partition):
   * one that stopped answering held its runs, and the clean-up after them, for good.
   */
  SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS: seconds(10),
  /**
   * How long a statement outside a run may take on a sandbox server (creating, measuring
   * or dropping a database); the driver gives up 10 s later, should the server not end it.
   * A drop that runs out of time says which sessions on the server held it.
   */
  SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS: seconds(50),
  /** lock_timeout of every production session: how long one statement waits for a table another session has locked. */
  PRODUCTION_LOCK_TIMEOUT_SECONDS: seconds(30),
  /** statement_timeout of production sessions outside the copy's data streams (those get the run's deadline). */
  PRODUCTION_STATEMENT_TIMEOUT_SECONDS: seconds(60),
  /** idle_in_transaction_session_timeout: a worker that hangs mid-transaction cannot pin production's snapshot. */
  PRODUCTION_IDLE_TIMEOUT_SECONDS: seconds(60),
  /** A production session blocked by the copy for longer than this makes the copy give way. */
  PRODUCTION_BLOCKING_GRACE_SECONDS: seconds(2),
  /** The run's overall deadline: this many minutes per GB of production, and never less than the minimum. */
  COPY_DEADLINE_MINUTES_PER_GB: minutes(20),
  COPY_DEADLINE_MIN_MINUTES: minutes(15),
  /**
   * The longest any run may take, whatever production's size. A copy holds production's
   * snapshot as long as it runs (production's VACUUM cannot clean up behind it), and a
   * worker's slot: a production that claims terabytes, or trickles its bytes, held both
   * for weeks. Within PostgreSQL's longest statement_timeout (24 days).
   */
  COPY_DEADLINE_MAX_HOURS: z.coerce.number().positive().max(576).default(12),
  /** Attempts of one run (the first included) before it fails for good. */
  COPY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** Wait before the first retry; it doubles with each further attempt. */
  COPY_RETRY_BACKOFF_SECONDS: seconds(60),
  /** Cap on how fast one run reads production, MB/s; 0 for none. */
  COPY_RATE_LIMIT_MBPS: z.coerce.number().min(0).default(0),
  /** Runs of one tenant carried out at once, over all workers: one tenant's stuck copies cannot fill every slot. */
  RUNS_PER_TENANT: z.coerce.number().int().min(1).max(16).default(1),
  /** Copies writing into one sandbox server at once, over all workers: a server's disk and connections are shared. */
  SANDBOX_SERVER_MAX_RUNS: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * Distinct values of one kind (phone numbers, names, addresses, ...) a pseudonymised
   * copy reads from production and holds while it copies; a production with more is
   * refused, never half-scrubbed. Each million costs a worker up to about 128 MB.
   */
  PSEUDONYMISE_MAX_VALUES: z.coerce.number().int().min(1_000).max(50_000_000).default(1_000_000),
};

const schema = z.object(copyLimitsShape);

export interface CopyLimits {
  connectTimeoutMs: number;
  sandboxConnectTimeoutMs: number;
  /** statement_timeout of a sandbox server's statements outside a run. */
  sandboxStatementTimeoutMs: number;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  idleTimeoutMs: number;
  blockingGraceMs: number;
  maxAttempts: number;
  retryBackoffMs: number;
  runsPerTenant: number;
  runsPerSandboxServer: number;
  rateLimitMBps: number;
  /** Distinct values of one kind a pseudonymised copy may hold (rule 18's sets). */
  pseudonymiseMaxValues: number;
  /** The overall deadline of a run copying a production database of `bytes`. */
  deadlineMs(bytes: number): number;
}

export function copyLimits(source: Record<string, string | undefined> = process.env): CopyLimits {
  const e = schema.parse(setVariables(source));
  return {
    connectTimeoutMs: e.PRODUCTION_CONNECT_TIMEOUT_SECONDS * 1000,
    sandboxConnectTimeoutMs: e.SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS * 1000,
    sandboxStatementTimeoutMs: e.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS * 1000,
    lockTimeoutMs: e.PRODUCTION_LOCK_TIMEOUT_SECONDS * 1000,
    statementTimeoutMs: e.PRODUCTION_STATEMENT_TIMEOUT_SECONDS * 1000,
    idleTimeoutMs: e.PRODUCTION_IDLE_TIMEOUT_SECONDS * 1000,
    blockingGraceMs: e.PRODUCTION_BLOCKING_GRACE_SECONDS * 1000,
    maxAttempts: e.COPY_MAX_ATTEMPTS,
    retryBackoffMs: e.COPY_RETRY_BACKOFF_SECONDS * 1000,
    runsPerTenant: e.RUNS_PER_TENANT,
    runsPerSandboxServer: e.SANDBOX_SERVER_MAX_RUNS,
    rateLimitMBps: e.COPY_RATE_LIMIT_MBPS,
    pseudonymiseMaxValues: e.PSEUDONYMISE_MAX_VALUES,
    deadlineMs: (bytes) =>
      Math.round(Math.min(e.COPY_DEADLINE_MAX_HOURS * 60, Math.max(e.COPY_DEADLINE_MIN_MINUTES, (bytes / 1024 ** 3) * e.COPY_DEADLINE_MINUTES_PER_GB)) * 60_000),
  };
}

/**
 * Why production cannot be read at `rateMBps` within the run's deadline (each attempt
 * would run to its end holding production's snapshot, then fail), or null.
 */
export function rateTooSlowForDeadline(bytes: number, rateMBps: number, deadlineMs: number): string | null {
  if (rateMBps <= 0) return null;
  const readingMs = (bytes / (rateMBps * 1e6)) * 1000;
  if (readingMs <= deadlineMs * 0.9) return null;
  return `At the copy rate set for this customer (${rateMBps} MB/s), reading the ${formatBytes(bytes)} this copy takes from production would take about ${formatDuration(readingMs)}, longer than a run may take (${formatDuration(deadlineMs)}). An operator must raise the copy rate, or the run's deadline.`;
}

/**
 * The copy rate one of a tenant's runs may read production at, MB/s (0: no cap):
 * the tenant's own setting when an operator gave it one, else COPY_RATE_LIMIT_MBPS.
 */
export function tenantCopyRateMBps(tenant: { copyRateLimitMBps: number | null }, limits: Pick<CopyLimits, "rateLimitMBps"> = copyLimits()): number {
  return tenant.copyRateLimitMBps ?? limits.rateLimitMBps;
}
