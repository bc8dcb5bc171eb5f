"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState } from "react";
import { CheckboxField } from "@/components/checkbox-field";
import { FormStatus } from "@/components/form-status";
import type { SandboxOptions } from "@/lib/sanitizer/options";
import { confirmRefreshAction, confirmWizardAction } from "@/lib/wizard/actions";
import type { WizardMode } from "@/lib/wizard/schema";
import { applyServerErrors, describeStepErrors, type StepProps } from "./step-props";
import { StepErrorLinks } from "./step-error-links";
import { callAction } from "@/lib/actions/call-action";

const COPY: Record<WizardMode, { heading: string; text: string; acknowledge: string; ackMissing: string; button: string; busy: string }> = {
  setup: {
    heading: "Confirm and start the copy",
    text: "Once confirmed, the copy starts and these choices can no longer be changed for this copy.",
    acknowledge: "I have reviewed these choices and understand that there is no going back.",
    ackMissing: "Tick the box to confirm that there is no going back.",
    button: "Confirm and start the copy",
    busy: "Starting the copy…",
  },
  refresh: {
    heading: "Confirm and start the refresh",
    text: "Once confirmed, the refresh starts with these choices; they become the sandbox's saved choices when the new copy is ready.",
    acknowledge: "I understand that the sandbox is overwritten with a new copy of production.",
    ackMissing: "Tick the box to confirm that the sandbox is overwritten with a new copy.",
    button: "Confirm and start the refresh",
    busy: "Starting the refresh…",
  },
};

/** The review step's point of no return: one acknowledgement, then the mode's confirm action. */
export function ConfirmSection({
  form,
  sandbox,
  mode,
  options,
  confirmations,
  blockedBy,
  goTo,
}: Pick<StepProps, "form" | "sandbox" | "mode" | "confirmations"> & { options: SandboxOptions; blockedBy: string | null; goTo: (step: number) => void }) {
  const router = useRouter();
  const id = useId();
  const copy = COPY[mode];
  const [acknowledged, setAcknowledged] = useState(false);
  const [ackError, setAckError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]> | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  // Unticked, the box takes the keyboard's place, so a screen reader says its error (which is not a live region).
  const ackBox = useRef<HTMLInputElement>(null);

  async function confirm() {
    if (confirming) return;
    setFormError(null);
    setAckError(null);
    if (!acknowledged) {
      setAckError(copy.ackMissing);
      // Once the error is rendered and linked, so that it is said with the box.
      requestAnimationFrame(() => ackBox.current?.focus());
      return;
    }
    setConfirming(true);
    const result =
      mode === "refresh"
        ? await callAction(() => confirmRefreshAction({ sandboxId: sandbox.id, options, confirmations, acknowledgeOverwrite: true }))
        : await callAction(() => confirmWizardAction({ sandboxId: sandbox.id, options, confirmations, acknowledgeNoGoingBack: true }));
    setFieldErrors(undefined);
    if (!result.ok) {
      setConfirming(false);
      setFormError(describeStepErrors(result.message, result.fieldErrors));
      setFieldErrors(result.fieldErrors);
      applyServerErrors(result.fieldErrors, form.setError);
      if (result.code === "ALREADY_CONFIRMED") router.refresh();
      return;
    }
    router.push(`/sandboxes/${result.data.sandboxId}`);
  }

  return (
    <section aria-labelledby={`${id}-confirm`} className="rounded-md border border-amber-300 bg-amber-50 p-4">
      <h3 id={`${id}-confirm`} className="text-base font-semibold">
        {copy.heading}
      </h3>
      <p className="mt-1 text-sm text-slate-800">{copy.text}</p>
      <CheckboxField
        className="mt-3"
        label={copy.acknowledge}
        ref={ackBox}
        checked={acknowledged}
        onChange={(e) => setAcknowledged(e.target.checked)}
        error={ackError ?? undefined}
      />
      <div className="mt-3">
        <FormStatus message={formError} testId="confirm-error" />
        <StepErrorLinks fieldErrors={fieldErrors} goTo={goTo} />
      </div>
      {blockedBy && (
        <p id={`${id}-blocked`} className="mt-3 text-sm text-slate-800" data-testid="confirm-blocked">
          {blockedBy}
        </p>
      )}
      <button
        type="button"
        onClick={() => void confirm()}
        // Blocked, it cannot be pressed; busy, it stays where the keyboard is (a refusal comes back to it).
        disabled={blockedBy !== null}
        aria-disabled={confirming || undefined}
        aria-describedby={blockedBy ? `${id}-blocked` : undefined}
        aria-busy={confirming || undefined}
        className="mt-3 rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60 aria-disabled:opacity-60"
      >
        {confirming ? copy.busy : copy.button}
      </button>
    </section>
  );
}
