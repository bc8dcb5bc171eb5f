/**
 * Carries out one claimed run: provision, refresh or delete a sandbox through
 * the sanitization service, recording progress as it goes. A sandbox's
 * database pointer changes only after the new copy is verified, in one
 * transaction: users never see a half-made sandbox, and a failed refresh
 * leaves the previous copy exactly as it was.
 */
import { db } from "../db/portal";
import { withDatabase } from "../db/urls";
import type { Prisma } from "../generated/portal/client";
import { provisionSandbox } from "../sanitizer/provision";
import { dropSandboxDatabase, databaseSize } from "../sanitizer/drop";
import { sandboxOptionsSchema } from "../sanitizer/options";
import type { RunProgress } from "../sanitizer/progress";
import { tenantConnections } from "../tenants/registry";
import { notifyRunFinished } from "../notifications/run-finished";
import { claimRun, heartbeat, recordProgress, runDatabaseName } from "./runs";
import { describeFailure, hasOperatorOnlyDetails } from "./failure";

type ClaimedRun = NonNullable<Awaited<ReturnType<typeof claimRun>>>;

export async function executeRun(runId: string, workerId: string, onProgress?: (p: RunProgress) => void): Promise<"done" | "skipped"> {
  const run = await claimRun(runId, workerId);
  if (!run) return "skipped";
  const beat = setInterval(() => void heartbeat(runId).catch(() => undefined), 5_000);
  try {
    if (run.kind === "DELETE") await deleteSandbox(run);
    else await buildCopy(run, onProgress);
  } catch (error) {
    await failRun(run, error);
  } finally {
    clearInterval(beat);
  }
  await notifyRunFinished(runId).catch((error) => console.error("notification failed:", (error as Error).message));
  return "done";
}

async function buildCopy(run: ClaimedRun, onProgress?: (p: RunProgress) => void): Promise<void> {
  const { sandbox } = run;
  const connections = await tenantConnections(sandbox.tenantId);
  const options = sandboxOptionsSchema.parse(run.options);
  const databaseName = runDatabaseName(sandbox.tenant.customerId, run.id);
  if (run.kind === "PROVISION") await db.sandbox.update({ where: { id: sandbox.id }, data: { status: "PROVISIONING" } });

  const previous = run.kind === "REFRESH" && sandbox.databaseName ? sandbox.databaseName : null;
  const report = await provisionSandbox({
    productionUrl: connections.productionUrl,
    sandboxServerUrl: connections.sandboxServerUrl,
    databaseName,
    sandboxCustomerId: sandbox.sandboxCustomerId!,
    serviceMailboxAddress: serviceMailboxAddress(sandbox.sandboxCustomerId!),
    options,
    carryOverFromUrl: previous ? withDatabase(connections.sandboxServerUrl, previous) : undefined,
    onProgress: async (progress) => {
      onProgress?.(progress);
      await recordProgress(run.id, progress as unknown as Prisma.InputJsonValue);
    },
  });
  const sizeBytes = await databaseSize(connections.sandboxServerUrl, databaseName);

  // The swap: one transaction moves the pointer; only then is the old copy dropped.
  const now = new Date();
  await db.$transaction([
    db.sandbox.update({
      where: { id: sandbox.id },
      data: {
        status: "READY",
        databaseName,
        snapshotAt: new Date(report.snapshotAt),
        lastRefreshedAt: now,
        sizeBytes: sizeBytes === null ? null : BigInt(sizeBytes),
        options: run.options as Prisma.InputJsonValue,
      },
    }),
    db.sandboxRun.update({
      where: { id: run.id },
      data: { status: "SUCCEEDED", finishedAt: now, report: report as unknown as Prisma.InputJsonValue },
    }),
  ]);
  if (previous) {
    await dropSandboxDatabase(connections.sandboxServerUrl, previous).catch((error) =>
      console.error(`could not drop the previous copy ${previous}:`, (error as Error).message),
    );
  }
}

async function deleteSandbox(run: ClaimedRun): Promise<void> {
  const { sandbox } = run;
  if (sandbox.databaseName) {
    const { sandboxServerUrl } = await tenantConnections(sandbox.tenantId);
    await dropSandboxDatabase(sandboxServerUrl, sandbox.databaseName);
  }
  const now = new Date();
  await db.$transaction([
    db.sandbox.update({ where: { id: sandbox.id }, data: { status: "DELETED", databaseName: null, deletedAt: now, sizeBytes: null } }),
    db.sandboxRun.update({ where: { id: run.id }, data: { status: "SUCCEEDED", finishedAt: now } }),
  ]);
}

/** A failed run: its half-made database is gone (the service drops it), the sandbox returns to what it was. */
export async function failRun(run: Pick<ClaimedRun, "id" | "kind" | "sandbox">, error: unknown): Promise<void> {
  const reason = describeFailure(error);
  if (hasOperatorOnlyDetails(error)) console.error(`run ${run.id} failed:`, error);
  const sandboxStatus = run.sandbox.databaseName ? "READY" : "FAILED";
  await db.$transaction([
    db.sandboxRun.update({ where: { id: run.id }, data: { status: "FAILED", finishedAt: new Date(), error: reason } }),
    db.sandbox.update({ where: { id: run.sandbox.id }, data: { status: sandboxStatus } }),
  ]);
}

export function serviceMailboxAddress(sandboxCustomerId: string): string {
  return `service.${sandboxCustomerId.toLowerCase()}@sandbox-mail.invalid`;
}
