import type { ReactNode } from "react";
import { getChecklist, type ChecklistSandbox } from "@/lib/checklist/queries";
import { describeScheduledTasks, SHOWN_NAMES, shownName, shownNames } from "@/lib/checklist/task-words";
import type { WhenFormatter } from "@/lib/format";
import { viewerWhen } from "@/lib/viewer-time-zone";
import { FixButton, TickBox } from "./checklist-controls";
import { log } from "@/lib/observability/log";
import { TooLargeToRead } from "@/lib/crm/whole-table-bounds";
import { AppError } from "@/lib/errors";

/** The best-practices checklist, read live from the sandbox database on every render. */
export async function Checklist({ sandbox, canFix }: { sandbox: ChecklistSandbox; canFix: boolean }) {
  const when = await viewerWhen();
  let state;
  try {
    state = await getChecklist(sandbox);
  } catch (error) {
    // A read refused for its size says why, in the customer's words; anything else is a fault of the moment.
    const refused = error instanceof TooLargeToRead || (error instanceof AppError && error.code === "PRODUCTION_REFUSED") ? error : null;
    if (!refused) log.error({ code: (error as { code?: string }).code ?? (error as Error).name }, "checklist: sandbox database unreadable");
    return (
      <ChecklistFrame>
        <p className="text-sm text-red-700" data-testid="checklist-unreadable">
          {refused
            ? `The checklist is not shown. ${refused.message}`
            : "The sandbox database could not be read just now, so the checklist is not shown. Reload in a minute."}
        </p>
      </ChecklistFrame>
    );
  }
  const enabledTasks = state.tasks.filter((t) => t.enabled);
  const keptToResume = state.tasks.filter((t) => t.kept && !t.enabled);
  const tasks = describeScheduledTasks(state.tasks);
  const tick = (item: keyof typeof state.ticks) => state.ticks[item];
  const id = sandbox.id;

  return (
    <ChecklistFrame>
      <Item title="Statistics and UserSync opt-ins are set to No" ok={state.optIns.every((p) => p.value === "No")} testId="check-optins">
        <p>
          {state.optIns.map((p) => `${p.name}: ${p.value === null ? "not set" : shownName(p.value)}`).join(" · ")}
        </p>
        {canFix && !state.optIns.every((p) => p.value === "No") && <FixButton sandboxId={id} fix="optIns">Set both to No</FixButton>}
      </Item>

      <Item title="ERP automatic sync is off" ok={state.erpAutoSync.length === 0} testId="check-erp">
        {state.erpAutoSync.length > 0 ? (
          <p>Syncing automatically: {shownNames(state.erpAutoSync.map((e) => `${e.name} (${e.connector})`))}</p>
        ) : (
          <p>No ERP connection syncs automatically.</p>
        )}
        {canFix && state.erpAutoSync.length > 0 && <FixButton sandboxId={id} fix="erpAutoSync">Turn off automatic sync</FixButton>}
      </Item>

      <Item title="Scheduled tasks run only where you chose" ok={tasks.ok} testId="check-tasks">
        <p>
          {tasks.text} Pause them while nobody works in the sandbox, and resume the ones you kept when you are.
        </p>
        {canFix && (
          <div className="flex flex-wrap gap-3">
            {enabledTasks.length > 0 && <FixButton sandboxId={id} fix="pauseTasks">Pause all scheduled tasks</FixButton>}
            {keptToResume.length > 0 && (
              <FixButton sandboxId={id} fix="resumeKeptTasks">{`Resume the kept ones (${keptToResume.length})`}</FixButton>
            )}
          </div>
        )}
      </Item>

      <Item title="Web panels created by apps are hidden" ok={state.appPanels.length === 0} testId="check-panels">
        {state.appPanels.length > 0 ? (
          <ul className="list-disc pl-5">
            {state.appPanels.slice(0, SHOWN_NAMES).map((p) => (
              <li key={p.id}>
                {shownName(p.name)} ({shownName(p.location)}), created by {shownName(p.createdByApp)}
              </li>
            ))}
            {state.appPanels.length > SHOWN_NAMES && <li>and {state.appPanels.length - SHOWN_NAMES} more</li>}
          </ul>
        ) : (
          <p>No app-created web panel is visible.</p>
        )}
        {canFix && state.appPanels.length > 0 && <FixButton sandboxId={id} fix="hideAppPanels">Hide these web panels</FixButton>}
      </Item>

      <Item title="Apps authorized in production are signed up again" ok={tick("apps-signed-up-again") ? true : null} testId="check-apps">
        {state.customerLeft ? (
          <p>Your organisation has left the portal, so production is no longer read and its apps are not listed.</p>
        ) : state.productionApps === null ? (
          <p>Production could not be reached just now, so its apps are not listed.</p>
        ) : state.productionApps.length === 0 ? (
          <p>No apps are authorized in production.</p>
        ) : (
          <p>Authorized in production: {shownNames(state.productionApps)}.</p>
        )}
        <p>
          Authorizations are never copied from production. Sign each app up again in the sandbox, and ask the app&apos;s partner whether
          it supports several tenants (a sandbox is a tenant of its own).
          {state.sandboxApps.length > 0 && ` Already authorized in the sandbox: ${shownNames(state.sandboxApps)}.`}
        </p>
        <TickBox sandboxId={id} item="apps-signed-up-again" ticked={Boolean(tick("apps-signed-up-again"))} disabled={!canFix}>
          {tickLabel("The apps we need are signed up again and their partners asked", tick("apps-signed-up-again"), when)}
        </TickBox>
      </Item>

      <Item title="Reminders" ok={tick("not-a-backup") && tick("dead-end") ? true : null} testId="check-reminders">
        <TickBox sandboxId={id} item="not-a-backup" ticked={Boolean(tick("not-a-backup"))} disabled={!canFix}>
          {tickLabel("The sandbox is not a backup: it is overwritten on refresh and deleted with the sandbox", tick("not-a-backup"), when)}
        </TickBox>
        <TickBox sandboxId={id} item="dead-end" ticked={Boolean(tick("dead-end"))} disabled={!canFix}>
          {tickLabel("The sandbox is a dead end: nothing in it is ever copied back to production", tick("dead-end"), when)}
        </TickBox>
      </Item>
    </ChecklistFrame>
  );
}

