"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { addServerAction } from "@/lib/sandbox-servers/actions";
import { newServerFormSchema, type NewServerFormInput } from "@/lib/sandbox-servers/schema";
import { CapacityFields } from "./capacity-fields";
import { showServerFieldErrors } from "@/components/server-field-errors";
import { callAction } from "@/lib/actions/call-action";

const EMPTY: NewServerFormInput = { name: "", url: "", maxDatabases: "", maxTotalGb: "", maxConcurrentRuns: "" };

/** Registers a server: its URL goes to the server once, is sealed there, and is never shown again. */
export function NewServerForm({ defaultRuns }: { defaultRuns: number }) {
  const router = useRouter();
  const [status, setStatus] = useState<{ message: string; tone: "error" | "info" } | null>(null);
  const { register, handleSubmit, formState, setError, reset } = useForm<NewServerFormInput>({ resolver: zodResolver(newServerFormSchema), defaultValues: EMPTY });
  const { errors } = formState;

  async function onSubmit(values: NewServerFormInput) {
    setStatus(null);
    const result = await callAction(() => addServerAction(values));
    if (!result.ok) {
      setStatus({ message: result.message, tone: "error" });
      showServerFieldErrors(result.fieldErrors, setError);
      return;
    }
    reset(EMPTY);
    const registered = `The sandbox server ${result.data.name} is registered and takes new sandboxes.`;
    setStatus({ message: result.data.caution ? `${registered} But ${result.data.caution}.` : registered, tone: "info" });
    router.refresh();
  }

  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-4" aria-label="Register a sandbox server">
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField label="Name" hint="Letters, digits, dots, dashes." error={errors.name?.message} {...register("name")} />
        <TextField
          label="Connection URL"
          type="password"
          autoComplete="off"
          hint="postgres://role:password@host:5432/postgres, a role that can only create databases. Sealed; never shown again."
          error={errors.url?.message}
          className="sm:col-span-2"
          {...register("url")}
        />
      </div>
      <CapacityFields register={register} errors={errors} defaultRuns={defaultRuns} />
      <FormStatus message={status?.message ?? null} tone={status?.tone} testId="new-server-status" />
      <SubmitButton pending={formState.isSubmitting}>Register the server</SubmitButton>
    </form>
  );
}
