/**
 * After a run: the orderer and the tenant's admins hear that the sandbox is
 * ready, refreshed, deleted, or failed, with the facts they need (the moment of
 * production, how long it took, who has access on which plan, where to sign in;
 * for a failure, what went wrong and what happens next). The people with access
 * are told what changed for them.
 */
import { createElement } from "react";
import { db } from "../db/portal";
import { recordAccessAfterRun, type AccessChange } from "./access";
import { sandboxSignInUrl } from "./sign-in";
import { tellAccessHolders } from "./access-notices";
import { notifyUsers, tenantAdminIds } from "../notifications/notify";
import { RunFinishedMail, runFinishedSubject } from "../emails/run-finished-mail";
import { planLabel } from "../sanitizer/options";
import { writtenOffOf } from "./written-off";
import { log } from "../observability/log";
import { accountsSeeing } from "./visibility";
import { personalDataOf } from "./estimate";

/**
 * Throws only while nobody has been told: the access grants could not be recorded (one
 * transaction: none were), and the follow-up is done again later.
 */
export async function notifyRunFinished(runId: string): Promise<void> {
  const run = await db.sandboxRun.findUniqueOrThrow({
    where: { id: runId },
    select: {
      kind: true,
      status: true,
      error: true,
      failureCode: true,
      options: true,
      report: true,
      requestedById: true,
      startedAt: true,
      finishedAt: true,
      sandbox: {
        select: {
          id: true,
          name: true,
          tenantId: true,
          orderedById: true,
          sandboxCustomerId: true,
          snapshotAt: true,
          tenant: { select: { companyName: true, customerId: true } },
        },
      },
    },
  });
  const { sandbox } = run;
  const succeeded = run.status === "SUCCEEDED";
  const signInUrl = succeeded && run.kind !== "DELETE" ? sandboxSignInUrl(sandbox.sandboxCustomerId) : null;
  // The grants change first, so the mail lists who may sign in after this run.
  const changes: AccessChange[] = succeeded ? await recordAccessAfterRun({ id: runId, kind: run.kind, options: run.options, report: run.report, sandbox }) : [];
  const facts = {
    kind: run.kind,
    succeeded,
    sandboxId: sandbox.id,
    sandboxName: sandbox.name,
    companyName: sandbox.tenant.companyName,
    customerId: sandbox.tenant.customerId,
    snapshotAt: sandbox.snapshotAt,
    tookMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    access: changes.filter((c) => c.event === "granted" || c.event === "renewed").map((c) => ({ fullName: c.fullName, plan: planLabel(c.userPlan), mailed: c.email !== null })),
    signInUrl,
    failure: run.error,
    failureCode: run.failureCode,
    writtenOff: run.kind === "DELETE" ? writtenOffOf(run.options) : null,
  };
  // From here people are told. A failure now is logged, not thrown: thrown, the follow-up would
  // be done again (run-finished.ts), and those already told would hear it again, every few minutes.
  try {
    const involved = await accountsSeeing([sandbox.orderedById, ...(run.requestedById ? [run.requestedById] : [])], sandbox.id);
    const recipients = [...involved, ...(await tenantAdminIds(sandbox.tenantId))];
    await notifyUsers(recipients, { subject: runFinishedSubject(facts), link: `/sandboxes/${sandbox.id}`, mail: createElement(RunFinishedMail, facts) });
    if (changes.length === 0) return;
    await tellAccessHolders(
      { id: sandbox.id, name: sandbox.name, tenantId: sandbox.tenantId, companyName: sandbox.tenant.companyName, snapshotAt: sandbox.snapshotAt, signInUrl, pseudonymised: personalDataOf(run.options) === "pseudonymise" },
      changes,
      recipients,
    );
  } catch (error) {
    log.error({ err: error, runId }, "a finished run's notices were not all sent");
  }
}

