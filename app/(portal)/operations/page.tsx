import type { Metadata } from "next";
import Link from "next/link";
import { DataTable, EmptyState } from "@/components/data-table";
import { requireActor } from "@/lib/auth/actor";
import { formatDuration, type WhenFormatter } from "@/lib/format";
import { viewerWhen } from "@/lib/viewer-time-zone";
import { ALERTS_SHOWN_DAYS, getOperationsOverview, type OperationsOverview, SERVER_PROBE_MS, SERVER_PROBE_REUSE_MS, succeededSince } from "@/lib/operations/queries";
import { describeSizeUse, intakeOf, ofCapacity } from "@/lib/sandbox-servers/use";
import { failuresToRetry, RETRY_BATCH, type FailuresToRetry } from "@/lib/operations/retry-failures";
import { RetryFailures } from "./_components/retry-failures-button";

export const metadata: Metadata = { title: "Operations" };

const INTAKE_LABEL = { active: "Active", draining: "Draining", full: "Full: takes no new sandboxes" } as const;

const seconds = (s: number | null) => (s === null ? "—" : formatDuration(s * 1000));

export default async function OperationsPage() {
  const when = await viewerWhen();
  await requireActor("operations.view");
  const o = await getOperationsOverview();
  const toRetry = await failuresToRetry(o.now);
  const now = o.now.getTime();
  return (
    <section aria-labelledby="operations-heading" className="space-y-8">
      <div>
        <h1 id="operations-heading" className="text-2xl font-semibold">Operations</h1>
        <p className="mt-1 text-sm text-slate-600">
          The queue, the workers and the sandbox servers, as the portal database records them; whether each server answers is asked live, for at most{" "}
          {SERVER_PROBE_MS / 1000} s and at most once every {SERVER_PROBE_REUSE_MS / 1000} s.
        </p>
      </div>

      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Runs">
        <Figure label="Queued" value={o.queued} />
        <Figure label="Running" value={o.running} />
        <Figure label="Failed, last 24 h" value={o.failed24h} tone={o.failed24h > 0 ? "bad" : undefined} />
        <Figure label="Copy time, median (7 days)" value={seconds(o.durations.p50)} />
        <Figure label="Copy time, 95th percentile" value={seconds(o.durations.p95)} />
        <Figure label="Workers alive" value={o.workers.length} tone={o.workers.length === 0 ? "bad" : undefined} />
      </dl>

      <section aria-labelledby="queue-heading">
        <h2 id="queue-heading" className="text-lg font-semibold">Longest wait for a worker</h2>
        {o.oldestOverdue ? (
          <p className="mt-1 text-sm">
            <Link href={`/operations/runs/${o.oldestOverdue.id}`} className="text-brand-700 underline">
              {o.oldestOverdue.kind.toLowerCase()} of “{o.oldestOverdue.sandbox.name}” ({o.oldestOverdue.sandbox.tenant.companyName})
            </Link>
            , its turn came {formatDuration(o.oldestOverdue.overdueMs)} ago and no worker has taken it.
          </p>
        ) : (
          <p className="mt-1 text-sm text-slate-700">No run whose turn has come is waiting for a worker.</p>
        )}
        <p className="mt-1 text-xs text-slate-600">
          Queued runs waiting on purpose (a retry&apos;s back-off, a slot of their customer or server, room on it) are not counted: their turn has not come.
        </p>
      </section>

      <section aria-labelledby="workers-heading">
        <h2 id="workers-heading" className="text-lg font-semibold">Workers alive</h2>
        {o.workers.length === 0 ? (
          <EmptyState>No worker has reported in the last minute: queued runs will wait.</EmptyState>
        ) : (
          <DataTable caption="Workers alive" className="mt-2" columns={["Worker", "Host", "Runs at once", "Started", "Last heartbeat"]}>
            {o.workers.map((w) => (
              <tr key={w.id}>
                <td className="px-3 py-2 font-mono text-xs">{w.id}</td>
                <td className="px-3 py-2">{w.hostname} (pid {w.pid})</td>
                <td className="px-3 py-2">{w.concurrency}</td>
                <td className="px-3 py-2">{when(w.startedAt)}</td>
                <td className="px-3 py-2">{formatDuration(now - w.beatAt.getTime())} ago</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="servers-heading">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="servers-heading" className="text-lg font-semibold">Sandbox servers</h2>
          <Link href="/operations/servers" className="text-sm text-brand-700 underline">Register, size or drain servers</Link>
        </div>
        <DataTable caption="Sandbox servers" className="mt-2" columns={["Server", "State", "Sandboxes", "Total size", "Copies now", "Answers"]}>
          {o.servers.map((s) => (
            <ServerRow key={s.id} server={s} />
          ))}
        </DataTable>
        <p className="mt-1 text-xs text-slate-600">
          Sandboxes and sizes as recorded, with the room the copies under way reserved (free disk is not readable by the sandbox role); an order
          waiting for its setup already holds its place.
        </p>
      </section>

      <section aria-labelledby="alerts-heading">
        <h2 id="alerts-heading" className="text-lg font-semibold">Alerts, last {ALERTS_SHOWN_DAYS} days</h2>
        {o.recentAlerts.length === 0 ? (
          <EmptyState>No alert was raised in the last {ALERTS_SHOWN_DAYS} days.</EmptyState>
        ) : (
          <DataTable caption="Alerts" className="mt-2" columns={["Last raised", "Alert", "First raised", "Times"]}>
            {o.recentAlerts.map((a) => (
              <tr key={a.key} data-testid="alert-row">
                <td className="px-3 py-2 whitespace-nowrap">
                  {when(a.lastAt)}
                  {a.clearedAt && <span className="block text-green-800">Over since {when(a.clearedAt)}</span>}
                </td>
                <td className="px-3 py-2">
                  {a.link ? (
                    <Link href={a.link} className="font-medium text-brand-700 underline">
                      {a.subject}
                    </Link>
                  ) : (
                    <span className="font-medium">{a.subject}</span>
                  )}
                  <span className="block text-slate-700">{a.detail}</span>
                </td>
                <td className="px-3 py-2 whitespace-nowrap">{when(a.firstAt)}</td>
                <td className="px-3 py-2">{a.occurrences}</td>
              </tr>
            ))}
          </DataTable>
        )}
        <p className="mt-1 text-xs text-slate-600">While its condition goes on, an alert is mailed to every operator once a day at most and counted each time it is found again; once over (a server answering, the queue taken from, each sandbox&apos;s next run succeeding), its return is mailed at once. Runs failing for one reason on one sandbox server are one alert, whichever sandboxes they are of.</p>
      </section>

      <section aria-labelledby="failures-heading">
        <h2 id="failures-heading" className="text-lg font-semibold">Failed runs, last 24 hours</h2>
        <RetrySummary toRetry={toRetry} />
        <RetryFailures sandboxIds={toRetry.retryable.slice(0, RETRY_BATCH)} />
        {o.recentFailures.length === 0 ? (
          <EmptyState>No run failed in the last 24 hours.</EmptyState>
        ) : (
          <DataTable caption="Failed runs" className="mt-2" columns={["When", "Customer", "Sandbox", "Run", "Reason shown to the customer"]}>
            {o.recentFailures.map((r) => (
              <FailedRunRow key={r.id} run={r} when={when} />
            ))}
          </DataTable>
        )}
      </section>
    </section>
  );
}

function Figure({ label, value, tone }: { label: string; value: string | number; tone?: "bad" }) {
  return (
    <div className={`rounded-lg border bg-white p-3 ${tone === "bad" ? "border-red-300" : "border-slate-200"}`}>
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className={`mt-1 text-xl font-semibold ${tone === "bad" ? "text-red-800" : ""}`}>{value}</dd>
    </div>
  );
}

/** Whether a server answers; a refused one is never asked, and the operator is told what to set anew. */
function ServerRow({ server: s }: { server: OperationsOverview["servers"][number] }) {
  const intake = intakeOf(s);
  return (
    <tr data-testid="server-row">
      <td className="px-3 py-2">
        {s.name} <span className="block font-mono text-xs text-slate-600">{s.address}</span>
      </td>
      <td className={`px-3 py-2 ${intake === "full" ? "font-semibold text-red-800" : ""}`}>{INTAKE_LABEL[intake]}</td>
      <td className="px-3 py-2">{ofCapacity(s.databases, s.maxDatabases)}</td>
      <td className="px-3 py-2">{describeSizeUse(s)}</td>
      <td className="px-3 py-2">{ofCapacity(s.runsInFlight, s.runCap)}</td>
      <td className={`px-3 py-2 ${s.reachable ? "" : "font-semibold text-red-800"}`}>{answersWords(s)}</td>
    </tr>
  );
}

function FailedRunRow({ run: r, when }: { run: OperationsOverview["recentFailures"][number]; when: WhenFormatter }) {
  const since = succeededSince(r);
  return (
    <tr data-testid="failed-run">
      <td className="px-3 py-2 whitespace-nowrap">{when(r.finishedAt)}</td>
      <td className="px-3 py-2">{r.sandbox.tenant.companyName}</td>
      <td className="px-3 py-2">{r.sandbox.name}</td>
      <td className="px-3 py-2">
        <Link href={`/operations/runs/${r.id}`} className="text-brand-700 underline">
          {r.kind.toLowerCase()}: technical details<span className="sr-only"> of {r.sandbox.name} ({r.sandbox.tenant.companyName})</span>
        </Link>
      </td>
      <td className="px-3 py-2 text-slate-700">
        {r.error}
        {since && <span className="block font-medium text-green-800">Succeeded since, {when(since)}.</span>}
      </td>
    </tr>
  );
}

function answersWords(server: { reachable: boolean; refusedTls: boolean }): string {
  if (server.refusedTls) return "No: refused, its URL has no checked TLS (REQUIRE_DATABASE_TLS). Set it anew with sslmode=verify-full.";
  return server.reachable ? "Yes" : "No: unreachable";
}

const sandboxes = (n: number) => (n === 1 ? "1 sandbox's last run" : `${n} sandboxes' last runs`);

/** Which of the day's failures a retry can mend, and why the others are left to each run's page. */
function RetrySummary({ toRetry }: { toRetry: FailuresToRetry }) {
  const { retryable, needProductionChecked, needALook } = toRetry;
  if (retryable.length + needProductionChecked + needALook === 0) return null;
  return (
    <p className="mt-1 text-sm text-slate-700" data-testid="retry-summary">
      {retryable.length > 0
        ? `${sandboxes(retryable.length)} failed for a passing reason (a server or production out of reach, busy or out of room, a worker lost)${retryable.length > RETRY_BATCH ? `: the ${RETRY_BATCH} waiting longest are retried first` : ""}.`
        : "No sandbox's last run failed for a passing reason."}
      {needProductionChecked > 0 && ` ${sandboxes(needProductionChecked)} failed because production no longer matched what the copy knows: a retry checks production first, from the sandbox's page.`}
      {needALook > 0 && ` ${sandboxes(needALook)} failed for a reason a retry would repeat, or that needs a look first: see each run's technical details.`}
    </p>
  );
}
