"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { FormStatus } from "@/components/form-status";
import { showRefusal } from "@/components/server-field-errors";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { callAction } from "@/lib/actions/call-action";
import { confirmTwoFactorSetupAction, offerTwoFactorSecretAction } from "@/lib/auth/actions";
import { twoFactorSetupSchema, type TwoFactorSetupInput } from "@/lib/auth/schema";
import { AuthenticatorKey } from "./authenticator-key";
import { CodesThenSignIn } from "./codes-then-sign-in";
import { SECONDARY_BUTTON } from "@/components/button-styles";

type Stage = { at: "start"; back?: boolean } | { at: "offered"; secret: string; uri: string; offer: string } | { at: "on"; recoveryCodes: string[] };

/**
 * Turning on one's own two-factor sign-in: a key for the app, then a code from it and the
 * current password; nothing is stored before both check out (lib/auth/two-factor-setup.ts).
 * `onSessionsEnded`: once it is on, every session of the account has ended, this one too.
 */
export function TwoFactorPanel({ email, singleSignOn, onSessionsEnded }: { email: string; singleSignOn: boolean; onSessionsEnded: () => void }) {
  const [stage, setStage] = useState<Stage>({ at: "start" });
  const [status, setStatus] = useState<string | null>(null);
  const [offering, setOffering] = useState(false);
  const startRef = useRef<HTMLButtonElement>(null);
  // Back from a cancelled set-up: the keyboard returns to the button that began it.
  useEffect(() => {
    if (stage.at === "start" && stage.back) startRef.current?.focus();
  }, [stage]);

  async function offer() {
    if (offering) return;
    setOffering(true);
    setStatus(null);
    const result = await callAction(() => offerTwoFactorSecretAction({}));
    setOffering(false);
    if (result.ok) setStage({ at: "offered", ...result.data });
    else setStatus(result.message);
  }

  if (stage.at === "on") {
    return (
      <CodesThenSignIn
        heading="Two-factor sign-in is on: your recovery codes"
        note="Each code works once, instead of a code from your app, if you lose your phone. Keep them somewhere safe: they are not shown again."
        codes={stage.recoveryCodes}
        signInWith="a code from your app"
      />
    );
  }
  if (stage.at === "offered") {
    return (
      <ConfirmSetup
        email={email}
        secret={stage.secret}
        uri={stage.uri}
        offer={stage.offer}
        onOn={(recoveryCodes) => {
          setStage({ at: "on", recoveryCodes });
          onSessionsEnded();
        }}
        onCancel={(why) => {
          setStatus(why ?? null);
          setStage({ at: "start", back: true });
        }}
      />
    );
  }
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">
        With it on, the portal asks after your password for a code from an authenticator app on your phone (any app that speaks TOTP), so a stolen password alone opens
        nothing.
        {singleSignOn && " Once it is on, you sign in with your e-mail, password and a code: single sign-on no longer signs you in."}
      </p>
      <FormStatus message={status} testId="two-factor-status" />
      <button ref={startRef} type="button" className={SECONDARY_BUTTON} aria-disabled={offering || undefined} aria-busy={offering || undefined} onClick={() => void offer()}>
        Set up two-factor sign-in
      </button>
    </div>
  );
}

function ConfirmSetup({
  email,
  secret,
  uri,
  offer,
  onOn,
  onCancel,
}: {
  email: string;
  secret: string;
  uri: string;
  offer: string;
  onOn: (codes: string[]) => void;
  /** `why`: the set-up can no longer be confirmed (expired, replaced), said where the button to begin again is. */
  onCancel: (why?: string) => void;
}) {
  const [status, setStatus] = useState<string | null>(null);
  const { register, handleSubmit, formState, setError, setFocus } = useForm<TwoFactorSetupInput>({
    resolver: zodResolver(twoFactorSetupSchema),
    defaultValues: { offer, code: "", currentPassword: "" },
  });
  const { errors } = formState;

  async function onSubmit(values: TwoFactorSetupInput) {
    setStatus(null);
    const result = await callAction(() => confirmTwoFactorSetupAction(values));
    if (result.ok) return onOn(result.data.recoveryCodes);
    // An offer that expired or was replaced: nothing here can be corrected, so back to the start, saying why.
    if (result.code === "CONFLICT") return onCancel(result.message);
    showRefusal(result, { setError, setFocus }, ["currentPassword", "code"], setStatus);
  }

  return (
    <div className="space-y-4">
      <AuthenticatorKey heading="1. Add this key to your authenticator app" email={email} secret={secret} uri={uri} />
      <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-4" aria-label="Turn on two-factor sign-in">
        <h3 className="font-semibold">2. Confirm with a code from the app</h3>
        <input type="hidden" {...register("offer")} />
        <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
        <TextField label="Code from the app" inputMode="numeric" autoComplete="one-time-code" error={errors.code?.message} {...register("code")} />
        <TextField label="Current password" type="password" autoComplete="current-password" error={errors.currentPassword?.message} {...register("currentPassword")} />
        <FormStatus message={status} testId="two-factor-status" />
        <div className="flex flex-wrap gap-3">
          <SubmitButton pending={formState.isSubmitting} pendingLabel="Turning on…">
            Turn on two-factor sign-in
          </SubmitButton>
          <button type="button" className={SECONDARY_BUTTON} onClick={() => onCancel()}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
