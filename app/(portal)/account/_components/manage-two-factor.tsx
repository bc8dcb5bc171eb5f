"use client";

import { useEffect, useRef, useState } from "react";
import { useAnnounce } from "@/components/page-announcer";
import { SignInAgainButton } from "@/components/sign-out-button";
import { RenewRecoveryCodes } from "./renew-recovery-codes";
import { ReplaceTwoFactor } from "./replace-two-factor";
import { TurnOffTwoFactor } from "./turn-off-two-factor";
import { SECONDARY_BUTTON } from "@/components/button-styles";

type Choice = "renew" | "replace" | "turn-off";
const CHOICE_LABEL: Record<Choice, string> = { renew: "New recovery codes", replace: "New phone", "turn-off": "Turn off two-factor sign-in" };

/** One choice open in the buttons' place, or the buttons; `back`: the keyboard returns to the one that opened what was closed. */
type View = { open: Choice } | { open: null; back?: Choice };

/**
 * What a person whose two-factor sign-in is on does with it themselves (lib/auth/two-factor-manage.ts):
 * new recovery codes, a new phone, or (customers; staff must keep it) turning it off. Each asks for
 * the current password and a code from the app or a recovery code. `onSessionsEnded`: a new phone
 * has ended every session; `onTurnedOff`: the page offers set-up again.
 */
export function ManageTwoFactor({
  email,
  staff,
  onSessionsEnded,
  onTurnedOff,
}: {
  email: string;
  staff: boolean;
  onSessionsEnded: () => void;
  onTurnedOff: () => void;
}) {
  const [view, setView] = useState<View>({ open: null });
  // Why this session has ended (too many wrong tries, or signed out elsewhere), in the server's words: nothing here works until the next sign-in.
  const [signedOutWhy, setSignedOutWhy] = useState<string | null>(null);
  const announce = useAnnounce();
  const buttons = useRef<Partial<Record<Choice, HTMLButtonElement | null>>>({});
  useEffect(() => {
    if (view.open === null && view.back) buttons.current[view.back]?.focus();
  }, [view]);

  if (signedOutWhy) {
    return (
      <div className="space-y-3">
        <p className="text-sm text-slate-700">{signedOutWhy}</p>
        <SignInAgainButton returnTo="/account" />
      </div>
    );
  }

  const close = (choice: Choice) => () => setView({ open: null, back: choice });
  // The form that was refused took the keyboard's place with it: the announcement puts it on the section's heading.
  const signedOut = (message: string) => {
    announce(message, "#two-factor-heading");
    setSignedOutWhy(message);
    // This session has ended: the password form below must not look usable either.
    onSessionsEnded();
  };

  if (view.open === "renew") return <RenewRecoveryCodes email={email} onClose={close("renew")} onSignedOut={signedOut} />;
  if (view.open === "replace") return <ReplaceTwoFactor email={email} onCancel={close("replace")} onSessionsEnded={onSessionsEnded} onSignedOut={signedOut} />;
  if (view.open === "turn-off") return <TurnOffTwoFactor email={email} onTurnedOff={onTurnedOff} onCancel={close("turn-off")} onSignedOut={signedOut} />;

  const choices: Choice[] = staff ? ["renew", "replace"] : ["renew", "replace", "turn-off"];
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">
        After your password, the portal asks for a code from your authenticator app. Lost your recovery codes, or a new phone? Each change here asks for your
        current password and a code from the app, or one of your recovery codes if the phone is lost.
        {staff && " Staff accounts must keep two-factor sign-in."}
      </p>
      <div className="flex flex-wrap gap-3">
        {choices.map((choice) => (
          <button
            key={choice}
            ref={(button) => {
              buttons.current[choice] = button;
            }}
            type="button"
            className={SECONDARY_BUTTON}
            onClick={() => setView({ open: choice })}
          >
            {CHOICE_LABEL[choice]}
          </button>
        ))}
      </div>
    </div>
  );
}
