"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, type Resolver } from "react-hook-form";
import { FormStatus } from "@/components/form-status";
import { focusPlanCountsOnTotalError, PlanCountsFieldset } from "@/components/plan-counts-fieldset";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { TextareaField } from "@/components/textarea-field";
import { editOrderAction } from "@/lib/orders/actions";
import { NAME_RULE_TEXT, NOTE_MAX, orderSchema, type OrderInput, type PlanCounts } from "@/lib/orders/schema";
import { showServerFieldErrors } from "@/components/server-field-errors";
import { callAction } from "@/lib/actions/call-action";

// The order form's own values and rules; the acknowledgements were given when the order was filed.
type Values = OrderInput & { tenantId?: string };

/** Changing an open order: name, plans and note, checked by the order form's own schema. */
export function EditOrderForm({ order }: { order: { id: string; name: string; planCounts: PlanCounts; note: string } }) {
  const router = useRouter();
  const [status, setStatus] = useState<{ message: string; tone: "error" | "info" } | null>(null);
  const { register, handleSubmit, formState, setError, setFocus, control } = useForm<Values>({
    resolver: zodResolver(orderSchema) as unknown as Resolver<Values>,
    defaultValues: { name: order.name, planCounts: order.planCounts, note: order.note, acknowledgeDeadEnd: true, acknowledgeNotBackup: true },
  });
  const { errors } = formState;

  async function onSubmit(values: Values) {
    setStatus(null);
    const result = await callAction(() => editOrderAction({ sandboxId: order.id, name: values.name, planCounts: values.planCounts, note: values.note }));
    if (!result.ok) {
      setStatus({ message: result.message, tone: "error" });
      showServerFieldErrors(result.fieldErrors, setError);
      return;
    }
    setStatus({ message: "Your changes are saved.", tone: "info" });
    router.refresh();
  }

  return (
    <form onSubmit={handleSubmit(onSubmit, (refused) => focusPlanCountsOnTotalError(refused, setFocus))} noValidate className="space-y-5" aria-label="Change the order">
      <TextField label="Sandbox name" hint={NAME_RULE_TEXT} error={errors.name?.message} autoComplete="off" {...register("name")} className="max-w-md" />
      <PlanCountsFieldset register={register} errors={errors} control={control} />
      <TextareaField label="Note" hint={`Up to ${NOTE_MAX} characters; shown on the order, in the setup wizard and on the sandbox's page.`} error={errors.note?.message} rows={3} {...register("note")} />
      <FormStatus message={status?.message ?? null} tone={status?.tone} testId="edit-order-status" />
      <SubmitButton pending={formState.isSubmitting}>Save the changes</SubmitButton>
    </form>
  );
}
