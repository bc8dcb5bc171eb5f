/**
 * Carries out one claimed run: provision, refresh or delete a sandbox through
 * the sanitization service, recording progress as it goes. Every change of
 * state goes through lib/jobs/lifecycle.ts: a sandbox's database pointer changes
 * only after the new copy is verified, in one transaction, so users never see a
 * half-made sandbox, and a failed refresh leaves the previous copy as it was.
 */
import { copyLimits, tenantCopyRateMBps } from "../config/copy-limits";
import { withDatabase } from "../db/urls";
import type { Prisma } from "../generated/portal/client";
import { provisionSandbox } from "../sanitizer/provision";
import { dropSandboxDatabase, databaseSize } from "../sanitizer/drop";
import { sandboxOptionsSchema } from "../sanitizer/options";
import type { RunProgress } from "../sanitizer/progress";
import { getProductionSize } from "../tenants/production";
import { pseudonymSecretFor } from "../sandboxes/pseudonym-secret";
import { tenantClassification } from "../tenants/classification";
import { tenantConnections } from "../tenants/registry";
import { sandboxServerUrlOf } from "../sandbox-servers/registry";
import { reserveRoomForCopy } from "../sandbox-servers/room";
import { afterRunFinished } from "./run-finished";
import { claimRun, completeCopy, completeDelete, failAttempt, heartbeat, recordProgress, runDatabaseName, type ClaimedRun } from "../jobs/lifecycle";
import { log, withRunLogContext } from "../observability/log";

export interface ExecuteOptions {
  onProgress?: (p: RunProgress) => void;
  /**
   * Carried out by the operator CLI here and now, not by the queue: one attempt whose
   * failure is final (retries belong to the queue), and no deferral for the tenant's fair share.
   */
  direct?: boolean;
}

export async function executeRun(runId: string, workerId: string, options: ExecuteOptions = {}): Promise<"done" | "retrying" | "skipped"> {
  const run = await claimRun(runId, workerId, { fairShare: !options.direct });
  if (!run) return "skipped";
  // Every line logged while the run is carried out names it, its sandbox and its tenant.
  return withRunLogContext({ runId, sandboxId: run.sandboxId, tenantId: run.sandbox.tenantId }, () => carryOut(run, options));
}

async function carryOut(run: ClaimedRun, options: ExecuteOptions): Promise<"done" | "retrying"> {
  const runId = run.id;
  log.info({ kind: run.kind }, "run started");
  const beat = setInterval(() => void heartbeat(runId).catch(() => undefined), 5_000);
  let outcome: "succeeded" | "failed" | "retrying" = "succeeded";
  try {
    if (run.kind === "DELETE") await deleteSandbox(run);
    else await buildCopy(run, options.onProgress);
  } catch (error) {
    const limits = copyLimits();
    const retry = options.direct ? null : { maxAttempts: limits.maxAttempts, backoffMs: limits.retryBackoffMs };
    outcome = await failAttempt(run, error, retry);
    // Nobody is told about an attempt the queue will repeat: only the run's end is news.
    if (outcome === "retrying") {
      log.warn({ kind: run.kind }, "run attempt failed; it will be retried");
      return "retrying";
    }
  } finally {
    clearInterval(beat);
  }
  await afterRunFinished(runId).catch((error: unknown) => log.error(error, "after-run work failed"));
  log.info({ kind: run.kind, outcome }, "run finished");
  return "done";
}

async function buildCopy(run: ClaimedRun, onProgress?: (p: RunProgress) => void): Promise<void> {
  const { sandbox } = run;
  const { productionUrl } = await tenantConnections(sandbox.tenantId);
  const sandboxServerUrl = await sandboxServerUrlOf(sandbox.id);
  // The run's deadline scales with production's size (a bounded read: a busy production fails this attempt).
  const limits = copyLimits();
  const deadlineMs = limits.deadlineMs(await getProductionSize(productionUrl));
  const options = sandboxOptionsSchema.parse(run.options);
  const databaseName = runDatabaseName(sandbox.tenant.customerId, run.id);

  const previous = run.kind === "REFRESH" && sandbox.databaseName ? sandbox.databaseName : null;
  const report = await provisionSandbox({
    productionUrl,
    sandboxServerUrl,
    databaseName,
    sandboxCustomerId: sandbox.sandboxCustomerId!,
    serviceMailboxAddress: serviceMailboxAddress(sandbox.sandboxCustomerId!),
    options,
    deadlineMs,
    classification: await tenantClassification(sandbox.tenantId),
    rateLimitMBps: tenantCopyRateMBps(sandbox.tenant, limits),
    carryOverFromUrl: previous ? withDatabase(sandboxServerUrl, previous) : undefined,
    pseudonymSecret: options.personalData === "pseudonymise" ? await pseudonymSecretFor(sandbox.id) : undefined,
    reserveRoom: (bytes) => reserveRoomForCopy(run.id, bytes),
    roomAtLeastBytes: Number(run.roomRefusedBytes ?? 0),
    onProgress: async (progress) => {
      onProgress?.(progress);
      await recordProgress(run.id, progress as unknown as Prisma.InputJsonValue);
    },
  });
  const sizeBytes = await databaseSize(sandboxServerUrl, databaseName);

  // The swap commits first; only then is the old copy dropped. A swap that fails
  // (the portal database gone) must not leave the verified copy behind unreferenced.
  await completeCopy(run, { databaseName, sizeBytes, report }).catch(async (error: unknown) => {
    await dropSandboxDatabase(sandboxServerUrl, databaseName).catch(() => undefined);
    throw error;
  });
  if (previous) {
    await dropSandboxDatabase(sandboxServerUrl, previous).catch((error) =>
      log.error({ err: error, database: previous }, "could not drop the previous copy"),
    );
  }
}

async function deleteSandbox(run: ClaimedRun): Promise<void> {
  const { sandbox } = run;
  if (sandbox.databaseName) {
    await dropSandboxDatabase(await sandboxServerUrlOf(sandbox.id), sandbox.databaseName);
  }
  await completeDelete(run);
}

export function serviceMailboxAddress(sandboxCustomerId: string): string {
  return `service.${sandboxCustomerId.toLowerCase()}@sandbox-mail.invalid`;
}
