/**
 * What follows a finished run, outside its state change: the customer's people
 * hear of it, its webhook events go out, the metrics count it (worker-counts.ts), and a failure alerts operators
 * (once per sandbox and reason, lib/alerts/raise.ts). Best effort: none of this
 * can undo or fail the run itself.
 */
import { db } from "../db/portal";
import { fingerprint, raiseAlertQuietly } from "../alerts/raise";
import { notifyRunFinished } from "../sandboxes/run-finished-notices";
import type { SanitizationReport } from "../sanitizer/report";
import { log } from "../observability/log";
import { queueDueDeliveriesSoon } from "../webhooks/deliver";
import { countWorkerEvent } from "../observability/worker-counts";
import type { FinishedRunFact } from "./app-worker";

export async function afterRunFinished(runId: string): Promise<void> {
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
