/**
 * The one error type for expected failures, with a closed set of codes, and the
 * one place that maps codes to the words a user sees. Database and driver
 * messages never reach the browser.
 */
const ERROR_CODES = {
  UNAUTHENTICATED: "Your session has ended. Please sign in again.",
  FORBIDDEN: "You do not have permission to do that.",
  NOT_FOUND: "That item does not exist or you have no access to it.",
  INVALID_INPUT: "Some fields need your attention.",
  CONFLICT: "That conflicts with the current state. Reload the page and try again.",
  RUN_IN_PROGRESS: "A run is already in progress for this sandbox. Wait for it to finish.",
  ALREADY_CONFIRMED: "This sandbox's setup was already confirmed and its copy has started. Open the sandbox's page to follow it.",
  PRODUCTION_UNREACHABLE: "The production database cannot be reached right now. Try again later or contact support.",
  PRODUCTION_REFUSED: "The production database holds something the portal cannot copy or read. Contact support.",
  PRODUCTION_BUSY: "The production database is too busy to answer right now (a table is locked or a query took too long). Try again in a minute.",
  TOO_MANY_ATTEMPTS: "Too many wrong attempts. For your security, this is paused for a few minutes: please try again later.",
  NO_CAPACITY: "No sandbox server has room for a new sandbox right now. Try again later, or contact support.",
  INTERNAL: "Something went wrong on our side. Please try again.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** A user-facing sentence that replaces the default one for the code. */
    readonly userMessage: string = ERROR_CODES[code],
    readonly fieldErrors?: Record<string, string[]>,
    /** What a run that fails on it records as its failure's kind, where the code alone says too little (lib/jobs/failure.ts). */
    readonly runFailureCode?: string,
  ) {
    super(userMessage);
    this.name = "AppError";
  }
}

export function userMessageFor(code: ErrorCode): string {
  return ERROR_CODES[code];
}
