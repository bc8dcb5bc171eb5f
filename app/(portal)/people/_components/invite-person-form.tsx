"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { CONTROL_CLASS, StackedField, useFieldIds } from "@/components/field";
import { FormStatus } from "@/components/form-status";
import { useAnnounce } from "@/components/page-announcer";
import { showServerFieldErrors } from "@/components/server-field-errors";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { callAction } from "@/lib/actions/call-action";
import { ROLE_LABEL } from "@/lib/auth/policy";
import { invitePersonAction } from "@/lib/people/actions";
import { invitePersonSchema, PERSON_ROLES, type InvitePersonInput } from "@/lib/people/schema";

// The fewer rights first: making an admin is a choice, not a default.
const EMPTY: InvitePersonInput = { name: "", email: "", role: "CUSTOMER_USER" };
const FIELDS = ["name", "email", "role"] as const;
const ROLE_HINT = "A customer user sees the sandboxes they are given access to; a customer admin may do all you do here.";

type Outcome = { sentence: string; mailed: boolean };

/** Invites a person of the admin's organisation: the account, and a mail with a link to set their password. */
export function InvitePersonForm() {
  const router = useRouter();
  const announce = useAnnounce();
  const [status, setStatus] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const { register, handleSubmit, formState, setError, setFocus, reset } = useForm<InvitePersonInput>({ resolver: zodResolver(invitePersonSchema), defaultValues: EMPTY });
  const { errors } = formState;
  const role = useFieldIds(ROLE_HINT, errors.role?.message);

  async function onSubmit(values: InvitePersonInput) {
    setStatus(null);
    setOutcome(null);
    const result = await callAction(() => invitePersonAction(values));
    if (!result.ok) {
      showServerFieldErrors(result.fieldErrors, setError);
      // A refusal about a field (an address already taken comes as a CONFLICT) is said under
      // it, where the keyboard goes: the code's general words would only mislead beside it.
      const field = FIELDS.find((f) => result.fieldErrors?.[f]);
      if (field) setFocus(field);
      else setStatus(result.message);
      return;
    }
    const { email, mailed } = result.data;
    const sentence = mailed ? `Invitation sent to ${email}.` : `${email} is invited, but the mail could not be sent: send it again from the list.`;
    reset(EMPTY);
    // Said once, by the page's status region; shown here too, for whoever does not hear it.
    setOutcome({ sentence, mailed });
    announce(sentence);
    router.refresh();
  }

  return (
    <div className="space-y-3">
      <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-4" aria-label="Invite a person">
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField label="Name" autoComplete="off" error={errors.name?.message} {...register("name")} />
          <TextField label="E-mail" type="email" autoComplete="off" spellCheck={false} error={errors.email?.message} {...register("email")} />
          <StackedField ids={role} label="Role" hint={ROLE_HINT} error={errors.role?.message} className="sm:col-span-2 sm:max-w-md">
            <select id={role.id} aria-describedby={role.describedBy} aria-invalid={errors.role ? true : undefined} className={CONTROL_CLASS} {...register("role")}>
              {PERSON_ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABEL[r]}
                </option>
              ))}
            </select>
          </StackedField>
        </div>
        <FormStatus message={status} testId="invite-status" />
        <SubmitButton pending={formState.isSubmitting} pendingLabel="Sending…">
          Send the invitation
        </SubmitButton>
      </form>
      {outcome && (
        <p data-testid="invite-outcome" className={`text-sm ${outcome.mailed ? "text-green-800" : "text-amber-900"}`}>
          {outcome.sentence}
        </p>
      )}
    </div>
  );
}
