"use client";

import { useMemo } from "react";
import { useWatch } from "react-hook-form";
import { CheckboxField } from "@/components/checkbox-field";
import { TextField } from "@/components/text-field";
import { DEFAULT_INVALIDATION_DOMAIN } from "@/lib/sanitizer/options";
import { rewriteEmail } from "@/lib/sanitizer/rules/rule-02-email";
import { domainOf, domainRiskMessage, knownDomainRisk } from "@/lib/wizard/mail-domains";
import { secondaryButton, type StepProps } from "./step-props";

/** Step 2: the domain every address is rewritten to, with real addresses as examples; a domain of real people needs a confirmation. */
export function StepEmail({ form, data, confirmations, setConfirmations }: StepProps) {
  const domain = (useWatch({ control: form.control, name: "invalidationDomain" }) ?? "").trim().toLowerCase() || DEFAULT_INVALIDATION_DOMAIN;
  const customerDomains = useMemo(() => new Set(data.associates.map((a) => domainOf(a.email)).filter((d): d is string => d !== null)), [data.associates]);
  const risk = knownDomainRisk(domain, customerDomains);
  // The server also refuses a domain that only companies' or contacts' addresses use: its words then show as the field's error.
  const serverRefused = form.formState.errors.invalidationDomain?.type === "server";
  const confirmed = confirmations.realMailDomain === domain;
  const useDefault = () => {
    form.setValue("invalidationDomain", DEFAULT_INVALIDATION_DOMAIN, { shouldDirty: true });
    form.clearErrors("invalidationDomain");
    setConfirmations({ realMailDomain: "" });
  };
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        No e-mail may leave the sandbox for a real person. Every address in the copy is rewritten so that it no longer reaches its owner:
        name@company.com becomes name_company.com@{domain}.
      </p>
      {domain === DEFAULT_INVALIDATION_DOMAIN && (
        <p className="text-sm text-slate-700" data-testid="public-inbox-note">
          {DEFAULT_INVALIDATION_DOMAIN} is a public test mail service: what the sandbox sends there can be read by anyone who guesses an address. Keep
          mailings paused in the sandbox, or use a domain of your own that accepts no mail.
        </p>
      )}
      <TextField
        label="E-mail invalidation domain"
        hint={`A host name such as ${DEFAULT_INVALIDATION_DOMAIN} (the default).`}
        autoComplete="off"
        error={form.formState.errors.invalidationDomain?.message}
        {...form.register("invalidationDomain")}
        className="max-w-md"
      />
      {risk && !serverRefused && (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="domain-warning">
          {domainRiskMessage(domain, risk)}
        </p>
      )}
      {(risk || serverRefused || confirmed) && (
        <div className="space-y-3">
          <button type="button" className={secondaryButton} onClick={useDefault}>
            Use {DEFAULT_INVALIDATION_DOMAIN}
          </button>
          <CheckboxField
            label={`Mail to ${domain} reaches no one real: use it anyway`}
            checked={confirmed}
            onChange={(e) => {
              setConfirmations({ realMailDomain: e.target.checked ? domain : "" });
              form.clearErrors("invalidationDomain");
            }}
          />
        </div>
      )}
      <section aria-labelledby="email-preview-heading">
        <h3 id="email-preview-heading" className="text-base font-semibold">
          Preview with addresses from your CRM
        </h3>
        {data.sampleEmails.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">Your CRM holds no e-mail addresses.</p>
        ) : (
          // Long addresses wrap inside the screen rather than widen the page on a phone.
          <table className="mt-2 w-full max-w-3xl table-fixed text-sm" data-testid="email-preview">
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
                  <td className="break-all py-1 pr-6 align-top">{e}</td>
                  <td className="break-all py-1 align-top font-mono">{rewriteEmail(e, domain)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
