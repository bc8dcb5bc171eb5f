/**
 * Writes behind the sandbox page: refresh, delete, retry, cancelling a run (or stopping
 * its copy under way), and the regular refresh day. Each re-reads the sandbox inside the actor's tenant scope,
 * checks the permission on that tenant, and records an audit event in the same
 * transaction as the change. Runs start only through `requestRun`, which
 * refuses a second active run.
 */
import "server-only";
import { db } from "../db/portal";
import { assertTenantAccess } from "../auth/actor";
import type { Actor, Permission } from "../auth/policy";
import { recordAudit } from "../audit/record";
import { AppError } from "../errors";
import type { Prisma } from "../generated/portal/client";
import type { RunKind, RunStatus } from "../generated/portal/enums";
import { cancelQueuedRun as endQueuedRun, requestRun, requestStop } from "../jobs/lifecycle";
import { sameChoices, type SandboxOptions } from "../sanitizer/options";
import { sandboxScope } from "./queries";
import { assertProductionNowMatches } from "./drift-recheck";
import { FAILURES_NEEDING_A_MATCH } from "./retry-rules";
import { nextRegularRefresh } from "./regular-refresh";
import { CANCEL_PERMISSION } from "./cancel-rules";
import { wasCancelled } from "../jobs/failure";

async function loadSandbox(actor: Actor, permission: Permission, sandboxId: string) {
  const sandbox = await db.sandbox.findFirst({
    where: sandboxScope(actor, sandboxId),
    select: { id: true, tenantId: true, name: true, status: true, options: true, databaseName: true },
  });
  if (!sandbox) throw new AppError("NOT_FOUND");
  assertTenantAccess(actor, permission, sandbox.tenantId);
  return sandbox;
}

/**
 * A refresh: the old copy stays ready until the new one is verified. With the
 * saved wizard choices, or with `edited` ones from the wizard's refresh mode
 * (already validated against the order and production by the caller); the
 * worker stores the run's options on the sandbox when the run succeeds.
 */
export async function startRefresh(actor: Actor, sandboxId: string, edited?: SandboxOptions): Promise<{ runId: string }> {
  const sandbox = await loadSandbox(actor, "sandbox.refresh", sandboxId);
  // A refresh that someone else started a moment ago: say so, rather than "not ready".
  if (sandbox.status === "REFRESHING") throw new AppError("RUN_IN_PROGRESS");
  if (sandbox.status !== "READY" || !sandbox.options || !sandbox.databaseName) {
    throw new AppError("CONFLICT", "Only a ready sandbox can be refreshed.");
  }
  const options = (edited ?? sandbox.options) as Prisma.InputJsonValue;
  return requestRun({
    sandboxId,
    kind: "REFRESH",
    requestedById: actor.id,
    options,
    alsoInTransaction: async (tx) => {
      // Re-checked under requestRun's row lock: a delete may have finished since the read above.
      const current = await tx.sandbox.findUniqueOrThrow({ where: { id: sandboxId }, select: { databaseName: true, deletedAt: true } });
      if (!current.databaseName || current.deletedAt) throw new AppError("CONFLICT", "Only a ready sandbox can be refreshed.");
      await recordAudit(
        { action: "sandbox.refresh.requested", actorId: actor.id, tenantId: sandbox.tenantId, targetId: sandboxId, details: { name: sandbox.name, options, choicesEdited: edited !== undefined && !sameChoices(sandbox.options, edited) } },
        tx,
      );
    },
  });
}

/** Deleting needs the sandbox's exact name, typed by the user. */
export async function startDelete(actor: Actor, sandboxId: string, confirmName: string): Promise<{ runId: string }> {
  const sandbox = await loadSandbox(actor, "sandbox.delete", sandboxId);
  if (sandbox.status === "DELETED") throw new AppError("CONFLICT", "This sandbox has already been deleted.");
  // As the name was stored (NFC, lib/orders/schema.ts): an é typed as e + ´ is the same name.
  if (confirmName.normalize("NFC") !== sandbox.name.normalize("NFC")) {
    throw new AppError("INVALID_INPUT", "The name does not match.", { confirmName: [`Type the name exactly: ${sandbox.name}`] });
  }
  return requestRun({
    sandboxId,
    kind: "DELETE",
    requestedById: actor.id,
    options: {},
    alsoInTransaction: (tx) =>
      recordAudit({ action: "sandbox.delete.requested", actorId: actor.id, tenantId: sandbox.tenantId, targetId: sandboxId, details: { name: sandbox.name } }, tx),
  });
}

