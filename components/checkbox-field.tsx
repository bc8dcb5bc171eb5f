import { forwardRef, useId, type InputHTMLAttributes, type ReactNode } from "react";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { label: ReactNode; error?: string; hint?: string };

/** A labelled checkbox whose hint and error are linked with aria-describedby. */
export const CheckboxField = forwardRef<HTMLInputElement, Props>(function CheckboxField({ label, error, hint, className, ...input }, ref) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={className}>
      <div className="flex items-start gap-2">
        <input
          id={id}
          ref={ref}
          type="checkbox"
          aria-invalid={error ? true : undefined}
          aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
          className="mt-0.5 h-4 w-4 shrink-0 rounded border-slate-400 text-brand-600"
          {...input}
        />
        <label htmlFor={id} className="text-sm text-slate-800">
          {label}
        </label>
      </div>
      {hint && (
        <p id={hintId} className="ml-6 mt-0.5 text-xs text-slate-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="ml-6 mt-1 text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
});