function tickLabel(text: string, tick: { at: Date; by: string | null } | undefined, when: WhenFormatter): string {
  return tick ? `${text} (ticked by ${tick.by ?? "a former user"}, ${when(tick.at)})` : text;
}

function ChecklistFrame({ children }: { children: ReactNode }) {
  return (
    <section aria-labelledby="checklist-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="checklist-heading" className="text-lg font-semibold">
        Best-practices checklist
      </h2>
      <p className="mt-1 text-sm text-slate-600">Read live from the sandbox database. Fixes change the sandbox only, never production.</p>
      <ul className="mt-3 divide-y divide-slate-100">{children}</ul>
    </section>
  );
}

/** ok: true = fine, false = needs attention, null = for you to confirm. */
function Item({ title, ok, testId, children }: { title: string; ok: boolean | null; testId: string; children: ReactNode }) {
  const badge =
    ok === true
      ? { text: "OK", tone: "bg-green-100 text-green-900" }
      : ok === false
        ? { text: "Needs attention", tone: "bg-amber-100 text-amber-900" }
        : { text: "To confirm", tone: "bg-slate-100 text-slate-800" };
  return (
    <li className="space-y-2 py-3" data-testid={testId}>
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="font-medium">{title}</h3>
        <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${badge.tone}`}>{badge.text}</span>
      </div>
      <div className="space-y-2 text-sm text-slate-800">{children}</div>
    </li>
  );
}
