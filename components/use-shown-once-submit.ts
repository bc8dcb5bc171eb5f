"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { FieldValues, UseFormReturn } from "react-hook-form";
import type { ActionResult } from "@/lib/actions/safe-action";
import { showServerFieldErrors } from "./server-field-errors";
import { callAction } from "@/lib/actions/call-action";
import { keepDraft } from "./draft-across-sign-in";

/**
 * The submit of a form that makes something whose secret is shown only once (an API
 * token, a webhook's signing secret): the server's refusals go under their fields and
 * above the button; what was made is kept to be shown until the page is left, and the
 * form starts empty again for the next one. With `keepDraftAs`, a refusal for who is
 * asking keeps the input for after they sign in again (./draft-across-sign-in.ts).
 */
export function useShownOnceSubmit<T extends FieldValues, R>(
  form: UseFormReturn<T>,
  empty: T,
  action: (values: T) => Promise<ActionResult<R>>,
  { keepDraftAs }: { keepDraftAs?: string } = {},
) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<R | null>(null);

  async function submit(values: T) {
    setError(null);
    setMade(null);
    const result = await callAction(() => action(values));
    if (!result.ok) {
      setError(result.message);
      showServerFieldErrors(result.fieldErrors, form.setError);
      // Refused for who is asking (a role changed, a sign-in grown old): the page shows what they may do now.
      if (result.code === "FORBIDDEN") {
        if (keepDraftAs) keepDraft(keepDraftAs, values);
        router.refresh();
      }
      return;
    }
    form.reset(empty);
    setMade(result.data);
    router.refresh();
  }

  return { error, made, onSubmit: form.handleSubmit(submit) };
}
