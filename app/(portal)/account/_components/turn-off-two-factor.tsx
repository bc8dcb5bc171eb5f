"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormStatus } from "@/components/form-status";
import { useAnnounce } from "@/components/page-announcer";
import { SubmitButton } from "@/components/submit-button";
import { callAction } from "@/lib/actions/call-action";
import { turnOffTwoFactorAction } from "@/lib/auth/actions";
import { currentSecondFactorSchema, type CurrentSecondFactorInput } from "@/lib/auth/schema";
import { CurrentSignInFields, showRefusal } from "./current-sign-in-fields";
import { OpeningHeading } from "./opening-heading";

const BUTTON = "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50";

/**
 * A customer turns their own two-factor sign-in off (staff must keep it). `onTurnedOff`: the
 * page then offers set-up again, and this form, with the keyboard's place, is gone: the
 * announcement puts the keyboard on the section's heading, which now says "off".
 */
export function TurnOffTwoFactor({
  email,
  onTurnedOff,
  onCancel,
  onSignedOut,
}: {
  email: string;
  onTurnedOff: () => void;
  onCancel: () => void;
  onSignedOut: (message: string) => void;
}) {
  const [status, setStatus] = useState<string | null>(null);
  const announce = useAnnounce();
  const form = useForm<CurrentSecondFactorInput>({ resolver: zodResolver(currentSecondFactorSchema), defaultValues: { currentCode: "", currentPassword: "" } });
  const { register, handleSubmit, formState } = form;
  const { errors } = formState;

  async function onSubmit(values: CurrentSecondFactorInput) {
    setStatus(null);
    const result = await callAction(() => turnOffTwoFactorAction(values));
    if (result.ok) {
      announce("Two-factor sign-in is off.", "#two-factor-heading");
      return onTurnedOff();
    }
    if (result.code === "UNAUTHENTICATED") return onSignedOut(result.message);
    showRefusal(result, form, ["currentCode", "currentPassword"], setStatus);
  }

  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-4" aria-label="Turn off two-factor sign-in">
      <OpeningHeading>Turn off two-factor sign-in</OpeningHeading>
      <p className="text-sm text-slate-700">
        Once it is off, your password alone opens your account: anyone who learns it is in. Your recovery codes stop working. You can turn it on again here at any
        time.
      </p>
      <CurrentSignInFields
        email={email}
        code={register("currentCode")}
        codeError={errors.currentCode?.message}
        password={register("currentPassword")}
        passwordError={errors.currentPassword?.message}
      />
      <FormStatus message={status} testId="two-factor-status" />
      <div className="flex flex-wrap gap-3">
        <SubmitButton tone="danger" pending={formState.isSubmitting} pendingLabel="Turning off…">
          Turn off two-factor sign-in
        </SubmitButton>
        <button type="button" className={BUTTON} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
