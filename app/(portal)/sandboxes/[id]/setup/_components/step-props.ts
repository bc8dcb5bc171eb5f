import type { UseFormReturn } from "react-hook-form";
import type { SandboxOptions } from "@/lib/sanitizer/options";
import type { WizardProductionData } from "@/lib/wizard/queries";
import type { WizardMode } from "@/lib/wizard/schema";
import type { WizardFormValues, WizardSandboxInfo } from "./setup-wizard";

export interface StepProps {
  form: UseFormReturn<WizardFormValues, unknown, SandboxOptions>;
  data: WizardProductionData;
  sandbox: WizardSandboxInfo;
  mode: WizardMode;
}

export const fieldClass =
  "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm aria-[invalid=true]:border-red-600";
export const secondaryButton = "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50";
