/** After a run: the orderer and the tenant's admins hear that the sandbox is ready, refreshed, deleted, or failed. */
import { db } from "../db/portal";
import { notifyUsers, tenantAdminIds } from "./notify";

export async function notifyRunFinished(runId: string): Promise<void> {
  const run = await db.sandboxRun.findUniqueOrThrow({
    where: { id: runId },
    select: {
      kind: true,
      status: true,
      error: true,
      requestedById: true,
      sandbox: { select: { id: true, name: true, tenantId: true, orderedById: true } },
    },
  });
  const { sandbox } = run;
  const what = { PROVISION: "is ready", REFRESH: "has been refreshed", DELETE: "has been deleted" }[run.kind];
  const subject =
    run.status === "SUCCEEDED" ? `Sandbox "${sandbox.name}" ${what}` : `Sandbox "${sandbox.name}": ${run.kind.toLowerCase()} failed`;
  const text =
    run.status === "SUCCEEDED"
      ? `Your sandbox "${sandbox.name}" ${what}.`
      : `The ${run.kind.toLowerCase()} of sandbox "${sandbox.name}" failed. ${run.error ?? ""}`.trim();
  const recipients = [sandbox.orderedById, ...(run.requestedById ? [run.requestedById] : []), ...(await tenantAdminIds(sandbox.tenantId))];
  await notifyUsers(recipients, { subject, text, link: `/sandboxes/${sandbox.id}` });
}
