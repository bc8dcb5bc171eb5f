import type { FieldValues, Path, UseFormSetError } from "react-hook-form";

/** Shows a server action's refusals under the fields they are about: the server's checks are the final word. */
export function showServerFieldErrors<T extends FieldValues>(fieldErrors: Record<string, string[]> | undefined, setError: UseFormSetError<T>): void {
  for (const [field, messages] of Object.entries(fieldErrors ?? {})) setError(field as Path<T>, { type: "server", message: messages[0] });
}
