/**
 * All generated dates hang off one fixed reference moment, never the clock, so the
 * same seed gives the same database whenever it runs.
 */
export const REFERENCE_TIME = Date.UTC(2025, 5, 30, 12, 0, 0);

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const YEAR = 365 * DAY;

/** timestamptz literal for COPY. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** date literal for COPY. */
export function dateOnly(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Rounds down to the minute: CRM users type times, not milliseconds. */
export function toMinute(ms: number): number {
  return ms - (ms % MINUTE);
}
