import type { FieldValues, Path, UseFormRegisterReturn, UseFormReturn } from "react-hook-form";
import { showServerFieldErrors } from "@/components/server-field-errors";
import { TextField } from "@/components/text-field";
import type { ActionResult } from "@/lib/actions/safe-action";

/**
 * What every change to one's own two-factor sign-in asks for (lib/auth/two-factor-manage.ts):
 * a code from the app, or an unused recovery code for a lost phone, and the current password.
 * The fields come registered by each form's own schema.
 */
export function CurrentSignInFields({
  email,
  codeLabel = "Code from your app, or a recovery code",
  code,
  codeError,
  password,
  passwordError,
}: {
  email: string;
  codeLabel?: string;
  code: UseFormRegisterReturn<"currentCode">;
  codeError: string | undefined;
  password: UseFormRegisterReturn<"currentPassword">;
  passwordError: string | undefined;
}) {
  return (
    <>
      {/* For password managers: whose password this is. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <TextField label={codeLabel} hint="Lost your phone? One of your recovery codes works instead." autoComplete="one-time-code" error={codeError} {...code} />
      <TextField label="Current password" type="password" autoComplete="current-password" error={passwordError} {...password} />
    </>
  );
}

export type Refusal = Extract<ActionResult<unknown>, { ok: false }>;

/** A refused change: its words above the button, each field's under its field, and the keyboard on the first field refused (`fields` in the form's order). */
export function showRefusal<T extends FieldValues>(refusal: Refusal, form: Pick<UseFormReturn<T>, "setError" | "setFocus">, fields: Path<T>[], setStatus: (message: string) => void) {
  setStatus(refusal.message);
  showServerFieldErrors(refusal.fieldErrors, form.setError);
  const first = fields.find((field) => refusal.fieldErrors?.[field]);
  if (first) form.setFocus(first);
}
