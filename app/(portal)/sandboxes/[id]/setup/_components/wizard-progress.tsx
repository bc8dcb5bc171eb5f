import { WIZARD_STEPS, type WizardMode } from "@/lib/wizard/schema";

/** Where the user is in the wizard: an ordered list with the current step marked for assistive technology. */
export function WizardProgress({ step, mode }: { step: number; mode: WizardMode }) {
  return (
    <nav aria-label={mode === "refresh" ? "Refresh steps" : "Setup steps"}>
      <ol className="flex flex-wrap gap-2 text-sm">
        {WIZARD_STEPS.map((s, i) => (
          <li
            key={s.id}
            aria-current={i === step ? "step" : undefined}
            className={`rounded-full px-3 py-1 ${i === step ? "bg-brand-600 font-semibold text-white" : i < step ? "bg-brand-100 text-brand-900" : "bg-slate-100 text-slate-700"}`}
          >
            {/* Done is shown by a tick as well as by colour, and said in words. */}
            {i < step && <span aria-hidden="true">✓ </span>}
            {i + 1}. {s.title}
            {i < step && <span className="sr-only"> (done)</span>}
          </li>
        ))}
      </ol>
    </nav>
  );
}
