/**
 * After a run: the orderer and the tenant's admins hear that the sandbox is
 * ready, refreshed, deleted, or failed, with its sign-in address when there is a
 * copy to sign in to; the people with access are told what changed for them.
 */
import { db } from "../db/portal";
import { recordAccessAfterRun } from "./access";
import { sandboxSignInUrl } from "./sign-in";
import { tellAccessHolders } from "./access-notices";
import { notifyUsers, tenantAdminIds } from "../notifications/notify";

export async function notifyRunFinished(runId: string): Promise<void> {
  const run = await db.sandboxRun.findUniqueOrThrow({
    where: { id: runId },
    select: {
      kind: true,
      status: true,
      error: true,
      options: true,
      requestedById: true,
      sandbox: {
        select: { id: true, name: true, tenantId: true, orderedById: true, sandboxCustomerId: true, snapshotAt: true, tenant: { select: { companyName: true } } },
      },
    },
  });
  const { sandbox } = run;
  const succeeded = run.status === "SUCCEEDED";
  const signInUrl = succeeded && run.kind !== "DELETE" ? sandboxSignInUrl(sandbox.sandboxCustomerId) : null;
  const what = { PROVISION: "is ready", REFRESH: "has been refreshed", DELETE: "has been deleted" }[run.kind];
  const subject = succeeded ? `Sandbox "${sandbox.name}" ${what}` : `Sandbox "${sandbox.name}": ${run.kind.toLowerCase()} failed`;
  const text = succeeded
    ? `Your sandbox "${sandbox.name}" ${what}.${signInUrl ? ` Sign in at ${signInUrl}` : ""}`
    : `The ${run.kind.toLowerCase()} of sandbox "${sandbox.name}" failed. ${run.error ?? ""}`.trim();
  const recipients = [sandbox.orderedById, ...(run.requestedById ? [run.requestedById] : []), ...(await tenantAdminIds(sandbox.tenantId))];
  await notifyUsers(recipients, { subject, text, link: `/sandboxes/${sandbox.id}` });

  if (!succeeded) return;
  const changes = await recordAccessAfterRun({ kind: run.kind, options: run.options, sandbox });
  await tellAccessHolders(
    { id: sandbox.id, name: sandbox.name, tenantId: sandbox.tenantId, companyName: sandbox.tenant.companyName, snapshotAt: sandbox.snapshotAt, signInUrl },
    changes,
  );
}
