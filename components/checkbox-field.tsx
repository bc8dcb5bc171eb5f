import { forwardRef, type InputHTMLAttributes, type ReactNode } from "react";
import { FieldError, FieldHint, useFieldIds } from "./field";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { label: ReactNode; error?: string; hint?: string };

/** A labelled checkbox whose hint and error are linked with aria-describedby. */
export const CheckboxField = forwardRef<HTMLInputElement, Props>(function CheckboxField({ label, error, hint, className, ...input }, ref) {
  const { id, hintId, errorId, describedBy } = useFieldIds(hint, error);
  return (
    <div className={className}>
      <div className="flex items-start gap-2">
        <input
          id={id}
          ref={ref}
          type="checkbox"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          className="mt-0.5 h-4 w-4 shrink-0 rounded border-slate-400 text-brand-600"
          {...input}
        />
        <label htmlFor={id} className="text-sm text-slate-800">
          {label}
        </label>
      </div>
      <FieldHint id={hintId} className="ml-6">
        {hint}
      </FieldHint>
      <FieldError id={errorId} className="ml-6">
        {error}
      </FieldError>
    </div>
  );
});
