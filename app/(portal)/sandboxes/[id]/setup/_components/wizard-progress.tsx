import { WIZARD_STEPS, type WizardMode } from "@/lib/wizard/schema";

/**
 * Where the user is in the wizard: an ordered list with the current step marked for
 * assistive technology. Steps already done are buttons back to them (what was entered since
 * is kept); later ones are not, as each step is checked before the next is reached.
 */
export function WizardProgress({ step, mode, onBackTo }: { step: number; mode: WizardMode; onBackTo: (earlier: number) => void }) {
  return (
    <nav aria-label={mode === "refresh" ? "Refresh steps" : "Setup steps"}>
      <ol className="flex flex-wrap gap-2 text-sm">
        {WIZARD_STEPS.map((s, i) => {
          const done = i < step;
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
              {done ? (
                <button type="button" onClick={() => onBackTo(i)} className="rounded-full bg-brand-100 px-3 py-1 text-brand-900 underline-offset-2 hover:bg-brand-200 hover:underline">
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
