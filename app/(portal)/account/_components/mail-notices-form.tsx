"use client";

import { useState, type FormEvent } from "react";
import { CheckboxField } from "@/components/checkbox-field";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { callAction } from "@/lib/actions/call-action";
import { setMailNoticesAction } from "@/lib/auth/actions";

/**
 * Whether the portal's notices are also mailed: saved with its button (a box that saved as
 * it was clicked would change something before the person meant to), and said once saved.
 */
export function MailNoticesForm({ mailNotices }: { mailNotices: boolean }) {
  const [checked, setChecked] = useState(mailNotices);
  const [saved, setSaved] = useState(mailNotices);
  const [pending, setPending] = useState(false);
  const [status, setStatus] = useState<{ message: string; tone: "error" | "info" } | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setStatus(null);
    const result = await callAction(() => setMailNoticesAction({ mailNotices: checked }));
    setPending(false);
    if (!result.ok) return setStatus({ message: result.message, tone: "error" });
    setSaved(result.data.mailNotices);
    setStatus({ message: result.data.mailNotices ? "Saved: notices are mailed to you too." : "Saved: notices stay in the portal, and are no longer mailed to you.", tone: "info" });
  }

  return (
    <form onSubmit={(event) => void save(event)} aria-labelledby="mail-notices-heading" className="mt-3 space-y-3">
      <CheckboxField
        label="E-mail me the portal's notices"
        hint="A copy ready or failed, a refresh done or due tomorrow, an order filed or cancelled. They are under Notifications either way."
        checked={checked}
        onChange={(event) => {
          setChecked(event.target.checked);
          // What was said of the last save no longer holds once the box is changed again.
          setStatus(null);
        }}
      />
      <FormStatus message={status?.message ?? null} tone={status?.tone} testId="mail-notices-status" />
      <SubmitButton pending={pending} pendingLabel="Saving…" tone="secondary" aria-describedby={checked === saved ? undefined : "mail-notices-unsaved"}>
        Save
      </SubmitButton>
      {checked !== saved && (
        <p id="mail-notices-unsaved" className="text-sm text-slate-600">
          Not saved yet.
        </p>
      )}
    </form>
  );
}
