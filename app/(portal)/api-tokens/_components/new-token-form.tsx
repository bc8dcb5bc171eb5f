"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { CheckboxField } from "@/components/checkbox-field";
import { CheckboxGroup } from "@/components/checkbox-group";
import { CONTROL_CLASS, StackedField, useFieldIds } from "@/components/field";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { createTokenAction } from "@/lib/api-tokens/actions";
import { newTokenSchema, TOKEN_LIFETIMES, type NewTokenInput } from "@/lib/api-tokens/schema";
import { API_SCOPES, SCOPE_LABEL } from "@/lib/api-tokens/scopes";
import { ShownOnce } from "@/components/shown-once";
import { useShownOnceSubmit } from "@/components/use-shown-once-submit";
import { useRestoredDraft } from "@/components/draft-across-sign-in";
import { useWhen } from "@/components/time-zone";

const EMPTY: NewTokenInput = { name: "", expiresInDays: 90, scopes: ["sandboxes:read"] };
const lifetimeLabel = (days: number) => (days === 365 ? "1 year" : `${days} days`);

const KEPT_WORDS = "What you filled in was kept while you signed in again. Check it, then create the token.";

/**
 * Makes a token; the token itself is shown once, below the form, until the page is
 * left. Refused because the sign-in grew old while the form was filled in, the input
 * waits for the person (`ownerId`) to sign in again.
 */
export function NewTokenForm({ ownerId }: { ownerId: string }) {
  const when = useWhen();
  const form = useForm<NewTokenInput>({ resolver: zodResolver(newTokenSchema), defaultValues: EMPTY });
  const { register, formState } = form;
  const { errors } = formState;
  const expiry = useFieldIds("A token lives at most a year; make a new one before it expires.", errors.expiresInDays?.message);
  const draftKey = `new-api-token:${ownerId}`;
  const { error, made, onSubmit } = useShownOnceSubmit(form, EMPTY, createTokenAction, { keepDraftAs: draftKey });
  const restored = useRestoredDraft(draftKey, newTokenSchema, form);

  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Create an API token">
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
        <CheckboxGroup legend="What it may do" error={errors.scopes?.message ?? errors.scopes?.root?.message}>
          {API_SCOPES.map((scope) => (
            <CheckboxField key={scope} value={scope} label={`${SCOPE_LABEL[scope]} (${scope})`} {...register("scopes")} />
          ))}
        </CheckboxGroup>
        <FormStatus message={error ?? (restored && !made ? KEPT_WORDS : null)} tone={error ? "error" : "info"} testId="new-token-status" />
        <SubmitButton pending={formState.isSubmitting}>Create the token</SubmitButton>
      </form>
      {made && (
        <ShownOnce
          heading={`“${made.name}” is ready`}
          note={`Copy it now: it is shown only this once. It works until ${when(new Date(made.expiresAt))}.`}
          value={made.token}
          testId="new-token"
        />
      )}
    </div>
  );
}
