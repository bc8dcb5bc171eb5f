"use client";

import { PERSONAL_DATA_LABEL } from "@/lib/sanitizer/options";
import type { StepProps } from "./step-props";

/** Rule 18: keep people's data as in production, or pseudonymise it (documents' contents are then left out). */
export function PersonalDataChoice({ form }: Pick<StepProps, "form">) {
  return (
    <fieldset>
      <legend className="text-base font-semibold">Personal data</legend>
      <div className="mt-2 space-y-2 text-sm">
        <label className="flex items-start gap-2">
          <input type="radio" value="keep" {...form.register("personalData")} className="mt-0.5 h-4 w-4" />
          <span>
            <strong>{PERSONAL_DATA_LABEL.keep}</strong>: people&apos;s and companies&apos; names, phone numbers and addresses as your CRM has them
            (e-mail addresses are always made undeliverable)
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input type="radio" value="pseudonymise" {...form.register("personalData")} className="mt-0.5 h-4 w-4" />
          <span>
            <strong>{PERSONAL_DATA_LABEL.pseudonymise}</strong>: every person and company gets a realistic fake name, phone number, address,
            org number and website, the same everywhere in the sandbox and again after each refresh (in e-mail addresses too); real names in
            ticket messages, sale titles, appointment subjects, file names and mail signatures are replaced too. <strong>The contents of documents and Service attachments are then not
            copied</strong> (their names, dates and sizes are).
          </span>
        </label>
      </div>
    </fieldset>
  );
}
