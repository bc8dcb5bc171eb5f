/**
 * A failed run's alert. Its key is the failure's cause (its code and reason) on its sandbox
 * server, not its sandbox: keyed per sandbox, a sandbox server's outage that failed 200
 * sandboxes mailed every operator 200 times, beside the server's own alert. The sandboxes it
 * struck are counted on the alert, and a few named; another cause, or another server, is
 * another alert. It is over once each of its sandboxes has succeeded since (clearRunFailedAlerts).
 */
import { db } from "../db/portal";
import { quoted, listed } from "../untrusted-text";
import { fingerprint, recordAlert, tellOperatorsIfDue, type AlertInput } from "./raise";
import { log } from "../observability/log";

export interface FailedRun {
  id: string;
  kind: string;
  error: string | null;
  failureCode: string | null;
  /** The server the run wrote to, else its sandbox's. */
  serverId: string | null;
  sandbox: { id: string; name: string; tenant: { companyName: string } };
}

/** How many of the sandboxes struck an alert names: the rest are counted, and listed on the Operations page. */
export const SANDBOXES_NAMED = 3;

/** Where the day's failed runs are listed, each linking to its technical details. */
export const FAILED_RUNS_LINK = "/operations#failures-heading";

export const runFailedKey = (run: Pick<FailedRun, "serverId" | "failureCode" | "error">) =>
  `runs-failed:${run.serverId ?? "unplaced"}:${run.failureCode ?? "-"}:${fingerprint(run.error ?? "")}`;

export async function raiseRunFailed(run: FailedRun, now = new Date()): Promise<"notified" | "counted"> {
  const one = describeOne(run);
  const sandboxIds = await recordAlert(one, now, run.sandbox.id);
  const alert = sandboxIds.length > 1 ? await describeMany(run, sandboxIds) : one;
  if (alert !== one) {
    // Only the raise that saw the latest count writes its words: two at once never leave the smaller count.
    await db.$executeRaw`UPDATE "Alert" SET subject = ${alert.subject}, detail = ${alert.detail}, link = ${alert.link ?? null}
      WHERE key = ${alert.key} AND cardinality("sandboxIds") = ${sandboxIds.length}`;
  }
  return tellOperatorsIfDue(alert, now);
}

/** Best effort: an alert that cannot be raised is logged, and never fails the run's follow-up. */
export async function raiseRunFailedQuietly(run: FailedRun): Promise<void> {
  await raiseRunFailed(run).catch((error: unknown) => log.error({ err: error, runId: run.id }, "alert could not be raised"));
}

function describeOne(run: FailedRun): AlertInput {
  return {
    key: runFailedKey(run),
    subject: `${run.kind.toLowerCase()} of sandbox "${run.sandbox.name}" (${run.sandbox.tenant.companyName}) failed`,
    detail: `${run.error ?? "No reason was recorded."}\n\nThe technical details are on the operations page.`,
    link: `/operations/runs/${run.id}`,
  };
}

async function describeMany(run: FailedRun, sandboxIds: string[]): Promise<AlertInput> {
  const [server, named] = await Promise.all([
    run.serverId ? db.sandboxServer.findUnique({ where: { id: run.serverId }, select: { name: true } }) : null,
    db.sandbox.findMany({ where: { id: { in: sandboxIds.slice(0, SANDBOXES_NAMED) } }, select: { name: true, tenant: { select: { companyName: true } } }, orderBy: { name: "asc" } }),
  ]);
  const where = server ? ` on sandbox server ${quoted(server.name)}` : "";
  const names = named.map((s) => `${quoted(s.name)} (${s.tenant.companyName})`);
  const more = sandboxIds.length - names.length;
  return {
    key: runFailedKey(run),
    subject: `runs of ${sandboxIds.length} sandboxes failed the same way${where}`,
    detail:
      `${run.error ?? "No reason was recorded."}\n\n` +
      `Sandboxes: ${listed(names)}${more > 0 ? ` and ${more} more` : ""}. ` +
      "The operations page lists the failed runs, each with its technical details.",
    link: FAILED_RUNS_LINK,
  };
}
