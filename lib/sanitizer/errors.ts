/**
 * Expected failures of a sandbox run, with a closed set of codes. `details` holds
 * what an operator needs (the unclassified columns, the failed rule and its rows);
 * it never holds connection strings or passwords.
 */
export type SanitizationErrorCode =
  /** Rule 0: production has tables or columns that are neither in the contract nor classified. */
  | "DRIFT"
  /** Rule 15: the source database is itself a sandbox. */
  | "SOURCE_IS_SANDBOX"
  /** The options name associates or tasks that production does not have, or are otherwise unusable. */
  | "INVALID_OPTIONS"
  /** The classification file is unreadable or invalid. */
  | "INVALID_CLASSIFICATION"
  /** The sandbox server's role may do more than create databases (lib/db/sandbox-role.ts). */
  | "SANDBOX_SERVER_ROLE"
  /** The target database already exists: a run never overwrites anything. */
  | "DATABASE_EXISTS"
  /** Rule 14: a check on the finished copy failed; the copy was dropped. */
  | "VERIFY_FAILED"
  | "ABORTED"
  /** Production kept a table locked longer than the lock timeout: an attempt for later. */
  | "PRODUCTION_BUSY"
  /** The copy blocked production's own sessions, so it gave way (the lock watchdog): an attempt for later. */
  | "GAVE_WAY"
  /** The run did not finish within its deadline (scaled by production's size). */
  | "DEADLINE"
  /** A connection to production or the sandbox server dropped mid-run. */
  | "CONNECTION_LOST"
  /** Production's own rows break its foreign keys (written with its triggers off): no copy of it can hold them. */
  | "BROKEN_REFERENCES"
  /** The copy's sandbox server has no room for it now (its size cap, less what its sandboxes and other copies hold): an attempt for later. */
  | "NO_ROOM"
  /** The copy is larger than its sandbox server's whole size cap: no attempt can fit. */
  | "TOO_LARGE"
  /**
   * A connection the portal's own safety settings refuse: production's session not
   * read-only or bounded as asked, or (REQUIRE_DATABASE_TLS) a production or sandbox
   * server URL without checked TLS. Nothing was read or created; retrying cannot help.
   */
  | "CONNECTION_REFUSED"
  /** Anything else during the copy (connection lost, disk full, constraint failure, ...). */
  | "COPY_FAILED";

export class SanitizationError extends Error {
  /** The message is a driver's or the system's (a constraint's name, a file path): for operators' logs, never for customers. */
  technical: boolean;
  /** What failed while cleaning up after this error (a half-made database left), in a driver's words: for operators only. */
  cleanupFailure?: string;
  /** What the run's progress says of it when the message is for operators only (`technical`); a generic sentence otherwise. */
  readonly shown?: string;

  constructor(
    readonly code: SanitizationErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; technical?: boolean; shown?: string },
  ) {
    super(message, options);
    this.name = "SanitizationError";
    this.technical = options?.technical ?? false;
    if (options?.shown) this.shown = options.shown;
  }
}

/** Failures of this attempt only: the same run may well succeed later, so the queue retries it. */
export const TRANSIENT_CODES: ReadonlySet<SanitizationErrorCode> = new Set(["PRODUCTION_BUSY", "GAVE_WAY", "DEADLINE", "CONNECTION_LOST", "NO_ROOM"]);

export function isSanitizationError(error: unknown): error is SanitizationError {
  return error instanceof SanitizationError;
}
