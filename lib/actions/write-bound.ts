/**
 * A bound on how many writing server actions one person makes in a window. Each such action
 * is audited, and some tell others (in the portal, by mail): a checklist tick, a notice
 * setting, an API token or a webhook endpoint made and removed in a loop, by hand or by a
 * script, wrote without end. Counted with the sign-in throttle's counters (auth/throttle.ts:
 * in the portal database, timed by its clock, counted before the work so a burst sent at once
 * cannot all pass), per person: one person's loop holds up nobody else.
 */
import "server-only";
import { reserveAttempt } from "../auth/throttle";
import { env } from "../config/env";
import { databaseNow } from "../db/database-clock";
import { AppError } from "../errors";

/**
 * Writing actions one person makes in the sign-in lock's window (LOGIN_LOCK_MINUTES), at most: ten a
 * minute over the default 15. An administrator disabling a departed team by hand, one confirmed
 * click every few seconds, never meets it; a loop meets it within seconds.
 */
export const WRITES_PER_WINDOW = 150;

/** Counts one writing action of `personId`; TOO_MANY_ATTEMPTS, saying when to try again, beyond the bound. */
export async function reserveWrite(personId: string): Promise<void> {
  const now = await databaseNow();
  const until = await reserveAttempt([{ key: `writes:${personId}`, maxFailures: WRITES_PER_WINDOW }], now);
  if (!until) return;
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  throw new AppError(
    "TOO_MANY_ATTEMPTS",
    `You have made ${WRITES_PER_WINDOW} changes in the last ${env().LOGIN_LOCK_MINUTES} minutes, the most allowed: try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
  );
}
