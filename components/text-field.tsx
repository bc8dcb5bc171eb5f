import { forwardRef, type InputHTMLAttributes } from "react";
import { CONTROL_CLASS, StackedField, useFieldIds } from "./field";

type Props = InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string; hint?: string };

/** A labelled input whose hint and error are linked with aria-describedby. */
export const TextField = forwardRef<HTMLInputElement, Props>(function TextField({ label, error, hint, className, ...input }, ref) {
  const ids = useFieldIds(hint, error);
  return (
    <StackedField ids={ids} label={label} hint={hint} error={error} className={className}>
      <input id={ids.id} ref={ref} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} className={CONTROL_CLASS} {...input} />
    </StackedField>
  );
});
