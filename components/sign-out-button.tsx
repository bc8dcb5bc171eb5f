"use client";

import { signOut } from "next-auth/react";
import { signOutEverywhereAction } from "@/lib/auth/actions";
import { signInPathFor } from "@/lib/http/requested-path";
import { SECONDARY_BUTTON } from "@/components/button-styles";

export function SignOutButton() {
  return (
    <button type="button" onClick={() => void signOut({ callbackUrl: "/sign-in" })} className={SECONDARY_BUTTON}>
      Sign out
    </button>
  );
}

/** Ends the sessions on every other device as well (a lost laptop, a shared computer). */
export function SignOutEverywhereButton() {
  async function signOutEverywhere() {
    await signOutEverywhereAction();
    await signOut({ callbackUrl: "/sign-in" });
  }
  return (
    <button type="button" onClick={() => void signOutEverywhere()} className={SECONDARY_BUTTON}>
      Sign out everywhere
    </button>
  );
}

/** Signs out, then in again, back on `returnTo`: for what only a fresh sign-in may do (lib/auth/recent-sign-in.ts). */
export function SignInAgainButton({ returnTo }: { returnTo: string }) {
  return (
    <button type="button" onClick={() => void signOut({ callbackUrl: signInPathFor(returnTo) })} className={SECONDARY_BUTTON}>
      Sign in again
    </button>
  );
}
