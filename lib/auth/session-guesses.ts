/**
 * A signed-in session's guesses at what proves its account (the current password, a code of
 * the second factor), before it changes how the account signs in. Each guess is counted before
 * it is checked, under the keys the caller names and under one of the session itself, from
 * every address (throttle.ts sessionPasswordThrottleKey), so a burst gets no more checks than
 * one by one; a right guess gives its counts back. The wrong ones are also counted apart, never
 * given back (a right guess in another request must not hide them): at the session's limit of
 * wrong guesses, or when a burst locks its key, the session ends, so a stolen cookie gets that
 * many guesses in all.
 */
import { AppError } from "../errors";
import type { Actor } from "./policy";
import { endSession } from "./sessions";
import { reserveAttempt, returnAttempt, sessionPasswordThrottleKey, triesUsedUp, type ThrottleKey } from "./throttle";

const SIGNED_OUT = "Too many wrong codes or passwords: for your security, this session is signed out. Sign in again.";

const sessionOf = (actor: Actor) => actor.sessionId ?? `user:${actor.id}`;
const sessionKeyOf = (actor: Actor) => sessionPasswordThrottleKey(sessionOf(actor));
/** The session's wrong guesses alone. */
const wrongKeyOf = (actor: Actor): ThrottleKey => ({ key: `session-wrong:${sessionOf(actor)}`, maxFailures: sessionKeyOf(actor).maxFailures });

/** Ends the session and throws UNAUTHENTICATED once it has had its tries (its wrong guesses, or a burst that locked it); returns otherwise. */
async function endIfUsedUp(actor: Actor): Promise<void> {
  if (!actor.sessionId) return;
  const [wrong, burst] = await Promise.all([triesUsedUp(wrongKeyOf(actor)), triesUsedUp(sessionKeyOf(actor))]);
  if (!wrong && !burst) return;
  await endSession(actor.sessionId);
  throw new AppError("UNAUTHENTICATED", SIGNED_OUT);
}

/** Counts a guess under `keys` and the session's; the keys counted, to give back when it is right. TOO_MANY_ATTEMPTS while locked. */
export async function reserveGuess(actor: Actor, keys: ThrottleKey[]): Promise<ThrottleKey[]> {
  const counted = [...keys, sessionKeyOf(actor)];
  if (await reserveAttempt(counted)) {
    await endIfUsedUp(actor);
    throw new AppError("TOO_MANY_ATTEMPTS");
  }
  return counted;
}

/** A wrong guess: the session ends if that was its last try; INVALID_INPUT with `fieldErrors` otherwise. */
export async function refuseWrongGuess(actor: Actor, fieldErrors: Record<string, string[]>): Promise<never> {
  await reserveAttempt([wrongKeyOf(actor)]);
  await endIfUsedUp(actor);
  throw new AppError("INVALID_INPUT", undefined, fieldErrors);
}

/** A right guess gives back what it counted on `keys` (the wrong ones before it stay counted). */
export const forgiveGuess = (keys: ThrottleKey[]): Promise<void> => returnAttempt(keys);
