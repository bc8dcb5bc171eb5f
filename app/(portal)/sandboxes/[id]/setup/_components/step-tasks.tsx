"use client";

import { useWatch } from "react-hook-form";
import { cronToWords } from "@/lib/wizard/cron-words";
import { useWhen } from "@/components/time-zone";
import { secondaryButton, type StepProps } from "./step-props";
import { lookupTable } from "@/lib/lookup-table";

// A task's kind is production's text: "__proto__" is no label.
const TASK_KIND_LABEL = lookupTable({ crmscript: "CRMScript", "erp-sync": "ERP sync", import: "Import", export: "Export", maintenance: "Maintenance" });

/** What the sandbox will do with a task, said plainly: a kept task that is off in production is switched on. */
function inSandbox(keep: boolean, onInProduction: boolean) {
  if (!keep) return "Off";
  return onInProduction ? "On (kept)" : <span className="font-medium text-amber-900">On: switched on, though off in production</span>;
}

/** Step 3: every scheduled task is off in the sandbox unless kept here. */
export function StepTasks({ form, data }: StepProps) {
  const when = useWhen();
  const kept = new Set(useWatch({ control: form.control, name: "keepEnabledTaskIds" }) ?? []);
  const error = form.formState.errors.keepEnabledTaskIds?.message ?? form.formState.errors.keepEnabledTaskIds?.root?.message;
  const set = (ids: number[]) => {
    form.setValue("keepEnabledTaskIds", ids, { shouldDirty: true });
    form.clearErrors("keepEnabledTaskIds");
  };
  const toggle = (id: number) => set(kept.has(id) ? [...kept].filter((k) => k !== id) : [...kept, id]);
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        Scheduled tasks can reach the outside world (ERP systems, imports, exports). In the sandbox every task is off, except those you keep
        here. Keeping a task that is off in production switches it on in the sandbox: tick it only if that is what you want.
      </p>
      <div className="flex gap-3">
        <button type="button" className={secondaryButton} onClick={() => set(data.tasks.map((t) => t.id))}>
          Keep all
        </button>
        <button type="button" className={secondaryButton} onClick={() => set([])}>
          Keep none
        </button>
        <p className="self-center text-sm" aria-live="polite">
          {kept.size} of {data.tasks.length} on in the sandbox
        </p>
      </div>
      {error && (
        <p id="tasks-error" className="text-sm text-red-700">
          {error}
        </p>
      )}
      {data.tasks.length === 0 ? (
        <p className="text-sm text-slate-600">Your CRM has no scheduled tasks.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border border-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm" aria-describedby={error ? "tasks-error" : undefined}>
            <caption className="sr-only">Scheduled tasks</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">Keep enabled</th>
                <th scope="col" className="px-3 py-2">Task</th>
                <th scope="col" className="px-3 py-2">Kind</th>
                <th scope="col" className="px-3 py-2">Schedule</th>
                <th scope="col" className="px-3 py-2">Enabled in production</th>
                <th scope="col" className="px-3 py-2">Last run</th>
                <th scope="col" className="px-3 py-2">In the sandbox</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.tasks.map((t) => (
                <tr key={t.id}>
                  <td className="px-3 py-1.5">
                    <input type="checkbox" className="h-4 w-4" checked={kept.has(t.id)} onChange={() => toggle(t.id)} aria-label={`Keep “${t.name}” enabled`} />
                  </td>
                  <td className="px-3 py-1.5">{t.name}</td>
                  <td className="px-3 py-1.5">{TASK_KIND_LABEL[t.kind] ?? t.kind}</td>
                  <td className="px-3 py-1.5">
                    {cronToWords(t.schedule)} <span className="font-mono text-xs text-slate-600">({t.schedule})</span>
                  </td>
                  <td className="px-3 py-1.5">{t.enabled ? "Yes" : "No"}</td>
                  <td className="px-3 py-1.5">{when(t.lastRunAt, "Never")}</td>
                  <td className="px-3 py-1.5">{inSandbox(kept.has(t.id), t.enabled)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
