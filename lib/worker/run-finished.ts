/**
 * What follows a finished run, outside its state change: the customer's people
 * hear of it, its webhook events go out, the metrics count it (worker-counts.ts), and a failure alerts operators
 * (once per sandbox and reason, lib/alerts/raise.ts). Best effort: none of this
 * can undo or fail the run itself.
 *
 * Taken, then marked done (SandboxRun.followUpTakenAt, followedUpAt): a worker killed between
 * the swap and the end of this work (a deploy, the OOM killer) left the access grants stale
 * and nobody told; a sweep now finds such a run and does it (followUpsLeftUndone).
 */
import { db } from "../db/portal";
import { CANCELLED } from "../jobs/failure";
import { fingerprint, raiseAlertQuietly } from "../alerts/raise";
import { notifyRunFinished } from "../sandboxes/run-finished-notices";
import type { SanitizationReport } from "../sanitizer/report";
import { log } from "../observability/log";
import { queueDueDeliveriesSoon } from "../webhooks/deliver";
import { countWorkerEvent } from "../observability/worker-counts";
import type { FinishedRunFact } from "./app-worker";

/** A follow-up taken this long ago and not done was its worker's last work: another takes it. */
export const FOLLOW_UP_TAKEN_FOR_MS = 5 * 60_000;

export async function afterRunFinished(runId: string): Promise<void> {
  // Taken by one worker at a time: the sweep and the run's own worker never both tell its people.
  const takenBefore = new Date(Date.now() - FOLLOW_UP_TAKEN_FOR_MS);
  const taken = await db.sandboxRun.updateMany({
    where: { id: runId, followedUpAt: null, OR: [{ followUpTakenAt: null }, { followUpTakenAt: { lt: takenBefore } }] },
    data: { followUpTakenAt: new Date() },
  });
  if (taken.count === 0) return;
  await followUp(runId);
  await db.sandboxRun.update({ where: { id: runId }, data: { followedUpAt: new Date() } });
}

/**
 * Finished runs whose follow-up was never done: not taken, or taken by a worker that died
 * doing it. A cancelled run has none (whoever cancelled it knows). Done here, a few a sweep.
 */
export async function followUpsLeftUndone(): Promise<string[]> {
  const takenBefore = new Date(Date.now() - FOLLOW_UP_TAKEN_FOR_MS);
  const runs = await db.sandboxRun.findMany({
    where: {
      followedUpAt: null,
      finishedAt: { lt: takenBefore },
      OR: [{ status: "SUCCEEDED" }, { status: "FAILED", failureCode: null }, { status: "FAILED", failureCode: { not: CANCELLED } }],
      AND: [{ OR: [{ followUpTakenAt: null }, { followUpTakenAt: { lt: takenBefore } }] }],
    },
    orderBy: { finishedAt: "asc" },
    take: 10,
    select: { id: true },
  });
  for (const run of runs) await afterRunFinished(run.id);
  return runs.map((r) => r.id);
}

async function followUp(runId: string): Promise<void> {
  await notifyRunFinished(runId).catch((error: unknown) => log.error(error, "notification failed"));
  queueDueDeliveriesSoon();
  const run = await db.sandboxRun.findUnique({
    where: { id: runId },
    select: { kind: true, status: true, error: true, startedAt: true, finishedAt: true, report: true, sandbox: { select: { id: true, name: true, tenant: { select: { companyName: true } } } } },
  });
  if (!run) return;
  countWorkerEvent({ type: "run-finished", run: finishedRunFact(run) });
  if (run.status === "FAILED") {
    await raiseAlertQuietly({
      key: `run-failed:${run.sandbox.id}:${fingerprint(run.error ?? "")}`,
      subject: `${run.kind.toLowerCase()} of sandbox "${run.sandbox.name}" (${run.sandbox.tenant.companyName}) failed`,
      detail: `${run.error ?? "No reason was recorded."}\n\nThe technical details are on the operations page.`,
      link: `/operations/runs/${runId}`,
    });
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
