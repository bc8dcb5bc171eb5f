"use client";

import { useEffect, useId } from "react";
import { useWatch, type Path } from "react-hook-form";
import { baseCopyBytes, estimateSeconds, extraSeconds, filesCopyBytes, pseudonymisingTakes } from "@/lib/sandboxes/estimate";
import { formatBytes, formatEstimate } from "@/lib/format";
import { PersonalDataChoice } from "./personal-data-choice";
import { ShareChoice } from "./share-choice";
import { fieldClass, type StepProps, type WizardFormValues } from "./step-props";

/** A plain warning for a date that picks no documents or all of them; null for a date that splits them. */
function documentDateWarning(since: string, oldestDay: string | null): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(since)) return null;
  if (since > new Date().toISOString().slice(0, 10)) return "That date is in the future: no documents would be copied.";
  if (oldestDay && since < oldestDay) return `Your oldest document is from ${oldestDay}: every document would be copied, as with "All documents".`;
  return null;
}

const adds = (bytes: number, seconds: number) =>
  bytes === 0 ? "adds nothing" : `adds ${formatBytes(bytes)} and ${formatEstimate(seconds * 1000)}`;

/** What files add to a pseudonymised copy, which copies their rows without their contents (rule 18). */
const FILES_WITHOUT_CONTENTS = "their names, dates and sizes only: contents are not copied when people are pseudonymised";

