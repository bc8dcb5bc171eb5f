"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { CheckboxField } from "@/components/checkbox-field";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { changeServerAction } from "@/lib/sandbox-servers/actions";
import { serverSettingsFormSchema, type ServerSettingsFormInput } from "@/lib/sandbox-servers/schema";
import { CapacityFields } from "./capacity-fields";
import { showServerFieldErrors } from "@/components/server-field-errors";
import { callAction } from "@/lib/actions/call-action";

/** One server's name, capacity and draining switch. */
export function ServerSettingsForm({ defaults, defaultRuns }: { defaults: ServerSettingsFormInput; defaultRuns: number }) {
  const router = useRouter();
  const [status, setStatus] = useState<{ message: string; tone: "error" | "info" } | null>(null);
  const { register, handleSubmit, formState, setError } = useForm<ServerSettingsFormInput>({ resolver: zodResolver(serverSettingsFormSchema), defaultValues: defaults });
  const { errors } = formState;

  async function onSubmit(values: ServerSettingsFormInput) {
    setStatus(null);
    const result = await callAction(() => changeServerAction(values));
    if (!result.ok) {
      setStatus({ message: result.message, tone: "error" });
      showServerFieldErrors(result.fieldErrors, setError);
      return;
    }
    setStatus({ message: `Saved. ${result.data.intake}`, tone: "info" });
    router.refresh();
  }

  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-4" aria-label={`Settings of ${defaults.name}`}>
      <TextField label="Name" error={errors.name?.message} className="max-w-xs" {...register("name")} />
      <CapacityFields register={register} errors={errors} defaultRuns={defaultRuns} />
      <CheckboxField label="Draining" hint="Takes no new sandboxes; the sandboxes on it still refresh and can be deleted." {...register("draining")} />
      <FormStatus message={status?.message ?? null} tone={status?.tone} testId={`server-status-${defaults.id}`} />
      <SubmitButton pending={formState.isSubmitting}>Save {defaults.name}</SubmitButton>
    </form>
  );
}
