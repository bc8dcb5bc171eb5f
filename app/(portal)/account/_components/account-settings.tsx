"use client";

import { useState } from "react";
import { ChangePasswordForm } from "./change-password-form";
import { TwoFactorPanel } from "./two-factor-panel";

/**
 * What a person changes of their own sign-in: their second factor (customers, while it is
 * off) and their password. Turning the second factor on ends every session, this one too:
 * the password form then gives way to a word that it has.
 */
export function AccountSettings({ email, twoFactor, singleSignOn }: { email: string; twoFactor: boolean; singleSignOn: boolean }) {
  const [sessionsEnded, setSessionsEnded] = useState(false);
  return (
    <>
      <section aria-labelledby="two-factor-heading" className="max-w-xl">
        <h2 id="two-factor-heading" className="text-lg font-semibold">
          Two-factor sign-in: <span data-testid="two-factor">{twoFactor || sessionsEnded ? "on" : "off"}</span>
        </h2>
        <div className="mt-2">
          {twoFactor ? (
            <p className="text-sm text-slate-600">
              After your password, the portal asks for a code from your authenticator app. To replace it (a new phone, lost recovery codes) or turn it off, ask an
              operator.
            </p>
          ) : (
            <TwoFactorPanel email={email} singleSignOn={singleSignOn} onSessionsEnded={() => setSessionsEnded(true)} />
          )}
        </div>
      </section>
      <section aria-labelledby="password-heading" className="max-w-md">
        <h2 id="password-heading" className="text-lg font-semibold">
          Change your password
        </h2>
        {sessionsEnded ? (
          <p className="mt-1 text-sm text-slate-600">Sign in again first: every session of your account has ended.</p>
        ) : (
          <>
            <p className="mt-1 text-sm text-slate-600">
              {singleSignOn ? "This is the password for signing in with your e-mail; single sign-on is unchanged. " : ""}
              Changing it signs you out everywhere, here too: sign in again with the new one.
            </p>
            <div className="mt-3">
              <ChangePasswordForm email={email} />
            </div>
          </>
        )}
      </section>
    </>
  );
}
