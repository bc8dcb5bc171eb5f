/**
 * Run records: the one-run-per-sandbox guard, claiming a run for a worker,
 * heartbeats and progress. Plain TypeScript over the portal database.
 */
import { db } from "../db/portal";
import { AppError } from "../errors";
import type { Prisma } from "../generated/portal/client";
import type { RunKind, SandboxStatus } from "../generated/portal/enums";
import { enqueueRun } from "./queue";

export const ACTIVE_RUN_STATUSES = ["QUEUED", "RUNNING"] as const;

const STATUS_WHILE_RUNNING: Record<RunKind, SandboxStatus | null> = {
  PROVISION: "QUEUED",
  REFRESH: "REFRESHING",
  // A sandbox being deleted stays usable until its database is dropped.
  DELETE: null,
};

export interface RunRequest {
  sandboxId: string;
  kind: RunKind;
  requestedById: string | null;
  options: Prisma.InputJsonValue;
  /** Extra writes that must commit with the run (e.g. the wizard's confirmation). */
  alsoInTransaction?: (tx: Prisma.TransactionClient) => Promise<void>;
  /** The CLI runs the job itself instead of queueing it. */
  enqueue?: boolean;
}

/**
 * Creates a run unless one is already queued or running for that sandbox.
 * The sandbox row is locked first, so two concurrent requests cannot both pass
 * the check; a partial unique index backs this up at the database level.
 */
export async function requestRun(request: RunRequest): Promise<{ runId: string }> {
  try {
    return await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Sandbox" WHERE id = ${request.sandboxId} FOR UPDATE`;
      const active = await tx.sandboxRun.findFirst({
        where: { sandboxId: request.sandboxId, status: { in: [...ACTIVE_RUN_STATUSES] } },
        select: { id: true },
      });
      if (active) throw new AppError("RUN_IN_PROGRESS");
      const run = await tx.sandboxRun.create({
        data: { sandboxId: request.sandboxId, kind: request.kind, requestedById: request.requestedById, options: request.options },
        select: { id: true },
      });
      const status = STATUS_WHILE_RUNNING[request.kind];
      if (status) await tx.sandbox.update({ where: { id: request.sandboxId }, data: { status } });
      await request.alsoInTransaction?.(tx);
      if (request.enqueue !== false) {
        await enqueueRun(run.id, (text, values) => tx.$queryRawUnsafe(text, ...values));
      }
      return { runId: run.id };
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new AppError("RUN_IN_PROGRESS");
    throw error;
  }
}

/** Claims a queued run for this worker; null when another worker has it or it is no longer queued. */
export async function claimRun(runId: string, workerId: string) {
  const claimed = await db.sandboxRun.updateMany({
    where: { id: runId, status: "QUEUED" },
    data: { status: "RUNNING", workerId, startedAt: new Date(), heartbeatAt: new Date(), attempts: { increment: 1 } },
  });
  if (claimed.count === 0) return null;
  return db.sandboxRun.findUniqueOrThrow({
    where: { id: runId },
    include: { sandbox: { include: { tenant: { select: { id: true, customerId: true, companyName: true } } } } },
  });
}

export async function recordProgress(runId: string, progress: Prisma.InputJsonValue): Promise<void> {
  await db.sandboxRun.update({ where: { id: runId }, data: { progress, heartbeatAt: new Date() } });
}

export async function heartbeat(runId: string): Promise<void> {
  await db.sandboxRun.updateMany({ where: { id: runId, status: "RUNNING" }, data: { heartbeatAt: new Date() } });
}

/** The database a run builds: named after the run, so a dead run's leftovers can be found and dropped. */
export function runDatabaseName(customerId: string, runId: string): string {
  return `sbx_${customerId.toLowerCase().replace(/[^a-z0-9]/g, "")}_${runId.toLowerCase()}`;
}
