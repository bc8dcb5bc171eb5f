/**
 * Recovery from workers that died mid-run (kill -9, a crashed machine): a
 * running run whose heartbeat is stale has its half-made database dropped,
 * then is queued again (up to COPY_MAX_ATTEMPTS attempts in all), or failed with a clear reason, or
 * ended as its customer asked when they had asked to stop it (lib/jobs/lifecycle.ts owns all three).
 * Production is only read, but a worker that froze rather than died keeps its sessions
 * there, holding production's snapshot and locks: they are ended too (by the name the
 * copy gave them), once the lost runs are dealt with, all at once and each bounded, so
 * one tenant's unreachable production holds up no other lost run.
 */
import { copyLimits } from "../config/copy-limits";
import { databaseNow } from "../db/database-clock";
import { db } from "../db/portal";
import { tryDropSandboxDatabase } from "../sanitizer/drop";
import { sandboxServerUrlOf } from "../sandbox-servers/registry";
import { raiseAlertQuietly } from "../alerts/raise";
import { giveBackLostRun, requeueOrFailLostRun, runDatabaseName, takeLostRun } from "../jobs/lifecycle";
import { afterRunFinished } from "./run-finished";
import { endLostCopySessions } from "../sanitizer/snapshot";
import { tenantConnections } from "../tenants/registry";
import { log } from "../observability/log";

export const STALE_AFTER_MS = 45_000;

export async function recoverStaleRuns(at?: Date): Promise<string[]> {
  // The database's clock: the heartbeats were written by it, whatever this machine's says.
  const now = at ?? (await databaseNow());
  const stale = await db.sandboxRun.findMany({
    where: { status: "RUNNING", heartbeatAt: { lt: new Date(now.getTime() - STALE_AFTER_MS) } },
    include: { sandbox: { include: { tenant: { select: { customerId: true } } } } },
  });
  const recovered: string[] = [];
  const endingSessions: Promise<void>[] = [];
  for (const run of stale) {
    if (!(await takeLostRun(run, now))) continue;
    if (run.kind !== "DELETE") {
      const databaseName = runDatabaseName(run.sandbox.tenant.customerId, run.id);
      endingSessions.push(endSessionsOnProduction(run.sandbox.tenantId, databaseName, run.attempts, run.id));
      const dropped = await tryDropSandboxDatabase(await sandboxServerUrlOf(run.sandboxId), databaseName);
      // A sandbox server that does not answer (its own alert says so): the run stays taken, is
      // stale again in STALE_AFTER_MS and is looked at then; the other lost runs are not held up.
      // Unless its customer asked to stop it: it ends now, as they asked, and what it left on the
      // server is the orphan sweep's once the server answers (the run is over, nothing points at it).
      if (!dropped && !run.stopReason) {
        await giveBackLostRun(run, now);
        continue;
      }
    }
    const outcome = await requeueOrFailLostRun(run, now, copyLimits().maxAttempts);
    if (!outcome) continue;
    recovered.push(run.id);
    // A run failed here ends as one failed in its worker does: its people are told, the metrics
    // count it, and operators get the run's failure alert.
    if (outcome === "failed") {
      await afterRunFinished(run.id).catch(() => undefined);
      continue;
    }
    await raiseAlertQuietly({
      key: `run-recovered:${run.sandboxId}`,
      subject: `a worker died during a ${run.kind.toLowerCase()} of sandbox "${run.sandbox.name}"`,
      detail: {
        requeued: `Its half-made copy was dropped and the run was queued again (attempt ${run.attempts + 1} of ${copyLimits().maxAttempts}).`,
        cancelled: `Its half-made copy was dropped and, as its customer had asked to stop it, the run was ended. The sandbox keeps its previous copy, if it had one.`,
      }[outcome],
      link: `/operations/runs/${run.id}`,
    });
  }
  await Promise.all(endingSessions);
  return recovered;
}

/** Ends what a lost run left on its production, if anything; a production that does not answer is logged and left (its sessions' own bounds end them). */
async function endSessionsOnProduction(tenantId: string, databaseName: string, attempt: number, runId: string): Promise<void> {
  try {
    const { productionUrl } = await tenantConnections(tenantId);
    const ended = await endLostCopySessions(productionUrl, databaseName, attempt);
    if (ended > 0) log.warn({ runId, ended }, "ended a lost run's sessions on production");
  } catch (error) {
    log.warn({ err: error, runId }, "could not end a lost run's sessions on production");
  }
}
