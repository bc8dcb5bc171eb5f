"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { CheckboxField } from "@/components/checkbox-field";
import { CONTROL_CLASS, StackedField, useFieldIds } from "@/components/field";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { createTokenAction } from "@/lib/api-tokens/actions";
import { newTokenSchema, TOKEN_LIFETIMES, type NewTokenInput } from "@/lib/api-tokens/schema";
import { API_SCOPES, SCOPE_LABEL } from "@/lib/api-tokens/scopes";
import { ShownOnce } from "@/components/shown-once";
import { formatWhen } from "@/lib/format";
import { showServerFieldErrors } from "@/components/server-field-errors";

const EMPTY: NewTokenInput = { name: "", expiresInDays: 90, scopes: ["sandboxes:read"] };
const lifetimeLabel = (days: number) => (days === 365 ? "1 year" : `${days} days`);

/** Makes a token; the token itself is shown once, below the form, until the page is left. */
export function NewTokenForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<{ name: string; token: string; expiresAt: string } | null>(null);
  const { register, handleSubmit, formState, setError: setFieldError, reset } = useForm<NewTokenInput>({ resolver: zodResolver(newTokenSchema), defaultValues: EMPTY });
  const { errors } = formState;
  const expiry = useFieldIds("A token lives at most a year; make a new one before it expires.", errors.expiresInDays?.message);

  async function onSubmit(values: NewTokenInput) {
    setError(null);
    setMade(null);
    const result = await createTokenAction(values);
    if (!result.ok) {
      setError(result.message);
      showServerFieldErrors(result.fieldErrors, setFieldError);
      return;
    }
    reset(EMPTY);
    setMade(result.data);
    router.refresh();
  }

  return (
    <div className="space-y-4">
      <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-4" aria-label="Create an API token">
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField label="Name" hint="What uses it, such as “release pipeline”." error={errors.name?.message} {...register("name")} />
          <StackedField ids={expiry} label="Expires after" hint="A token lives at most a year; make a new one before it expires." error={errors.expiresInDays?.message}>
            <select id={expiry.id} aria-describedby={expiry.describedBy} aria-invalid={errors.expiresInDays ? true : undefined} className={CONTROL_CLASS} {...register("expiresInDays")}>
              {TOKEN_LIFETIMES.map((days) => (
                <option key={days} value={days}>
                  {lifetimeLabel(days)}
                </option>
              ))}
            </select>
          </StackedField>
        </div>
        <fieldset aria-describedby={errors.scopes ? "scopes-error" : undefined}>
          <legend className="text-sm font-medium text-slate-800">What it may do</legend>
          <div className="mt-2 space-y-2">
            {API_SCOPES.map((scope) => (
              <CheckboxField key={scope} value={scope} label={`${SCOPE_LABEL[scope]} (${scope})`} {...register("scopes")} />
            ))}
          </div>
          {errors.scopes && (
            <p id="scopes-error" className="mt-1 text-sm text-red-700">
              {errors.scopes.message ?? errors.scopes.root?.message}
            </p>
          )}
        </fieldset>
        <FormStatus message={error} testId="new-token-status" />
        <SubmitButton pending={formState.isSubmitting}>Create the token</SubmitButton>
      </form>
      {made && (
        <ShownOnce
          heading={`“${made.name}” is ready`}
          note={`Copy it now: it is shown only this once. It works until ${formatWhen(new Date(made.expiresAt))}.`}
          value={made.token}
          testId="new-token"
        />
      )}
    </div>
  );
}
