/**
 * The reader's time zone, as their browser names it: kept in a cookie the browser sets
 * (components/time-zone.tsx) and the server reads (viewer-time-zone.ts), so pages write
 * moments in the reader's own time from their first render. The cookie is the browser's
 * to write, so it is untrusted input: only a zone this runtime knows is taken.
 */

export const TIME_ZONE_COOKIE = "tz";

/** IANA names are short: "America/Argentina/ComodRivadavia" is among the longest. */
const MAX_ZONE_LENGTH = 64;
const ZONE_NAME = /^[A-Za-z0-9_+\-/]+$/;

/** The zone's canonical name ("europe/oslo" → "Europe/Oslo"), or null for anything the runtime does not know as one. */
export function knownTimeZone(value: string | null | undefined): string | null {
  if (!value || value.length > MAX_ZONE_LENGTH || !ZONE_NAME.test(value)) return null;
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
