/**
 * What follows a finished run, outside its state change: the customer's people
 * hear of it, its webhook events go out, this process's metrics count it, and a failure alerts operators
 * (once per sandbox and reason, lib/alerts/raise.ts). Best effort: none of this
 * can undo or fail the run itself.
 */
import { db } from "../db/portal";
import { fingerprint, raiseAlertQuietly } from "../alerts/raise";
import { notifyRunFinished } from "../sandboxes/run-finished-notices";
import { metrics } from "../observability/metrics";
import type { SanitizationReport } from "../sanitizer/report";
import { log } from "../observability/log";
import { queueDueDeliveriesSoon } from "../webhooks/deliver";

export async function afterRunFinished(runId: string): Promise<void> {
  await notifyRunFinished(runId).catch((error: unknown) => log.error(error, "notification failed"));
  queueDueDeliveriesSoon();
  const run = await db.sandboxRun.findUnique({
    where: { id: runId },
    select: { kind: true, status: true, error: true, startedAt: true, finishedAt: true, report: true, sandbox: { select: { id: true, name: true, tenant: { select: { companyName: true } } } } },
  });
  if (!run) return;
  countRun(run);
  if (run.status === "FAILED") {
    await raiseAlertQuietly({
      key: `run-failed:${run.sandbox.id}:${fingerprint(run.error ?? "")}`,
      subject: `${run.kind.toLowerCase()} of sandbox "${run.sandbox.name}" (${run.sandbox.tenant.companyName}) failed`,
      detail: `${run.error ?? "No reason was recorded."}\n\nThe technical details are on the operations page.`,
      link: `/operations/runs/${runId}`,
    });
  }
}

function countRun(run: { kind: string; status: string; startedAt: Date | null; finishedAt: Date | null; report: unknown }): void {
  const m = metrics();
  m.runsFinished.inc({ kind: run.kind, outcome: run.status === "SUCCEEDED" ? "succeeded" : "failed" });
  if (run.status !== "SUCCEEDED" || run.kind === "DELETE" || !run.startedAt || !run.finishedAt) return;
  m.copyDuration.observe({ kind: run.kind }, (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000);
  const tables = (run.report as Partial<SanitizationReport> | null)?.tables ?? [];
  m.rowsCopied.inc(tables.reduce((n, t) => n + (t.rows ?? 0), 0));
  m.bytesCopied.inc(tables.reduce((n, t) => n + (t.bytes ?? 0), 0));
}
