"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { CheckboxField } from "@/components/checkbox-field";
import { CheckboxGroup } from "@/components/checkbox-group";
import { FormStatus } from "@/components/form-status";
import { ShownOnce } from "@/components/shown-once";
import { useShownOnceSubmit } from "@/components/use-shown-once-submit";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { createEndpointAction } from "@/lib/webhooks/actions";
import { EVENT_LABEL, WEBHOOK_EVENTS } from "@/lib/webhooks/events";
import { newEndpointSchema, type NewEndpointInput } from "@/lib/webhooks/schema";

const EMPTY: NewEndpointInput = { url: "", description: "", events: [...WEBHOOK_EVENTS] };

/** Registers an endpoint; its signing secret is shown once, below the form, until the page is left. */
export function NewEndpointForm() {
  const form = useForm<NewEndpointInput>({ resolver: zodResolver(newEndpointSchema), defaultValues: EMPTY });
  const { register, formState } = form;
  const { errors } = formState;
  const { error, made, onSubmit } = useShownOnceSubmit(form, EMPTY, createEndpointAction);

  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Add a webhook endpoint">
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField label="Address (https://…)" hint="Where the portal POSTs the events." error={errors.url?.message} inputMode="url" {...register("url")} />
          <TextField label="Description (optional)" hint="What receives them, such as “release pipeline”." error={errors.description?.message} {...register("description")} />
        </div>
        <CheckboxGroup legend="Events to send" error={errors.events?.message ?? errors.events?.root?.message}>
          {WEBHOOK_EVENTS.map((event) => (
            <CheckboxField key={event} value={event} label={`${EVENT_LABEL[event]} (${event})`} {...register("events")} />
          ))}
        </CheckboxGroup>
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
