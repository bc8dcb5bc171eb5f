"use client";

import { useState } from "react";
import { ChangePasswordForm } from "./change-password-form";
import { ManageTwoFactor } from "./manage-two-factor";
import { TwoFactorPanel } from "./two-factor-panel";

/**
 * What a person changes of their own sign-in: their second factor (set up while it is off,
 * managed while it is on) and their password. Turning the second factor on, or moving it to a
 * new phone, ends every session, this one too: the password form then gives way to a word that
 * it has. `staff`: staff must keep two-factor sign-in, so they are not offered to turn it off.
 */
export function AccountSettings({ email, twoFactor, singleSignOn, staff }: { email: string; twoFactor: boolean; singleSignOn: boolean; staff: boolean }) {
  const [twoFactorOn, setTwoFactorOn] = useState(twoFactor);
  // Turned on here, the set-up panel keeps its place: it shows the recovery codes it made, once.
  const [panel, setPanel] = useState<"set-up" | "manage">(twoFactor ? "manage" : "set-up");
  const [sessionsEnded, setSessionsEnded] = useState(false);
  return (
    <>
      <section aria-labelledby="two-factor-heading" className="max-w-xl">
        <h2 id="two-factor-heading" className="text-lg font-semibold">
          Two-factor sign-in: <span data-testid="two-factor">{twoFactorOn ? "on" : "off"}</span>
        </h2>
        <div className="mt-2">
          {panel === "manage" ? (
            <ManageTwoFactor
              email={email}
              staff={staff}
              onSessionsEnded={() => setSessionsEnded(true)}
              onTurnedOff={() => {
                setTwoFactorOn(false);
                setPanel("set-up");
              }}
            />
          ) : (
            <TwoFactorPanel
              email={email}
              singleSignOn={singleSignOn}
              onSessionsEnded={() => {
                setTwoFactorOn(true);
                setSessionsEnded(true);
              }}
            />
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
