"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { callAction } from "@/lib/actions/call-action";
import { requestPasswordResetAction } from "@/lib/auth/public-actions";
import { RESET_MINUTES } from "@/lib/auth/reset-words";
import { requestPasswordResetSchema, type RequestPasswordResetInput } from "@/lib/auth/schema";

/** The e-mail address, and then the same words whatever it was: whether it has an account is not the asker's to learn. */
export function ForgotPasswordForm() {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);
  const { register, handleSubmit, formState } = useForm<RequestPasswordResetInput>({ resolver: zodResolver(requestPasswordResetSchema) });
  // The form gives way to what happens next: the keyboard goes there.
  useEffect(() => {
    if (sentTo) doneRef.current?.focus();
  }, [sentTo]);

  async function onSubmit(values: RequestPasswordResetInput) {
    setStatus(null);
    const result = await callAction(() => requestPasswordResetAction(values));
    if (!result.ok) return setStatus(result.message);
    setSentTo(values.email);
  }

  if (sentTo) {
    return (
      <p ref={doneRef} tabIndex={-1} role="status" className="mt-6 rounded-md bg-brand-50 p-3 text-sm text-brand-900" data-testid="reset-requested">
        If {sentTo} belongs to an account of the portal, a link to set a new password is on its way there. It works once, for {RESET_MINUTES} minutes.
        Nothing came? Check the spam folder, or ask your administrator.
      </p>
    );
  }
  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate className="mt-6 space-y-4" aria-label="Ask for a password link">
      <TextField label="E-mail" type="email" autoComplete="username" error={formState.errors.email?.message} {...register("email")} />
      <FormStatus message={status} testId="reset-request-status" />
      <SubmitButton pending={formState.isSubmitting} pendingLabel="Sending…" className="w-full">
        Mail me a link
      </SubmitButton>
    </form>
  );
}
