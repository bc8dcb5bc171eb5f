import { forwardRef, type TextareaHTMLAttributes } from "react";
import { CONTROL_CLASS, StackedField, useFieldIds } from "./field";

type Props = TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; error?: string; hint?: string };

/** A labelled multi-line input whose hint and error are linked with aria-describedby. */
export const TextareaField = forwardRef<HTMLTextAreaElement, Props>(function TextareaField({ label, error, hint, className, ...input }, ref) {
  const ids = useFieldIds(hint, error);
  return (
    <StackedField ids={ids} label={label} hint={hint} error={error} className={className}>
      <textarea id={ids.id} ref={ref} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} className={CONTROL_CLASS} {...input} />
    </StackedField>
  );
});
