/**
 * Turns what the driver or a server says when a run hits one of its bounds, or
 * loses a connection, into a SanitizationError with plain words. These are
 * failures of one attempt (TRANSIENT_CODES): the queue tries the run again later.
 * One is not: production's rows breaking its own foreign keys, which every attempt
 * would meet again.
 * The driver's own message never reaches a user: it may name hosts or SQL.
 */
import { SanitizationError } from "./errors";
import { formatDuration } from "../format";
import { isConnectionFailure } from "../db/connection-problem";

interface DriverError {
  code?: string;
  message?: string;
  /** The table a constraint failed on (pg's error field). */
  table?: string;
}

export interface RunBounds {
  connectTimeoutMs: number;
  lockTimeoutMs: number;
  deadlineMs: number;
  idleTimeoutMs: number;
}

export function deadlineError(bounds: Pick<RunBounds, "deadlineMs">, cause?: unknown): SanitizationError {
  return new SanitizationError("DEADLINE", `The copy did not finish within its deadline of ${formatDuration(bounds.deadlineMs)}.`, undefined, { cause });
}

export function classifyDriverError(error: unknown, bounds: RunBounds): SanitizationError | null {
  const { code = "", message = "", table: failedTable } = (error ?? {}) as DriverError;
  if (code === "55P03") {
    return new SanitizationError(
      "PRODUCTION_BUSY",
      `Production was busy: a table was locked by another session for more than ${formatDuration(bounds.lockTimeoutMs)}.`,
      undefined,
      { cause: error },
    );
  }
  if (code === "57014" && /statement timeout/.test(message)) return deadlineError(bounds, error);
  // pg's own words when connectionTimeoutMillis passes: the server took the connection and never answered.
  if (code === "" && message === "timeout expired") {
    return new SanitizationError("CONNECTION_LOST", `Production did not answer the copy's connection within ${formatDuration(bounds.connectTimeoutMs)}.`, undefined, {
      cause: error,
    });
  }
  if (code === "25P03") {
    return new SanitizationError(
      "CONNECTION_LOST",
      `Production closed the copy's session because the copy stalled for more than ${formatDuration(bounds.idleTimeoutMs)}.`,
      undefined,
      { cause: error },
    );
  }
  if (code === "23503") {
    // The table is the copy's, named as production names it (known to rule 0); the constraint and the values stay in the log.
    const table = /^[a-z_][a-z0-9_]*$/.test(failedTable ?? "") ? ` in ${failedTable}` : "";
    return new SanitizationError(
      "BROKEN_REFERENCES",
      `Production's rows${table} refer to rows that production does not have, so no consistent copy of it can be made.`,
      undefined,
      { cause: error },
    );
  }
  if (isConnectionFailure(error)) {
    return new SanitizationError("CONNECTION_LOST", "A connection to production or to the sandbox server was lost mid-run.", undefined, { cause: error });
  }
  return null;
}
