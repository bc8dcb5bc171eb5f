"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormStatus } from "@/components/form-status";
import { showRefusal } from "@/components/server-field-errors";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { callAction } from "@/lib/actions/call-action";
import { changePasswordAction } from "@/lib/auth/actions";
import { changePasswordSchema, PASSWORD_MIN_LENGTH, type ChangePasswordInput } from "@/lib/auth/schema";

const EMPTY: ChangePasswordInput = { currentPassword: "", newPassword: "", confirmPassword: "" };

/** The signed-in person's own password. On success every session has ended, this one too: the browser signs out and asks for the new one. */
export function ChangePasswordForm({ email }: { email: string }) {
  const [status, setStatus] = useState<string | null>(null);
  const { register, handleSubmit, formState, setError, setFocus } = useForm<ChangePasswordInput>({ resolver: zodResolver(changePasswordSchema), defaultValues: EMPTY });
  const { errors } = formState;

  async function onSubmit(values: ChangePasswordInput) {
    setStatus(null);
    const result = await callAction(() => changePasswordAction(values));
    if (!result.ok) return showRefusal(result, { setError, setFocus }, ["currentPassword"], setStatus);
    await signOut({ callbackUrl: "/sign-in?changed=password" });
  }

  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-4" aria-label="Change your password">
      {/* For password managers: whose password this is. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <TextField label="Current password" type="password" autoComplete="current-password" error={errors.currentPassword?.message} {...register("currentPassword")} />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        hint={`At least ${PASSWORD_MIN_LENGTH} characters. A passphrase of a few words is easy to remember.`}
        error={errors.newPassword?.message}
        {...register("newPassword")}
      />
      <TextField label="New password again" type="password" autoComplete="new-password" error={errors.confirmPassword?.message} {...register("confirmPassword")} />
      <FormStatus message={status} testId="change-password-status" />
      <SubmitButton pending={formState.isSubmitting} pendingLabel="Changing…">
        Change password
      </SubmitButton>
    </form>
  );
}