/** Retry repeats the newest run, same kind and options, and only when that run failed (or was cancelled). */
export async function retryFailedRun(actor: Actor, sandboxId: string): Promise<{ runId: string }> {
  const sandbox = await loadSandbox(actor, "sandbox.retry", sandboxId);
  const last = await db.sandboxRun.findFirst({
    where: { sandboxId },
    orderBy: { createdAt: "desc" },
    select: { id: true, kind: true, status: true, options: true, failureCode: true },
  });
  if (!last || last.status !== "FAILED") throw new AppError("CONFLICT", "Only a failed run can be retried.");
  if (sandbox.status === "DELETED") throw new AppError("CONFLICT", "This sandbox has been deleted.");
  if (last.failureCode && FAILURES_NEEDING_A_MATCH.has(last.failureCode)) await assertProductionNowMatches(sandbox.tenantId);
  return requestRun({
    sandboxId,
    kind: last.kind,
    requestedById: actor.id,
    options: last.options as Prisma.InputJsonValue,
    alsoInTransaction: (tx) =>
      recordAudit(
        { action: "sandbox.retry.requested", actorId: actor.id, tenantId: sandbox.tenantId, targetId: sandboxId, details: { name: sandbox.name, kind: last.kind, failedRunId: last.id, cancelled: wasCancelled(last) } },
        tx,
      ),
  });
}

/**
 * Cancels the sandbox's newest run. One that waits to start (for a worker, a free slot
 * or room on its sandbox server) ends at once: nothing of it was made. A copy under way
 * is asked to stop: its worker drops what it made and ends it within seconds (its next
 * progress write or heartbeat), the sandbox keeping the copy it had. A deletion that has
 * started goes on.
 */
export async function cancelRun(actor: Actor, sandboxId: string, { onlyIfQueued = false } = {}): Promise<CancelOutcome> {
  const sandbox = await loadSandbox(actor, "sandbox.view", sandboxId);
  const last = await runInProgress(sandboxId);
  assertTenantAccess(actor, CANCEL_PERMISSION[last.kind], sandbox.tenantId);
  return cancelOrStop(sandbox, last, { actorId: actor.id, name: actor.name }, onlyIfQueued);
}

/** Why a cancel asked for a run that waited did nothing: it started meanwhile, and stopping a copy under way is asked apart. */
const STARTED_MEANWHILE = "The run started meanwhile, so it was not cancelled. Reload the page to stop it while it runs (what it has made so far is then thrown away).";

/** The operator CLI's cancel: no account is signed in, so it is audited as the CLI's doing. */
export async function cancelRunAsOperator(sandbox: CancelledSandbox): Promise<CancelOutcome> {
  return cancelOrStop(sandbox, await runInProgress(sandbox.id), { actorId: null, name: "an operator", via: "operator CLI" });
}

export interface CancelOutcome {
  runId: string;
  /** A queued run is ended at once; a copy under way is being stopped by its worker. */
  state: "cancelled" | "stopping";
}
type CancelledSandbox = { id: string; tenantId: string; name: string };
type RunInProgress = { id: string; kind: RunKind; status: RunStatus; stopReason: string | null };
/** Who cancels: named in the run's words and the audit. */
type Canceller = { actorId: string | null; name: string; via?: "operator CLI" };

async function runInProgress(sandboxId: string): Promise<RunInProgress> {
  const last = await db.sandboxRun.findFirst({ where: { sandboxId }, orderBy: { createdAt: "desc" }, select: { id: true, kind: true, status: true, stopReason: true } });
  if (!last || (last.status !== "QUEUED" && last.status !== "RUNNING")) throw new AppError("CONFLICT", "This sandbox has no run in progress.");
  return last;
}

/**
 * `onlyIfQueued`: the canceller saw the run waiting, and confirmed no stop of a copy under
 * way: a run a worker has claimed since is left alone, not stopped on that one click.
 */
