"use client";

import { useState } from "react";
import { SECONDARY_BUTTON } from "@/components/button-styles";
import { ShownOnce } from "@/components/shown-once";
import { renewRecoveryCodesAction } from "@/lib/auth/actions";
import { CurrentSignInForm } from "./current-sign-in-form";

/** Ten new recovery codes for the old ones (used up, or seen by someone else); sessions stay signed in. `onClose`: back to the choices. */
export function RenewRecoveryCodes({ email, onClose, onSignedOut }: { email: string; onClose: () => void; onSignedOut: (message: string) => void }) {
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  if (recoveryCodes) {
    return (
      <div className="space-y-3">
        <ShownOnce
          heading="Your new recovery codes"
          note="Your old recovery codes no longer work. Each new one works once, instead of a code from your app, if you lose your phone. Keep them somewhere safe: they are not shown again."
          value={recoveryCodes}
          testId="recovery-codes"
        />
        <button type="button" className={SECONDARY_BUTTON} onClick={onClose}>
          Done
        </button>
      </div>
    );
  }
  return (
    <CurrentSignInForm
      email={email}
      heading="New recovery codes"
      intro={<p className="text-sm text-slate-600">Ten new codes replace your old ones, used or not. You stay signed in.</p>}
      submitLabel="Get new recovery codes"
      pendingLabel="Making new codes…"
      action={renewRecoveryCodesAction}
      onDone={(data) => setRecoveryCodes(data.recoveryCodes)}
      onCancel={onClose}
      onSignedOut={onSignedOut}
    />
  );
}
