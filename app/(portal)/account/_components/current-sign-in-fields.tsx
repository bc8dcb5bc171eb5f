import type { UseFormRegisterReturn } from "react-hook-form";
import { TextField } from "@/components/text-field";

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
