"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useForm, type Path } from "react-hook-form";
import { FormStatus } from "@/components/form-status";
import { sandboxOptionsSchema, type SandboxOptions } from "@/lib/sanitizer/options";
import { saveWizardDraftAction } from "@/lib/wizard/actions";
import type { WizardProductionData } from "@/lib/wizard/queries";
import { exceedsOrder, STEP_FIELDS, WIZARD_STEPS, type Confirmations, type WizardMode } from "@/lib/wizard/schema";
import { StepAccess } from "./step-access";
import { StepData } from "./step-data";
import { StepEmail } from "./step-email";
import { StepReview } from "./step-review";
import { StepRunning } from "./step-running";
import { StepTasks } from "./step-tasks";
import { applyServerErrors, describeStepErrors, type WizardFormValues, type WizardSandboxInfo } from "./step-props";
import { StepErrorLinks } from "./step-error-links";
import { WizardProgress } from "./wizard-progress";
import { callAction } from "@/lib/actions/call-action";

/**
 * The wizard's steps, in either mode: "setup" saves a draft on every move and
 * ends in the first copy; "refresh" starts from the saved choices, saves no
 * draft (the first-time setup's draft is left alone) and ends in a refresh.
 */
export function SetupWizard(props: {
  mode: WizardMode;
  sandbox: WizardSandboxInfo;
  data: WizardProductionData;
  initialStep: number;
  /** The furthest step reached before leaving (its draft), if further than initialStep. */
  initialFurthest?: number;
  initialOptions: SandboxOptions;
  /** What the admin confirmed before leaving the setup (its draft), if anything. */
  initialConfirmations?: Confirmations;
}) {
  const router = useRouter();
  const [step, setStep] = useState(props.initialStep);
  /** The furthest step reached: every step up to it may be gone back or forward to. */
  const [furthest, setFurthest] = useState(Math.max(props.initialStep, props.initialFurthest ?? 0));
  const [pending, setPending] = useState<null | "next" | "back" | "leave">(null);
  const [formError, setFormError] = useState<string | null>(null);
  /** The field errors of the last refusal, by the steps they are fixed on. */
  const [stepErrors, setStepErrors] = useState<Record<string, string[]> | undefined>(undefined);
  const [confirmations, setConfirmationsState] = useState<Confirmations>(props.initialConfirmations ?? { realMailDomain: "", noAccessReason: "" });
  const setConfirmations = (change: Partial<Confirmations>) => setConfirmationsState((c) => ({ ...c, ...change }));
  const headingRef = useRef<HTMLHeadingElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const firstRender = useRef(true);
  const form = useForm<WizardFormValues, unknown, SandboxOptions>({
    resolver: zodResolver(sandboxOptionsSchema),
    defaultValues: props.initialOptions,
    mode: "onTouched",
  });
  const current = WIZARD_STEPS[step]!;

  // Moving between steps puts focus on the new step's heading, so keyboard and screen-reader users start there.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  /** Says a refusal with the steps it is fixed on, marks the fields, and offers a way to each step. */
  function refused(message: string, fieldErrors: Record<string, string[]> | undefined) {
    setFormError(describeStepErrors(message, fieldErrors));
    setStepErrors(fieldErrors);
    applyServerErrors(fieldErrors, form.setError);
  }

  async function save(nextStep: number): Promise<boolean> {
    const options = sandboxOptionsSchema.safeParse(form.getValues());
    if (!options.success) {
      // A step left incomplete (a partial copy's date not given): said with its step, as the server would.
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of options.error.issues) (fieldErrors[["options", ...issue.path].join(".")] ??= []).push(issue.message);
      refused("Some choices need your attention.", fieldErrors);
      return false;
    }
    // Refresh mode keeps its edits in the form only; the server checks them again at the dry run and at the confirmation.
    if (props.mode === "refresh") return true;
    const result = await callAction(() => saveWizardDraftAction({ sandboxId: props.sandbox.id, step: nextStep, furthest: Math.max(furthest, nextStep), options: options.data, confirmations }));
    if (!result.ok) {
      refused(result.message, result.fieldErrors);
      return false;
    }
    return true;
  }

  async function next(target = step + 1) {
    // Busy buttons stay focusable (a disabled one drops the keyboard's place): a second press does nothing.
    if (pending !== null) return;
    setFormError(null);
    setStepErrors(undefined);
    const fields = STEP_FIELDS[current.id] as Path<WizardFormValues>[];
    const valid = fields.length === 0 || (await form.trigger(fields, { shouldFocus: true }));
    if (current.id === "access") {
      const over = exceedsOrder(form.getValues("users") ?? [], props.sandbox.planCounts);
      if (over.length) {
        form.setError("users", { type: "order", message: over.join(" ") });
        setFormError("More people are given a plan than the order has. Remove some, or change their plan.");
        return;
      }
    }
    if (!valid) {
      setFormError("Some fields need your attention.");
      focusFirstInvalid();
      return;
    }
    setPending("next");
    const saved = await save(target);
    setPending(null);
    if (!saved) return;
    setStep(target);
    setFurthest((f) => Math.max(f, target));
  }

  /**
   * The field a refusal marked, when the form's own focusing found none to take it (a
   * choice kept in the form by its component, such as a partial copy's named companies).
   * After the marks are drawn.
   */
  function focusFirstInvalid() {
    requestAnimationFrame(() => {
      if (document.activeElement?.getAttribute("aria-invalid") === "true") return;
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    });
  }

  /** To a step reached before, by its name in the steps above the form: back, or on past this one once it is checked. */
  function goTo(target: number) {
    if (target < step) void backTo(target);
    else if (target > step && target <= furthest) void next(target);
  }

  /** Back to an earlier step, by "Back" or by its name in the steps above the form. */
  async function backTo(earlier: number) {
    if (pending !== null || earlier >= step) return;
    setFormError(null);
    setStepErrors(undefined);
    setPending("back");
    // Going back never blocks on this step's errors: what was entered stays in the form either way.
    await save(earlier).catch(() => false);
    setPending(null);
    form.clearErrors();
    setFormError(null);
    setStepErrors(undefined);
    setStep(earlier);
  }

  async function saveAndLeave() {
    if (pending !== null) return;
    setFormError(null);
    setStepErrors(undefined);
    setPending("leave");
    const saved = await save(step);
    setPending(null);
    // The orders page says what was kept and where to go on from.
    if (saved) router.push(`/orders?saved=${encodeURIComponent(props.sandbox.id)}`);
    else setFormError((e) => e ?? "Fix the highlighted fields first, or go back to a step without errors.");
  }

  const stepProps = { form, data: props.data, sandbox: props.sandbox, mode: props.mode, confirmations, setConfirmations };
  return (
    <div className="mt-6">
      <WizardProgress step={step} furthest={furthest} mode={props.mode} onGoTo={goTo} />
      <form ref={formRef} onSubmit={(e) => e.preventDefault()} noValidate aria-labelledby="step-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="step-heading" ref={headingRef} tabIndex={-1} className="text-xl font-semibold">
          Step {step + 1} of {WIZARD_STEPS.length}: {current.title}
        </h2>
        <div className="mt-4">
          {current.id === "access" && <StepAccess {...stepProps} />}
          {current.id === "email" && <StepEmail {...stepProps} />}
          {current.id === "tasks" && <StepTasks {...stepProps} />}
          {current.id === "data" && <StepData {...stepProps} />}
          {current.id === "running" && <StepRunning {...stepProps} />}
          {current.id === "review" && <StepReview {...stepProps} goTo={setStep} />}
        </div>
        <div className="mt-6">
          <FormStatus message={formError} testId="wizard-error" />
          <StepErrorLinks fieldErrors={stepErrors} goTo={setStep} />
        </div>
        <div className="mt-4 flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4">
          {step > 0 && (
            <button type="button" onClick={() => void backTo(step - 1)} aria-disabled={pending !== null || undefined} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50 aria-disabled:opacity-60">
              {pending === "back" ? "Saving…" : "Back"}
            </button>
          )}
          {current.id !== "review" && (
            <button type="button" onClick={() => void next()} aria-disabled={pending !== null || undefined} aria-busy={pending === "next" || undefined} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 aria-disabled:opacity-60">
              {pending === "next" ? "Saving…" : "Next"}
            </button>
          )}
          {props.mode === "refresh" ? (
            <Link href={`/sandboxes/${props.sandbox.id}`} className="ml-auto px-3 py-2 text-sm font-medium text-brand-700 underline hover:text-brand-900">
              Cancel the refresh
            </Link>
          ) : (
            <button type="button" onClick={() => void saveAndLeave()} aria-disabled={pending !== null || undefined} className="ml-auto rounded-md px-3 py-2 text-sm font-medium text-brand-700 underline hover:text-brand-900 aria-disabled:opacity-60">
              {pending === "leave" ? "Saving…" : "Save and finish later"}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
