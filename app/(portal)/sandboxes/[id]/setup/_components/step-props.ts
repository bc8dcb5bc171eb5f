import type { Path, UseFormReturn } from "react-hook-form";
import type { SandboxOptions, SandboxOptionsInput } from "@/lib/sanitizer/options";
import type { WizardProductionData } from "@/lib/wizard/queries";
import { STEP_FIELDS, WIZARD_STEPS, type Confirmations, type WizardMode } from "@/lib/wizard/schema";

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
export { SECONDARY_BUTTON as secondaryButton } from "@/components/button-styles";

/** The form's field a server field error names ("options.users.3" is "users"), or null for one outside the options. */
function formField(key: string): string | null {
  return key.startsWith("options.") ? key.slice("options.".length).replace(/\.\d+(\..*)?$/, "") : null;
}

/** Maps server field errors ("options.users") onto the form's fields ("users"). */
export function applyServerErrors(
  fieldErrors: Record<string, string[]> | undefined,
  setError: (name: Path<WizardFormValues>, error: { type: string; message?: string }) => void,
): void {
  for (const [key, messages] of Object.entries(fieldErrors ?? {})) {
    const field = formField(key);
    if (field) setError(field as Path<WizardFormValues>, { type: "server", message: messages.join(" ") });
  }
}

export interface StepWithErrors {
  index: number;
  title: string;
  messages: string[];
}

/**
 * The steps the server's field errors are fixed on, in the wizard's order: a refusal met
 * on another step (the review's dry run or confirmation) says where, not only that
 * "some fields need attention" on a step the user cannot see.
 */
export function stepsWithErrors(fieldErrors: Record<string, string[]> | undefined): StepWithErrors[] {
  const found = new Map<number, string[]>();
  for (const [key, messages] of Object.entries(fieldErrors ?? {})) {
    const field = formField(key);
    if (!field) continue;
    const index = WIZARD_STEPS.findIndex((s) => STEP_FIELDS[s.id].includes(field) || STEP_FIELDS[s.id].includes(field.split(".")[0]!));
    if (index >= 0) found.set(index, [...(found.get(index) ?? []), ...messages]);
  }
  return [...found].sort(([a], [b]) => a - b).map(([index, messages]) => ({ index, title: WIZARD_STEPS[index]!.title, messages }));
}

/** A refusal's words with the steps to fix it on: "Step 1, Access: …". */
export function describeStepErrors(message: string, fieldErrors: Record<string, string[]> | undefined): string {
  const steps = stepsWithErrors(fieldErrors);
  if (steps.length === 0) return message;
  return steps.map((s) => `Step ${s.index + 1}, ${s.title}: ${s.messages.join(" ")}`).join(" ");
}
