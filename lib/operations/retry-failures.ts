/**
 * Retrying at once the runs that failed for a passing reason. After an outage (a sandbox
 * server down for the night, production busy past a run's own retries) an operator would
 * otherwise open each sandbox's page and press Retry, one customer after another.
 *
 * Only what a retry can mend is retried: each sandbox's newest run, failed in the window, on a
 * sandbox not deleted, for a passing reason (PASSING). Any other failure would fail
 * the same way, or needs someone to look first: production's schema drifted (its customer's
 * retry checks production first), a sanitization check failed, production's data is
 * inconsistent, the copy is larger than its server. Those stay for each run's page.
 * Each retry is the sandbox page's own (retryFailedRun): the same checks, the same options,
 * audited as the operator's; and only of the sandboxes the operator was shown and confirmed.
 */
import "server-only";
import type { Actor } from "../auth/policy";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { CANCELLED, UNREACHABLE_CODE } from "../jobs/failure";
import { TRANSIENT_CODES } from "../sanitizer/errors";
import { FAILURES_NEEDING_A_MATCH } from "../sandboxes/retry-rules";
import { retryFailedRun } from "../sandboxes/mutations";

/** The window, as the overview's list of failures: runs that failed longer ago have been looked at, or given up on. */
const RETRY_WINDOW_MS = 24 * 3600_000;
/** At most this many per press: each is a transaction and a job, and the queue takes them in turn anyway. */
export const RETRY_BATCH = 100;

/**
 * Failures an outage leaves: those the queue retries itself until its attempts run out (a busy
 * or unreachable production, a lost connection, no room yet), a server out of reach over the
 * network, and a worker lost mid-run. A failure with no code of the portal's (an unexpected
 * error) needs a look first.
 */
const PASSING: ReadonlySet<string> = new Set([...TRANSIENT_CODES, "PRODUCTION_UNREACHABLE", "PRODUCTION_BUSY", UNREACHABLE_CODE, "WORKER_LOST"]);
const passes = (failureCode: string | null): boolean => failureCode !== null && PASSING.has(failureCode);

export interface FailuresToRetry {
  /** Sandboxes whose newest run failed for a passing reason, the longest-waiting first. */
  retryable: string[];
  /** Newest runs failed in the window because production no longer matched what the copy knows. */
  needProductionChecked: number;
  /** Newest runs failed in the window for a reason a retry would repeat, or that someone must look at first. */
  needALook: number;
}

export async function failuresToRetry(now: Date = new Date()): Promise<FailuresToRetry> {
  const since = new Date(now.getTime() - RETRY_WINDOW_MS);
  // Each sandbox's newest run, among the sandboxes with a failure in the window: a failure
  // since followed by a run of any kind (a retry, a refresh) is not what the sandbox is now.
  const newest = await db.$queryRaw<{ sandboxId: string; status: string; failureCode: string | null; finishedAt: Date | null }[]>`
    SELECT DISTINCT ON (r."sandboxId") r."sandboxId", r.status::text AS status, r."failureCode", r."finishedAt"
      FROM "SandboxRun" r
      JOIN "Sandbox" s ON s.id = r."sandboxId"
     WHERE s."deletedAt" IS NULL
       AND r."sandboxId" IN (SELECT "sandboxId" FROM "SandboxRun" WHERE status = 'FAILED' AND "finishedAt" >= ${since})
     ORDER BY r."sandboxId", r."createdAt" DESC`;
  const failed = newest
    .filter((r) => r.status === "FAILED" && r.failureCode !== CANCELLED && r.finishedAt !== null && r.finishedAt >= since)
    .sort((a, b) => a.finishedAt!.getTime() - b.finishedAt!.getTime());
  const drifted = failed.filter((r) => r.failureCode !== null && FAILURES_NEEDING_A_MATCH.has(r.failureCode)).length;
  const retryable = failed.filter((r) => passes(r.failureCode)).map((r) => r.sandboxId);
  return { retryable, needProductionChecked: drifted, needALook: failed.length - retryable.length - drifted };
}

export interface RetriedFailures {
  retried: number;
  /** Of those confirmed, left as they were: a run started meanwhile (its customer's retry, a refresh), or the sandbox deleted since. */
  refused: number;
}

/** Retries the confirmed sandboxes' failures that are still what they were shown as: never more than confirmed. */
export async function retryRecentFailures(actor: Actor, confirmed: readonly string[], now: Date = new Date()): Promise<RetriedFailures> {
  const still = new Set((await failuresToRetry(now)).retryable);
  const batch = [...new Set(confirmed)].slice(0, RETRY_BATCH);
  let retried = 0;
  for (const sandboxId of batch) {
    if (!still.has(sandboxId)) continue;
    try {
      await retryFailedRun(actor, sandboxId);
      retried++;
    } catch (error) {
      // Its state changed since it was read: the others go on. Anything else (the database gone) stops the batch.
      if (!(error instanceof AppError)) throw error;
    }
  }
  return { retried, refused: batch.length - retried };
}
