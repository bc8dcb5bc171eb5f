"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useForm, useWatch, type Resolver } from "react-hook-form";
import { CheckboxField } from "@/components/checkbox-field";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { TextareaField } from "@/components/textarea-field";
import { createOrderAction, createOrderForCustomerAction, getProductionEstimateAction } from "@/lib/orders/actions";
import {
  EMPTY_PLAN_COUNTS,
  NAME_RULE_TEXT,
  NOTE_MAX,
  orderForCustomerSchema,
  orderSchema,
  type OrderForCustomerInput,
} from "@/lib/orders/schema";
import { CustomerPicker, type CustomerOption } from "./customer-picker";
import { EstimatePanel, type EstimateState } from "./estimate-panel";
import { KindChoice } from "./kind-choice";
import { focusPlanCountsOnTotalError, PlanCountsFieldset } from "@/components/plan-counts-fieldset";
import { showServerFieldErrors } from "@/components/server-field-errors";
import { callAction } from "@/lib/actions/call-action";

type Values = Omit<OrderForCustomerInput, "tenantId"> & { tenantId?: string };

type Props =
  | { mode: "own"; tenantId: string; initialEstimate: EstimateState }
  | { mode: "customer"; customers: CustomerOption[]; initialEstimate: EstimateState };

export function OrderForm(props: Props) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const [estimates, setEstimates] = useState<Record<string, EstimateState>>({});
  // Filed: the button stays disabled while the next page loads (the setup reads production first), so a second click files nothing twice.
  const [filed, setFiled] = useState(false);
  const schema = props.mode === "customer" ? orderForCustomerSchema : orderSchema;
  const { register, handleSubmit, formState, setError, setFocus, control } = useForm<Values>({
    resolver: zodResolver(schema) as unknown as Resolver<Values>,
    defaultValues: { name: "", kind: "full", planCounts: { ...EMPTY_PLAN_COUNTS }, note: "", tenantId: undefined },
  });
  const { errors } = formState;
  const tenantId = useWatch({ control, name: "tenantId" });
  const note = useWatch({ control, name: "note" }) ?? "";
  const kind = useWatch({ control, name: "kind" }) ?? "full";

  const known = useRef(estimates);
  useEffect(() => {
    known.current = estimates;
  }, [estimates]);
  // A sales rep sees the chosen customer's production size as soon as they pick one; one that
  // failed is asked for again when its customer is picked again (not again and again meanwhile).
  useEffect(() => {
    const had = tenantId ? known.current[tenantId] : undefined;
    if (props.mode !== "customer" || !tenantId || (had && had.state !== "error")) return;
    void callAction(() => getProductionEstimateAction({ tenantId })).then((result) => {
      const state: EstimateState = result.ok ? { state: "ready", ...result.data } : { state: "error", message: result.message };
      setEstimates((known) => ({ ...known, [tenantId]: state }));
    });
  }, [props.mode, tenantId]);
  const estimate: EstimateState =
    props.mode === "own" ? props.initialEstimate : tenantId ? (estimates[tenantId] ?? { state: "loading" }) : { state: "idle" };

  async function onSubmit(values: Values) {
    setFormError(null);
    const result =
      props.mode === "customer"
        ? await callAction(() => createOrderForCustomerAction({ ...values, tenantId: values.tenantId ?? "" }))
        : await callAction(() => createOrderAction(values));
    if (!result.ok) {
      setFormError(result.message);
      showServerFieldErrors(result.fieldErrors, setError);
      return;
    }
    setFiled(true);
    if (props.mode === "customer") router.push(`/orders?filed=${result.data.sandboxId}`);
    else router.push(`/sandboxes/${result.data.sandboxId}/setup`);
  }

  return (
    <form onSubmit={handleSubmit(onSubmit, (refused) => focusPlanCountsOnTotalError(refused, setFocus))} noValidate className="mt-6 space-y-6" aria-label="Sandbox order">
      {props.mode === "customer" && (
        <CustomerPicker customers={props.customers} selectedId={tenantId} error={errors.tenantId?.message} registration={register("tenantId")} />
      )}
      <TextField
        label="Sandbox name"
        hint={NAME_RULE_TEXT}
        autoComplete="off"
        error={errors.name?.message}
        {...register("name")}
      />
      <KindChoice estimate={estimate} registration={register("kind")} error={errors.kind?.message} />
      <PlanCountsFieldset register={register} errors={errors} control={control} />
      <TextareaField
        label="Note (optional)"
        hint={`What the sandbox is for: shown with the order and on the sandbox's page, where ${props.mode === "customer" ? "the customer's" : "your organisation's"} people read it. ${note.length}/${NOTE_MAX} characters.`}
        rows={3}
        error={errors.note?.message}
        {...register("note")}
      />
      <EstimatePanel estimate={estimate} kind={kind} />
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-800">Before you order</legend>
        <CheckboxField
          label="I understand that the sandbox is a dead end: nothing is ever copied from it back to production."
          error={errors.acknowledgeDeadEnd?.message}
          {...register("acknowledgeDeadEnd")}
        />
        <CheckboxField
          label="I understand that the sandbox is not a backup of production."
          error={errors.acknowledgeNotBackup?.message}
          {...register("acknowledgeNotBackup")}
        />
      </fieldset>
      <FormStatus message={formError} testId="form-error" />
      <SubmitButton pending={formState.isSubmitting || filed}>{props.mode === "customer" ? "File the order" : "Order and continue to setup"}</SubmitButton>
    </form>
  );
}
