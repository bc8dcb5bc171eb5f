"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useSyncExternalStore } from "react";
import { useForm } from "react-hook-form";
import { signInSchema, type SignInInput } from "@/lib/auth/schema";
import { asksForCode, signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { TextField } from "@/components/text-field";
import { SubmitButton } from "@/components/submit-button";

const noSubscription = () => () => {};

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
  // Until the script has taken over, the form cannot be submitted: the browser
  // would send it on its own, and its password with it.
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);

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
      {/* method="post": should the browser ever submit it by itself, the password goes in the body, never in a URL or a log. */}
      <form
        method="post"
        action="/api/auth/callback/credentials"
        onSubmit={handleSubmit(onSubmit)}
        noValidate
        className="mt-6 space-y-4"
        aria-label="Sign in"
      >
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
        <noscript>
          <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">Signing in needs JavaScript: please turn it on.</p>
        </noscript>
        {/* A disabled default button also stops Enter in a field from submitting the form. */}
        <SubmitButton pending={formState.isSubmitting} disabled={!hydrated} className="w-full">
          Sign in
        </SubmitButton>
      </form>
      <p className="mt-3 text-sm">
        <Link href="/forgot-password" className="text-brand-700 underline">
          Forgot your password?
        </Link>
      </p>
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
