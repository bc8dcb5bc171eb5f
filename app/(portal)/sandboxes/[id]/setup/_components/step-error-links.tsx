import { stepsWithErrors } from "./step-props";

/** A button to each step the server's field errors are fixed on, shown with the refusal. */
export function StepErrorLinks({ fieldErrors, goTo }: { fieldErrors: Record<string, string[]> | undefined; goTo: (step: number) => void }) {
  const steps = stepsWithErrors(fieldErrors);
  if (steps.length === 0) return null;
  return (
    <p className="mt-2 flex flex-wrap gap-3 text-sm">
      {steps.map((s) => (
        <button key={s.index} type="button" onClick={() => goTo(s.index)} className="font-medium text-brand-700 underline">
          Go to step {s.index + 1}: {s.title}
        </button>
      ))}
    </p>
  );
}
