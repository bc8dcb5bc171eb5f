/**
 * Retrying at once the runs that failed for a passing reason. After an outage (a sandbox
 * server down for the night, production busy past a run's own retries) an operator would
 * otherwise open each sandbox's page and press Retry, one customer after another.
 *
 * Only what a retry can mend is retried: each sandbox's newest run, failed (not cancelled)
 * in the window, on a sandbox not deleted, for a reason that does not need production
 * checked again. Those that do (production's schema drifted, a classification no longer
 * applies) would fail the same way: they wait for their customer, whose retry checks first.
 * Each retry is the sandbox page's own (retryFailedRun): the same checks, the same options,
 * audited as the operator's.
 */
import "server-only";
import type { Actor } from "../auth/policy";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { CANCELLED } from "../jobs/failure";
import { FAILURES_NEEDING_A_MATCH } from "../sandboxes/retry-rules";
import { retryFailedRun } from "../sandboxes/mutations";

/** The window, as the overview's list of failures: runs that failed longer ago have been looked at, or given up on. */
export const RETRY_WINDOW_MS = 24 * 3600_000;
/** At most this many per press: each is a transaction and a job, and the queue takes them in turn anyway. */
export const RETRY_BATCH = 100;

export interface FailuresToRetry {
  /** Sandboxes whose newest run a retry can mend, the longest-waiting first. */
  retryable: string[];
  /** Sandboxes whose newest run failed in the window for a reason a plain retry would repeat. */
  needProductionChecked: number;
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
  const needsMatch = (r: (typeof failed)[number]) => r.failureCode !== null && FAILURES_NEEDING_A_MATCH.has(r.failureCode);
  return { retryable: failed.filter((r) => !needsMatch(r)).map((r) => r.sandboxId), needProductionChecked: failed.filter(needsMatch).length };
}

export interface RetriedFailures {
  retried: number;
  /** Refused as it was retried: a run started meanwhile (its customer's retry, a refresh), the sandbox deleted since. */
  refused: number;
  /** Retryable, and left for the next press (more than RETRY_BATCH). */
  left: number;
}

export async function retryRecentFailures(actor: Actor, now: Date = new Date()): Promise<RetriedFailures> {
  const { retryable } = await failuresToRetry(now);
  const batch = retryable.slice(0, RETRY_BATCH);
  let retried = 0;
  for (const sandboxId of batch) {
    try {
      await retryFailedRun(actor, sandboxId);
      retried++;
    } catch (error) {
      // Its state changed since it was read: the others go on. Anything else (the database gone) stops the batch.
      if (!(error instanceof AppError)) throw error;
    }
  }
  return { retried, refused: batch.length - retried, left: retryable.length - batch.length };
}
