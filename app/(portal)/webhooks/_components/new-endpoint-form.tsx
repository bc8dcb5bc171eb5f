"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { CheckboxField } from "@/components/checkbox-field";
import { FormStatus } from "@/components/form-status";
import { ShownOnce } from "@/components/shown-once";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { createEndpointAction } from "@/lib/webhooks/actions";
import { EVENT_LABEL, WEBHOOK_EVENTS } from "@/lib/webhooks/events";
import { newEndpointSchema, type NewEndpointInput } from "@/lib/webhooks/schema";
import { showServerFieldErrors } from "@/components/server-field-errors";

const EMPTY: NewEndpointInput = { url: "", description: "", events: [...WEBHOOK_EVENTS] };

/** Registers an endpoint; its signing secret is shown once, below the form, until the page is left. */
export function NewEndpointForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<{ url: string; secret: string } | null>(null);
  const { register, handleSubmit, formState, setError: setFieldError, reset } = useForm<NewEndpointInput>({ resolver: zodResolver(newEndpointSchema), defaultValues: EMPTY });
  const { errors } = formState;

  async function onSubmit(values: NewEndpointInput) {
    setError(null);
    setMade(null);
    const result = await createEndpointAction(values);
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
      <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-4" aria-label="Add a webhook endpoint">
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField label="Address (https://…)" hint="Where the portal POSTs the events." error={errors.url?.message} inputMode="url" {...register("url")} />
          <TextField label="Description (optional)" hint="What receives them, such as “release pipeline”." error={errors.description?.message} {...register("description")} />
        </div>
        <fieldset aria-describedby={errors.events ? "events-error" : undefined}>
          <legend className="text-sm font-medium text-slate-800">Events to send</legend>
          <div className="mt-2 space-y-2">
            {WEBHOOK_EVENTS.map((event) => (
              <CheckboxField key={event} value={event} label={`${EVENT_LABEL[event]} (${event})`} {...register("events")} />
            ))}
          </div>
          {errors.events && (
            <p id="events-error" className="mt-1 text-sm text-red-700">
              {errors.events.message ?? errors.events.root?.message}
            </p>
          )}
        </fieldset>
        <FormStatus message={error} testId="new-endpoint-status" />
        <SubmitButton pending={formState.isSubmitting}>Add the endpoint</SubmitButton>
      </form>
      {made && (
        <ShownOnce
          heading={`Events for ${made.url} are signed with this secret`}
          note="Copy it into the receiver now: it is shown only this once. Check each event's webhook-signature header with it (any Standard Webhooks library does)."
          value={made.secret}
          testId="new-endpoint"
        />
      )}
    </div>
  );
}
