import type { Metadata } from "next";
import Link from "next/link";
import { BackLink } from "@/components/back-link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { requireActor } from "@/lib/auth/actor";
import { canActOnTenant, isStaff } from "@/lib/auth/policy";
import { getLatestReport, getProgressSnapshot, getRunReport, getSandboxForActor, keptTaskNames, listRuns, sandboxNameForActor } from "@/lib/sandboxes/queries";
import { StatusBadge } from "@/components/status-badge";
import { viewerWhen } from "@/lib/viewer-time-zone";
import { nextRegularRefresh } from "@/lib/sandboxes/regular-refresh";
import { OpenSandboxLink } from "@/components/open-sandbox-link";
import { DangerSection } from "@/components/danger-section";
import { listOpenAccess } from "@/lib/sandboxes/access";
import { sandboxSignInUrl } from "@/lib/sandboxes/sign-in";
import { hasUsableCopy } from "@/lib/sandboxes/sign-in";
import { FAILURES_NEEDING_A_MATCH } from "@/lib/sandboxes/retry-rules";
import { CANCEL_PERMISSION } from "@/lib/sandboxes/cancel-rules";
import { RUN_NOUN } from "@/lib/sandboxes/labels";
import { wasCancelled } from "@/lib/jobs/failure";
import { canManageOrder, isOpenOrder } from "@/lib/orders/policy";
import { AccessList } from "./_components/access-list";
import { AutoRefreshForm } from "./_components/auto-refresh-form";
import { CancelRunButton } from "./_components/cancel-run-button";
import { Checklist } from "./_components/checklist";
import { DeleteForm } from "./_components/delete-form";
import { LiveProgress } from "./_components/live-progress";
import { RefreshDialog } from "./_components/refresh-dialog";
import { RetryButton } from "./_components/retry-button";
import { RunHistory } from "./_components/run-history";
import { SandboxFacts } from "./_components/sandbox-facts";
import { SanitizationReport } from "./_components/sanitization-report";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ run?: string | string[]; history?: string | string[] }> };

/** The sandbox's name in the title: moving from one sandbox to another is then said, and tabs tell them apart. */
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const name = await sandboxNameForActor(await requireActor("sandbox.view"), (await params).id);
  return { title: name ? `${name} · Sandbox` : "Sandbox" };
}

/** The history's page asked for: a whole number from 1, else the first. */
function historyPage(param: string | string[] | undefined): number {
  return typeof param === "string" && /^[1-9]\d{0,5}$/.test(param) ? Number(param) : 1;
}

