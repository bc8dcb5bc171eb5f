/**
 * How the portal writes sizes, moments and durations: one home, so every page,
 * e-mail and CLI line says the same thing the same way. Pure and isomorphic.
 */

/** The zone moments are written in when the reader's is not known: the mails', the CLI's, and a first page. */
export const DEFAULT_TIME_ZONE = "UTC";

/** One formatter per zone (a few hundred zones exist, and only known ones reach here: time-zone.ts). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterIn(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone, timeZoneName: "short" });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * "30 Nov 2026, 18:40 UTC", or in the reader's zone, named: "30 Nov 2026, 19:40 CET",
 * "1 Dec 2026, 00:10 GMT+5:30". The zone is the server's to give (the page's reader's, from
 * their browser: viewer-time-zone.ts), so the server's render and the browser's hydration
 * write the same text. `missing` is what an absent moment reads as.
 */
export function formatWhen(value: Date | string | null | undefined, missing = "—", timeZone = DEFAULT_TIME_ZONE): string {
  if (!value) return missing;
  return formatterIn(timeZone).format(typeof value === "string" ? new Date(value) : value);
}

/** formatWhen in one zone: what a page hands its parts. */
export type WhenFormatter = (value: Date | string | null | undefined, missing?: string) => string;

export const whenIn =
  (timeZone: string): WhenFormatter =>
  (value, missing) =>
    formatWhen(value, missing, timeZone);

/** "846.2 MB": binary multiples, as PostgreSQL's sizes are. */
export function formatBytes(bytes: bigint | number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  let n = Number(bytes);
  const units = ["B", "KB", "MB", "GB", "TB"];
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** A measured duration, exact to the second: "1 h 5 min", "3 min 20 s", "12 s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}

/** An estimate, rounded as estimates should be: "under a minute", "about 3 minutes", "about 1 h 15 min". */
export function formatEstimate(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return "under a minute";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} h${rest ? ` ${rest} min` : ""}`;
}
