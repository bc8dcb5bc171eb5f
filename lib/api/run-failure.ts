/**
 * A failed run's reason as a stable code pipelines can branch on (the progress's `run` and the
 * webhooks' body): whether to retry later, to choose again, or to ask for help, without parsing
 * the words. The run keeps the worker's own kind of failure (lib/jobs/failure.ts failureCode);
 * these are fewer, and never name what is the operators' to know (the sandbox server's role,
 * a connection the portal refused, a database by the copy's name): those are NEEDS_OPERATOR.
 * A code is never renamed or removed; a failure the list does not know is UNEXPECTED.
 */

interface RunFailureCode {
  /** Whether the same run, retried unchanged, may well succeed (once what passed has passed). */
  retryable: boolean;
  /** What it means and what to do, as the OpenAPI document and README say it. */
  meaning: string;
}

export const RUN_FAILURE_CODES = {
  PRODUCTION_BUSY: { retryable: true, meaning: "production was too busy (a table locked, a query too long, or production needed a table the copy was reading): retry later" },
  UNREACHABLE: { retryable: true, meaning: "production or the sandbox server could not be reached, or a connection to it dropped: retry later" },
  DEADLINE: { retryable: true, meaning: "the copy did not finish within its time limit: retry later" },
  NO_ROOM: { retryable: true, meaning: "the sandbox server had no room for the copy then: retry later" },
  INTERRUPTED: { retryable: true, meaning: "the run was interrupted (its worker stopped unexpectedly); nothing half-made was kept: retry" },
  VERIFY_FAILED: { retryable: true, meaning: "a sanitization check on the finished copy failed, so the copy was discarded: retry once; if it fails again, contact support" },
  UNEXPECTED: { retryable: true, meaning: "an unexpected error: retry once; if it happens again, contact support" },
  INVALID_OPTIONS: { retryable: false, meaning: "the choices do not fit production as it is now (a user or task deleted since): choose again (a setup or refresh with changed `options`)" },
  DRIFT: { retryable: false, meaning: "production has tables or columns the portal does not know how to sanitize: contact support" },
  BROKEN_REFERENCES: { retryable: false, meaning: "production's own data is inconsistent (rows refer to rows that do not exist): repair production's data, or contact support" },
  PRODUCTION_REFUSED: { retryable: false, meaning: "production holds something the portal cannot copy or read: contact support" },
  SOURCE_IS_SANDBOX: { retryable: false, meaning: "the source database is itself a sandbox: contact support" },
  TOO_LARGE: { retryable: false, meaning: "the copy is larger than its sandbox server can hold: contact support" },
  NEEDS_OPERATOR: { retryable: false, meaning: "something on the portal's side needs its operators (they have been told): retry once they have corrected it, or contact support" },
} as const satisfies Record<string, RunFailureCode>;

export type RunFailureCodeName = keyof typeof RUN_FAILURE_CODES;
export const RUN_FAILURE_CODE_NAMES = Object.keys(RUN_FAILURE_CODES) as [RunFailureCodeName, ...RunFailureCodeName[]];

/** The kinds a run stores (SanitizationError's codes, AppError's, the worker's own) that have a code of their own here. */
const FROM_STORED: Record<string, RunFailureCodeName> = {
  PRODUCTION_BUSY: "PRODUCTION_BUSY",
  GAVE_WAY: "PRODUCTION_BUSY",
  UNREACHABLE: "UNREACHABLE",
  PRODUCTION_UNREACHABLE: "UNREACHABLE",
  CONNECTION_LOST: "UNREACHABLE",
  DEADLINE: "DEADLINE",
  NO_ROOM: "NO_ROOM",
  NO_CAPACITY: "NO_ROOM",
  WORKER_LOST: "INTERRUPTED",
  ABORTED: "INTERRUPTED",
  VERIFY_FAILED: "VERIFY_FAILED",
  INVALID_OPTIONS: "INVALID_OPTIONS",
  DRIFT: "DRIFT",
  BROKEN_REFERENCES: "BROKEN_REFERENCES",
  PRODUCTION_REFUSED: "PRODUCTION_REFUSED",
  SOURCE_IS_SANDBOX: "SOURCE_IS_SANDBOX",
  TOO_LARGE: "TOO_LARGE",
  SANDBOX_SERVER_ROLE: "NEEDS_OPERATOR",
  CONNECTION_REFUSED: "NEEDS_OPERATOR",
  DATABASE_EXISTS: "NEEDS_OPERATOR",
  INVALID_CLASSIFICATION: "NEEDS_OPERATOR",
};

/** The public code of a run that failed with the stored kind `stored` (null: no kind of the portal's). */
export function publicFailure(stored: string | null): { failureCode: RunFailureCodeName; retryable: boolean } {
  const failureCode = (stored !== null && Object.hasOwn(FROM_STORED, stored) ? FROM_STORED[stored] : undefined) ?? "UNEXPECTED";
  return { failureCode, retryable: RUN_FAILURE_CODES[failureCode].retryable };
}

/** The codes as the OpenAPI document describes them. */
export const RUN_FAILURE_CODES_DESCRIPTION =
  "Why a FAILED run failed, as a stable code (null for any other status, CANCELLED too): " +
  Object.entries(RUN_FAILURE_CODES)
    .map(([code, { retryable, meaning }]) => `\`${code}\` (${retryable ? "retryable" : "not retryable"}): ${meaning}`)
    .join("; ") +
  ". A code is never renamed or removed; new ones may be added, so treat one you do not know as UNEXPECTED.";