export default async function SandboxPage({ params, searchParams }: Props) {
  const when = await viewerWhen();
  const actor = await requireActor("sandbox.view");
  const { id } = await params;
  const { run: runParam, history: historyParam } = await searchParams;
  const sandbox = await getSandboxForActor(actor, id);
  if (!sandbox) notFound();

  const can = (permission: Parameters<typeof canActOnTenant>[1]) => canActOnTenant(actor, permission, sandbox.tenantId);
  const [history, taskNames, snapshot, shown, access] = await Promise.all([
    listRuns(sandbox.id, historyPage(historyParam)),
    keptTaskNames(sandbox.id),
    getProgressSnapshot(actor, sandbox.id),
    typeof runParam === "string" ? getRunReport(actor, sandbox.id, runParam) : getLatestReport(actor, sandbox.id),
    listOpenAccess(sandbox.id),
  ]);
  const latest = history.latest;
  const active = latest && (latest.status === "QUEUED" || latest.status === "RUNNING");
  const failed = latest?.status === "FAILED" ? latest : null;
  const cancelled = failed !== null && wasCancelled(failed);
  const retryChecksFirst = Boolean(failed?.failureCode && FAILURES_NEEDING_A_MATCH.has(failed.failureCode));
  // A cancelled order is as gone as a deleted sandbox: nothing more is run for either.
  const deleted = sandbox.deletedAt !== null;
  // An order waiting for its setup has no database to delete: it is cancelled, from its order's page.
  const openOrder = isOpenOrder(sandbox);
  const managesOrder = canManageOrder(actor, sandbox);
  // Not while a deletion is under way: its database goes before the sandbox is marked deleted.
  const usable = hasUsableCopy(sandbox);
  const ready = sandbox.status === "READY" && usable;
  const signInUrl = usable ? sandboxSignInUrl(sandbox.sandboxCustomerId) : null;

  return (
    <div className="space-y-6">
      {/* Said to a screen reader when the page is rendered again as a run ends (LiveProgress refreshes it then). */}
      <p role="status" className="sr-only" data-testid="run-outcome">
        {latest && !active ? runOutcome(latest.kind, latest.status === "SUCCEEDED" ? "finished" : cancelled ? "was cancelled" : "failed") : ""}
      </p>
      <div>
        <BackLink href="/sandboxes">Sandboxes</BackLink>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold">{sandbox.name}</h1>
          <span data-testid="sandbox-status">
            <StatusBadge status={sandbox.shown} />
          </span>
          {signInUrl && (
            <span className="sm:ml-auto">
              <OpenSandboxLink url={signInUrl} />
            </span>
          )}
        </div>
        <SandboxFacts sandbox={sandbox} showCustomer={isStaff(actor)} signInUrl={signInUrl} />
      </div>

      {sandbox.status === "AWAITING_SETUP" && (
        <p className="flex flex-wrap items-center gap-3 rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm">
          This sandbox is waiting for its setup: who gets access, where e-mail goes, what comes along.
          {can("sandbox.configure") && (
            <Link href={`/sandboxes/${sandbox.id}/setup`} className="rounded-md bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700">
              Continue the setup
            </Link>
          )}
          {managesOrder && (
            <Link href={`/orders/${sandbox.id}`} className="font-medium text-brand-700 underline">
              Change or cancel the order
            </Link>
          )}
        </p>
      )}
      {sandbox.status === "CANCELLED" && (
        <p className="rounded-lg border border-slate-200 bg-slate-50 p-4 text-sm" data-testid="sandbox-order-cancelled">
          This order was cancelled before its setup was confirmed: nothing was copied, and nothing more is run for it.
        </p>
      )}

      {active && snapshot && <LiveProgress key={snapshot.run?.id} sandboxId={sandbox.id} initial={snapshot} />}
      {latest?.status === "QUEUED" && can(CANCEL_PERMISSION[latest.kind]) && (
        <p className="-mt-3 flex flex-wrap items-center gap-3 text-sm text-slate-700">
          Nothing of it has been made yet.
          <CancelRunButton sandboxId={sandbox.id} kind={latest.kind} running={false} />
        </p>
      )}
      {/* A deletion under way cannot be stopped: half a drop is no state to leave a sandbox in. */}
      {latest?.status === "RUNNING" && latest.kind !== "DELETE" && !latest.stopReason && can(CANCEL_PERMISSION[latest.kind]) && (
        <div className="-mt-3 flex flex-wrap items-center gap-3 text-sm text-slate-700">
          {latest.kind === "REFRESH" ? "Stopping it keeps the current copy as it is." : "Stopping it leaves no sandbox database; it can be started again."}
          <CancelRunButton sandboxId={sandbox.id} kind={latest.kind} running />
        </div>
      )}

      {failed && cancelled && (
        <section aria-labelledby="failure-heading" className="rounded-lg border border-slate-200 bg-slate-50 p-4" data-testid="run-cancelled">
          <h2 id="failure-heading" className="text-lg font-semibold">
            The last {RUN_NOUN[failed.kind]} was cancelled
          </h2>
          <p className="mt-1 text-sm text-slate-800">{failed.error}</p>
          {failed.kind === "REFRESH" && sandbox.databaseName && <p className="mt-1 text-sm text-slate-800">The current copy is still ready to use.</p>}
          {/* A cancelled deletion is started again from the danger zone, with the name typed, as any deletion. */}
          {failed.kind !== "DELETE" && can("sandbox.retry") && (
            <div className="mt-3">
              {/* A refresh stopped in the wizard's refresh mode had choices of its own, which are not saved: say which it takes. */}
              {failed.kind === "REFRESH" && (
                <p className="mb-2 text-sm text-slate-700">Started again, it takes the choices it had; “Change the choices and refresh” takes others.</p>
              )}
              <RetryButton sandboxId={sandbox.id} again />
            </div>
          )}
        </section>
      )}

      {failed && !cancelled && (
        <section aria-labelledby="failure-heading" className="rounded-lg border border-red-200 bg-red-50 p-4" data-testid="run-failure">
          <h2 id="failure-heading" className="text-lg font-semibold text-red-900">
            The last {RUN_NOUN[failed.kind]} failed
          </h2>
          <p className="mt-1 text-sm text-red-900">{failed.error ?? "The run stopped without a reason. Retry; if it fails again, contact support."}</p>
          {failed.kind === "REFRESH" && sandbox.databaseName && (
            <p className="mt-1 text-sm text-slate-800">The previous copy was not touched and is still ready to use.</p>
          )}
          {failed.kind === "REFRESH" && failed.failureCode === "DRIFT" && ready && can("sandbox.configure") && (
            <p className="mt-1 text-sm text-slate-800" data-testid="drift-choices">
              You can decide what happens to them yourself: the review step of{" "}
              <Link href={`/sandboxes/${sandbox.id}/setup?mode=refresh`} className="font-medium text-brand-700 underline">
                Change the choices and refresh
              </Link>{" "}
              lists them, and that refresh copies with your choices.
            </p>
          )}
          {failed.kind === "REFRESH" && failed.failureCode === "INVALID_OPTIONS" && ready && can("sandbox.refresh") && (
            <p className="mt-1 text-sm text-slate-800" data-testid="choose-again">
              A retry takes the same choices and would fail the same way: choose again with{" "}
              <Link href={`/sandboxes/${sandbox.id}/setup?mode=refresh`} className="font-medium text-brand-700 underline">
                Change the choices and refresh
              </Link>
              .
            </p>
          )}
          {retryChecksFirst && (
            <p className="mt-1 text-sm text-slate-800">
              Retrying as it is would fail the same way. A retry first checks production again, and starts only once everything in it is known.
            </p>
          )}
          <div className="mt-3">
            {can("sandbox.retry") ? (
              <RetryButton sandboxId={sandbox.id} checksFirst={retryChecksFirst} />
            ) : (
              <p className="text-sm text-slate-800">{isStaff(actor) ? "The customer's admins or an operator can retry it." : "Ask your administrator to retry it."}</p>
            )}
          </div>
        </section>
      )}

      {ready && can("sandbox.refresh") && (
        <section aria-labelledby="manage-heading" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="manage-heading" className="text-lg font-semibold">
            Refresh
          </h2>
          {can("sandbox.refresh") && (
            <div className="mt-2 space-y-4">
              <p className="text-sm text-slate-700">
                A refresh overwrites the sandbox with a new production copy. App authorizations and webhooks made in the sandbox are kept,
                and the current copy stays usable until the new one is verified.
              </p>
              <div className="flex flex-wrap items-center gap-3">
                {!active && <RefreshDialog sandboxId={sandbox.id} sandboxName={sandbox.name} />}
                {can("sandbox.configure") && !active && (
                  <Link href={`/sandboxes/${sandbox.id}/setup?mode=refresh`} className="text-sm font-medium text-brand-700 underline">
                    Change the choices and refresh
                  </Link>
                )}
              </div>
              <AutoRefreshForm
                sandboxId={sandbox.id}
                day={sandbox.autoRefreshDay}
                next={sandbox.autoRefreshDay === null ? null : when(nextRegularRefresh(sandbox.autoRefreshDay))}
              />
            </div>
          )}
        </section>
      )}

      {ready && (
        <Suspense fallback={<p className="text-sm text-slate-600">Reading the checklist from the sandbox…</p>}>
          <Checklist
            sandbox={{ id: sandbox.id, tenantId: sandbox.tenantId, databaseName: sandbox.databaseName!, sandboxCustomerId: sandbox.sandboxCustomerId, options: sandbox.options }}
            canFix={can("checklist.fix")}
          />
        </Suspense>
      )}

      {!deleted && sandbox.confirmedAt && <AccessList people={access} />}

      {shown && <SanitizationReport sandboxId={sandbox.id} runId={shown.id} report={shown.report} finishedAt={shown.finishedAt} />}

      <RunHistory sandboxId={sandbox.id} history={history} shownReportRunId={shown?.id ?? null} taskNames={taskNames} />

      {!deleted && !openOrder && !active && can("sandbox.delete") && (
        <DangerSection id="delete-heading" heading="Delete this sandbox">
          <DeleteForm sandboxId={sandbox.id} sandboxName={sandbox.name} />
        </DangerSection>
      )}
    </div>
  );
}

/** A run's end, in the words a screen reader says as the page shows it. */
function runOutcome(kind: keyof typeof RUN_NOUN, outcome: "finished" | "was cancelled" | "failed"): string {
  return `The ${RUN_NOUN[kind]} ${outcome}.`;
}
