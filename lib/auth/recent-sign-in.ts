/**
 * What only a fresh sign-in may do: make an API token. A token outlives the session
 * it was made in (up to a year), so a session taken over on an unlocked computer or
 * through a stolen cookie must not be able to turn itself into one. Asking for a
 * sign-in within the last minutes, rather than the password again, works the same
 * for single sign-on and for a second factor.
 */
import { AppError } from "../errors";
import type { Actor } from "./policy";

export const RECENT_SIGN_IN_MINUTES = 15;

export function signedInRecently(actor: Actor, now = new Date()): boolean {
  if (!actor.signedInAt) return false;
  const age = now.getTime() - actor.signedInAt.getTime();
  return age >= -60_000 && age <= RECENT_SIGN_IN_MINUTES * 60_000;
}

const SIGN_IN_AGAIN_WORDS = `For your security, a token is made only within ${RECENT_SIGN_IN_MINUTES} minutes of signing in. Sign in again, then create it.`;

export function assertSignedInRecently(actor: Actor, now = new Date()): void {
  if (!signedInRecently(actor, now)) throw new AppError("FORBIDDEN", SIGN_IN_AGAIN_WORDS);
}
