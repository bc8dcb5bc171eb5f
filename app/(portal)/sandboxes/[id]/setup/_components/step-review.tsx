"use client";

import { useEffect, useId, useRef, useState } from "react";
import { describeKind, PERSONAL_DATA_LABEL, PLAN_LABEL, STATE_AFTER_COPY_LABEL } from "@/lib/sanitizer/options";
import { sandboxOptionsSchema } from "@/lib/sanitizer/options";
import type { SchemaReview } from "@/lib/tenants/schema-review";
import { dryRunAction, dryRunRefreshAction, schemaReviewAction } from "@/lib/wizard/actions";
import type { DryRunResult } from "@/lib/wizard/dry-run";
import { planUsage, WIZARD_STEPS } from "@/lib/wizard/schema";
import { ConfirmSection } from "./confirm-section";
import { DryRunPanel } from "./dry-run-panel";
import { SchemaReviewPanel } from "./schema-review-panel";
import { describeStepErrors, type StepProps } from "./step-props";
import { StepErrorLinks } from "./step-error-links";
import { secondaryButton } from "./step-props";
import { callAction } from "@/lib/actions/call-action";

type Loading<T> = { state: "loading" } | { state: "error"; message: string; fieldErrors?: Record<string, string[]> } | { state: "ready"; result: T };

/** Why Confirm is shut, or null: the copy would stop on schema nobody classified (rule 0). */
function confirmBlockedBy(schema: Loading<SchemaReview>): string | null {
  if (schema.state === "loading") return "Checking production's schema…";
  if (schema.state === "error") return null; // The server checks again on Confirm and says what is wrong.
  const { blockers, columns, tables, objects } = schema.result;
  if (blockers.length) return "Production cannot be copied until support has solved the problems above.";
  const open = columns.length + tables.length + objects.length;
  return open ? `Decide what happens to the ${open === 1 ? "item" : `${open} items`} listed above before you confirm.` : null;
}

/** What the schema check found, in one sentence. */
function schemaSaid({ blockers, columns, tables, objects }: SchemaReview): string {
  if (blockers.length) return "Production's schema has problems that support must solve first.";
  const open = columns.length + tables.length + objects.length;
  return open ? `${open === 1 ? "One item" : `${open} items`} of production's data need your decision.` : "Nothing in production's data needs a decision.";
}

