import type { DryRunResult } from "@/lib/wizard/dry-run";
import { formatBytes } from "@/lib/format";

const n = (value: number) => value.toLocaleString("en-GB");

/** The dry run's figures, one line per rule of the contract. */
export function DryRunPanel({ result: r }: { result: DryRunResult }) {
  // Pseudonymised, files come without their contents (rule 18): their size is not what the copy moves.
  const filesSize = (bytes: number) => (r.personalData ? "names, dates and sizes only: contents are not copied" : formatBytes(bytes));
  const rows: [string, string][] = [
    ...(r.share
      ? [["Companies chosen (partial copy)", n(r.share.companies)] as [string, string], ["Customer records copied with them", `${n(r.share.records)} (about ${formatBytes(r.share.bytes)})`] as [string, string]]
      : []),
    ["People who can log in to the sandbox", n(r.usersGivenAccess)],
    ["CRM users without a login in the sandbox (production keeps theirs)", n(r.associatesLosingLogin)],
    ["E-mail addresses rewritten", n(r.addressesRewritten)],
    ["Inbox accounts without their mail logins in the sandbox", n(r.inboxAccountsLosingLogins)],
    ["Inbox messages removed", n(r.inboxMessagesRemoved)],
    ["Service mailboxes replaced by one sandbox mailbox", n(r.serviceMailboxesReplaced)],
    ["Open, pending and postponed tickets closed", n(r.openTicketsToClose)],
    ["Web panels rewritten", n(r.webPanelsToRewrite)],
    ["Scheduled tasks disabled", n(r.tasksToDisable)],
    ["Scheduled tasks kept enabled", n(r.tasksKeptEnabled)],
    ["App authorizations dropped", n(r.appAuthorizationsDropped)],
    ["Webhooks dropped", n(r.webhooksDropped)],
    ["ERP connections stopped (no auto-sync, no API key)", n(r.erpConnectionsStopped)],
    ["Documents copied", `${n(r.documentsCopied.count)} (${filesSize(r.documentsCopied.bytes)}); ${n(r.documentsLeftOut)} left out`],
    ["Service attachments copied", `${n(r.attachmentsCopied.count)} (${filesSize(r.attachmentsCopied.bytes)}); ${n(r.attachmentsLeftOut)} left out`],
    ...(r.recordsLeftOut > 0 ? [[r.share ? "Customer records left out (partial copy)" : "Customer records left out (configuration only)", n(r.recordsLeftOut)] as [string, string]] : []),
    ...(r.personalData
      ? ([
          ["People given a fake name, phone number and address", n(r.personalData.people)],
          ["Companies given a fake name, org number, phone, website and address", n(r.personalData.companies)],
          [
            "Free-text fields with real names, addresses or numbers replaced",
            r.personalData.freeTextFields === null ? "not previewed" : `${r.personalData.estimated ? "about " : ""}${n(r.personalData.freeTextFields)}`,
          ],
        ] as [string, string][])
      : []),
  ];
  return (
    <div className="space-y-4" data-testid="dry-run">
      <table className="text-sm">
        <caption className="sr-only">Dry run figures</caption>
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <th scope="row" className="py-0.5 pr-6 text-left font-normal text-slate-700">{label}</th>
              <td className="py-0.5 font-medium tabular-nums">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.webPanelExamples.length > 0 && (
        <div>
          <h4 className="text-sm font-semibold">Web panels, before → after</h4>
          <ul className="mt-1 space-y-1 text-sm" data-testid="web-panel-examples">
            {r.webPanelExamples.map((e) => (
              <li key={`${e.name}-${e.before}`} className="break-all">
                <span className="font-medium">{e.name}:</span> <code>{e.before}</code> → <code>{e.after}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {r.personalData?.unavailable && (
        <p className="text-sm text-amber-800" data-testid="personal-data-unavailable">
          {r.personalData.unavailable}
        </p>
      )}
      {r.personalData && r.personalData.examples.length > 0 && (
        <div>
          <h4 className="text-sm font-semibold">Personal data, before → after</h4>
          <ul className="mt-1 space-y-1 text-sm" data-testid="personal-data-examples">
            {r.personalData.examples.map((e) => (
              <li key={e.before} className="break-words">
                {e.before} → {e.after}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="text-xs text-slate-600">Counted on production in {r.durationMs} ms. Figures can change slightly before the snapshot is taken.</p>
    </div>
  );
}