/** Step 4: what the sandbox holds (rule 17), personal data (rule 18), then documents and Service attachments, left out unless chosen; each choice shows what it costs. */
export function StepData({ form, data }: StepProps) {
  const id = useId();
  const kind = useWatch({ control: form.control, name: "kind" }) ?? "full";
  const documents = useWatch({ control: form.control, name: "documents" }) ?? { mode: "none" as const };
  const mode = documents.mode;
  const since = "since" in documents ? documents.since : "";
  const attachmentsOn = useWatch({ control: form.control, name: "serviceAttachments" }) === true;
  const errors = form.formState.errors.documents as { since?: { message?: string }; mode?: { message?: string } } | undefined;
  const sinceError = errors?.since?.message;

  const all = data.documentDays.reduce((s, d) => ({ count: s.count + d.count, bytes: s.bytes + d.bytes }), { count: 0, bytes: 0 });
  const fromDate = data.documentDays
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(since ?? "") && d.day >= since!)
    .reduce((s, d) => ({ count: s.count + d.count, bytes: s.bytes + d.bytes }), { count: 0, bytes: 0 });
  const dateWarning = documentDateWarning(since ?? "", data.documentDays[0]?.day ?? null);
  const chosenDocs = mode === "all" ? all : mode === "since" ? fromDate : { count: 0, bytes: 0 };
  const share = useWatch({ control: form.control, name: "share" });
  const personalData = useWatch({ control: form.control, name: "personalData" }) ?? "keep";
  const pseudonymised = personalData === "pseudonymise";
  // A share belongs to a partial copy: kept under another kind, a half-typed one would block the step with an error nobody sees.
  useEffect(() => {
    if (kind !== "partial" && form.getValues("share") !== undefined) form.setValue("share", undefined);
  }, [kind, form]);
  // A share of companies is about that share of the records; the other ways to choose are sized by the dry run.
  const fraction = kind === "partial" ? (share?.by === "percent" && Number.isFinite(share.percent) ? share.percent / 100 : null) : 1;
  const base = baseCopyBytes(data.footprint, kind, fraction ?? 1);
  // A configuration-only copy holds no documents or attachments, whatever was chosen for a full one;
  // a pseudonymised one copies their rows without their contents.
  const extra = filesCopyBytes(chosenDocs.bytes + (attachmentsOn ? data.attachments.bytes : 0), kind, personalData, fraction ?? 1);
  const t = data.throughput;
  const costOf = (bytes: number) => `${formatBytes(bytes)}, ${formatEstimate(estimateSeconds(bytes, t, personalData) * 1000)}`;
  /** What choosing `files` adds: their bytes and time (a partial copy's share of them), or, pseudonymised, their rows alone. */
  const filesAdd = (files: { bytes: number }) => {
    if (pseudonymised) return FILES_WITHOUT_CONTENTS;
    // A partial copy takes the chosen companies' files: their share, as of the records.
    const bytes = filesCopyBytes(files.bytes, kind, personalData, fraction ?? 1);
    return adds(bytes, extraSeconds(bytes, t));
  };
  const partialCost = fraction === null || kind !== "partial" ? "size counted in the review step" : `${costOf(base)} before documents`;

  const radio = (name: "documents.mode", value: string) => form.register(name as Path<WizardFormValues>, { value });
  return (
    <div className="space-y-6">
      <fieldset>
        <legend className="text-base font-semibold">What the sandbox holds</legend>
        <div className="mt-2 space-y-2 text-sm">
          <label className="flex items-start gap-2">
            <input type="radio" value="full" {...form.register("kind")} className="mt-0.5 h-4 w-4" />
            <span>
              <strong>Full copy</strong>: every customer record (companies, contacts, sales, projects, tickets…) and the configuration, for testing
              with real data and for training ({costOf(baseCopyBytes(data.footprint, "full"))} before documents)
            </span>
          </label>
          <label className="flex items-start gap-2">
            <input type="radio" value="partial" {...form.register("kind")} className="mt-0.5 h-4 w-4" />
            <span>
              <strong>Partial copy</strong>: a share of the companies with everything that belongs to them, and the configuration, for training
              people who should not see all your customers and for faster tests ({partialCost})
            </span>
          </label>
          {kind === "partial" && <ShareChoice form={form} />}
          <label className="flex items-start gap-2">
            <input type="radio" value="config" {...form.register("kind")} className="mt-0.5 h-4 w-4" />
            <span>
              <strong>Configuration only</strong>: users, web panels, scheduled tasks, preferences, ERP connections and Service mailboxes, with no
              customer records, for testing settings, apps and integrations ({costOf(baseCopyBytes(data.footprint, "config"))})
            </span>
          </label>
        </div>
      </fieldset>
      <PersonalDataChoice form={form} />
      {kind === "config" ? (
        <p className="text-sm text-slate-700" data-testid="config-only-data">
          A configuration-only sandbox holds no documents or Service attachments: companies, contacts, sales, projects, appointments, documents,
          tickets and inboxes are empty. Ids made in it still never collide with production&apos;s.
        </p>
      ) : (
        <>
          <fieldset>
            <legend className="text-base font-semibold">Documents</legend>
            <p className="text-sm text-slate-700">
              Your CRM holds {all.count.toLocaleString("en-GB")} documents ({formatBytes(all.bytes)}). Leaving them out makes the copy smaller and
              faster.
            </p>
            <div className="mt-2 space-y-2 text-sm">
              <label className="flex items-center gap-2">
                <input type="radio" value="none" {...radio("documents.mode", "none")} className="h-4 w-4" /> No documents (adds nothing)
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" value="all" {...radio("documents.mode", "all")} className="h-4 w-4" /> All documents ({filesAdd(all)})
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" value="since" {...radio("documents.mode", "since")} className="h-4 w-4" /> Documents created on or after a date
              </label>
              {mode === "since" && (
                <div className="ml-6">
                  <label htmlFor={`${id}-since`} className="block text-sm font-medium">
                    Created on or after
                  </label>
                  <input
                    id={`${id}-since`}
                    type="date"
                    aria-invalid={sinceError ? true : undefined}
                    aria-describedby={[`${id}-since-effect`, `${id}-since-hint`, sinceError ? `${id}-since-error` : ""].filter(Boolean).join(" ")}
                    className={`mt-1 ${fieldClass}`}
                    {...form.register("documents.since" as Path<WizardFormValues>)}
                  />
                  <p id={`${id}-since-effect`} className="mt-1 text-slate-700" aria-live="polite">
                    {fromDate.count.toLocaleString("en-GB")} documents: {filesAdd(fromDate)}
                  </p>
                  <p id={`${id}-since-hint`} className="mt-1 text-slate-700">
                    A day in UTC, from its start.
                  </p>
                  {dateWarning && !sinceError && (
                    <p className="mt-1 text-amber-900" data-testid="documents-date-warning">
                      {dateWarning}
                    </p>
                  )}
                  {sinceError && (
                    <p id={`${id}-since-error`} className="mt-1 text-red-700">
                      {sinceError}
                    </p>
                  )}
                </div>
              )}
            </div>
          </fieldset>
          <fieldset>
            <legend className="text-base font-semibold">Service attachments</legend>
            <p className="text-sm text-slate-700">
              Files attached to Service requests: {data.attachments.count.toLocaleString("en-GB")} ({formatBytes(data.attachments.bytes)}).
            </p>
            <div className="mt-2 space-y-2 text-sm">
              <label className="flex items-center gap-2">
                <input type="radio" name="serviceAttachments" checked={!attachmentsOn} onChange={() => form.setValue("serviceAttachments", false, { shouldDirty: true })} className="h-4 w-4" />
                Leave them out (adds nothing)
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="serviceAttachments" checked={attachmentsOn} onChange={() => form.setValue("serviceAttachments", true, { shouldDirty: true })} className="h-4 w-4" />
                Copy them ({filesAdd(data.attachments)})
              </label>
            </div>
          </fieldset>
        </>
      )}
      <p className="rounded-md bg-brand-50 p-3 text-sm text-brand-900" aria-live="polite" data-testid="data-estimate">
        {fraction === null
          ? "The review step counts on production how much the chosen companies hold."
          : `With these choices the copy moves about ${formatBytes(base + extra)} and takes ${formatEstimate(estimateSeconds(base + extra, t, personalData) * 1000)}${pseudonymised ? ` (${pseudonymisingTakes(t)})` : ""}.`}
      </p>
    </div>
  );
}
