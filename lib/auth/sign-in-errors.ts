/** Error codes the sign-in provider raises, and the words users see for them. */
export const SIGN_IN_ERROR = {
  invalid: "InvalidCredentials",
  throttled: "Throttled",
  codeRequired: "TwoFactorRequired",
  invalidCode: "InvalidTwoFactorCode",
  enrolmentRequired: "TwoFactorNotSetUp",
  staffSso: "StaffUsePassword",
  codeSso: "UsePasswordAndCode",
  otherSsoIdentity: "OtherSsoIdentity",
  disabled: "AccountDisabled",
  unavailable: "SignInUnavailable",
} as const;

/** The sign-in form asks for the one-time code after these. */
export const asksForCode = (code: string | null | undefined): boolean =>
  code === SIGN_IN_ERROR.codeRequired || code === SIGN_IN_ERROR.invalidCode;

export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  if (code === SIGN_IN_ERROR.throttled) {
    return "Too many failed sign-in attempts. For your security, sign-in is paused for a few minutes: please try again later.";
  }
  if (code === SIGN_IN_ERROR.codeRequired) return "Enter the 6-digit code from your authenticator app, or one of your recovery codes.";
  if (code === SIGN_IN_ERROR.invalidCode) return "That code is not valid, or was already used. Enter the current code from your authenticator app.";
  if (code === SIGN_IN_ERROR.enrolmentRequired) {
    return "Staff accounts sign in with two-factor authentication, which is not set up for yours yet. Ask an operator to set it up.";
  }
  if (code === SIGN_IN_ERROR.staffSso) return "Staff accounts sign in with their e-mail, password and authentication code, not single sign-on.";
  if (code === SIGN_IN_ERROR.codeSso) return "Your account signs in with its e-mail, password and authentication code, not single sign-on.";
  if (code === SIGN_IN_ERROR.otherSsoIdentity) {
    return "The portal account with your address signs in with another single sign-on identity. Sign in with your e-mail and password, or ask your administrator.";
  }
  if (code === SIGN_IN_ERROR.disabled) return "This account is disabled. Ask your administrator or your contact at the portal.";
  if (code === SIGN_IN_ERROR.unavailable) return "Sign-in is not available just now. Please try again in a minute.";
  if (code === "AccessDenied") return "Your single sign-on account has no access to this portal. Ask your administrator.";
  if (code === "SessionRequired") return "Please sign in to continue.";
  return "The e-mail or password is incorrect.";
}
