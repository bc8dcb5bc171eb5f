"use client";

import { useId } from "react";
import { useWatch, type Control, type FieldErrors, type UseFormRegister, type UseFormSetFocus } from "react-hook-form";
import { MAX_PLANS_PER_TYPE, MAX_PLANS_TOTAL, planTotalWhileTyping, type OrderInput } from "@/lib/orders/schema";
import { PLAN_LABEL } from "@/lib/sanitizer/options";
import { USER_PLANS } from "@/lib/sanitizer/options";

type Values = OrderInput & { tenantId?: string };

/**
 * A submit refused for the plans' total ("order at least one") has no field of its own
 * to take the keyboard's place, so nothing would: the first plan's field takes it, and
 * a screen reader says the group's error as it enters the group. Called as the form's
 * `handleSubmit` refuses; a field with an error of its own is focused after it.
 */
export function focusPlanCountsOnTotalError(errors: FieldErrors<Values>, setFocus: UseFormSetFocus<Values>): void {
  if (errors.planCounts?.message ?? errors.planCounts?.root?.message) setFocus(`planCounts.${USER_PLANS[0]}`);
}

/** One whole-number field per plan type, with the running total and the group's own error. */
export function PlanCountsFieldset({
  register,
  errors,
  control,
}: {
  register: UseFormRegister<Values>;
  errors: FieldErrors<Values>;
  control: Control<Values>;
}) {
  const id = useId();
  const counts = useWatch({ control, name: "planCounts" });
  const { total, notCounted } = planTotalWhileTyping(counts ?? {});
  const groupError = errors.planCounts?.message ?? errors.planCounts?.root?.message;
  return (
    <fieldset aria-describedby={[`${id}-hint`, groupError ? `${id}-error` : ""].filter(Boolean).join(" ")}>
      <legend className="text-sm font-medium text-slate-800">User plans in the sandbox</legend>
      <p id={`${id}-hint`} className="mt-0.5 text-xs text-slate-600">
        How many people may log in to the sandbox, per plan type. Whole numbers, 0–{MAX_PLANS_PER_TYPE} each; at least 1 and at most{" "}
        {MAX_PLANS_TOTAL} in all.
      </p>
      <div className="mt-2 grid grid-cols-2 gap-3 sm:grid-cols-3">
        {USER_PLANS.map((plan) => {
          const error = errors.planCounts?.[plan]?.message;
          return (
            <div key={plan}>
              <label htmlFor={`${id}-${plan}`} className="block text-sm text-slate-800">
                {PLAN_LABEL[plan]}
              </label>
              <input
                id={`${id}-${plan}`}
                type="number"
                inputMode="numeric"
                min={0}
                max={MAX_PLANS_PER_TYPE}
                step={1}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${id}-${plan}-error` : undefined}
                className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm aria-[invalid=true]:border-red-600"
                // deps: a change here checks the group again, so its total's error goes once the total is right.
                {...register(`planCounts.${plan}`, { valueAsNumber: true, deps: ["planCounts"] })}
              />
              {error && (
                <p id={`${id}-${plan}-error`} className="mt-1 text-sm text-red-700">
                  {error}
                </p>
              )}
            </div>
          );
        })}
      </div>
      <p className="mt-2 text-sm" data-testid="plan-total">
        Total: {total} user plan{total === 1 ? "" : "s"}
        {notCounted.length > 0 && (
          <span className="text-slate-600">
            {" "}
            (not counted until it is a whole number from 0 to {MAX_PLANS_PER_TYPE}: {notCounted.map((p) => PLAN_LABEL[p]).join(", ")})
          </span>
        )}
      </p>
      {groupError && (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {groupError}
        </p>
      )}
    </fieldset>
  );
}
