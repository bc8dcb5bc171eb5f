"use client";

import { signOut } from "next-auth/react";
import { SECONDARY_BUTTON } from "@/components/button-styles";
import { ShownOnce } from "@/components/shown-once";

/**
 * What follows a new key for the app (set up, or moved to a new phone): the recovery codes,
 * shown once, and the way back in, since every session of the account, this one too, has ended.
 */
export function CodesThenSignIn({ heading, note, codes, signInWith }: { heading: string; note: string; codes: string[]; signInWith: string }) {
  return (
    <div className="space-y-3">
      <ShownOnce heading={heading} note={note} value={codes} testId="recovery-codes" />
      <p className="text-sm text-slate-700">Every session of your account has ended. Sign in again with your password and {signInWith}.</p>
      <button type="button" className={SECONDARY_BUTTON} onClick={() => void signOut({ callbackUrl: "/sign-in" })}>
        Sign in again
      </button>
    </div>
  );
}
