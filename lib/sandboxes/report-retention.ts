/**
 * How long finished runs keep their sanitization reports: `RUN_REPORT_RETENTION_DAYS`, or
 * for ever when it is not set (the default: as with the audit log, how long to keep what
 * each copy did is each operator's policy). With a daily refresh for a thousand customers
 * the reports are the portal database's largest growth. A sandbox's current copy keeps its
 * report whatever its age: it says what the sandbox holds. The runs themselves stay in the
 * history, which says when their reports were dropped. A worker's fleet check drops them a
 * batch at a time, so a first sweep over years of runs never holds the table for long.
 */
import { env } from "../config/env";
import { db } from "../db/portal";
import { retentionCutoff, sweepInBatches } from "../db/sweep-in-batches";

const BATCH = 1_000;
const BATCHES_PER_SWEEP = 20;

/** Drops the reports of runs that finished before the retention, but each live sandbox's current copy's; how many went. */
export async function pruneRunReports(now = new Date(), days = env().RUN_REPORT_RETENTION_DAYS): Promise<number> {
  if (days === undefined) return 0;
  const cutoff = retentionCutoff(now, days);
  // The current copy is the one the sandbox page shows (getLatestReport): its newest successful copy.
  return sweepInBatches(BATCH, BATCHES_PER_SWEEP, () =>
    db.$executeRaw`
      UPDATE "SandboxRun" SET report = NULL, "reportDroppedAt" = ${now}
       WHERE id IN (
         SELECT r.id FROM "SandboxRun" r
          WHERE r.report IS NOT NULL AND r."finishedAt" < ${cutoff}
            AND r.id IS DISTINCT FROM (
              SELECT c.id FROM "SandboxRun" c JOIN "Sandbox" s ON s.id = c."sandboxId" AND s."deletedAt" IS NULL
               WHERE c."sandboxId" = r."sandboxId" AND c.status = 'SUCCEEDED' AND c.kind IN ('PROVISION', 'REFRESH')
               ORDER BY c."finishedAt" DESC LIMIT 1)
          ORDER BY r."finishedAt" LIMIT ${BATCH})`,
  );
}

/** Why a run has no report to show, in words, once the retention has dropped it. */
export const reportDroppedWords = (days = env().RUN_REPORT_RETENTION_DAYS) =>
  `Its report was dropped${days === undefined ? "" : ` after ${days} days`}, as this portal keeps reports only so long.`;
