/**
 * What follows a finished run, outside its state change: the customer's people
 * hear of it, its webhook events go out, the metrics count it (worker-counts.ts), and a failure alerts operators
 * (once per cause and sandbox server, however many sandboxes it strikes: lib/alerts/run-failed.ts). Best effort: none of this
 * can undo or fail the run itself.
 *
 * Taken, then marked done (SandboxRun.followUpTakenAt, followedUpAt): a worker killed between
 * the swap and the end of this work (a deploy, the OOM killer) left the access grants stale
 * and nobody told; a sweep now finds such a run and does it (followUpsLeftUndone). What a run
 * changed in the grants is kept on the run (SandboxRun.accessChanges), so the sweep tells what
 * its worker would have: grants it already recorded do not read as open before the run.
 */
import { db } from "../db/portal";
import { Prisma } from "../generated/portal/client";
import { CANCELLED } from "../jobs/failure";
import { clearRunFailedAlerts } from "../alerts/raise";
import { raiseRunFailedQuietly } from "../alerts/run-failed";
import { notifyRunFinished } from "../sandboxes/run-finished-notices";
import type { SanitizationReport } from "../sanitizer/report";
import { log } from "../observability/log";
import { queueDueDeliveriesSoon } from "../webhooks/deliver";
import { countWorkerEvent } from "../observability/worker-counts";
import type { FinishedRunFact } from "./app-worker";

/** A follow-up taken this long ago and not done was its worker's last work, or failed: another takes it. */
const FOLLOW_UP_TAKEN_FOR_MS = 5 * 60_000;
/** A follow-up still failing a day after its run ended is given up, in the log: its notices would be stale news. */
const FOLLOW_UP_GIVEN_UP_AFTER_MS = 24 * 60 * 60_000;

export async function afterRunFinished(runId: string): Promise<void> {
  // Taken by one worker at a time: the sweep and the run's own worker never both tell its people.
  const takenBefore = new Date(Date.now() - FOLLOW_UP_TAKEN_FOR_MS);
  const taken = await db.sandboxRun.updateMany({
    where: { id: runId, followedUpAt: null, OR: [{ followUpTakenAt: null }, { followUpTakenAt: { lt: takenBefore } }] },
    data: { followUpTakenAt: new Date() },
  });
  if (taken.count === 0) return;
  await followUp(runId);
  // Its access changes were kept only to tell them again after a crash: told, they are production's names and addresses no longer needed.
  await db.sandboxRun.update({ where: { id: runId }, data: { followedUpAt: new Date(), accessChanges: Prisma.DbNull } });
}

/**
 * Finished runs whose follow-up was never done: not taken, taken by a worker that died
 * doing it, or failed (the portal database or the mail server away a moment). A cancelled
 * run has none (whoever cancelled it knows). Done here, a few a sweep: those never taken
 * first, then those taken longest ago, so that one failing again and again goes to the back
 * of the line instead of keeping the others from their turn. The ids of those done.
 */
export async function followUpsLeftUndone(): Promise<string[]> {
  const now = Date.now();
  const takenBefore = new Date(now - FOLLOW_UP_TAKEN_FOR_MS);
  const undone = {
    followedUpAt: null,
    OR: [{ status: "SUCCEEDED" as const }, { status: "FAILED" as const, failureCode: null }, { status: "FAILED" as const, failureCode: { not: CANCELLED } }],
    AND: [{ OR: [{ followUpTakenAt: null }, { followUpTakenAt: { lt: takenBefore } }] }],
  };
  const givenUp = await db.sandboxRun.updateManyAndReturn({
    where: { ...undone, finishedAt: { lte: new Date(now - FOLLOW_UP_GIVEN_UP_AFTER_MS) } },
    data: { followedUpAt: new Date(now), accessChanges: Prisma.DbNull },
    select: { id: true },
  });
  if (givenUp.length > 0) log.error({ runIds: givenUp.map((r) => r.id) }, "finished runs' follow-ups given up a day after: their access grants and notices were never done");
  const runs = await db.sandboxRun.findMany({
    where: { ...undone, finishedAt: { lt: takenBefore, gt: new Date(now - FOLLOW_UP_GIVEN_UP_AFTER_MS) } },
    orderBy: [{ followUpTakenAt: { sort: "asc", nulls: "first" } }, { finishedAt: "asc" }],
    take: 10,
    select: { id: true },
  });
  const done: string[] = [];
  for (const run of runs) {
    await afterRunFinished(run.id).then(
      () => done.push(run.id),
      (error: unknown) => log.error({ err: error, runId: run.id }, "a finished run's follow-up failed again; the next sweep tries it again"),
    );
  }
  return done;
}

/**
 * Throws when the access grants could not be recorded, before anyone is told: the follow-up
 * stays undone, and a sweep does it again, so that access is not left stale. A notice that
 * fails once people are being told is logged instead (run-finished-notices.ts).
 */
async function followUp(runId: string): Promise<void> {
  await notifyRunFinished(runId);
  queueDueDeliveriesSoon();
  const run = await db.sandboxRun.findUnique({
    where: { id: runId },
    select: {
      kind: true,
      status: true,
      error: true,
      failureCode: true,
      sandboxServer: true,
      startedAt: true,
      finishedAt: true,
      report: true,
      sandbox: { select: { id: true, name: true, sandboxServerId: true, tenant: { select: { companyName: true } } } },
    },
  });
  if (!run) return;
  countWorkerEvent({ type: "run-finished", run: finishedRunFact(run) });
  // Its sandbox is over its failures: the same failure again is news, and is mailed.
  if (run.status === "SUCCEEDED") await clearRunFailedAlerts(run.sandbox.id).catch((error: unknown) => log.error({ err: error }, "run-failed alerts could not be cleared"));
  if (run.status === "FAILED") {
    await raiseRunFailedQuietly({ id: runId, kind: run.kind, error: run.error, failureCode: run.failureCode, serverId: run.sandboxServer ?? run.sandbox.sandboxServerId, sandbox: run.sandbox });
  }
}

function finishedRunFact(run: { kind: string; status: string; startedAt: Date | null; finishedAt: Date | null; report: unknown }): FinishedRunFact {
  const succeeded = run.status === "SUCCEEDED";
  if (!succeeded || run.kind === "DELETE" || !run.startedAt || !run.finishedAt) return { kind: run.kind, succeeded };
  const tables = (run.report as Partial<SanitizationReport> | null)?.tables ?? [];
  return {
    kind: run.kind,
    succeeded,
    copy: {
      seconds: (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000,
      rows: tables.reduce((n, t) => n + (t.rows ?? 0), 0),
      bytes: tables.reduce((n, t) => n + (t.bytes ?? 0), 0),
    },
  };
}
