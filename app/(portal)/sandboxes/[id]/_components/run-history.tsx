import { formatDuration } from "@/lib/format";
import { viewerWhen } from "@/lib/viewer-time-zone";
import Link from "next/link";
import type { listRuns } from "@/lib/sandboxes/queries";
import { OptionsSummary } from "./options-summary";
import { DataTable } from "@/components/data-table";
import { shownRunStatus } from "@/lib/jobs/failure";
import { writtenOffOf, writtenOffWords } from "@/lib/sandboxes/written-off";
import { reportDroppedWords } from "@/lib/sandboxes/report-retention";

const KIND: Record<string, string> = { PROVISION: "Creation", REFRESH: "Refresh", DELETE: "Deletion" };
const RESULT: Record<string, string> = { QUEUED: "Queued", RUNNING: "Running", SUCCEEDED: "Succeeded", FAILED: "Failed", CANCELLED: "Cancelled" };

type HistoryPage = Awaited<ReturnType<typeof listRuns>>;

/** Every run, a page at a time: who, when, with which options, how long, and how it ended. */
export async function RunHistory({ sandboxId, history, shownReportRunId, taskNames }: { sandboxId: string; history: HistoryPage; shownReportRunId: string | null; taskNames: ReadonlyMap<number, string> }) {
  const when = await viewerWhen();
  const { runs, total, page, pages } = history;
  const pageHref = (to: number) => `/sandboxes/${sandboxId}${to === 1 ? "" : `?history=${to}`}#history-heading`;
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading" className="text-lg font-semibold">
        History
      </h2>
      {runs.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{total === 0 ? "No runs yet." : "No runs on this page."} {page > 1 && <Link href={pageHref(1)} className="text-brand-700 underline">Newest runs</Link>}</p>
      ) : (
        <DataTable caption="Runs of this sandbox" className="mt-2" columns={["Requested", "What", "By", "Options", "Duration", "Result"]}>
          {runs.map((run) => (
            <tr key={run.id} data-testid="run-row">
              <td className="px-3 py-2 whitespace-nowrap">{when(run.createdAt)}</td>
              <td className="px-3 py-2">{KIND[run.kind] ?? run.kind}</td>
              <td className="px-3 py-2">{run.requestedBy?.name ?? (run.kind === "REFRESH" ? "Regular refresh" : "—")}</td>
              <td className="px-3 py-2">{run.kind === "DELETE" ? "—" : <OptionsSummary options={run.options} taskNames={taskNames} />}</td>
              <td className="px-3 py-2 whitespace-nowrap">
                {run.startedAt && run.finishedAt ? formatDuration(run.finishedAt.getTime() - run.startedAt.getTime()) : "—"}
              </td>
              <td className="px-3 py-2">
                <RunResult status={shownRunStatus(run)} />
                {run.error && <p className="mt-0.5 max-w-md text-slate-700">{run.error}</p>}
                {run.kind === "DELETE" && <WrittenOffNote options={run.options} />}
                {run.reportDroppedAt && <p className="mt-0.5 text-slate-600">{reportDroppedWords()}</p>}
                {run.status === "SUCCEEDED" && run.kind !== "DELETE" && run.id !== shownReportRunId && !run.reportDroppedAt && (
                  <p className="mt-0.5">
                    <Link href={`/sandboxes/${sandboxId}?run=${run.id}#report-heading`} className="text-brand-700 underline">
                      Show report<span className="sr-only"> of the {(KIND[run.kind] ?? run.kind).toLowerCase()} requested {when(run.createdAt)}</span>
                    </Link>
                  </p>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {pages > 1 && runs.length > 0 && (
        <nav aria-label="History pages" className="mt-2 flex items-center gap-4 text-sm">
          <span className="text-slate-600">
            Page {page} of {pages} ({total} runs)
          </span>
          {page > 1 && (
            <Link href={pageHref(page - 1)} className="text-brand-700 underline">
              Newer runs
            </Link>
          )}
          {page < pages && (
            <Link href={pageHref(page + 1)} className="text-brand-700 underline">
              Older runs
            </Link>
          )}
        </nav>
      )}
    </section>
  );
}

/** A deletion that dropped nothing: the sandbox was lost with its server. */
function WrittenOffNote({ options }: { options: unknown }) {
  const off = writtenOffOf(options);
  return off && <p className="mt-0.5 max-w-md text-slate-700" data-testid="written-off">{writtenOffWords(off)}</p>;
}

/** How a run ended (or where it is), a failure in red: a cancelled run is not one. */
function RunResult({ status }: { status: string }) {
  return <span className={status === "FAILED" ? "font-semibold text-red-700" : status === "SUCCEEDED" ? "text-green-800" : ""}>{RESULT[status] ?? status}</span>;
}
