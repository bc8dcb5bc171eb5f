"use client";

import { useEffect, useId, useState } from "react";
import { useWatch, type FieldError, type Path } from "react-hook-form";
import { DEFAULT_SHARE_PERCENT, type PartialShare } from "@/lib/sanitizer/options";
import { fieldClass, type StepProps, type WizardFormValues } from "./step-props";

type ShareErrors = FieldError & { percent?: FieldError; since?: FieldError; ids?: FieldError & Record<number, FieldError | undefined> };

const idParts = (text: string) => text.split(/[\s,]+/).filter(Boolean);
/** "12, 40 7" → [12, 40, 7]; anything that is not a whole number stays NaN, for the schema to refuse in words. */
const parseIds = (text: string) => idParts(text).map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));

/** The list's own error, or its first refused id's, naming what was typed for it. */
function idsErrorOf(errors: ShareErrors["ids"], text: string): string | undefined {
  if (!errors) return undefined;
  if (errors.message) return errors.message;
  const parts = idParts(text);
  const index = parts.findIndex((_, i) => errors[i]?.message);
  return index < 0 ? undefined : `"${parts[index]}" is no company id. ${errors[index]!.message}`;
}

/**
 * A partial copy's companies, chosen one of three ways: a share (spread over all
 * companies, the same ones on every refresh), those changed since a date, or
 * named ones (checked against production when the step is saved).
 */
export function ShareChoice({ form }: Pick<StepProps, "form">) {
  const id = useId();
  const share = useWatch({ control: form.control, name: "share" }) as PartialShare | undefined;
  const [idsText, setIdsText] = useState(share?.by === "companies" ? share.ids.join(", ") : "");
  useEffect(() => {
    if (!share) form.setValue("share", { by: "percent", percent: DEFAULT_SHARE_PERCENT }, { shouldDirty: true });
  }, [share, form]);
  if (!share) return null;

  const errors = form.formState.errors.share as ShareErrors | undefined;
  const error = errors?.percent?.message ?? errors?.since?.message ?? idsErrorOf(errors?.ids, idsText) ?? errors?.message;
  const errorId = `${id}-error`;
  const choose = (next: PartialShare) => form.setValue("share", next, { shouldDirty: true, shouldValidate: false });
  const described = (own: string) => [own, error ? errorId : ""].filter(Boolean).join(" ");
  return (
    <fieldset className="ml-6 mt-2">
      <legend className="text-sm font-semibold">Which companies</legend>
      <div className="mt-1 space-y-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="radio" name={`${id}-by`} checked={share.by === "percent"} onChange={() => choose({ by: "percent", percent: DEFAULT_SHARE_PERCENT })} className="h-4 w-4" />
          A share of all companies
        </label>
        {share.by === "percent" && (
          <div className="ml-6">
            <label htmlFor={`${id}-percent`} className="block font-medium">
              Share of companies (%)
            </label>
            <input
              id={`${id}-percent`}
              type="number"
              min={1}
              max={99}
              aria-invalid={error ? true : undefined}
              aria-describedby={described(`${id}-percent-hint`)}
              className={`mt-1 w-24 ${fieldClass}`}
              {...form.register("share.percent" as Path<WizardFormValues>, { valueAsNumber: true })}
            />
            <p id={`${id}-percent-hint`} className="mt-1 text-slate-700">
              Spread over all your companies, and the same companies on every refresh.
            </p>
          </div>
        )}
        <label className="flex items-center gap-2">
          <input type="radio" name={`${id}-by`} checked={share.by === "since"} onChange={() => choose({ by: "since", since: "" })} className="h-4 w-4" />
          Companies changed since a date
        </label>
        {share.by === "since" && (
          <div className="ml-6">
            <label htmlFor={`${id}-since`} className="block font-medium">
              Changed on or after
            </label>
            <input
              id={`${id}-since`}
              type="date"
              aria-invalid={error ? true : undefined}
              aria-describedby={described(`${id}-since-hint`)}
              className={`mt-1 ${fieldClass}`}
              {...form.register("share.since" as Path<WizardFormValues>)}
            />
            <p id={`${id}-since-hint`} className="mt-1 text-slate-700">
              A day in UTC, from its start: changes made late in the day before, your time, may count.
            </p>
          </div>
        )}
        <label className="flex items-center gap-2">
          <input type="radio" name={`${id}-by`} checked={share.by === "companies"} onChange={() => choose({ by: "companies", ids: parseIds(idsText) })} className="h-4 w-4" />
          Named companies
        </label>
        {share.by === "companies" && (
          <div className="ml-6">
            <label htmlFor={`${id}-ids`} className="block font-medium">
              Company ids
            </label>
            <input
              id={`${id}-ids`}
              type="text"
              inputMode="numeric"
              value={idsText}
              onChange={(e) => {
                setIdsText(e.target.value);
                choose({ by: "companies", ids: parseIds(e.target.value) });
              }}
              aria-invalid={error ? true : undefined}
              aria-describedby={described(`${id}-ids-hint`)}
              className={`mt-1 w-72 ${fieldClass}`}
            />
            <p id={`${id}-ids-hint`} className="mt-1 text-slate-700">
              As the CRM shows them, separated by commas: 12, 40, 7
            </p>
          </div>
        )}
        <p className="text-slate-700">
          Each company comes with its contacts, sales, projects, appointments, documents and tickets, and with every row they refer to, so nothing points
          at a missing row. Sizes are counted on production in the review step.
        </p>
        {error && (
          <p id={errorId} className="text-red-700" data-testid="share-error">
            {error}
          </p>
        )}
      </div>
    </fieldset>
  );
}
