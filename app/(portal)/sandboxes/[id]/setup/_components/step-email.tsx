"use client";

import { useWatch } from "react-hook-form";
import { TextField } from "@/components/text-field";
import { DEFAULT_INVALIDATION_DOMAIN, rewriteEmail } from "@/lib/sanitizer/options";
import type { StepProps } from "./step-props";

/** Step 2: the domain every address is rewritten to, with real addresses as examples. */
export function StepEmail({ form, data }: StepProps) {
  const domain = (useWatch({ control: form.control, name: "invalidationDomain" }) ?? "").trim().toLowerCase() || DEFAULT_INVALIDATION_DOMAIN;
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        No e-mail may leave the sandbox for a real person. Every address in the copy is rewritten so that it ends in a domain that accepts
        mail for no one you know.
      </p>
      <TextField
        label="E-mail invalidation domain"
        hint={`A host name such as ${DEFAULT_INVALIDATION_DOMAIN} (the default).`}
        autoComplete="off"
        error={form.formState.errors.invalidationDomain?.message}
        {...form.register("invalidationDomain")}
        className="max-w-md"
      />
      <section aria-labelledby="email-preview-heading">
        <h3 id="email-preview-heading" className="text-base font-semibold">
          Preview with addresses from your CRM
        </h3>
        {data.sampleEmails.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">Your CRM holds no e-mail addresses.</p>
        ) : (
          <table className="mt-2 text-sm" data-testid="email-preview">
            <caption className="sr-only">Addresses before and after the copy</caption>
            <thead className="text-left">
              <tr>
                <th scope="col" className="py-1 pr-6">In production</th>
                <th scope="col" className="py-1">In the sandbox</th>
              </tr>
            </thead>
            <tbody>
              {data.sampleEmails.map((e) => (
                <tr key={e}>
                  <td className="py-1 pr-6">{e}</td>
                  <td className="py-1 font-mono">{rewriteEmail(e, domain)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
