"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useState } from "react";
import { CheckboxField } from "@/components/checkbox-field";
import { FormStatus } from "@/components/form-status";
import { PLAN_LABEL } from "@/lib/orders/schema";
import { sandboxOptionsSchema } from "@/lib/sanitizer/options";
import { confirmWizardAction, dryRunAction } from "@/lib/wizard/actions";
import type { DryRunResult } from "@/lib/wizard/dry-run";
import { planUsage, WIZARD_STEPS } from "@/lib/wizard/schema";
import { DryRunPanel } from "./dry-run-panel";
import { applyServerErrors } from "./setup-wizard";
import type { StepProps } from "./step-props";

type DryRunState = { state: "loading" } | { state: "error"; message: string } | { state: "ready"; result: DryRunResult };

/** Step 6: every choice, what the copy will change in numbers, and the point of no return. */
export function StepReview({ form, data, sandbox, goTo }: StepProps & { goTo: (step: number) => void }) {
  const router = useRouter();
  const id = useId();
  const [dryRun, setDryRun] = useState<DryRunState>({ state: "loading" });
  const [acknowledged, setAcknowledged] = useState(false);
  const [ackError, setAckError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const parsed = sandboxOptionsSchema.safeParse(form.getValues());
  const options = parsed.success ? parsed.data : null;

  useEffect(() => {
    if (!options) return;
    let current = true;
    void dryRunAction({ sandboxId: sandbox.id, options }).then((result) => {
      if (!current) return;
      setDryRun(result.ok ? { state: "ready", result: result.data } : { state: "error", message: result.message });
    });
    return () => {
      current = false;
    };
    // The options cannot change on this step; run once per visit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sandbox.id]);

  async function confirm() {
    setFormError(null);
    setAckError(null);
    if (!acknowledged) {
      setAckError("Tick the box to confirm that there is no going back.");
      return;
    }
    if (!options) return;
    setConfirming(true);
    const result = await confirmWizardAction({ sandboxId: sandbox.id, options, acknowledgeNoGoingBack: true });
    if (!result.ok) {
      setConfirming(false);
      setFormError(result.message);
      applyServerErrors(result.fieldErrors, form.setError);
      if (result.code === "ALREADY_CONFIRMED") router.refresh();
      return;
    }
    router.push(`/sandboxes/${result.data.sandboxId}`);
  }

  if (!options) {
    return <p className="text-sm text-red-700">Some earlier steps need your attention. Use Back to fix them.</p>;
  }
  const names = new Map(data.associates.map((a) => [a.id, a.fullName]));
  const tasks = data.tasks.filter((t) => options.keepEnabledTaskIds.includes(t.id)).map((t) => t.name);
  const change = (step: string) => {
    const index = WIZARD_STEPS.findIndex((s) => s.id === step);
    return (
      <button type="button" onClick={() => goTo(index)} className="ml-2 text-sm text-brand-700 underline">
        Change<span className="sr-only"> {WIZARD_STEPS[index]!.title.toLowerCase()}</span>
      </button>
    );
  };
  const documents =
    options.documents.mode === "none" ? "None" : options.documents.mode === "all" ? "All" : `Created on or after ${options.documents.since}`;

  return (
    <div className="space-y-6">
      <section aria-labelledby={`${id}-choices`}>
        <h3 id={`${id}-choices`} className="text-base font-semibold">Your choices</h3>
        <dl className="mt-2 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]" data-testid="review-choices">
          <dt className="font-medium">Access</dt>
          <dd>
            {options.users.length} people:{" "}
            {planUsage(options.users, sandbox.planCounts)
              .filter((u) => u.used > 0)
              .map((u) => `${u.used} ${PLAN_LABEL[u.plan]}`)
              .join(", ") || "nobody"}
            {change("access")}
            <details className="mt-1">
              <summary className="cursor-pointer text-slate-700">Who</summary>
              <ul className="mt-1 list-disc pl-5">
                {options.users.map((u) => (
                  <li key={u.associateId}>
                    {names.get(u.associateId) ?? `User ${u.associateId}`}: {PLAN_LABEL[u.userPlan]}
                  </li>
                ))}
              </ul>
            </details>
          </dd>
          <dt className="font-medium">E-mail invalidation domain</dt>
          <dd>{options.invalidationDomain}{change("email")}</dd>
          <dt className="font-medium">Tasks kept enabled</dt>
          <dd>{tasks.length ? tasks.join(", ") : "None: every task is disabled"}{change("tasks")}</dd>
          <dt className="font-medium">Documents</dt>
          <dd>{documents}{change("data")}</dd>
          <dt className="font-medium">Service attachments</dt>
          <dd>{options.serviceAttachments ? "Copied" : "Left out"}{change("data")}</dd>
          <dt className="font-medium">After the copy</dt>
          <dd>{options.stateAfterCopy === "running" ? "Running" : "In maintenance"}{change("running")}</dd>
        </dl>
      </section>

      <section aria-labelledby={`${id}-dry`} aria-busy={dryRun.state === "loading"}>
        <h3 id={`${id}-dry`} className="text-base font-semibold">What the copy will change (dry run on production, nothing is written)</h3>
        <div aria-live="polite" className="mt-2">
          {dryRun.state === "loading" && <p className="text-sm text-slate-600">Counting on production…</p>}
          {dryRun.state === "error" && <p className="text-sm text-red-700">{dryRun.message}</p>}
          {dryRun.state === "ready" && <DryRunPanel result={dryRun.result} />}
        </div>
      </section>

      <section aria-labelledby={`${id}-confirm`} className="rounded-md border border-amber-300 bg-amber-50 p-4">
        <h3 id={`${id}-confirm`} className="text-base font-semibold">Confirm and start the copy</h3>
        <p className="mt-1 text-sm text-slate-800">
          Once confirmed, the copy starts and these choices can no longer be changed for this copy.
        </p>
        <CheckboxField
          className="mt-3"
          label="I have reviewed these choices and understand that there is no going back."
          checked={acknowledged}
          onChange={(e) => setAcknowledged(e.target.checked)}
          error={ackError ?? undefined}
        />
        <div className="mt-3">
          <FormStatus message={formError} testId="confirm-error" />
        </div>
        <button
          type="button"
          onClick={() => void confirm()}
          disabled={confirming}
          aria-busy={confirming || undefined}
          className="mt-3 rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60"
        >
          {confirming ? "Starting the copy…" : "Confirm and start the copy"}
        </button>
      </section>
    </div>
  );
}
