"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { setAutoRefreshAction } from "@/lib/sandboxes/actions";
import { autoRefreshSchema } from "@/lib/sandboxes/schema";
import { callAction } from "@/lib/actions/call-action";
import { SubmitButton } from "@/components/submit-button";
import { useWhen } from "@/components/time-zone";

type Values = z.input<typeof autoRefreshSchema>;
const DAYS = Array.from({ length: 28 }, (_, i) => i + 1);

/** The optional regular refresh: a day of the month (1–28) or none. `next`: when it next runs, in words (the page's). */
export function AutoRefreshForm({ sandboxId, day, next }: { sandboxId: string; day: number | null; next: string | null }) {
  const when = useWhen();
  const router = useRouter();
  const id = useId();
  const [status, setStatus] = useState<string | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<Values, unknown, z.output<typeof autoRefreshSchema>>({
    resolver: zodResolver(autoRefreshSchema),
    defaultValues: { sandboxId, day: day === null ? "" : String(day) },
  });
  const error = formState.errors.day?.message;

  const onSubmit = handleSubmit(async (values) => {
    const result = await callAction(() => setAutoRefreshAction(values));
    if (!result.ok) {
      for (const [field, messages] of Object.entries(result.fieldErrors ?? {})) {
        if (field === "day") setError("day", { message: messages[0] });
      }
      setStatus(result.message);
      return;
    }
    setStatus(result.data.day === null ? "Regular refresh turned off." : `Saved: refreshed on day ${result.data.day} of every month, next from ${when(result.data.next)}.`);
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" noValidate>
      <input type="hidden" {...register("sandboxId")} />
      <div>
        <label htmlFor={`${id}-day`} className="block text-sm font-medium text-slate-800">
          Regular refresh
        </label>
        <select
          id={`${id}-day`}
          {...register("day")}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : `${id}-hint`}
          className="mt-1 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
        >
          <option value="">Never (refresh by hand)</option>
          {DAYS.map((d) => (
            <option key={d} value={String(d)}>
              Monthly, on day {d}
            </option>
          ))}
        </select>
        <p id={`${id}-hint`} className="mt-0.5 text-xs text-slate-600">
          Runs at night (UTC) with the saved choices; its admins are told the day before{next ? `. Next: ${next}` : ""}. A day chosen too late for that notice waits for next month.
        </p>
        {error && (
          <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
            {error}
          </p>
        )}
      </div>
      <SubmitButton tone="secondary" pending={formState.isSubmitting} pendingLabel="Saving…">
        Save schedule
      </SubmitButton>
      <p aria-live="polite" className="basis-full text-sm text-slate-700">
        {status}
      </p>
    </form>
  );
}
