"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { CheckboxField } from "@/components/checkbox-field";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { PLAN_LABEL, USER_PLANS } from "@/lib/sanitizer/options";
import { setEntitlementsAction } from "@/lib/tenants/actions";
import { entitlementsFormSchema, type EntitlementsFormInput } from "@/lib/tenants/schema";
import { showServerFieldErrors } from "@/components/server-field-errors";
import { callAction } from "@/lib/actions/call-action";

/** Staff set what a customer's agreement covers: sandboxes at once, and user plans per type. */
export function EntitlementsForm({ defaults }: { defaults: EntitlementsFormInput }) {
  const router = useRouter();
  const [status, setStatus] = useState<{ message: string; tone: "error" | "info" } | null>(null);
  const { register, handleSubmit, formState, setError, control } = useForm<EntitlementsFormInput>({
    resolver: zodResolver(entitlementsFormSchema),
    defaultValues: defaults,
  });
  const limitPlans = useWatch({ control, name: "limitPlans" });
  const { errors } = formState;

  async function onSubmit(values: EntitlementsFormInput) {
    setStatus(null);
    const result = await callAction(() => setEntitlementsAction(values));
    if (!result.ok) {
      setStatus({ message: result.message, tone: "error" });
      showServerFieldErrors(result.fieldErrors, setError);
      return;
    }
    setStatus({ message: "The agreement is saved. The customer's next order is checked against it.", tone: "info" });
    router.refresh();
  }

  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-5" aria-label="What the agreement covers">
      <TextField
        label="Sandboxes at once"
        hint="Not deleted or cancelled. Leave empty for no limit."
        inputMode="numeric"
        error={errors.sandboxes?.message}
        {...register("sandboxes")}
        className="max-w-xs"
      />
      <CheckboxField label="Limit the user plans" hint="When limited, a plan left empty or 0 is not covered." {...register("limitPlans")} />
      {limitPlans && (
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">User plans covered, across all of the customer&apos;s sandboxes</legend>
          <div className="mt-2 grid grid-cols-2 gap-3 sm:grid-cols-3">
            {USER_PLANS.map((plan) => (
              <TextField key={plan} label={PLAN_LABEL[plan]} inputMode="numeric" error={errors.plans?.[plan]?.message} {...register(`plans.${plan}`)} />
            ))}
          </div>
        </fieldset>
      )}
      <FormStatus message={status?.message ?? null} tone={status?.tone} testId="entitlements-status" />
      <SubmitButton pending={formState.isSubmitting}>Save the agreement</SubmitButton>
    </form>
  );
}
