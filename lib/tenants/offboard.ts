/**
 * A customer leaving the portal (`ops tenant:offboard`). Its sandboxes are copies of its
 * production, personal data included, and the portal holds a password to that production:
 * neither may outlive the contract. Offboarding:
 *
 * - forgets the production URL (the tenant's only way in), unpins it from its sandbox server,
 *   and marks it as left, so that nothing new is ordered, registered or enabled for it;
 * - removes its webhook endpoints and revokes its API tokens; disables its accounts (they
 *   sign in nowhere, their sessions end);
 * - cancels its open orders and its runs that wait, ends its sandboxes that have no copy,
 *   and requests the deletion of every sandbox that has one (the caller carries them out;
 *   a worker takes any left waiting).
 *
 * Its history stays: the audit log, the runs and their reports (no production rows in them).
 * Refused while a copy of its runs is under way: stop it first. Asked again, it disables any
 * account left enabled and requests the deletions still missing (one that failed, one whose
 * copy still ran), and changes nothing else. Once it has left, nothing but a deletion is run
 * for its sandboxes (requestRun).
 */
import { lockTenant } from "../db/tenant-lock";
import { db } from "../db/portal";
import { databaseNow } from "../db/database-clock";
import { recordAudit } from "../audit/record";
import { revokeWorkingTokens } from "../api-tokens/mutations";
import { AppError } from "../errors";
import { cancelWaitingRuns, endedAsDeleted, requestRun } from "../jobs/lifecycle";
import { disableAccount, disableAccounts } from "../auth/disable-accounts";
import { endAllSessions } from "../auth/sessions";
import type { Prisma } from "../generated/portal/client";
import { FORGET_PSEUDONYMS } from "../sandboxes/pseudonym-secret";

export class OffboardingRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OffboardingRefused";
  }
}

export interface OffboardOutcome {
  customerId: string;
  /** True when this call marked it as left; false when it had left before (only deletions were asked again). */
  leftNow: boolean;
  accountsDisabled: string[];
  webhooksRemoved: number;
  ordersCancelled: number;
  runsCancelled: number;
  /** Sandboxes with no copy, ended as deleted with nothing to drop. */
  endedWithoutCopy: number;
  /** The deletions requested, to be carried out (a sandbox whose deletion already waits is not asked again). */
  deletions: { sandboxId: string; name: string; runId: string }[];
  /** Sandboxes not deleted yet, as a copy of theirs still runs: offboarding again once it has ended deletes them. */
  stillCopying: string[];
}

/** What the customer's waiting runs end with. */
const LEFT_WORDS = "The customer left the portal: nothing more is run for this sandbox.";

