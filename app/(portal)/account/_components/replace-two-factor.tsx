"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { callAction } from "@/lib/actions/call-action";
import { offerReplacementSecretAction, replaceTwoFactorAction } from "@/lib/auth/actions";
import { OFFER_GONE } from "@/lib/auth/two-factor-words";
import { replaceTwoFactorSchema, type ReplaceTwoFactorInput } from "@/lib/auth/schema";
import { AuthenticatorKey } from "./authenticator-key";
import { CodesThenSignIn } from "./codes-then-sign-in";
import { showRefusal } from "@/components/server-field-errors";
import { CurrentSignInFields } from "./current-sign-in-fields";
import { OpeningHeading } from "./opening-heading";
import { SECONDARY_BUTTON } from "@/components/button-styles";

type Stage = { at: "start"; again?: boolean } | { at: "offered"; secret: string; uri: string; offer: string } | { at: "moved"; recoveryCodes: string[] };

/**
 * Moving two-factor sign-in to a new phone: a new key for its app, as at set-up, confirmed
 * with a code from it and the current sign-in (the old phone's code, or a recovery code when
 * that phone is lost). The old key stops working and every session ends, this one too:
 * `onSessionsEnded`. `onCancel`: back to the choices.
 */
export function ReplaceTwoFactor({
  email,
  onCancel,
  onSessionsEnded,
  onSignedOut,
}: {
  email: string;
  onCancel: () => void;
  onSessionsEnded: () => void;
  onSignedOut: (message: string) => void;
}) {
  const [stage, setStage] = useState<Stage>({ at: "start" });
  const [status, setStatus] = useState<string | null>(null);
  const [offering, setOffering] = useState(false);
  const offerRef = useRef<HTMLButtonElement>(null);
  // Sent back to the start (an offer gone stale): the keyboard goes on to the button that asks for a new one, past the heading.
  useEffect(() => {
    if (stage.at === "start" && stage.again) offerRef.current?.focus();
  }, [stage]);

  async function offer() {
    if (offering) return;
    setOffering(true);
    setStatus(null);
    const result = await callAction(() => offerReplacementSecretAction({}));
    setOffering(false);
    if (result.ok) setStage({ at: "offered", ...result.data });
    else if (result.code === "UNAUTHENTICATED") onSignedOut(result.message);
    else setStatus(result.message);
  }

  if (stage.at === "moved") {
    return (
      <CodesThenSignIn
        heading="Two-factor sign-in is on your new phone: your new recovery codes"
        note="Your old recovery codes no longer work. Each new one works once, instead of a code from your app, if you lose your phone. Keep them somewhere safe: they are not shown again."
        codes={stage.recoveryCodes}
        signInWith="a code from the app on your new phone"
      />
    );
  }
  if (stage.at === "offered") {
    return (
      <ConfirmReplacement
        email={email}
        secret={stage.secret}
        uri={stage.uri}
        offer={stage.offer}
        onMoved={(recoveryCodes) => {
          setStage({ at: "moved", recoveryCodes });
          onSessionsEnded();
        }}
        onStale={(why) => {
          setStatus(why);
          setStage({ at: "start", again: true });
        }}
        onCancel={onCancel}
        onSignedOut={onSignedOut}
      />
    );
  }
  return (
    <div className="space-y-3">
      <OpeningHeading>Move two-factor sign-in to a new phone</OpeningHeading>
      <p className="text-sm text-slate-600">
        The app on your new phone gets a new key. Once you confirm it, the old phone&apos;s codes and your recovery codes stop working, and every session of your
        account ends, this one too.
      </p>
      <FormStatus message={status} testId="two-factor-status" />
      <div className="flex flex-wrap gap-3">
        <button ref={offerRef} type="button" className={SECONDARY_BUTTON} aria-disabled={offering || undefined} aria-busy={offering || undefined} onClick={() => void offer()}>
          Show a key for the new phone
        </button>
        <button type="button" className={SECONDARY_BUTTON} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function ConfirmReplacement({
  email,
  secret,
  uri,
  offer,
  onMoved,
  onStale,
  onCancel,
  onSignedOut,
}: {
  email: string;
  secret: string;
  uri: string;
  offer: string;
  onMoved: (recoveryCodes: string[]) => void;
  /** The key can no longer be confirmed (expired, or how the account signs in changed meanwhile): `why`, said where a new one is asked for. */
  onStale: (why: string) => void;
  onCancel: () => void;
  onSignedOut: (message: string) => void;
}) {
  const [status, setStatus] = useState<string | null>(null);
  const form = useForm<ReplaceTwoFactorInput>({
    resolver: zodResolver(replaceTwoFactorSchema),
    defaultValues: { offer, code: "", currentCode: "", currentPassword: "" },
  });
  const { register, handleSubmit, formState } = form;
  const { errors } = formState;

  async function onSubmit(values: ReplaceTwoFactorInput) {
    setStatus(null);
    const result = await callAction(() => replaceTwoFactorAction(values));
    if (result.ok) return onMoved(result.data.recoveryCodes);
    // Nothing typed here can mend an offer that is gone: begin again, saying why. Any other
    // conflict (the current code used meanwhile, in another tab) keeps the key already scanned.
    if (result.code === "CONFLICT" && result.message === OFFER_GONE) return onStale(result.message);
    if (result.code === "CONFLICT") {
      setStatus(result.message);
      return form.setFocus("currentCode");
    }
    if (result.code === "UNAUTHENTICATED") return onSignedOut(result.message);
    showRefusal(result, form, ["code", "currentCode", "currentPassword"], setStatus);
  }

  return (
    <div className="space-y-4">
      <AuthenticatorKey heading="1. Add this key to the app on your new phone" email={email} secret={secret} uri={uri} />
      <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-4" aria-label="Move two-factor sign-in to a new phone">
        <h3 className="font-semibold">2. Confirm with codes from both</h3>
        <input type="hidden" {...register("offer")} />
        <TextField label="Code from the new app" inputMode="numeric" autoComplete="one-time-code" error={errors.code?.message} {...register("code")} />
        <CurrentSignInFields
          email={email}
          codeLabel="Code from your current app, or a recovery code"
          code={register("currentCode")}
          codeError={errors.currentCode?.message}
          password={register("currentPassword")}
          passwordError={errors.currentPassword?.message}
        />
        <FormStatus message={status} testId="two-factor-status" />
        <div className="flex flex-wrap gap-3">
          <SubmitButton pending={formState.isSubmitting} pendingLabel="Moving…">
            Move to the new phone
          </SubmitButton>
          <button type="button" className={SECONDARY_BUTTON} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
