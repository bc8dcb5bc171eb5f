"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormStatus } from "@/components/form-status";
import { ShownOnce } from "@/components/shown-once";
import { SubmitButton } from "@/components/submit-button";
import { callAction } from "@/lib/actions/call-action";
import { renewRecoveryCodesAction } from "@/lib/auth/actions";
import { currentSecondFactorSchema, type CurrentSecondFactorInput } from "@/lib/auth/schema";
import { CurrentSignInFields, showRefusal } from "./current-sign-in-fields";
import { OpeningHeading } from "./opening-heading";

const BUTTON = "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50";

/** Ten new recovery codes for the old ones (used up, or seen by someone else); sessions stay signed in. `onClose`: back to the choices. */
export function RenewRecoveryCodes({ email, onClose, onSignedOut }: { email: string; onClose: () => void; onSignedOut: (message: string) => void }) {
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const form = useForm<CurrentSecondFactorInput>({ resolver: zodResolver(currentSecondFactorSchema), defaultValues: { currentCode: "", currentPassword: "" } });
  const { register, handleSubmit, formState } = form;
  const { errors } = formState;

  async function onSubmit(values: CurrentSecondFactorInput) {
    setStatus(null);
    const result = await callAction(() => renewRecoveryCodesAction(values));
    if (result.ok) return setRecoveryCodes(result.data.recoveryCodes);
    if (result.code === "UNAUTHENTICATED") return onSignedOut(result.message);
    showRefusal(result, form, ["currentCode", "currentPassword"], setStatus);
  }

  if (recoveryCodes) {
    return (
      <div className="space-y-3">
        <ShownOnce
          heading="Your new recovery codes"
          note="Your old recovery codes no longer work. Each new one works once, instead of a code from your app, if you lose your phone. Keep them somewhere safe: they are not shown again."
          value={recoveryCodes}
          testId="recovery-codes"
        />
        <button type="button" className={BUTTON} onClick={onClose}>
          Done
        </button>
      </div>
    );
  }
  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-4" aria-label="New recovery codes">
      <OpeningHeading>New recovery codes</OpeningHeading>
      <p className="text-sm text-slate-600">Ten new codes replace your old ones, used or not. You stay signed in.</p>
      <CurrentSignInFields
        email={email}
        code={register("currentCode")}
        codeError={errors.currentCode?.message}
        password={register("currentPassword")}
        passwordError={errors.currentPassword?.message}
      />
      <FormStatus message={status} testId="two-factor-status" />
      <div className="flex flex-wrap gap-3">
        <SubmitButton pending={formState.isSubmitting} pendingLabel="Making new codes…">
          Get new recovery codes
        </SubmitButton>
        <button type="button" className={BUTTON} onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
