import type { FieldValues, Path, UseFormReturn, UseFormSetError } from "react-hook-form";
import type { ActionResult } from "@/lib/actions/safe-action";

/** Shows a server action's refusals under the fields they are about: the server's checks are the final word. */
export function showServerFieldErrors<T extends FieldValues>(fieldErrors: Record<string, string[]> | undefined, setError: UseFormSetError<T>): void {
  for (const [field, messages] of Object.entries(fieldErrors ?? {})) setError(field as Path<T>, { type: "server", message: messages[0] });
}

export type Refusal = Extract<ActionResult<unknown>, { ok: false }>;

/** A refused change: its words above the button, each field's under its field, and the keyboard on the first field refused (`fields` in the order to look). */
export function showRefusal<T extends FieldValues>(refusal: Refusal, form: Pick<UseFormReturn<T>, "setError" | "setFocus">, fields: Path<T>[], setStatus: (message: string) => void) {
  setStatus(refusal.message);
  showServerFieldErrors(refusal.fieldErrors, form.setError);
  const first = fields.find((field) => refusal.fieldErrors?.[field]);
  if (first) form.setFocus(first);
}
