"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { SECONDARY_BUTTON } from "@/components/button-styles";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { callAction } from "@/lib/actions/call-action";
import type { ActionResult } from "@/lib/actions/safe-action";
import { currentSecondFactorSchema, type CurrentSecondFactorInput } from "@/lib/auth/schema";
import { showRefusal } from "@/components/server-field-errors";
import { CurrentSignInFields } from "./current-sign-in-fields";
import { OpeningHeading } from "./opening-heading";

/**
 * A change to one's second factor that asks only for the current password and a code (new
 * recovery codes, turning it off): its heading, what it does, the two fields, and its button.
 * `onDone` takes the action's answer; a refusal is said under its field, and a session ended
 * meanwhile goes to `onSignedOut`.
 */
export function CurrentSignInForm<T>({
  email,
  heading,
  intro,
  submitLabel,
  pendingLabel,
  tone,
  action,
  onDone,
  onCancel,
  onSignedOut,
}: {
  email: string;
  /** Also the form's name for assistive technology. */
  heading: string;
  intro: ReactNode;
  submitLabel: string;
  pendingLabel: string;
  tone?: "primary" | "danger";
  action: (input: CurrentSecondFactorInput) => Promise<ActionResult<T>>;
  onDone: (data: T) => void;
  onCancel: () => void;
  onSignedOut: (message: string) => void;
}) {
  const [status, setStatus] = useState<string | null>(null);
  const form = useForm<CurrentSecondFactorInput>({ resolver: zodResolver(currentSecondFactorSchema), defaultValues: { currentCode: "", currentPassword: "" } });
  const { register, handleSubmit, formState } = form;
  const { errors } = formState;

  async function onSubmit(values: CurrentSecondFactorInput) {
    setStatus(null);
    const result = await callAction(() => action(values));
    if (result.ok) return onDone(result.data);
    if (result.code === "UNAUTHENTICATED") return onSignedOut(result.message);
    showRefusal(result, form, ["currentCode", "currentPassword"], setStatus);
  }

  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-4" aria-label={heading}>
      <OpeningHeading>{heading}</OpeningHeading>
      {intro}
      <CurrentSignInFields
        email={email}
        code={register("currentCode")}
        codeError={errors.currentCode?.message}
        password={register("currentPassword")}
        passwordError={errors.currentPassword?.message}
      />
      <FormStatus message={status} testId="two-factor-status" />
      <div className="flex flex-wrap gap-3">
        <SubmitButton tone={tone} pending={formState.isSubmitting} pendingLabel={pendingLabel}>
          {submitLabel}
        </SubmitButton>
        <button type="button" className={SECONDARY_BUTTON} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
