"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { deleteSandboxAction } from "@/lib/sandboxes/actions";
import { deleteSandboxSchema, type DeleteSandboxInput } from "@/lib/sandboxes/schema";
import { callAction } from "@/lib/actions/call-action";
import { useAnnounce } from "@/components/page-announcer";

/** Deleting asks for the sandbox's name, typed exactly. */
export function DeleteForm({ sandboxId, sandboxName }: { sandboxId: string; sandboxName: string }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, control, formState } = useForm<DeleteSandboxInput>({
    resolver: zodResolver(deleteSandboxSchema),
    defaultValues: { sandboxId, confirmName: "" },
  });
  const typed = useWatch({ control, name: "confirmName" });
  const announce = useAnnounce();

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const result = await callAction(() => deleteSandboxAction(values));
    if (!result.ok) {
      const nameError = result.fieldErrors?.confirmName?.[0];
      if (nameError) setError("confirmName", { message: nameError });
      else setFormError(result.message);
      return;
    }
    announce("Deletion started.");
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      <input type="hidden" {...register("sandboxId")} />
      <TextField
        label={`Type the sandbox's name (${sandboxName}) to confirm`}
        autoComplete="off"
        spellCheck={false}
        error={formState.errors.confirmName?.message}
        hint="The sandbox database is dropped. This cannot be undone; production is not affected."
        {...register("confirmName")}
      />
      {/* Why the button stays off, once something is typed: the name counts letter by letter, case and spaces too. */}
      <p aria-live="polite" className="text-sm text-slate-700" data-testid="confirm-name-hint">
        {typed && typed !== sandboxName ? `Not the name yet: type ${sandboxName} exactly as shown, with its capitals and spaces.` : ""}
      </p>
      <p aria-live="polite" className="text-sm text-red-700">
        {formError}
      </p>
      {/* Disabled until the name is typed exactly; busy, not disabled, while it deletes. */}
      <SubmitButton tone="danger" pending={formState.isSubmitting} pendingLabel="Deleting…" disabled={typed !== sandboxName}>
        Delete sandbox
      </SubmitButton>
    </form>
  );
}
