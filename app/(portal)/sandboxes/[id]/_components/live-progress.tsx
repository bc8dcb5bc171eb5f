"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { formatBytes, formatDuration } from "@/lib/format";
import type { ProgressSnapshot } from "@/lib/sandboxes/queries";
import { pageIsBehind } from "@/lib/sandboxes/progress-sync";
import { progressAnnouncement } from "@/lib/sandboxes/progress-announcement";
import type { ProgressStep } from "@/lib/sanitizer/progress";

const POLL_MS = 1500;
const KIND_LABEL: Record<string, string> = { PROVISION: "Creating the sandbox", REFRESH: "Refreshing the sandbox", DELETE: "Deleting the sandbox" };
const STATE_LABEL: Record<ProgressStep["state"], string> = { pending: "Waiting", running: "Running", done: "Done", failed: "Failed", skipped: "Skipped", stopped: "Stopped" };
const STATE_TONE: Record<ProgressStep["state"], string> = {
  pending: "text-slate-600",
  running: "text-blue-800 font-semibold",
  done: "text-green-800",
  failed: "text-red-700 font-semibold",
  skipped: "text-slate-500",
  stopped: "text-slate-700",
};
const isActive = (status: string | undefined) => status === "QUEUED" || status === "RUNNING";
/** Polls missed in a row before the page says it has lost contact (one missed poll is no news). */
const MISSES_SHOWN = 3;
/** Why the page no longer follows the run, in the user's words; null while it does. */
type LostContact = null | "session" | "gone" | "retrying";
const LOST_TEXT: Record<Exclude<LostContact, null>, string> = {
  session: "Your session has ended, so this page no longer follows the run (the run goes on). Sign in again to follow it.",
  gone: "This sandbox can no longer be shown to you. Reload the page.",
  retrying: "Lost contact with the portal: the figures below may be behind. Trying again…",
};
const number = new Intl.NumberFormat("en-GB");

/**
 * The running job, polled every 1.5 s from the progress route; when the run
 * ends, polling stops and the page's server data is refreshed once.
 */
