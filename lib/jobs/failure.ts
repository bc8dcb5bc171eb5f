/**
 * Turns a run's failure into plain words for the people who ordered it: what
 * went wrong and what to do. Driver messages and connection strings never
 * reach a user; the full error goes to the worker's log instead.
 *
 * Some failures belong to one attempt only (production busy or needing its
 * table, a deadline, a dropped connection): `isTransient` says so, and the
 * queue tries the run again later (lib/jobs/lifecycle.ts).
 */
import { withoutPasswords } from "../db/urls";
import { AppError, userMessageFor, type ErrorCode } from "../errors";
import { withoutUnparsedValues } from "../observability/log";
import { TRANSIENT_CODES, type SanitizationErrorCode } from "../sanitizer/errors";
import { oneLine } from "../untrusted-text";

interface CodedError {
  name?: string;
  code?: string;
  message?: string;
  /** A SanitizationError whose message is a driver's or the system's. */
  technical?: boolean;
}

const ADVICE: Partial<Record<SanitizationErrorCode | "WORKER_LOST", string>> = {
  // What to do is said where it can be done (the sandbox page, the mail's "what happens next"), by the run's kind.
  DRIFT: "Production has tables, columns or other objects that the portal does not know, so nothing was copied: the portal copies only what it knows how to sanitize.",
  VERIFY_FAILED:
    "The copy was made, but a sanitization check failed, so it was discarded and never released. Retry; if it fails again, contact support.",
  SOURCE_IS_SANDBOX: "The source database is a sandbox. A sandbox is never copied; contact support.",
  SANDBOX_SERVER_ROLE:
    "The sandbox server is not set up safely, so nothing was created. An operator must restrict its role to creating databases; then retry.",
  BROKEN_REFERENCES:
    "Production's own data is inconsistent: some rows refer to rows that do not exist. Nothing was released, and retrying will not help until production's data is repaired; contact support.",
  ABORTED: "The run was stopped before it finished. Nothing was released; retry when ready.",
  WORKER_LOST: "The worker running this stopped unexpectedly. Nothing half-made was kept; retry.",
  CONNECTION_REFUSED:
    "The portal refused a connection that does not meet its safety settings (to production or to the sandbox server), so nothing was read or created. An operator must correct its registration; contact support.",
  TOO_LARGE: "This copy is larger than its sandbox server can hold, so nothing of it was kept. Our operators have been told; contact support.",
  INVALID_CLASSIFICATION:
    "The portal's list of known schema cannot be used as it is, so nothing was copied. Our operators have been told; retry once they have corrected it.",
  // The choices name what production no longer has (a person, a task, a named company deleted since the setup),
  // or a kind its keys refuse: the run's retry takes the same choices, so what to do is to choose again.
  INVALID_OPTIONS: "The choices for this copy do not fit production as it is now, so nothing was copied; a retry with the same choices would fail the same way.",
  DATABASE_EXISTS:
    "The sandbox server already holds a database by the name this run's copy takes, and a copy never overwrites one, so nothing was copied. Our operators have been told; retry once they have removed it.",
};

/** The failure code of a run its customer cancelled: before it started, or stopped while it ran (lifecycle.ts). */
export const CANCELLED = "CANCELLED";

/** A run its customer ended, before it started or while it ran: not a failure, though it ends FAILED so that nothing treats it as still to do. */
export function wasCancelled(run: { status: string; failureCode: string | null }): boolean {
  return run.status === "FAILED" && run.failureCode === CANCELLED;
}

/** A run's status as people, pipelines and metrics are told it: CANCELLED apart from FAILED. */
export function shownRunStatus(run: { status: string; failureCode: string | null }): string {
  return wasCancelled(run) ? CANCELLED : run.status;
}

/** A copy asked to stop (by its customer, the API or an operator), which its worker has not stopped yet. */
export function isBeingStopped(run: { status: string; stopReason: string | null }): boolean {
  return run.status === "RUNNING" && run.stopReason !== null;
}

/** Refusals whose details (the server's roles and databases, a host's name) are for operators, not customers. */
const OPERATOR_DETAILS = new Set(["SANDBOX_SERVER_ROLE", "CONNECTION_REFUSED", "DATABASE_EXISTS"]);

/** Whether the customer's reason leaves out what the operator must read in the worker's log. */
export function hasOperatorOnlyDetails(error: unknown): boolean {
  const e = (error ?? {}) as CodedError;
  return e.name !== "SanitizationError" || OPERATOR_DETAILS.has(e.code ?? "") || e.technical === true;
}

/** A server that could not be reached over the network: an outage's, which passes. */
const NETWORK_UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT"]);
const UNREACHABLE = new Set([...NETWORK_UNREACHABLE, "28P01"]);
/** The failure's kind a run records for a server out of reach over the network (failureCode). */
export const UNREACHABLE_CODE = "UNREACHABLE";

export function isTransient(error: unknown): boolean {
  const e = (error ?? {}) as CodedError;
  if (e.name === "SanitizationError") return TRANSIENT_CODES.has(e.code as SanitizationErrorCode);
  if (error instanceof AppError) return (error.code === "PRODUCTION_BUSY" || error.code === "PRODUCTION_UNREACHABLE") && error.runFailureCode === undefined;
  return UNREACHABLE.has(e.code ?? "");
}

