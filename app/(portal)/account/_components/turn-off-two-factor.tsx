"use client";

import { useAnnounce } from "@/components/page-announcer";
import { turnOffTwoFactorAction } from "@/lib/auth/actions";
import { CurrentSignInForm } from "./current-sign-in-form";

/**
 * A customer turns their own two-factor sign-in off (staff must keep it). `onTurnedOff`: the
 * page then offers set-up again, and this form, with the keyboard's place, is gone: the
 * announcement puts the keyboard on the section's heading, which now says "off".
 */
export function TurnOffTwoFactor({
  email,
  onTurnedOff,
  onCancel,
  onSignedOut,
}: {
  email: string;
  onTurnedOff: () => void;
  onCancel: () => void;
  onSignedOut: (message: string) => void;
}) {
  const announce = useAnnounce();
  return (
    <CurrentSignInForm
      email={email}
      heading="Turn off two-factor sign-in"
      intro={
        <p className="text-sm text-slate-700">
          Once it is off, your password alone opens your account: anyone who learns it is in. Your recovery codes stop working. You can turn it on again here at
          any time.
        </p>
      }
      submitLabel="Turn off two-factor sign-in"
      pendingLabel="Turning off…"
      tone="danger"
      action={turnOffTwoFactorAction}
      onDone={() => {
        announce("Two-factor sign-in is off.", "#two-factor-heading");
        onTurnedOff();
      }}
      onCancel={onCancel}
      onSignedOut={onSignedOut}
    />
  );
}