export function LiveProgress({ sandboxId, initial }: { sandboxId: string; initial: ProgressSnapshot }) {
  const router = useRouter();
  // Times are measured on the server's clock; the browser only adds how long ago the snapshot arrived.
  const [{ snapshot, receivedAt }, setLatest] = useState<{ snapshot: ProgressSnapshot; receivedAt: number | null }>({ snapshot: initial, receivedAt: null });
  const [now, setNow] = useState<number | null>(null);
  const [lost, setLost] = useState<LostContact>(null);
  const active = isActive(snapshot.run?.status);

  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let shown = initial;
    let missed = 0;
    const miss = () => {
      missed += 1;
      if (missed >= MISSES_SHOWN) setLost("retrying");
    };
    const poll = async () => {
      try {
        const response = await fetch(`/api/sandboxes/${sandboxId}/progress`, { cache: "no-store" });
        if (stopped) return;
        // A signed-out session or a sandbox no longer shown does not come back by polling: stop and say so.
        if (response.status === 401 || response.status === 403 || response.status === 404) {
          stopped = true;
          clearInterval(timer);
          setLost(response.status === 404 ? "gone" : "session");
          return;
        }
        if (!response.ok) return miss();
        const next = (await response.json()) as ProgressSnapshot;
        missed = 0;
        setLost(null);
        setLatest({ snapshot: next, receivedAt: Date.now() });
        if (!isActive(next.run?.status)) {
          stopped = true;
          router.refresh();
        } else if (pageIsBehind(shown, next)) {
          // The badge, facts and history row are server-rendered: re-render them as soon as the
          // sandbox's status or the run's moves, so the page never disagrees with itself.
          shown = next;
          router.refresh();
        }
      } catch {
        // A missed poll is fine: the next one catches up. Several in a row are said.
        if (!stopped) miss();
      }
    };
    const timer = setInterval(() => void poll(), POLL_MS);
    const clock = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
      clearInterval(clock);
    };
  }, [active, sandboxId, router, initial]);

  const run = snapshot.run;
  if (!run) return null;
  const percent = Math.round(snapshot.fraction * 100);
  // A queued run's startedAt is an earlier attempt's: it has not started again (queries.ts getProgressSnapshot).
  const startedAt = run.startedAt && run.status !== "QUEUED" ? new Date(run.startedAt).getTime() : null;
  const sinceSnapshot = now !== null && receivedAt !== null ? Math.max(0, now - receivedAt) : 0;
  const elapsedMs = startedAt ? Math.max(0, new Date(snapshot.now).getTime() - startedAt + sinceSnapshot) : 0;
  // A running run that says why it waits has lost its worker (lib/jobs/lifecycle.ts, describeLostRun).
  const stalled = run.status === "RUNNING" && run.waiting !== null;
  // The ETA counts down between polls from the last server estimate.
  const remaining = snapshot.remainingMs !== null ? Math.max(0, snapshot.remainingMs - sinceSnapshot) : null;

  return (
    <section aria-labelledby="progress-heading" className="rounded-lg border border-blue-200 bg-white p-4" data-testid="run-progress">
      {/* Where the keyboard goes when the control that started or stopped the run is gone (components/page-announcer.tsx). */}
      <h2 id="progress-heading" tabIndex={-1} data-focus-after-action className="text-lg font-semibold">
        {KIND_LABEL[run.kind] ?? "Run"} {active ? "" : run.status === "SUCCEEDED" ? "— finished" : "— stopped"}
      </h2>
      <p role="status" className="sr-only" data-testid="run-announcement">
        {progressAnnouncement(run.progress.steps, snapshot.fraction)}
      </p>
      {lost && (
        <p role="alert" className="mt-1 rounded-md bg-amber-50 p-2 text-sm text-amber-900" data-testid="progress-lost">
          {LOST_TEXT[lost]}
        </p>
      )}
      {(run.status === "QUEUED" || stalled) && (
        <p className="mt-1 text-sm text-slate-700" data-testid="run-waiting">
          {run.waiting ?? "Waiting for a worker to pick this up…"}
        </p>
      )}
      {run.stopping && active && (
        <p className="mt-1 text-sm font-medium text-slate-900" data-testid="run-stopping">
          Stopping, as asked: what it made so far is being removed, and nothing of it will be kept.
          {run.kind === "REFRESH" && " The current copy stays as it is."}
        </p>
      )}
      {run.kind === "REFRESH" && active && !run.stopping && (
        <p className="mt-1 text-sm text-slate-700">The current copy stays ready and usable until the new one has been verified.</p>
      )}
      <div className="mt-3">
        <div
          role="progressbar"
          aria-label="Overall progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={`${percent}% done`}
          className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
        >
          <div className="h-full bg-brand-600 transition-[width] duration-500" style={{ width: `${percent}%` }} />
        </div>
        <p className="mt-2 flex flex-wrap gap-x-6 text-sm text-slate-700">
          <span>{percent}% done</span>
          <span>Elapsed: {startedAt ? formatDuration(elapsedMs) : "not started"}</span>
          <span data-testid="eta">
            Time left: {lost ? "not known while the page cannot follow the run" : run.stopping ? "none, it is stopping" : stalled ? "not known until it starts again" : remaining === null ? "estimating…" : `about ${formatDuration(remaining)}`}
          </span>
        </p>
      </div>
      {run.progress.steps.length > 0 && (
        <ol className="mt-3 divide-y divide-slate-100 text-sm" aria-label="Steps">
          {run.progress.steps.map((step) => (
            <li key={step.key} className="flex flex-wrap items-baseline justify-between gap-2 py-1.5">
              <span>{step.label}</span>
              <span className="flex flex-wrap items-baseline gap-3">
                {step.total !== undefined && <span className="text-slate-700">{countText(step)}</span>}
                <span className={STATE_TONE[step.state]}>{STATE_LABEL[step.state]}</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function countText(step: ProgressStep): string {
  const done = step.done ?? 0;
  const total = step.total ?? 0;
  if (step.unit === "bytes") return `${formatBytes(done)} of ${formatBytes(total)} copied`;
  if (step.unit === "checks") return `${number.format(done)} of ${number.format(total)} checks`;
  return `${number.format(done)} of ${number.format(total)} rows copied`;
}

