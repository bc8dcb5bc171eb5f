"use client";

import { useWatch } from "react-hook-form";
import { cronToWords } from "@/lib/wizard/cron-words";
import { formatWhen } from "@/lib/format";
import { secondaryButton, type StepProps } from "./step-props";

/** Step 3: every scheduled task is disabled in the sandbox unless ticked here. */
export function StepTasks({ form, data }: StepProps) {
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
        Scheduled tasks can reach the outside world (ERP systems, imports, exports). In the sandbox they are all disabled, except those you
        tick here.
      </p>
      <div className="flex gap-3">
        <button type="button" className={secondaryButton} onClick={() => set(data.tasks.map((t) => t.id))}>
          Select all
        </button>
        <button type="button" className={secondaryButton} onClick={() => set([])}>
          Select none
        </button>
        <p className="self-center text-sm" aria-live="polite">
          {kept.size} of {data.tasks.length} stay enabled
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
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.tasks.map((t) => (
                <tr key={t.id}>
                  <td className="px-3 py-1.5">
                    <input type="checkbox" className="h-4 w-4" checked={kept.has(t.id)} onChange={() => toggle(t.id)} aria-label={`Keep “${t.name}” enabled`} />
                  </td>
                  <td className="px-3 py-1.5">{t.name}</td>
                  <td className="px-3 py-1.5">{t.kind}</td>
                  <td className="px-3 py-1.5">
                    {cronToWords(t.schedule)} <span className="font-mono text-xs text-slate-600">({t.schedule})</span>
                  </td>
                  <td className="px-3 py-1.5">{t.enabled ? "Yes" : "No"}</td>
                  <td className="px-3 py-1.5">{formatWhen(t.lastRunAt, "Never")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
