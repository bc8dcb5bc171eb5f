import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { TextField } from "@/components/text-field";

interface CapacityValues {
  maxDatabases: string;
  maxTotalGb: string;
  maxConcurrentRuns: string;
}

/** A server's three capacities; empty means no limit (runs: SANDBOX_SERVER_MAX_RUNS). Shared by both server forms. */
export function CapacityFields<T extends CapacityValues>({ register, errors, defaultRuns }: {
  register: UseFormRegister<T>;
  errors: FieldErrors<CapacityValues>;
  defaultRuns: number;
}) {
  const field = register as unknown as UseFormRegister<CapacityValues>;
  return (
    <div className="grid gap-3 sm:grid-cols-3">
      <TextField label="Most sandbox databases" hint="Empty: no limit." inputMode="numeric" error={errors.maxDatabases?.message} {...field("maxDatabases")} />
      <TextField label="Most total size (GB)" hint="Empty: no limit." inputMode="decimal" error={errors.maxTotalGb?.message} {...field("maxTotalGb")} />
      <TextField label="Most copies at once" hint={`Empty: ${defaultRuns} (the default).`} inputMode="numeric" error={errors.maxConcurrentRuns?.message} {...field("maxConcurrentRuns")} />
    </div>
  );
}
