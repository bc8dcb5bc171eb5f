import { formatBytes, formatDuration } from "@/lib/format";
import { viewerWhen } from "@/lib/viewer-time-zone";
import type { SanitizationReport as Report } from "@/lib/sanitizer/report";
import { changeLabel, orderedChanges } from "@/lib/sanitizer/rule-reports";
import { OptionsSummary } from "./options-summary";

const number = new Intl.NumberFormat("en-GB");

/** The report of one run, "all steps": every rule with what it changed and how it was checked. */
export async function SanitizationReport({ sandboxId, runId, report, finishedAt }: { sandboxId: string; runId: string; report: Report; finishedAt: Date | null }) {
  const when = await viewerWhen();
  const href = (format: "json" | "csv") => `/api/sandboxes/${sandboxId}/runs/${runId}/report?format=${format}`;
  const checks = report.rules.flatMap((r) => r.checks);
  const checkCount = checks.length;
  const failedChecks = checks.filter((c) => !c.ok).length;
  return (
    <section aria-labelledby="report-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h2 id="report-heading" className="text-lg font-semibold">
          Sanitization report
        </h2>
        <p className="flex gap-3 text-sm">
          <a href={href("json")} className="font-medium text-brand-700 underline" download>
            Download JSON
          </a>
          <a href={href("csv")} className="font-medium text-brand-700 underline" download>
            Download CSV
          </a>
        </p>
      </div>
      <div className="mt-3 grid gap-4 sm:grid-cols-2">
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
          <dt className="text-slate-600">Production snapshot</dt>
          <dd>{when(report.snapshotAt)}</dd>
          <dt className="text-slate-600">Copied from</dt>
          <dd>{report.sourceCustomerId}</dd>
          <dt className="text-slate-600">Sandbox key</dt>
          <dd>{report.sandboxCustomerId}</dd>
          {/* The copy and its checks alone: the run's time (its history, its mail) counts from its worker taking it to the sandbox released. */}
          <dt className="text-slate-600">Copy and checks took</dt>
          <dd>{formatDuration(report.durationMs)}</dd>
          <dt className="text-slate-600">Finished</dt>
          <dd>{when(finishedAt)}</dd>
          <dt className="text-slate-600">Checks</dt>
          <dd>{failedChecks === 0 ? "all passed" : `${failedChecks} failed`}</dd>
        </dl>
        <div>
          <h3 className="text-sm font-semibold">Options used</h3>
          <OptionsSummary options={report.options} taskNames={new Map((report.keptTasks ?? []).map((t) => [t.id, t.name]))} />
        </div>
      </div>
      {/* Closed while every check passed: eighteen rules are most of the page, and read when wanted. A failed check opens them. */}
      <details open={failedChecks > 0} className="mt-4">
        <summary className="cursor-pointer text-sm font-medium">
          Every rule: what it changed and how it was checked ({report.rules.length} rules, {checkCount} checks)
        </summary>
        <ol className="mt-3 space-y-3" aria-label="Rules">
          {report.rules.map((rule) => (
            <li key={rule.rule} className="rounded-md border border-slate-200 p-3">
              <h3 className="font-semibold">
                Rule {rule.rule}: {rule.title}
              </h3>
              {Object.keys(rule.changes).length > 0 ? (
                <ul className="mt-1 flex flex-wrap gap-x-4 text-sm text-slate-800">
                  {orderedChanges(rule.rule, rule.changes).map(([key, value]) => (
                    <li key={key}>
                      {changeLabel(rule.rule, key)}: <strong>{number.format(value)}</strong>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="mt-1 text-sm text-slate-600">Nothing needed changing.</p>
              )}
              {rule.checks.length > 0 && (
                <ul className="mt-2 space-y-0.5 text-sm">
                  {rule.checks.map((check) => (
                    <li key={check.description} className={check.ok ? "text-green-800" : "text-red-700"}>
                      <span aria-hidden="true">{check.ok ? "✓ " : "✗ "}</span>
                      <span className="sr-only">{check.ok ? "Passed: " : "Failed: "}</span>
                      {check.description}
                      {check.offending && check.offending.length > 0 && <span className="text-slate-700"> ({check.offending.join("; ")})</span>}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      </details>
      <details className="mt-4 text-sm">
        <summary className="cursor-pointer font-medium">Tables copied ({report.tables.length})</summary>
        <table className="mt-2 min-w-full text-left">
          <caption className="sr-only">Tables copied</caption>
          <thead>
            <tr>
              <th scope="col" className="py-1 pr-4 font-semibold">Table</th>
              <th scope="col" className="py-1 pr-4 font-semibold">Rows</th>
              <th scope="col" className="py-1 font-semibold">Data</th>
            </tr>
          </thead>
          <tbody>
            {report.tables.map((t) => (
              <tr key={t.name}>
                <td className="py-0.5 pr-4">{t.name}</td>
                <td className="py-0.5 pr-4">{number.format(t.rows)}</td>
                <td className="py-0.5">{formatBytes(t.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
