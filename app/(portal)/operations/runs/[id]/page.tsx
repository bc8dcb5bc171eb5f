import type { Metadata } from "next";
import Link from "next/link";
import { BackLink } from "@/components/back-link";
import { notFound } from "next/navigation";
import { requireActor } from "@/lib/auth/actor";
import { formatBytes } from "@/lib/format";
import { viewerWhen } from "@/lib/viewer-time-zone";
import { getRunForOperators } from "@/lib/operations/queries";
import { shownRunStatus, wasCancelled } from "@/lib/jobs/failure";

export const metadata: Metadata = { title: "Run details" };

/** A run as operators see it: everything the customer sees, plus the technical cause of a failure. */
export default async function RunDetailsPage({ params }: { params: Promise<{ id: string }> }) {
  const when = await viewerWhen();
  await requireActor("operations.view");
  const run = await getRunForOperators((await params).id);
  if (!run) notFound();
  const facts: [string, string][] = [
    ["Customer", `${run.sandbox.tenant.companyName} (${run.sandbox.tenant.customerId})`],
    ["Kind", run.kind.toLowerCase()],
    // A run its customer cancelled or stopped ends FAILED in the database, and is shown as everywhere else: cancelled.
    ["Status", shownRunStatus(run).toLowerCase()],
    ["Requested by", run.requestedBy ? `${run.requestedBy.name} (${run.requestedBy.email})` : "the system (regular refresh or operator CLI)"],
    ["Queued", when(run.createdAt)],
    ["Started", when(run.startedAt)],
    ["Finished", when(run.finishedAt)],
    ["Attempts", String(run.attempts)],
    ["Worker", run.workerId ?? "—"],
    ["Last heartbeat", when(run.heartbeatAt)],
    // Set while recovery waits for the sandbox server to drop the lost run's half-made copy.
    ...(run.lostAt ? ([["Worker found lost", when(run.lostAt)]] as [string, string][]) : []),
    // The copy's expected size, held against its sandbox server's size cap while it ran.
    ...(run.reservedBytes !== null ? ([[run.finishedAt ? "Room it reserved while it ran" : "Room reserved on its sandbox server", formatBytes(run.reservedBytes)]] as [string, string][]) : []),
    // What an attempt asked for and was refused: the next attempt asks for at least as much.
    ...(run.roomRefusedBytes !== null ? ([["Room refused an attempt", formatBytes(run.roomRefusedBytes)]] as [string, string][]) : []),
    // Its customer asked to stop the copy while it ran: its worker ends it with these words.
    ...(run.stopReason ? ([["Stop asked", run.stopReason]] as [string, string][]) : []),
  ];
  return (
    <section aria-labelledby="run-heading" className="space-y-6">
      <div>
        <BackLink href="/operations">Operations</BackLink>
        <h1 id="run-heading" className="mt-1 text-2xl font-semibold">
          Run of sandbox “<Link href={`/sandboxes/${run.sandbox.id}`} className="underline">{run.sandbox.name}</Link>”
        </h1>
      </div>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt className="text-slate-600">{label}</dt>
            <dd className="font-medium">{value}</dd>
          </div>
        ))}
      </dl>
      {run.error && (
        <section aria-labelledby="customer-words">
          <h2 id="customer-words" className="text-lg font-semibold">What the customer was told</h2>
          <p className="mt-1 text-sm">{run.error}</p>
        </section>
      )}
      <section aria-labelledby="technical">
        <h2 id="technical" className="text-lg font-semibold">Technical details (operators only)</h2>
        {run.failureDetail ? (
          <pre data-testid="failure-detail" className="mt-2 max-h-96 overflow-auto rounded-md bg-slate-900 p-3 text-xs whitespace-pre-wrap text-slate-100">
            {run.failureDetail}
          </pre>
        ) : (
          <p className="mt-1 text-sm text-slate-700">
            {wasCancelled(run) ? "None: its customer cancelled it, or stopped it while it ran." : `None recorded${run.status === "FAILED" ? " (the run failed before details were kept)" : ""}.`}
          </p>
        )}
      </section>
    </section>
  );
}
