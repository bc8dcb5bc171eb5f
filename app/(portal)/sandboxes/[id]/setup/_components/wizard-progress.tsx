import { WIZARD_STEPS, type WizardMode } from "@/lib/wizard/schema";

/**
 * Where the user is in the wizard: an ordered list with the current step marked for
 * assistive technology. Every step reached before is a button to it, earlier or later (what
 * was entered since is kept): an admin who goes back from the review to change one choice
 * returns to it in one press. Steps not reached yet are not, as each step is checked before
 * the next is reached.
 */
export function WizardProgress({ step, furthest, mode, onGoTo }: { step: number; furthest: number; mode: WizardMode; onGoTo: (target: number) => void }) {
  return (
    <nav aria-label={mode === "refresh" ? "Refresh steps" : "Setup steps"}>
      <ol className="flex flex-wrap gap-2 text-sm">
        {WIZARD_STEPS.map((s, i) => {
          const reached = i !== step && i <= furthest;
          const done = reached && i < furthest;
          // Done is shown by a tick as well as by colour, and said in words.
          const words = (
            <>
              {done && <span aria-hidden="true">✓ </span>}
              {i + 1}. {s.title}
              {done && <span className="sr-only"> (done)</span>}
            </>
          );
          return (
            <li key={s.id} aria-current={i === step ? "step" : undefined}>
              {reached ? (
                <button type="button" onClick={() => onGoTo(i)} className="rounded-full bg-brand-100 px-3 py-1 text-brand-900 underline-offset-2 hover:bg-brand-200 hover:underline">
                  {words}
                </button>
              ) : (
                <span className={`inline-block rounded-full px-3 py-1 ${i === step ? "bg-brand-600 font-semibold text-white" : "bg-slate-100 text-slate-700"}`}>{words}</span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
