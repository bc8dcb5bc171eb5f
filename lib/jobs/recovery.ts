/**
 * Recovery from workers that died mid-run (kill -9, a crashed machine): a
 * running run whose heartbeat is stale has its half-made database dropped,
 * then is queued again once, or failed with a clear reason. Production is
 * never touched: it was only ever read.
 */
import { db } from "../db/portal";
import { dropSandboxDatabase } from "../sanitizer/drop";
import { tenantConnections } from "../tenants/registry";
import { enqueueRun } from "./queue";
import { runDatabaseName } from "./runs";
import { WORKER_LOST_REASON } from "./failure";

export const STALE_AFTER_MS = 45_000;
export const MAX_ATTEMPTS = 2;

export async function recoverStaleRuns(now = new Date()): Promise<string[]> {
  const stale = await db.sandboxRun.findMany({
    where: { status: "RUNNING", heartbeatAt: { lt: new Date(now.getTime() - STALE_AFTER_MS) } },
    include: { sandbox: { include: { tenant: { select: { customerId: true } } } } },
  });
  const recovered: string[] = [];
  for (const run of stale) {
    // Only one recoverer wins each run: the update is conditional on what we read.
    const taken = await db.sandboxRun.updateMany({
      where: { id: run.id, status: "RUNNING", heartbeatAt: run.heartbeatAt },
      data: { heartbeatAt: now },
    });
    if (taken.count === 0) continue;
    if (run.kind !== "DELETE") {
      const { sandboxServerUrl } = await tenantConnections(run.sandbox.tenantId);
      await dropSandboxDatabase(sandboxServerUrl, runDatabaseName(run.sandbox.tenant.customerId, run.id));
    }
    if (run.attempts < MAX_ATTEMPTS) {
      await db.sandboxRun.update({ where: { id: run.id }, data: { status: "QUEUED", workerId: null } });
      await enqueueRun(run.id);
    } else {
      const sandboxStatus = run.sandbox.databaseName ? "READY" : "FAILED";
      await db.$transaction([
        db.sandboxRun.update({ where: { id: run.id }, data: { status: "FAILED", finishedAt: now, error: WORKER_LOST_REASON } }),
        db.sandbox.update({ where: { id: run.sandboxId }, data: { status: sandboxStatus } }),
      ]);
    }
    recovered.push(run.id);
  }
  return recovered;
}
