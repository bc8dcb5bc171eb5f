import type { Path, UseFormReturn } from "react-hook-form";
import type { SandboxOptions, SandboxOptionsInput } from "@/lib/sanitizer/options";
import type { WizardProductionData } from "@/lib/wizard/queries";
import type { Confirmations, WizardMode } from "@/lib/wizard/schema";

/** What the wizard's steps know of the sandbox being set up. */
export interface WizardSandboxInfo {
  id: string;
  name: string;
  planCounts: Record<string, number>;
  companyName: string;
}

/** The form holds the options as typed; the schema turns them into SandboxOptions. */
export type WizardFormValues = SandboxOptionsInput;

export interface StepProps {
  form: UseFormReturn<WizardFormValues, unknown, SandboxOptions>;
  data: WizardProductionData;
  sandbox: WizardSandboxInfo;
  mode: WizardMode;
  /** What the admin confirmed against the wizard's advice; sent with every save, dry run and confirmation. */
  confirmations: Confirmations;
  setConfirmations: (change: Partial<Confirmations>) => void;
}

export const fieldClass =
  "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm aria-[invalid=true]:border-red-600";
export const secondaryButton = "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50";

/** Maps server field errors ("options.users") onto the form's fields ("users"). */
export function applyServerErrors(
  fieldErrors: Record<string, string[]> | undefined,
  setError: (name: Path<WizardFormValues>, error: { type: string; message?: string }) => void,
): void {
  for (const [key, messages] of Object.entries(fieldErrors ?? {})) {
    if (!key.startsWith("options.")) continue;
    const field = key.slice("options.".length).replace(/\.\d+(\..*)?$/, "");
    setError(field as Path<WizardFormValues>, { type: "server", message: messages.join(" ") });
  }
}
