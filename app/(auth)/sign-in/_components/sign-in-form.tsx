"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { signInSchema, type SignInInput } from "@/lib/auth/schema";
import { asksForCode, signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { TextField } from "@/components/text-field";
import { SubmitButton } from "@/components/submit-button";

export function SignInForm(props: {
  callbackUrl: string;
  initialError: string | null;
  askCode: boolean;
  sso: { name: string } | null;
}) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(props.initialError);
  // The code field appears once the server asks for a second factor (staff always, customers who enrolled).
  const [askCode, setAskCode] = useState(props.askCode);
  const { register, handleSubmit, formState } = useForm<SignInInput>({ resolver: zodResolver(signInSchema) });

  async function onSubmit(values: SignInInput) {
    setFormError(null);
    const result = await signIn("credentials", { ...values, redirect: false });
    if (!result || result.error) {
      setFormError(signInErrorMessage(result?.error ?? "InvalidCredentials"));
      if (asksForCode(result?.error)) setAskCode(true);
      return;
    }
    router.replace(props.callbackUrl);
    router.refresh();
  }

  return (
    <>
      <form onSubmit={handleSubmit(onSubmit)} noValidate className="mt-6 space-y-4" aria-label="Sign in">
        <TextField label="E-mail" type="email" autoComplete="username" error={formState.errors.email?.message} {...register("email")} />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          error={formState.errors.password?.message}
          {...register("password")}
        />
        {askCode && (
          <TextField
            label="Authentication code"
            hint="6 digits from your authenticator app, or a recovery code"
            autoComplete="one-time-code"
            inputMode="text"
            autoFocus
            error={formState.errors.code?.message}
            {...register("code")}
          />
        )}
        <div aria-live="polite" role="status" data-testid="sign-in-error">
          {formError && <p className="rounded-md bg-red-50 p-3 text-sm text-red-800">{formError}</p>}
        </div>
        <SubmitButton pending={formState.isSubmitting} className="w-full">
          Sign in
        </SubmitButton>
      </form>
      {props.sso && (
        <button
          type="button"
          onClick={() => void signIn("oidc", { callbackUrl: props.callbackUrl })}
          className="mt-3 w-full rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50"
        >
          Sign in with {props.sso.name}
        </button>
      )}
    </>
  );
}
