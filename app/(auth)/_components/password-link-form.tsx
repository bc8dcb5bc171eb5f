"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { FormStatus } from "@/components/form-status";
import { showServerFieldErrors } from "@/components/server-field-errors";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { callAction } from "@/lib/actions/call-action";
import { resetPasswordAction } from "@/lib/auth/public-actions";
import { resetPasswordSchema, type ResetPasswordInput } from "@/lib/auth/schema";

/**
 * The link's token, taken off the address bar once read: it is not left in the history, nor
 * shown over someone's shoulder. "" when there is none, or not a whole one (a link cut by a
 * mail client): the page then asks for the link again instead of a form that cannot work.
 */
function takeTokenFromAddress(): string {
  const token = window.location.hash.slice(1);
  if (token) window.history.replaceState(null, "", window.location.pathname);
  return resetPasswordSchema.shape.token.safeParse(token).success ? token : "";
}

/** The words of each way here: a forgotten password's link, or an invitation's first password. */
const WORDS = {
  reset: { form: "Set a new password", password: "New password", again: "New password again", submit: "Set the new password" },
  join: { form: "Choose your password", password: "Password", again: "Password again", submit: "Set my password" },
} as const;

/** The sign-in page, saying what the server did (app/(auth)/sign-in/page.tsx NOTICES). */
const SIGN_IN_AFTER = { joined: "/sign-in?changed=joined", reset: "/sign-in?changed=password" } as const;

export function PasswordLinkForm({ purpose }: { purpose: keyof typeof WORDS }) {
  const words = WORDS[purpose];
  const router = useRouter();
  // undefined until read in the browser; "" when the page was opened without a link's token.
  const [token, setToken] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | null>(null);
  const [linkGone, setLinkGone] = useState(false);
  const { register, handleSubmit, formState, setError, setValue } = useForm<ResetPasswordInput>({ resolver: zodResolver(resetPasswordSchema) });
  useEffect(() => {
    const taken = takeTokenFromAddress();
    setValue("token", taken);
    // Read once, after the first render (the server has no address bar): the form waits for it.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setToken(taken);
  }, [setValue]);

  async function onSubmit(values: ResetPasswordInput) {
    setStatus(null);
    const result = await callAction(() => resetPasswordAction(values));
    // Where the person goes says what happened, whichever page they came by: a first password (joined) or a new one.
    if (result.ok) return router.replace(SIGN_IN_AFTER[result.data.outcome]);
    // A used, old or unknown link: nothing on this form can mend it.
    if (result.code === "CONFLICT") setLinkGone(true);
    setStatus(result.message);
    showServerFieldErrors(result.fieldErrors, setError);
  }

  if (token === undefined) return null;
  if (token === "" || linkGone) {
    return (
      // The form it replaces had the keyboard: the words that say why take it.
      <div ref={(gone) => gone?.focus()} tabIndex={-1} className="mt-6 space-y-3 text-sm">
        <FormStatus message={status ?? "This page needs the link from the mail, whole. Open it from the mail again, or ask for a new one."} testId="reset-status" />
        <Link href="/forgot-password" className="text-brand-700 underline">
          Ask for a new link
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate className="mt-6 space-y-4" aria-label={words.form}>
      <input type="hidden" {...register("token")} />
      <TextField label={words.password} type="password" autoComplete="new-password" error={formState.errors.newPassword?.message} {...register("newPassword")} />
      <TextField label={words.again} type="password" autoComplete="new-password" error={formState.errors.confirmPassword?.message} {...register("confirmPassword")} />
      <FormStatus message={status} testId="reset-status" />
      <SubmitButton pending={formState.isSubmitting} pendingLabel="Setting…" className="w-full">
        {words.submit}
      </SubmitButton>
    </form>
  );
}
