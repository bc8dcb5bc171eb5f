"use client";

import type { StepProps } from "./step-props";

/** Step 5: whether the sandbox CRM opens for users right after the copy. */
export function StepRunning({ form }: StepProps) {
  return (
    <fieldset>
      <legend className="text-base font-semibold">After the copy, the sandbox CRM is…</legend>
      <div className="mt-2 space-y-3 text-sm">
        <label className="flex items-start gap-2">
          <input type="radio" value="running" {...form.register("stateAfterCopy")} className="mt-0.5 h-4 w-4" />
          <span>
            <span className="font-medium">Running</span> (default): the people you chose can log in as soon as the sandbox is ready.
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input type="radio" value="maintenance" {...form.register("stateAfterCopy")} className="mt-0.5 h-4 w-4" />
          <span>
            <span className="font-medium">In maintenance</span>: nobody can log in until an administrator takes it out of maintenance, for
            example to prepare test data first.
          </span>
        </label>
      </div>
    </fieldset>
  );
}