/** Step 6: every choice, what the copy will change in numbers, and the point of no return. */
export function StepReview({ form, data, sandbox, mode, confirmations, goTo }: StepProps & { goTo: (step: number) => void }) {
  const id = useId();
  const [dryRun, setDryRun] = useState<Loading<DryRunResult>>({ state: "loading" });
  const [schema, setSchema] = useState<Loading<SchemaReview>>({ state: "loading" });
  /** Bumped to count again: after a refusal the user may retry, and choices saved for production's own data change the figures. */
  const [counting, setCounting] = useState(0);
  // The button pressed ("Count again", "Save these choices") is gone once its section changes: the keyboard goes to the section's heading.
  const dryRunHeading = useRef<HTMLHeadingElement>(null);
  const schemaHeading = useRef<HTMLHeadingElement>(null);
  const countAgain = () => {
    setDryRun({ state: "loading" });
    setCounting((n) => n + 1);
  };
  const parsed = sandboxOptionsSchema.safeParse(form.getValues());
  const options = parsed.success ? parsed.data : null;

  useEffect(() => {
    if (!options) return;
    let current = true;
    const count = mode === "refresh" ? dryRunRefreshAction : dryRunAction;
    void callAction(() => count({ sandboxId: sandbox.id, options, confirmations })).then((result) => {
      if (!current) return;
      setDryRun(result.ok ? { state: "ready", result: result.data } : { state: "error", message: result.message, fieldErrors: result.fieldErrors });
    });
    return () => {
      current = false;
    };
    // The options cannot change on this step; counted once per visit, and again when asked.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sandbox.id, counting]);

  useEffect(() => {
    if (!options) return;
    let current = true;
    void callAction(() => schemaReviewAction({ sandboxId: sandbox.id, mode })).then((result) => {
      if (!current) return;
      setSchema(result.ok ? { state: "ready", result: result.data } : { state: "error", message: result.message });
    });
    return () => {
      current = false;
    };
    // The options cannot change on this step; run once per visit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sandbox.id]);

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
      {mode === "refresh" && (
        <section aria-labelledby={`${id}-what`} className="rounded-md border border-slate-200 bg-slate-50 p-4" data-testid="refresh-explained">
          <h3 id={`${id}-what`} className="text-base font-semibold">What a refresh does</h3>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-800">
            <li>The sandbox is overwritten with a new copy of production, sanitized with the choices below. Changes made in the sandbox are lost.</li>
            <li>App authorizations and webhooks made in the sandbox are kept: they are carried over into the new copy.</li>
            <li>The old copy stays ready and usable until the new one has been verified; then the sandbox switches over.</li>
          </ul>
        </section>
      )}
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
          <dt className="font-medium">What it holds</dt>
          <dd>{describeKind(options)}{change("data")}</dd>
          <dt className="font-medium">Personal data</dt>
          <dd>{PERSONAL_DATA_LABEL[options.personalData]}{change("data")}</dd>
          {options.kind !== "config" && (
            <>
              <dt className="font-medium">Documents</dt>
              <dd>{documents}{change("data")}</dd>
              <dt className="font-medium">Service attachments</dt>
              <dd>{options.serviceAttachments ? "Copied" : "Left out"}{change("data")}</dd>
            </>
          )}
          <dt className="font-medium">After the copy</dt>
          <dd>{STATE_AFTER_COPY_LABEL[options.stateAfterCopy]}{change("running")}</dd>
        </dl>
      </section>

      <section aria-labelledby={`${id}-dry`} aria-busy={dryRun.state === "loading"}>
        <h3 id={`${id}-dry`} ref={dryRunHeading} tabIndex={-1} className="text-base font-semibold">
          What the {mode === "refresh" ? "new " : ""}copy will change (dry run on production, nothing is written)
        </h3>
        {/* One sentence is said as the figures come; the table itself is read when the reader gets to it. */}
        <p role="status" className="sr-only" data-testid="dry-run-said">
          {dryRun.state === "loading" ? "Counting on production…" : dryRun.state === "ready" ? "The dry run's figures are ready." : "The figures could not be counted."}
        </p>
        <div className="mt-2">
          {dryRun.state === "loading" && <p className="text-sm text-slate-600">Counting on production…</p>}
          {dryRun.state === "error" && (
            <>
              <p className="text-sm text-red-700" data-testid="dry-run-error">
                {/* A contract column missing or retyped breaks the counting too: the schema check below says what. */}
                {schema.state === "ready" && schema.result.blockers.length
                  ? "The figures cannot be counted until the problems with production's schema below are solved."
                  : describeStepErrors(dryRun.message, dryRun.fieldErrors)}
              </p>
              <StepErrorLinks fieldErrors={dryRun.fieldErrors} goTo={goTo} />
              <button
                type="button"
                onClick={() => {
                  countAgain();
                  dryRunHeading.current?.focus();
                }}
                className={`mt-2 ${secondaryButton}`}
              >
                Count again
              </button>
            </>
          )}
          {dryRun.state === "ready" && <DryRunPanel result={dryRun.result} />}
        </div>
      </section>

      <section aria-labelledby={`${id}-schema`} aria-busy={schema.state === "loading"}>
        <h3 id={`${id}-schema`} ref={schemaHeading} tabIndex={-1} className="text-base font-semibold">
          Data the CRM does not define
        </h3>
        <p role="status" className="sr-only" data-testid="schema-review-said">
          {schema.state === "loading" ? "Checking production's schema…" : schema.state === "error" ? schema.message : schemaSaid(schema.result)}
        </p>
        <div className="mt-2">
          {schema.state === "loading" && <p className="text-sm text-slate-600">Checking production&apos;s tables and custom fields…</p>}
          {schema.state === "error" && <p className="text-sm text-red-700">{schema.message}</p>}
          {schema.state === "ready" && (
            <SchemaReviewPanel
              review={schema.result}
              sandboxId={sandbox.id}
              mode={mode}
              companyName={sandbox.companyName}
              onReviewed={(result) => {
                setSchema({ state: "ready", result });
                countAgain();
                schemaHeading.current?.focus();
              }}
            />
          )}
        </div>
      </section>

      <ConfirmSection form={form} sandbox={sandbox} mode={mode} options={options} confirmations={confirmations} blockedBy={confirmBlockedBy(schema)} goTo={goTo} />
    </div>
  );
}