async function cancelOrStop(sandbox: CancelledSandbox, last: RunInProgress, by: Canceller, onlyIfQueued = false): Promise<CancelOutcome> {
  if (onlyIfQueued && last.status !== "QUEUED") throw new AppError("CONFLICT", STARTED_MEANWHILE);
  if (last.status === "RUNNING" && last.kind === "DELETE") throw new AppError("CONFLICT", "The deletion has started, so it can no longer be stopped; it goes on.");
  if (last.stopReason) return { runId: last.id, state: "stopping" };
  const audited = (tx: Prisma.TransactionClient, action: "sandbox.run.cancelled" | "sandbox.run.stopRequested") =>
    recordAudit(
      { action, actorId: by.actorId, tenantId: sandbox.tenantId, targetId: sandbox.id, details: { name: sandbox.name, kind: last.kind, runId: last.id, ...(by.via ? { via: by.via } : {}) } },
      tx,
    );
  return db.$transaction(async (tx) => {
    if (last.status === "QUEUED") {
      const current = await tx.sandbox.findUniqueOrThrow({ where: { id: sandbox.id }, select: { databaseName: true } });
      const ended = await endQueuedRun(tx, { id: last.id, sandbox: { id: sandbox.id, databaseName: current.databaseName } }, `Cancelled by ${by.name} before it started. Nothing was changed.`);
      if (ended) {
        await audited(tx, "sandbox.run.cancelled");
        return { runId: last.id, state: "cancelled" as const };
      }
    }
    // Running, or claimed by a worker since it was read: the claim and the cancel cannot both win.
    if (onlyIfQueued) throw new AppError("CONFLICT", STARTED_MEANWHILE);
    const asked = await requestStop(tx, last.id, `Stopped by ${by.name} while it ran. Nothing of it was kept.`);
    if (!asked) throw new AppError("CONFLICT", "The run has started or ended meanwhile, so it was not cancelled; a deletion that has started goes on.");
    await audited(tx, "sandbox.run.stopRequested");
    return { runId: last.id, state: "stopping" as const };
  });
}

/** Sets or clears the day of the month for the regular refresh; `next`: when it first runs (regular-refresh.ts), ISO. */
export async function setAutoRefreshDay(actor: Actor, sandboxId: string, day: number | null): Promise<{ day: number | null; next: string | null }> {
  const sandbox = await loadSandbox(actor, "sandbox.refresh", sandboxId);
  if (sandbox.status === "DELETED") throw new AppError("CONFLICT", "This sandbox has been deleted.");
  await db.$transaction(async (tx) => {
    // Read again under the row's lock, which a deletion's request takes too: a day is set only on a
    // sandbox with a copy to refresh that no deletion waits for (turning it off is always allowed).
    const [before] = await tx.$queryRaw<{ autoRefreshDay: number | null; databaseName: string | null; deleting: boolean }[]>`
      SELECT "autoRefreshDay", "databaseName",
             EXISTS (SELECT 1 FROM "SandboxRun" r WHERE r."sandboxId" = s.id AND r.kind = 'DELETE' AND r.status IN ('QUEUED', 'RUNNING')) AS deleting
        FROM "Sandbox" s WHERE s.id = ${sandboxId} AND s."deletedAt" IS NULL FOR UPDATE`;
    if (!before) throw new AppError("CONFLICT", "This sandbox has been deleted.");
    if (day !== null && before.deleting) throw new AppError("CONFLICT", "This sandbox is being deleted: it gets no regular refresh.");
    if (day !== null && !before.databaseName) throw new AppError("CONFLICT", "This sandbox has no copy yet to refresh: set a regular refresh once it is ready.");
    // A notice given was for the day it was given of: another day, or none, ends it. Kept, a day
    // turned off after its notice and set again too late for another would still run tomorrow,
    // though the answer below says next month (nextRegularRefresh): the worker tells of it again.
    const dayChanged = day !== before.autoRefreshDay;
    await tx.sandbox.update({ where: { id: sandboxId }, data: { autoRefreshDay: day, ...(dayChanged ? { autoRefreshNoticeFor: null } : {}) } });
    await recordAudit(
      { action: "sandbox.autoRefresh.changed", actorId: actor.id, tenantId: sandbox.tenantId, targetId: sandboxId, details: { name: sandbox.name, from: before.autoRefreshDay, to: day } },
      tx,
    );
  });
  return { day, next: day === null ? null : nextRegularRefresh(day).toISOString() };
}
