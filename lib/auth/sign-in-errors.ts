/** Error codes the sign-in provider raises, and the words users see for them. */
export const SIGN_IN_ERROR = { invalid: "InvalidCredentials", throttled: "Throttled" } as const;

export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  if (code === SIGN_IN_ERROR.throttled) {
    return "Too many failed sign-in attempts. For your security, sign-in is paused for a few minutes: please try again later.";
  }
  if (code === "AccessDenied") return "Your single sign-on account has no access to this portal. Ask your administrator.";
  if (code === "SessionRequired") return "Please sign in to continue.";
  return "The e-mail or password is incorrect.";
}
