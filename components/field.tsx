import { useId, type ReactNode } from "react";

/** Ids that tie a control to its hint and error, for aria-describedby. */
export function useFieldIds(hint: string | undefined, error: string | undefined) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return { id, hintId, errorId, describedBy: [hintId, errorId].filter(Boolean).join(" ") || undefined };
}

export const CONTROL_CLASS =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm aria-[invalid=true]:border-red-600";

export function FieldHint({ id, children, className = "" }: { id: string | undefined; children: ReactNode; className?: string }) {
  if (!children) return null;
  return (
    <p id={id} className={`mt-0.5 text-xs text-slate-600 ${className}`}>
      {children}
    </p>
  );
}

export function FieldError({ id, children, className = "" }: { id: string | undefined; children: ReactNode; className?: string }) {
  if (!children) return null;
  return (
    <p id={id} className={`mt-1 text-sm text-red-700 ${className}`}>
      {children}
    </p>
  );
}

/** Label above, hint below it, the control, then its error: the frame of every text-like field. */
export function StackedField(props: {
  ids: ReturnType<typeof useFieldIds>;
  label: ReactNode;
  hint?: string;
  error?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={props.className}>
      <label htmlFor={props.ids.id} className="block text-sm font-medium text-slate-800">
        {props.label}
      </label>
      <FieldHint id={props.ids.hintId}>{props.hint}</FieldHint>
      {props.children}
      <FieldError id={props.ids.errorId}>{props.error}</FieldError>
    </div>
  );
}