export async function offboardTenant(customerId: string, confirm: string): Promise<OffboardOutcome> {
  if (confirm !== customerId) throw new OffboardingRefused(`Offboarding needs the customer id again to confirm: ${customerId}.`);
  const tenant = await db.tenant.findUnique({ where: { customerId }, select: { id: true, offboardedAt: true } });
  if (!tenant) throw new OffboardingRefused(`No tenant has customer id ${customerId}.`);
  const outcome: OffboardOutcome = { customerId, leftNow: !tenant.offboardedAt, accountsDisabled: [], webhooksRemoved: 0, ordersCancelled: 0, runsCancelled: 0, endedWithoutCopy: 0, deletions: [], stillCopying: [] };

  if (!tenant.offboardedAt) await refuseWhileCopying(db, tenant.id, customerId);
  // Then, and on every call (one that failed part-way is asked again): its people can ask for nothing more meanwhile.
  outcome.accountsDisabled = await disableAccounts({ tenantId: tenant.id });
  const lateAccounts: { id: string; email: string }[] = [];
  if (!tenant.offboardedAt) {
    await db.$transaction(async (tx) => {
      // The tenant row locked: an order being filed (its entitlements lock it too) commits first and is cancelled here, or waits and is refused.
      if ((await lockTenant(tx, tenant.id))?.offboarded) throw new OffboardingRefused(`${customerId} is being offboarded by another operator.`);
      // Under the lock an invitation takes too (lib/people/own-tenant.ts): one that committed after the accounts
      // above were listed made an account none of them disabled, enabled in a customer that has left.
      for (const user of await tx.user.findMany({ where: { tenantId: tenant.id, disabledAt: null }, select: { id: true, email: true, tenantId: true } })) {
        if (await disableAccount(tx, user, { actorId: null, via: "operator CLI" })) lateAccounts.push(user);
      }
      outcome.accountsDisabled.push(...lateAccounts.map((user) => user.email));
      const now = await databaseNow();
      const sandboxes = { tenantId: tenant.id, deletedAt: null };
      outcome.runsCancelled = await endWaitingRuns(tx, sandboxes, now);
      // Asked again after the waiting runs were ended: a worker that took one meanwhile committed first, and is seen.
      await refuseWhileCopying(tx, tenant.id, customerId);
      outcome.ordersCancelled = (await tx.sandbox.updateMany({ where: { ...sandboxes, status: "AWAITING_SETUP" }, data: { status: "CANCELLED", deletedAt: now, ...FORGET_PSEUDONYMS } })).count;
      outcome.endedWithoutCopy = (
        await tx.sandbox.updateMany({ where: { ...sandboxes, databaseName: null, status: { not: "AWAITING_SETUP" } }, data: endedAsDeleted(now) })
      ).count;
      outcome.webhooksRemoved = (await tx.webhookEndpoint.deleteMany({ where: { tenantId: tenant.id } })).count;
      await revokeWorkingTokens(tx, { tenantId: tenant.id }, now);
      await tx.tenant.update({ where: { id: tenant.id }, data: { offboardedAt: now, productionUrlEncrypted: null, sandboxServerId: null } });
      const { deletions: _none, stillCopying: _unknown, accountsDisabled, ...counts } = outcome;
      await recordAudit({ action: "tenant.offboarded", actorId: null, tenantId: tenant.id, targetId: tenant.id, details: { via: "operator CLI", ...counts, accountsDisabled: accountsDisabled.length } }, tx);
    });
    for (const user of lateAccounts) await endAllSessions(user.id);
  }

  const withCopies = await db.sandbox.findMany({ where: { tenantId: tenant.id, deletedAt: null, databaseName: { not: null } }, select: { id: true, name: true }, orderBy: { createdAt: "asc" } });
  for (const sandbox of withCopies) {
    const asked = await requestDeletion(tenant.id, sandbox);
    if (asked === "copying") outcome.stillCopying.push(sandbox.name);
    else if (asked) outcome.deletions.push({ sandboxId: sandbox.id, name: sandbox.name, runId: asked });
  }
  return outcome;
}

/** Ends the waiting runs (all but deletions) of the sandboxes `sandbox` selects, as the customer left; how many. */
async function endWaitingRuns(client: Pick<Prisma.TransactionClient, "sandboxRun" | "sandbox">, sandbox: Prisma.SandboxWhereInput, now: Date): Promise<number> {
  const ended = await cancelWaitingRuns(client, { sandbox, kind: { not: "DELETE" } }, LEFT_WORDS, now);
  // A sandbox whose refresh was waiting still has its copy, until its deletion.
  await client.sandbox.updateMany({ where: { ...sandbox, databaseName: { not: null }, status: "REFRESHING" }, data: { status: "READY" } });
  return ended;
}

/** A copy under way reads production with the URL offboarding forgets: it is stopped first. */
async function refuseWhileCopying(client: Pick<Prisma.TransactionClient, "sandboxRun">, tenantId: string, customerId: string): Promise<void> {
  const copying = await client.sandboxRun.count({ where: { sandbox: { tenantId }, status: "RUNNING", kind: { not: "DELETE" } } });
  if (copying > 0) throw new OffboardingRefused(`${copying} cop${copying === 1 ? "y is" : "ies are"} under way for ${customerId}: stop ${copying === 1 ? "it" : "them"} first (sandbox:cancel), then offboard.`);
}

/**
 * The sandbox's deletion, asked for; null when one already waits or runs (it goes on), and
 * "copying" when a copy of it runs (asked just before the customer was marked as left).
 * A run waiting for its turn then is ended first: it could only fail.
 */
async function requestDeletion(tenantId: string, sandbox: { id: string; name: string }): Promise<string | "copying" | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const { runId } = await requestRun({
        sandboxId: sandbox.id,
        kind: "DELETE",
        requestedById: null,
        options: {},
        enqueue: false,
        alsoInTransaction: (tx: Prisma.TransactionClient) =>
          recordAudit({ action: "sandbox.delete.requested", actorId: null, tenantId, targetId: sandbox.id, details: { via: "operator CLI", name: sandbox.name, offboarding: true } }, tx),
      });
      return runId;
    } catch (error) {
      if (!(error instanceof AppError && error.code === "RUN_IN_PROGRESS")) throw error;
      const active = await db.sandboxRun.findFirst({ where: { sandboxId: sandbox.id, status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true, kind: true, status: true } });
      if (!active || active.kind === "DELETE") return null;
      if (active.status === "RUNNING") return "copying";
      await endWaitingRuns(db, { id: sandbox.id }, await databaseNow());
    }
  }
  return null;
}