/**
 * A failure its sandbox server's outage could cause: a driver's network error, a connection lost
 * or never answered, a deadline. Worth asking the server whether it answers (server-outage.ts);
 * production's own failures (busy, out of reach as the portal found it, giving way) are not.
 */
export function mayBeServerOutage(error: unknown): boolean {
  const e = (error ?? {}) as CodedError;
  if (e.name === "SanitizationError") return e.code === "CONNECTION_LOST" || e.code === "DEADLINE";
  if (error instanceof AppError) return false;
  return NETWORK_UNREACHABLE.has(e.code ?? "");
}

/** What happens next, said after the reason: when the queue tries again, or that it has stopped trying. */
export type NextAttempt = { retryAt: Date } | { attempts: number } | null;

/** To the minute, rounded up: a retry due at 22:54:59 said as 22:54 looked overdue for most of a minute. */
const clock = (at: Date) => `${new Date(Math.ceil(at.getTime() / 60_000) * 60_000).toISOString().slice(0, 16).replace("T", " ")} UTC`;

function followUp(next: NextAttempt): string {
  if (!next) return "";
  if ("retryAt" in next) return ` The copy will be retried at ${clock(next.retryAt)}.`;
  return ` It was tried ${next.attempts} times; retry later.`;
}

/** The most of a failure's reason kept on the run: its page, mails, webhooks and the operators' overview carry it. */
export const MAX_REASON_LENGTH = 2_000;

/** The run's reason for its customer: in the portal's words, with what production named in them (untrusted-text.ts) on one line and bounded. */
export function describeFailure(error: unknown, next: NextAttempt = null): string {
  return oneLine(reasonOf(error, next), MAX_REASON_LENGTH);
}

function reasonOf(error: unknown, next: NextAttempt): string {
  const e = (error ?? {}) as CodedError;
  if (e.name === "SanitizationError" && e.code) {
    // Transient failures' messages are written for users and are the whole story.
    if (TRANSIENT_CODES.has(e.code as SanitizationErrorCode)) return `${e.message ?? ""}${followUp(next)}`.trim();
    const advice = ADVICE[e.code as SanitizationErrorCode] ?? "The sandbox could not be made. Retry; if it fails again, contact support.";
    if (OPERATOR_DETAILS.has(e.code) || e.technical) return advice;
    // The service's own message names the rule, tables or columns: safe and useful to show.
    return e.message ? `${advice} Details: ${e.message}` : advice;
  }
  if (error instanceof AppError) {
    // A request's words tell its asker to try again; a run the queue retries by itself says when instead.
    const own = next && error.userMessage === userMessageFor(error.code) ? RUN_WORDS[error.code] : undefined;
    return `${own ?? error.userMessage}${followUp(next)}`;
  }
  if (UNREACHABLE.has(e.code ?? "")) {
    return `The production database or the sandbox server could not be reached. Nothing was changed.${followUp(next) || " Retry later."}`;
  }
  return "The sandbox could not be made because of an unexpected error. Nothing was released; retry, and contact support if it happens again.";
}

/** A run's words for the AppErrors it fails on transiently (isTransient), where the request's would ask its reader to try again. */
const RUN_WORDS: Partial<Record<ErrorCode, string>> = {
  PRODUCTION_UNREACHABLE: "The production database could not be reached. Nothing was changed.",
  PRODUCTION_BUSY: "The production database was too busy to answer (a table was locked or a query took too long). Nothing was changed.",
};

export const WORKER_LOST_REASON = ADVICE.WORKER_LOST!;

/** The failure's kind, kept on the run: a drift failure, for one, is only retried once production matches. */
export function failureCode(error: unknown): string | null {
  const e = (error ?? {}) as CodedError;
  if (error instanceof AppError) return error.runFailureCode ?? error.code;
  if (e.name === "SanitizationError") return e.code ?? null;
  // A driver's: only a server out of reach is told apart (operators retry an outage's failures at once).
  return NETWORK_UNREACHABLE.has(e.code ?? "") ? UNREACHABLE_CODE : null;
}

/**
 * What operators need to find the cause: the error's kind, SQLSTATE, message
 * and stack, with every connection URL's password removed, and the value a data
 * exception could not take (a row of production's), as the log leaves it out.
 * Never shown to customers.
 */
export function technicalDetail(error: unknown): string {
  return withoutPasswords(withoutUnparsedValues(describeWithCauses(error, 0), error)).slice(0, 8_000);
}

/** An error's name, code, message and stack, then what caused it (a driver's error under the run's own), a few deep. */
function describeWithCauses(error: unknown, depth: number): string {
  const e = (error ?? {}) as CodedError & { stack?: string; cause?: unknown; cleanupFailure?: string };
  const cleanup = e.cleanupFailure ? ` (and ${e.cleanupFailure})` : "";
  const head = `${e.name ?? "Error"}${e.code ? ` (code ${e.code})` : ""}: ${e.message ?? String(error)}${cleanup}`;
  const text = e.stack && e.stack.includes(e.message ?? "") ? `${head}\n${e.stack.split("\n").slice(1).join("\n")}` : head;
  return e.cause !== undefined && depth < 3 ? `${text}\nCaused by ${describeWithCauses(e.cause, depth + 1)}` : text;
}
