import type { ReactNode } from "react";
import { FieldError, useFieldIds } from "./field";

/** Checkboxes under one legend, with the group's error (such as "pick at least one") below them, tied to the group. */
export function CheckboxGroup({ legend, error, children }: { legend: ReactNode; error: string | undefined; children: ReactNode }) {
  const { errorId } = useFieldIds(undefined, error);
  return (
    <fieldset aria-describedby={errorId}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="mt-2 space-y-2">{children}</div>
      <FieldError id={errorId}>{error}</FieldError>
    </fieldset>
  );
}
